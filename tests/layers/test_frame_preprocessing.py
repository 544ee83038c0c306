import keras
import numpy as np
import pytest
import tensorflow as tf

from seqkit.layers import FramePreprocessing

FRAMES = np.random.default_rng(0).integers(0, 256, size=(2, 5, 32, 32, 3)).astype("uint8")
LENGTHS = np.array([5, 3], "int32")


def _block_mean(frames):
    """NumPy 2x downscaling: bilinear with half-pixel centres averages each 2x2 block exactly."""
    x = frames.astype("float64")
    b, t, h, w, c = x.shape
    return x.reshape(b, t, h // 2, 2, w // 2, 2, c).mean(axis=(3, 5))


def _differences(x, lengths=None):
    differences = np.zeros_like(x)
    differences[:, 1:] = x[:, 1:] - x[:, :-1]
    if lengths is not None:
        for row, length in enumerate(lengths):
            differences[row, length:] = 0.0
    return differences


@pytest.mark.parametrize(
    "scale, expected",
    [("unit", lambda x: x / 255.0), ("symmetric", lambda x: x / 127.5 - 1.0), ("none", lambda x: x)],
)
def test_cast_resize_and_scale_match_numpy(scale, expected):
    outputs = FramePreprocessing(frame_size=16, scale=scale)(FRAMES)
    assert outputs.dtype == "float32" and tuple(outputs.shape) == (2, 5, 16, 16, 3)
    np.testing.assert_allclose(outputs, expected(_block_mean(FRAMES)), atol=1e-4)


def test_without_resize_scaling_is_exact_and_float_input_works():
    x = FRAMES.astype("float64")
    np.testing.assert_array_equal(FramePreprocessing(scale="none")(FRAMES), x.astype("float32"))
    # The frame size already matches: no resize, values untouched.
    np.testing.assert_array_equal(FramePreprocessing(32, scale="none")(FRAMES.astype("float32")), x.astype("float32"))
    np.testing.assert_allclose(FramePreprocessing(scale="unit")(FRAMES), x / 255.0, rtol=1e-6)
    symmetric = FramePreprocessing(scale="symmetric")(FRAMES).numpy()
    np.testing.assert_allclose(symmetric, x / 127.5 - 1.0, atol=1e-6)
    assert symmetric.min() >= -1.0 and symmetric.max() <= 1.0


def test_resize_to_another_aspect_matches_tf_image_resize():
    frames = FRAMES[:, :, :24, :20]
    outputs = FramePreprocessing(frame_size=16, scale="none")(frames)
    reference = tf.image.resize(tf.reshape(tf.cast(frames, tf.float32), (-1, 24, 20, 3)), (16, 16), "bilinear")
    np.testing.assert_allclose(outputs, tf.reshape(reference, (2, 5, 16, 16, 3)), atol=1e-4)


def test_frame_differences_zero_at_start_and_after_lengths():
    layer = FramePreprocessing(frame_differences=True, scale="unit")
    x = FRAMES.astype("float64") / 255.0
    outputs = layer(FRAMES).numpy()
    assert outputs.shape == (2, 5, 32, 32, 6)
    np.testing.assert_allclose(outputs[..., :3], x, rtol=1e-6)
    np.testing.assert_allclose(outputs[..., 3:], _differences(x), atol=1e-6)
    assert np.all(outputs[:, 0, ..., 3:] == 0.0)

    masked = layer(FRAMES, lengths=LENGTHS).numpy()
    np.testing.assert_allclose(masked[..., 3:], _differences(x, LENGTHS), atol=1e-6)
    assert np.all(masked[1, 3:, ..., 3:] == 0.0)
    np.testing.assert_array_equal(masked[0], outputs[0])  # full-length clip: nothing masked
    # Padding frames do not leak into the real frames' differences.
    other = FRAMES.copy()
    other[1, 3:] = 255 - other[1, 3:]
    np.testing.assert_array_equal(layer(other, lengths=LENGTHS)[1, :3], masked[1, :3])


def test_functional_model_with_unknown_dimensions_in_graph_mode():
    frames = keras.Input((None, None, None, 3), dtype="uint8")
    lengths = keras.Input((), dtype="int32")
    layer = FramePreprocessing(frame_size=16, frame_differences=True)
    outputs = layer(frames, lengths)
    assert tuple(outputs.shape) == (None, None, 16, 16, 6)
    model = keras.Model([frames, lengths], outputs)
    serve = tf.function(
        model,
        input_signature=[[tf.TensorSpec((None, None, None, None, 3), tf.uint8), tf.TensorSpec((None,), tf.int32)]],
    )
    np.testing.assert_allclose(serve([FRAMES, LENGTHS]), layer(FRAMES, LENGTHS), atol=1e-6)
    short = FRAMES[:1, :2, :20]  # another batch size, clip length and frame height
    np.testing.assert_allclose(serve([short, LENGTHS[:1]]), layer(short, LENGTHS[:1]), atol=1e-6)


def test_config_round_trips_and_bad_arguments_raise():
    layer = FramePreprocessing(frame_size=16, frame_differences=True, scale="symmetric", name="pre")
    config = layer.get_config()
    assert FramePreprocessing.from_config(config).get_config() == config
    restored = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(layer))
    assert isinstance(restored, FramePreprocessing) and restored.get_config() == config
    with pytest.raises(ValueError, match="`frame_size` must be None or a positive integer. Received: frame_size=0"):
        FramePreprocessing(frame_size=0)
    with pytest.raises(ValueError, match="`scale` must be one of"):
        FramePreprocessing(scale="imagenet")
    with pytest.raises(ValueError, match="`frame_differences` must be a boolean"):
        FramePreprocessing(frame_differences="yes")
