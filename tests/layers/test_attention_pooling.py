"""AttentionPooling against a NumPy implementation of its equations, masking, serialization, the classifier."""

import keras
import numpy as np
import pytest

from seqkit.layers import AttentionPooling


def numpy_attention_pooling(x, mask, kernel, bias, query):
    """e_t = v . tanh(W h_t + b); alpha = softmax over the unmasked steps; output sum_t alpha_t h_t."""
    scores = np.tanh(x @ kernel + bias) @ query
    pooled = np.zeros((x.shape[0], x.shape[2]))
    weights = np.zeros(x.shape[:2])
    for row in range(x.shape[0]):
        steps = np.flatnonzero(mask[row])
        if steps.size == 0:
            continue
        e = np.exp(scores[row, steps] - scores[row, steps].max())
        weights[row, steps] = e / e.sum()
        pooled[row] = weights[row] @ x[row]
    return pooled, weights


def test_matches_numpy_with_masks_and_an_empty_row():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(4, 6, 5)).astype("float32")
    mask = np.array([[1, 1, 1, 1, 1, 1], [1, 1, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0], [1, 0, 1, 1, 0, 1]], bool)
    layer = AttentionPooling(units=3)
    layer.build(x.shape)
    layer.set_weights([rng.normal(size=(5, 3)), rng.normal(size=(3,)), rng.normal(size=(3,))])
    pooled, weights = layer(x, mask=mask, return_weights=True)
    expected_pooled, expected_weights = numpy_attention_pooling(x, mask, *layer.get_weights())
    np.testing.assert_allclose(weights.numpy(), expected_weights, atol=1e-6)
    np.testing.assert_allclose(pooled.numpy(), expected_pooled, atol=1e-5)
    assert np.all(pooled.numpy()[2] == 0.0)  # no unmasked step: zeros


def test_padding_values_never_change_the_output():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(2, 5, 4)).astype("float32")
    mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], bool)
    layer = AttentionPooling(units=4)
    first = layer(x, mask=mask).numpy()
    x[0, 3:] = 1e3
    np.testing.assert_allclose(layer(x, mask=mask).numpy(), first, atol=1e-6)
    # Without a mask every step counts: the same as an all-True mask.
    np.testing.assert_allclose(layer(x).numpy(), layer(x, mask=np.ones((2, 5), bool)).numpy(), atol=1e-6)


def test_the_keras_mask_of_the_inputs_is_used():
    ids = np.array([[3, 4, 0, 0]])
    embedded = keras.layers.Embedding(6, 4, mask_zero=True)
    layer = AttentionPooling(units=2)
    vectors = embedded(ids)
    np.testing.assert_allclose(
        layer(vectors).numpy(), layer(vectors, mask=ids != 0).numpy(), atol=1e-6
    )
    assert not np.allclose(layer(vectors).numpy(), layer(vectors, mask=np.ones((1, 4), bool)).numpy())


def test_saves_and_loads_in_a_model(tmp_path):
    inputs = keras.Input((None, 3))
    model = keras.Model(inputs, AttentionPooling(units=2, name="attend")(inputs))
    x = np.random.default_rng(3).normal(size=(2, 4, 3)).astype("float32")
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert loaded.get_layer("attend").units == 2
    np.testing.assert_allclose(loaded(x).numpy(), model(x).numpy(), atol=1e-6)


@pytest.mark.parametrize("units", [0, -1, 1.5, True, "4"])
def test_bad_units_are_refused(units):
    with pytest.raises(ValueError, match="`units` must be a positive integer. Received: units="):
        AttentionPooling(units=units)


def test_features_must_be_known():
    with pytest.raises(ValueError, match="known features"):
        AttentionPooling().build((None, None, None))


def test_sequence_classifier_pools_with_attention_and_ignores_padding():
    from seqkit.tasks import sequence_classifier

    model = sequence_classifier(vocabulary_size=10, num_classes=3, embedding_dim=4, units=4, pooling="attention")
    assert isinstance(model.get_layer("pooling"), AttentionPooling)
    ids = np.array([[1, 2, 3, 0, 0]])
    longer = np.array([[1, 2, 3, 0, 0, 0, 0]])
    np.testing.assert_allclose(model({"token_ids": ids}).numpy(), model({"token_ids": longer}).numpy(), atol=1e-5)
