import keras
import numpy as np
import pytest

from seqkit.layers import InputFeedingDecoder

RNG = np.random.default_rng(0)
EMBEDDED = RNG.normal(size=(2, 4, 3)).astype("float32")
TARGET_MASK = np.array([[True, True, True, False], [True] * 4])
ENCODED = RNG.normal(size=(2, 5, 6)).astype("float32")
SOURCE_MASK = np.array([[True, True, True, False, False], [True] * 5])


def _numpy(tensors):
    return [keras.ops.convert_to_numpy(t) for t in tensors]


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _softmax(scores, mask):
    scores = np.where(mask, scores, -np.inf)
    exp = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return exp / exp.sum(axis=-1, keepdims=True)


def _cell_step(cell, x, h):
    """One step of seqkit's simple RNN or full GRU cell, in NumPy."""
    kernel, recurrent, bias = _numpy([cell.kernel, cell.recurrent_kernel, cell.bias])
    if type(cell).__name__ == "SimpleRNNCell":
        return np.tanh(x @ kernel + h @ recurrent + bias)
    units = cell.units
    z = x @ kernel + bias
    gates = _sigmoid(z[:, : 2 * units] + h @ recurrent[:, : 2 * units])
    update, relevance = gates[:, :units], gates[:, units:]
    candidate = np.tanh(z[:, 2 * units :] + (relevance * h) @ recurrent[:, 2 * units :])
    return update * candidate + (1.0 - update) * h


def _scores(layer, query, values):
    """Attention scores `(batch, Tx)` of one query `(batch, units)`."""
    attention = layer.attention
    if layer.attention_name == "bahdanau":
        w1, w2, v = _numpy(attention.weights)
        return np.tanh((query @ w1)[:, None, :] + values @ w2) @ v
    keys = values @ _numpy(attention.weights)[0] if layer.score == "general" else values
    return np.einsum("bu,btu->bt", query, keys)


def _reference(layer, embedded, values, source_mask, h0):
    """Input feeding, step by step (Luong et al., 2015), for one layer."""
    (projection,) = _numpy(layer.projection.weights)
    h, feed = h0, np.zeros((len(embedded), layer.output_dim), "float32")
    feeds, weights = [], []
    for t in range(embedded.shape[1]):
        h = _cell_step(layer.cells[0], np.concatenate([embedded[:, t], feed], axis=-1), h)
        alpha = _softmax(_scores(layer, h, values), source_mask)
        context = np.einsum("bt,btd->bd", alpha, values)
        feed = np.tanh(np.concatenate([h, context], axis=-1) @ projection)
        feeds.append(feed)
        weights.append(alpha)
    return np.stack(feeds, axis=1), np.stack(weights, axis=1), h, feed


@pytest.mark.parametrize(
    "cell, attention, score, units",
    [
        ("rnn", "luong", "general", 5),
        ("gru", "luong", "general", 5),
        ("gru", "luong", "dot", 6),
        ("rnn", "bahdanau", "general", 5),
    ],
)
def test_matches_numpy(cell, attention, score, units):
    layer = InputFeedingDecoder(cell, units, attention=attention, score=score, attention_units=4, output_dim=3)
    h0 = RNG.normal(size=(2, units)).astype("float32")
    feeds, weights, h, feed = _numpy(layer(EMBEDDED, ENCODED, SOURCE_MASK, initial_states=[h0]))
    expected = _reference(layer, EMBEDDED, ENCODED, SOURCE_MASK, h0)
    assert feeds.shape == (2, 4, 3) and weights.shape == (2, 4, 5)
    for got, want in zip((feeds, weights, h, feed), expected):
        np.testing.assert_allclose(got, want, atol=1e-5)
    np.testing.assert_array_equal(weights[0, :, 3:], 0.0)


def test_masked_steps_keep_every_state():
    layer = InputFeedingDecoder("lstm", 4, num_layers=2, output_dim=3)
    outputs = _numpy(layer(EMBEDDED, ENCODED, SOURCE_MASK, mask=TARGET_MASK))
    shorter = _numpy(layer(EMBEDDED[:1, :3], ENCODED[:1], SOURCE_MASK[:1]))
    # Row 0's last step is padding: its final states are those after 3 steps.
    for got, want in zip(outputs[2:], shorter[2:]):
        np.testing.assert_allclose(got[:1], want, atol=1e-6)
    np.testing.assert_allclose(outputs[0][:1, :3], shorter[0], atol=1e-6)


def test_state_layout_and_initial_states():
    layer = InputFeedingDecoder("lstm", 4, num_layers=2, attention="bahdanau", output_dim=3)
    assert layer.state_size == [4, 4, 4, 4, 3]
    outputs = layer(EMBEDDED, ENCODED, SOURCE_MASK)
    assert [tuple(t.shape) for t in outputs] == [(2, 4, 3), (2, 4, 5)] + [(2, 4)] * 4 + [(2, 3)]
    zeros = [np.zeros((2, size), "float32") for size in layer.state_size]
    for initial in (zeros[:-1], zeros):
        again = layer(EMBEDDED, ENCODED, SOURCE_MASK, initial_states=initial)
        for got, want in zip(_numpy(again), _numpy(outputs)):
            np.testing.assert_array_equal(got, want)
    with pytest.raises(ValueError, match="`initial_states` must hold the 4 cell states"):
        layer(EMBEDDED, ENCODED, SOURCE_MASK, initial_states=zeros[:2])


def test_steps_one_at_a_time_equal_the_sequence():
    layer = InputFeedingDecoder("gru-simplified", 4, num_layers=2, output_dim=3)
    feeds, weights, *states = _numpy(layer(EMBEDDED, ENCODED, SOURCE_MASK))
    carried = None
    for t in range(EMBEDDED.shape[1]):
        feed_t, weights_t, *carried = layer(EMBEDDED[:, t : t + 1], ENCODED, SOURCE_MASK, initial_states=carried)
        np.testing.assert_allclose(np.asarray(feed_t)[:, 0], feeds[:, t], atol=1e-6)
        np.testing.assert_allclose(np.asarray(weights_t)[:, 0], weights[:, t], atol=1e-6)
    for got, want in zip(_numpy(carried), states):
        np.testing.assert_allclose(got, want, atol=1e-6)


def test_dropout_only_in_training():
    layer = InputFeedingDecoder("gru", 8, output_dim=3, dropout=0.5, seed=1)
    inference = _numpy(layer(EMBEDDED, ENCODED, SOURCE_MASK))
    np.testing.assert_array_equal(_numpy(layer(EMBEDDED, ENCODED, SOURCE_MASK, training=False))[0], inference[0])
    trained = _numpy(layer(EMBEDDED, ENCODED, SOURCE_MASK, training=True))
    assert not np.allclose(trained[0], inference[0])


def test_config_round_trip():
    layer = InputFeedingDecoder(
        "lstm-peephole", 4, num_layers=2, attention="bahdanau", attention_units=7, output_dim=3, dropout=0.1, seed=3
    )
    layer(EMBEDDED, ENCODED, SOURCE_MASK)
    config = layer.get_config()
    clone = InputFeedingDecoder.from_config(config)
    assert clone.get_config() == config
    restored = keras.layers.deserialize(keras.layers.serialize(layer))
    assert type(restored) is InputFeedingDecoder and restored.get_config() == config
    restored(EMBEDDED, ENCODED, SOURCE_MASK)
    assert [w.shape for w in restored.weights] == [w.shape for w in layer.weights]
    restored.set_weights(layer.get_weights())
    for got, want in zip(
        _numpy(restored(EMBEDDED, ENCODED, SOURCE_MASK)), _numpy(layer(EMBEDDED, ENCODED, SOURCE_MASK))
    ):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"cell": "lstm2"}, "`cell` must be one of"),
        ({"units": 0}, "`units` must be a positive integer"),
        ({"num_layers": 0}, "`num_layers` must be a positive integer"),
        ({"attention": "dot"}, "`attention` must be one of"),
        ({"score": "concat"}, "`score` must be one of"),
        ({"output_dim": -1}, "`output_dim` must be a positive integer"),
        ({"dropout": 1.0}, r"`dropout` must be a float in \[0, 1\)"),
    ],
)
def test_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        InputFeedingDecoder(**{"cell": "gru", "units": 4, **kwargs})


def test_dot_score_needs_matching_sizes():
    with pytest.raises(ValueError, match="score='dot' needs queries and values of the same size"):
        InputFeedingDecoder("gru", 4, score="dot")(EMBEDDED, ENCODED, SOURCE_MASK)
