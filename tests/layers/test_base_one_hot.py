import keras
import numpy as np
import tensorflow as tf

import seqkit.layers  # noqa: F401  (registers the layers)
from seqkit.data.dna.alphabet import BASE_DISTRIBUTIONS, tf_encode_bases
from seqkit.layers import BaseOneHot

CODES = np.array([[1, 2, 3, 4, 5, 6, 0, 0], [12, 13, 14, 15, 7, 8, 9, 10], [11, 0, 0, 0, 0, 0, 0, 0]], "int32")


def test_values_are_the_base_distributions_and_padding_is_masked():
    layer = BaseOneHot()
    output = keras.ops.convert_to_numpy(layer(CODES))
    assert output.shape == (3, 8, 4) and output.dtype == np.float32
    np.testing.assert_array_equal(output, BASE_DISTRIBUTIONS[CODES])
    np.testing.assert_allclose(output[0, 5], [0.5, 0, 0.5, 0])  # R
    np.testing.assert_allclose(output[1, 0], [0, 1 / 3, 1 / 3, 1 / 3], rtol=1e-6)  # B
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer.compute_mask(CODES)), CODES != 0)
    assert layer.weights == [] and layer.compute_output_shape((None, None)) == (None, None, 4)


def test_uint8_codes_out_of_range_codes_and_mixed_precision():
    layer = BaseOneHot(dtype="mixed_bfloat16")
    output = layer(np.array([[1, 4, 0]], "uint8"))
    assert keras.backend.standardize_dtype(output.dtype) == "bfloat16"
    values = keras.ops.convert_to_numpy(output).astype("float32")
    np.testing.assert_array_equal(values, BASE_DISTRIBUTIONS[[[1, 4, 0]]])
    # A code outside 0..15 reads as N.
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(BaseOneHot()(np.array([[16, -1]]))), np.full((1, 2, 4), 0.25))


def test_combined_with_an_incoming_mask():
    mask = np.array([[True, False, True]])
    result = BaseOneHot().compute_mask(np.array([[1, 2, 0]]), mask)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(result), [[True, False, False]])


def test_config_round_trip():
    layer = BaseOneHot(name="bases")
    config = layer.get_config()
    assert config["name"] == "bases"
    assert BaseOneHot.from_config(config).get_config() == config
    assert keras.saving.get_registered_name(BaseOneHot) == "seqkit>BaseOneHot"


def _model():
    inputs = keras.Input((None,), dtype="int32")
    features = BaseOneHot()(inputs)
    # The mask reaches the recurrent layer, so padding after a sequence does not change its state.
    hidden = keras.layers.GRU(3)(features)
    return keras.Model(inputs, [features, hidden])


def test_functional_model_saves_and_loads_without_custom_objects(tmp_path):
    keras.utils.set_random_seed(0)
    model = _model()
    features, hidden = model.predict(CODES, verbose=0)
    np.testing.assert_array_equal(features, BASE_DISTRIBUTIONS[CODES])
    # Masked padding: a sequence's final state does not depend on the padding after it.
    _, short = model.predict(CODES[2:, :1], verbose=0)
    np.testing.assert_allclose(hidden[2], short[0], atol=1e-6)

    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded.layers[1], BaseOneHot)
    for original, reloaded in zip(model.predict(CODES, verbose=0), loaded.predict(CODES, verbose=0)):
        np.testing.assert_allclose(reloaded, original, atol=1e-6)


def test_serving_from_strings():
    model = keras.Sequential([keras.Input((None,), dtype="int32"), BaseOneHot()])

    @tf.function(input_signature=[tf.TensorSpec((None,), tf.string)])
    def serve(strings):
        codes, lengths = tf_encode_bases(strings)
        return model(codes), lengths

    features, lengths = serve(tf.constant(["ACgR", "nX"]))
    expected = BASE_DISTRIBUTIONS[[[1, 2, 3, 6], [5, 5, 0, 0]]]
    np.testing.assert_array_equal(features.numpy(), expected)
    assert lengths.numpy().tolist() == [4, 2]
