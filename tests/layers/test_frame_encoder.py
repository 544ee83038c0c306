import keras
import numpy as np
import pytest
import tensorflow as tf

from seqkit.layers import FrameEncoder

FRAMES = np.random.default_rng(0).uniform(size=(2, 4, 16, 16, 3)).astype("float32")


def test_output_shape_and_unknown_dimensions():
    encoder = FrameEncoder(filters=(4, 8), kernel_size=3)
    assert tuple(encoder(FRAMES).shape) == (2, 4, 8)
    inputs = keras.Input((None, None, None, 3))
    outputs = encoder(inputs)
    assert tuple(outputs.shape) == (None, None, 8)
    serve = tf.function(keras.Model(inputs, outputs), input_signature=[tf.TensorSpec((None, None, None, None, 3))])
    # Odd frame sizes: "same" pooling never reaches an empty map.
    assert tuple(serve(FRAMES[:1, :3, :5, :7]).shape) == (1, 3, 8)


def test_frames_are_encoded_alone_so_padding_changes_nothing():
    encoder = FrameEncoder(filters=(4, 8))
    encoded = encoder(FRAMES).numpy()
    padded = np.concatenate([FRAMES, np.zeros((2, 3, 16, 16, 3), "float32")], axis=1)
    np.testing.assert_allclose(encoder(padded)[:, :4], encoded, atol=1e-6)
    # One frame at a time gives the same vectors.
    alone = np.stack([encoder(FRAMES[:, t : t + 1])[:, 0] for t in range(4)], axis=1)
    np.testing.assert_allclose(alone, encoded, atol=1e-6)
    # A clip's vectors do not depend on the other clips of the batch.
    np.testing.assert_allclose(encoder(FRAMES[1:])[0], encoded[1], atol=1e-6)


def test_dropout_only_in_training():
    encoder = FrameEncoder(filters=(4,), dropout=0.5)
    np.testing.assert_array_equal(encoder(FRAMES), encoder(FRAMES, training=False))
    assert not np.allclose(encoder(FRAMES, training=True), encoder(FRAMES))


def test_config_round_trip_and_save_load(tmp_path):
    encoder = FrameEncoder(filters=(4, 8), kernel_size=5, dropout=0.1, name="encoder")
    config = encoder.get_config()
    assert FrameEncoder.from_config(config).get_config() == config
    inputs = keras.Input((None, 16, 16, 3))
    model = keras.Model(inputs, encoder(inputs))
    path = tmp_path / "encoder.keras"
    model.save(path)
    restored = keras.saving.load_model(path)
    assert isinstance(restored.get_layer("encoder"), FrameEncoder)
    np.testing.assert_allclose(restored(FRAMES), model(FRAMES), atol=1e-6)


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="`filters` must be a non-empty tuple of positive integers"):
        FrameEncoder(filters=())
    with pytest.raises(ValueError, match="`kernel_size` must be a positive integer. Received: kernel_size=0"):
        FrameEncoder(kernel_size=0)
    with pytest.raises(ValueError, match="`dropout` must be a float in"):
        FrameEncoder(dropout=1.0)


def test_grid_keeps_where_a_blob_is():
    encoder = FrameEncoder(filters=(3,), kernel_size=1, grid=2)
    frames = np.zeros((1, 2, 8, 8, 3), "float32")
    frames[0, 0, :4, :4] = 1.0  # top-left blob
    frames[0, 1, 4:, 4:] = 1.0  # bottom-right blob
    # Positive 1x1 kernels: a random kernel can be negative on every channel and ReLU would zero both frames.
    encoder.build(frames.shape)
    encoder.convolutions[0].set_weights([np.full((1, 1, 3, 3), 0.5, "float32"), np.zeros(3, "float32")])
    out = np.asarray(encoder(frames))
    assert out.shape == (1, 2, 12)
    cells = out.reshape(2, 2, 2, 3)  # (time, row, column, filters)
    assert not np.allclose(cells[0], cells[1])
    # The averaged encoder cannot tell the two frames apart: same blob, other place.
    average = FrameEncoder(filters=(3,), kernel_size=1)
    average.build(frames.shape)
    average.convolutions[0].set_weights(encoder.convolutions[0].get_weights())
    flat = np.asarray(average(frames))
    np.testing.assert_allclose(flat[0, 0], flat[0, 1], atol=1e-6)
    # Each cell's value is the mean over its quadrant of the pooled map: only one quadrant is non-zero per frame.
    assert (np.abs(cells[0]).sum(axis=-1) > 0).sum() <= 1 + (np.abs(cells[0, 1:, 1:]).sum() > 0)


def test_grid_round_trips_in_config():
    encoder = FrameEncoder(filters=(4,), grid=3)
    assert FrameEncoder.from_config(encoder.get_config()).grid == 3
    with pytest.raises(ValueError, match="`grid` must be None or a positive integer"):
        FrameEncoder(grid=0)


def test_grid_average_matches_numpy_cell_means():
    from seqkit.layers.frame_encoder import _grid_average

    x = np.random.default_rng(0).normal(size=(2, 5, 6, 3)).astype("float32")
    out = np.asarray(_grid_average(x, 2)).reshape(2, 2, 2, 3)
    rows, columns = [(0, 3), (2, 5)], [(0, 3), (3, 6)]  # floor(i*5/2)..ceil((i+1)*5/2), and 6 splits evenly
    for i, (r0, r1) in enumerate(rows):
        for j, (c0, c1) in enumerate(columns):
            np.testing.assert_allclose(out[:, i, j], x[:, r0:r1, c0:c1].mean(axis=(1, 2)), atol=1e-6)


def test_grid_encoder_has_gradients():
    encoder = FrameEncoder(filters=(2,), grid=2)
    frames = tf.random.normal((1, 2, 8, 8, 3))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(encoder(frames) ** 2)
    gradients = tape.gradient(loss, encoder.trainable_weights)
    assert all(g is not None and float(tf.reduce_sum(tf.abs(g))) > 0 for g in gradients)
