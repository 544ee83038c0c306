import keras
import numpy as np
import pytest
import tensorflow as tf

from seqkit.layers import MaskedPooling

INPUTS = np.random.default_rng(0).normal(size=(4, 5, 3)).astype("float32")
MASK = np.array(
    [
        [True, True, True, True, True],
        [True, True, False, False, False],
        [False, True, False, True, False],  # holes: "last" is step 3
        [False] * 5,  # nothing to pool
    ]
)


def _pool(steps, mode):
    """NumPy pooling of the unmasked `steps` `(n, features)` of one sequence."""
    if not len(steps):
        return np.zeros(steps.shape[-1], "float32")
    return {"mean": steps.mean(0), "max": steps.max(0), "last": steps[-1]}[mode]


def _expected(mode):
    return np.stack([_pool(x[m], mode) for x, m in zip(INPUTS, MASK)])


@pytest.mark.parametrize("mode", ["mean", "max", "last"])
def test_matches_numpy(mode):
    pooled = MaskedPooling(mode)(INPUTS, mask=MASK)
    np.testing.assert_allclose(pooled, _expected(mode), atol=1e-6)


@pytest.mark.parametrize(
    "mode, expected",
    [("mean", INPUTS.mean(1)), ("max", INPUTS.max(1)), ("last", INPUTS[:, -1])],
)
def test_without_mask_every_step_counts(mode, expected):
    np.testing.assert_allclose(MaskedPooling(mode)(INPUTS), expected, atol=1e-6)


@pytest.mark.parametrize("mode", ["mean", "max", "last"])
def test_keras_mask_in_functional_model_with_unknown_length(mode):
    tokens = np.array([[1, 2, 3, 0], [4, 0, 0, 0]], "int32")
    inputs = keras.Input((None,), dtype="int32")
    embedded = keras.layers.Embedding(5, 3, mask_zero=True)(inputs)
    model = keras.Model(inputs, MaskedPooling(mode)(embedded))
    table = keras.ops.convert_to_numpy(model.layers[1].embeddings)
    expected = np.stack([_pool(table[[1, 2, 3]], mode), _pool(table[[4]], mode)])
    np.testing.assert_allclose(model.predict(tokens, verbose=0), expected, atol=1e-6)

    serve = tf.function(model, input_signature=[tf.TensorSpec((None, None), tf.int32)])
    np.testing.assert_allclose(serve(tokens[:1, :2])[0], _pool(table[[1, 2]], mode), atol=1e-6)


def test_output_has_no_mask_and_config_round_trips():
    layer = MaskedPooling("last", name="pool")
    assert layer.compute_mask(INPUTS, MASK) is None
    assert layer.compute_output_shape((None, None, 3)) == (None, 3)
    config = layer.get_config()
    assert MaskedPooling.from_config(config).get_config() == config


def test_mode_error():
    with pytest.raises(ValueError, match="Received: mode='sum'"):
        MaskedPooling("sum")
