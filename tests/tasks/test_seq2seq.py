import keras
import numpy as np
import pytest
from builder_checks import assert_save_load_identical, assert_training_step_changes_all_weights

from seqkit.tasks import (
    SEQ2SEQ_PRESETS,
    LabelSmoothedCrossentropy,
    seq2seq,
    seq2seq_attention_weights,
    seq2seq_decoder_step,
    seq2seq_encoder,
    seq2seq_loss,
)

SOURCE = np.array([[4, 5, 6, 0], [7, 8, 9, 3]], "int32")
TARGET_IN = np.array([[1, 7, 9, 0], [1, 3, 4, 5]], "int32")
TARGET_OUT = np.array([[7, 9, 2, -1], [3, 4, 5, 2]], "int32")
REAL = TARGET_IN != 0


def _inputs():
    return {"source_ids": SOURCE, "target_ids": TARGET_IN}


def _tiny(**kwargs):
    config = dict(embedding_dim=4, units=5)
    config.update(kwargs)
    return seq2seq(12, 11, **config)


def _numpy(tensors):
    return [keras.ops.convert_to_numpy(t) for t in tensors]


def _randomize_embeddings(model, seed=0):
    # Additive scores depend on the query only through tanh's curvature,
    # which vanishes for tiny activations: give the embeddings unit scale.
    rng = np.random.default_rng(seed)
    for name in ("source_embedding", "target_embedding"):
        layer = model.get_layer(name)
        layer.set_weights([rng.normal(size=layer.embeddings.shape).astype("float32")])


# === Step-by-step decoding ===

DECODING_CASES = {
    "bahdanau-lstm": dict(attention="bahdanau", cell="lstm"),
    "luong-gru-simplified": dict(attention="luong", cell="gru-simplified"),
    "none-gru": dict(attention=None, cell="gru"),
    "bidirectional-lstm": dict(attention="bahdanau", cell="lstm", bidirectional=True, units=6),
    "bidirectional-rnn-none": dict(attention=None, cell="rnn", bidirectional=True, units=6),
    "tied-luong-gru": dict(attention="luong", cell="gru", tie_embeddings=True),
    "tied-none-lstm": dict(attention=None, cell="lstm", tie_embeddings=True),
    "feeding-luong-gru": dict(attention="luong", cell="gru", input_feeding=True),
    "feeding-bahdanau-lstm": dict(attention="bahdanau", cell="lstm", input_feeding=True),
    "feeding-luong-rnn": dict(attention="luong", cell="rnn", input_feeding=True),
    "all-lstm": dict(
        attention="luong", cell="lstm", bidirectional=True, input_feeding=True, tie_embeddings=True, units=6
    ),
    "all-gru": dict(
        attention="bahdanau", cell="gru", bidirectional=True, input_feeding=True, tie_embeddings=True, units=6
    ),
    "all-rnn": dict(
        attention="luong", cell="rnn", bidirectional=True, input_feeding=True, tie_embeddings=True, units=6
    ),
}


def _expected_state_sizes(config):
    """The documented state layout of `seq2seq_decoder_step`."""
    units = config.get("units", 5)
    per_layer = 2 if config["cell"] == "lstm" else 1
    sizes = [units] * per_layer * 2
    if config.get("input_feeding"):
        sizes.append(4 if config.get("tie_embeddings") else units)
    return sizes


@pytest.mark.parametrize("config", DECODING_CASES.values(), ids=DECODING_CASES.keys())
def test_step_by_step_decoding_equals_teacher_forcing(config):
    model = _tiny(num_layers=2, **config)
    _randomize_embeddings(model)
    full = np.asarray(model(_inputs()))
    encoder_outputs, source_mask, *states = seq2seq_encoder(model)(SOURCE)
    assert np.asarray(source_mask).tolist() == (SOURCE != 0).tolist()
    assert [state.shape[-1] for state in states] == _expected_state_sizes(config)
    step = seq2seq_decoder_step(model)
    pieces = []
    for t in range(TARGET_IN.shape[1]):
        token = keras.ops.convert_to_tensor(TARGET_IN[:, t : t + 1])
        logits, weights, *states = step([token, encoder_outputs, source_mask, *states])
        assert tuple(weights.shape) == (2, 1, 4)
        pieces.append(np.asarray(logits))
    assert [state.shape[-1] for state in states] == _expected_state_sizes(config)
    np.testing.assert_allclose(np.concatenate(pieces, axis=1)[REAL], full[REAL], atol=1e-5)


# === Attention weights ===


@pytest.mark.parametrize(
    "config",
    [dict(attention="bahdanau"), dict(attention="luong"), dict(attention="luong", input_feeding=True)],
    ids=["bahdanau", "luong", "input-feeding"],
)
def test_attention_weights_are_distributions_over_real_source_steps(config):
    model = _tiny(**config)
    weights = np.asarray(seq2seq_attention_weights(model)(_inputs()))
    assert weights.shape == (2, 4, 4)
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0, atol=1e-5)
    np.testing.assert_array_equal(weights[0, :, 3], 0.0)


def test_model_without_attention_has_no_weights_to_plot():
    with pytest.raises(ValueError, match="no attention layer"):
        seq2seq_attention_weights(_tiny(attention=None))


# === Bidirectional encoder ===


def _one_direction(layer, inputs):
    """Final states and outputs of a copy of `layer` run forward on `inputs`."""
    config = {**layer.get_config(), "return_sequences": True, "return_state": True, "go_backwards": False}
    config.pop("name")
    copy = type(layer).from_config(config)
    copy.build(inputs.shape)
    copy.set_weights(layer.get_weights())
    outputs, *states = _numpy(copy(inputs))
    return outputs[0], [state[0] for state in states]


@pytest.mark.parametrize("cell", ["lstm", "gru-simplified"])
def test_bidirectional_states_are_forward_then_backward(cell):
    model = _tiny(cell=cell, units=6, num_layers=2, bidirectional=True)
    _randomize_embeddings(model)
    encoder_outputs, _, *states = _numpy(seq2seq_encoder(model)(SOURCE))
    per_layer = len(states) // 2
    embeddings = np.asarray(model.get_layer("source_embedding").embeddings)
    for row, source in enumerate(SOURCE):
        # Every row on its own, padding removed: each direction runs plainly.
        x = embeddings[source[source != 0]][None]
        for index in range(2):
            bidirectional = model.get_layer(f"encoder_{index}").recurrent_layers[0]
            forward, forward_states = _one_direction(bidirectional.forward_layer, x)
            backward, backward_states = _one_direction(bidirectional.backward_layer, x[:, ::-1])
            layer_states = states[index * per_layer : (index + 1) * per_layer]
            for state, want_forward, want_backward in zip(layer_states, forward_states, backward_states):
                assert state.shape == (2, 6)
                np.testing.assert_allclose(state[row], np.concatenate([want_forward, want_backward]), atol=1e-5)
            x = np.concatenate([forward, backward[::-1]], axis=-1)[None]
        np.testing.assert_allclose(encoder_outputs[row, : x.shape[1]], x[0], atol=1e-5)


# === Tied embeddings ===


def test_tied_logits_use_the_target_embedding():
    model = _tiny(attention="luong", tie_embeddings=True)
    names = [layer.name for layer in model.layers]
    assert "logits" not in names and "logits_bias" in names
    embedding = model.get_layer("target_embedding")
    vocabulary_weights = [w for w in model.weights if 11 in w.shape]
    assert len(vocabulary_weights) == 2  # the embedding and the bias row
    assert any(w is embedding.embeddings for w in vocabulary_weights)
    # The output layer reads the embedding variable itself.
    bias = np.arange(11, dtype="float32")[None]
    model.get_layer("logits_bias").set_weights([bias])
    embedding.set_weights([np.zeros((11, 4), "float32")])
    np.testing.assert_allclose(np.asarray(model(_inputs()))[REAL], np.broadcast_to(bias, (REAL.sum(), 11)))


@pytest.mark.parametrize("attention", ["luong", None])
def test_tying_saves_the_output_kernel(attention):
    units, embedding_dim, vocabulary = 5, 4, 11
    untied = _tiny(attention=attention).count_params()
    tied = _tiny(attention=attention, tie_embeddings=True).count_params()
    if attention is None:
        # logits (units x V) becomes pre_logits (units x E).
        saved = units * vocabulary - units * embedding_dim
    else:
        # logits (units x V) goes; the projection outputs E, not units.
        saved = units * vocabulary + 2 * units * (units - embedding_dim)
    assert untied - tied == saved


def test_tied_model_has_the_documented_pre_logits():
    model = _tiny(attention=None, tie_embeddings=True)
    assert model.get_layer("pre_logits").kernel.shape == (5, 4)
    feeding = _tiny(input_feeding=True, tie_embeddings=True).get_layer("decoder")
    assert feeding.output_dim == 4 and feeding.projection.kernel.shape == (10, 4)


# === Input feeding against NumPy ===


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _gru_step(cell, x, h):
    """seqkit's full GRU: gates u, r, then the candidate from r * h."""
    kernel, recurrent, bias = _numpy([cell.kernel, cell.recurrent_kernel, cell.bias])
    n = cell.units
    z = x @ kernel + bias
    update = _sigmoid(z[:, :n] + h @ recurrent[:, :n])
    relevance = _sigmoid(z[:, n : 2 * n] + h @ recurrent[:, n : 2 * n])
    candidate = np.tanh(z[:, 2 * n :] + (relevance * h) @ recurrent[:, 2 * n :])
    return update * candidate + (1 - update) * h


@pytest.mark.parametrize("tie_embeddings", [False, True], ids=["untied", "tied"])
def test_input_feeding_matches_numpy(tie_embeddings):
    model = _tiny(cell="gru", attention="luong", input_feeding=True, tie_embeddings=tie_embeddings)
    _randomize_embeddings(model)
    values, source_mask, h, feed = _numpy(seq2seq_encoder(model)(SOURCE))
    np.testing.assert_array_equal(feed, 0.0)
    decoder = model.get_layer("decoder")
    (w_keys,) = _numpy(decoder.attention.weights)
    (w_projection,) = _numpy(decoder.projection.weights)
    embeddings = np.asarray(model.get_layer("target_embedding").embeddings)
    if tie_embeddings:
        w_logits, b_logits = embeddings.T, np.asarray(model.get_layer("logits_bias").embeddings)[0]
    else:
        w_logits, b_logits = _numpy(model.get_layer("logits").weights)
    keys = values @ w_keys  # Luong "general": score = h . W k
    logits, weights = [], []
    for t in range(TARGET_IN.shape[1]):
        h = _gru_step(decoder.cells[0], np.concatenate([embeddings[TARGET_IN[:, t]], feed], axis=-1), h)
        scores = np.where(source_mask, np.einsum("bu,btu->bt", h, keys), -np.inf)
        alpha = np.exp(scores - scores.max(axis=-1, keepdims=True))
        alpha /= alpha.sum(axis=-1, keepdims=True)
        context = np.einsum("bt,btu->bu", alpha, values)
        feed = np.tanh(np.concatenate([h, context], axis=-1) @ w_projection)
        logits.append(feed @ w_logits + b_logits)
        weights.append(alpha)
    np.testing.assert_allclose(np.asarray(model(_inputs()))[REAL], np.stack(logits, axis=1)[REAL], atol=1e-5)
    got_weights = np.asarray(seq2seq_attention_weights(model)(_inputs()))
    np.testing.assert_allclose(got_weights[REAL], np.stack(weights, axis=1)[REAL], atol=1e-5)


# === Loss ===

LOGITS = np.random.default_rng(1).normal(size=(2, 4, 11)).astype("float32")


def _log_softmax(x):
    x = x - x.max(axis=-1, keepdims=True)
    return x - np.log(np.exp(x).sum(axis=-1, keepdims=True))


@pytest.mark.parametrize("epsilon", [0.0, 0.1, 0.3])
def test_loss_matches_numpy(epsilon):
    log_p = _log_softmax(LOGITS)
    valid = TARGET_OUT != -1
    nll = -np.take_along_axis(log_p, np.where(valid, TARGET_OUT, 0)[..., None], axis=-1)[..., 0]
    per_position = (1 - epsilon) * nll + epsilon * (-log_p.mean(axis=-1))
    expected = per_position[valid].mean()
    np.testing.assert_allclose(float(seq2seq_loss(epsilon)(TARGET_OUT, LOGITS)), expected, rtol=1e-6)
    # Ignored labels count for nothing, whatever their logits.
    changed = LOGITS.copy()
    changed[~valid] = 100.0
    np.testing.assert_allclose(float(seq2seq_loss(epsilon)(TARGET_OUT, changed)), expected, rtol=1e-6)


def test_unsmoothed_loss_equals_sparse_categorical_crossentropy():
    old = keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=-1)
    model = _tiny()
    logits = model(_inputs())  # carries the target mask, as in training
    want = float(old(TARGET_OUT, logits))
    assert float(seq2seq_loss()(TARGET_OUT, logits)) == want
    assert float(LabelSmoothedCrossentropy(0.0)(TARGET_OUT, logits)) == want
    weights = np.array([[1.0, 2.0, 0.5, 1.0], [3.0, 1.0, 1.0, 0.0]], "float32")
    assert float(LabelSmoothedCrossentropy(0.0)(TARGET_OUT, LOGITS, weights)) == float(old(TARGET_OUT, LOGITS, weights))


def test_smoothed_loss_serializes():
    loss = seq2seq_loss(0.2)
    restored = keras.losses.deserialize(keras.losses.serialize(loss))
    assert type(restored) is LabelSmoothedCrossentropy and restored.get_config() == loss.get_config()
    assert float(restored(TARGET_OUT, LOGITS)) == float(loss(TARGET_OUT, LOGITS))


@pytest.mark.parametrize("value", [-0.1, 1.0, "0.1"])
def test_loss_errors(value):
    with pytest.raises(ValueError, match=r"`label_smoothing` must be a float in \[0, 1\)"):
        seq2seq_loss(value)


# === Saving, training ===

OPTION_CASES = {
    "bahdanau": dict(attention="bahdanau"),
    "luong": dict(attention="luong"),
    "none": dict(attention=None),
    "bidirectional": dict(attention="luong", bidirectional=True, units=6),
    "tied": dict(attention="bahdanau", tie_embeddings=True),
    "tied-none": dict(attention=None, tie_embeddings=True),
    "feeding": dict(attention="luong", input_feeding=True),
    "all": dict(attention="bahdanau", bidirectional=True, input_feeding=True, tie_embeddings=True, units=6),
}


@pytest.mark.parametrize("config", OPTION_CASES.values(), ids=OPTION_CASES.keys())
def test_save_load_round_trip(config, tmp_path):
    model = _tiny(num_layers=2, dropout=0.1, **config)
    restored = assert_save_load_identical(model, _inputs(), tmp_path)
    # Inference models can be rebuilt from the loaded model and agree.
    encoded, restored_encoded = seq2seq_encoder(model)(SOURCE), seq2seq_encoder(restored)(SOURCE)
    token = keras.ops.convert_to_tensor(TARGET_IN[:, :1])
    step = seq2seq_decoder_step(model)([token, *encoded])
    restored_step = seq2seq_decoder_step(restored)([token, *restored_encoded])
    assert len(restored_step) == 2 + len(_expected_state_sizes({"cell": "lstm", **config}))
    for got, want in zip(_numpy(restored_step), _numpy(step)):
        np.testing.assert_allclose(got, want, atol=1e-6)


TRAINING_CASES = {
    "bahdanau-1": dict(attention="bahdanau", num_layers=1),
    "luong-2": dict(attention="luong", num_layers=2),
    "none-2": dict(attention=None, num_layers=2),
    "bidirectional": dict(attention="luong", bidirectional=True, units=6, num_layers=2),
    "tied-none": dict(attention=None, tie_embeddings=True),
    "feeding": dict(attention="bahdanau", input_feeding=True, num_layers=2, dropout=0.1),
    "all": dict(attention="luong", bidirectional=True, input_feeding=True, tie_embeddings=True, units=6),
}


@pytest.mark.parametrize("config", TRAINING_CASES.values(), ids=TRAINING_CASES.keys())
def test_one_training_step_changes_every_weight(config):
    model = _tiny(**config)
    _randomize_embeddings(model)
    loss = seq2seq_loss(0.1 if config.get("tie_embeddings") else 0.0)
    assert_training_step_changes_all_weights(model, loss, _inputs(), TARGET_OUT)


# === Presets and errors ===


def test_presets():
    assert seq2seq(12, 11, **SEQ2SEQ_PRESETS["tiny"]).output.shape[-1] == 11
    model = seq2seq(12, 11, **SEQ2SEQ_PRESETS["translation_input_feeding"])
    assert model.get_layer("decoder").state_size == [512] * 4 + [256]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"attention": "dot"}, "`attention` must be one of"),
        ({"units": -2}, "`units` must be a positive integer"),
        ({"bidirectional": True}, "`units` must be even with bidirectional=True. Received: units=5"),
        ({"bidirectional": 1}, "`bidirectional` must be a boolean. Received: bidirectional=1"),
        ({"tie_embeddings": "yes"}, "`tie_embeddings` must be a boolean"),
        ({"input_feeding": None}, "`input_feeding` must be a boolean"),
        ({"input_feeding": True, "attention": None}, "needs an attention. Received: attention=None"),
    ],
)
def test_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        _tiny(**kwargs)


def test_inference_models_need_a_seq2seq_model():
    other = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="decoder")])
    with pytest.raises(ValueError, match="`model` must be built by `seq2seq`"):
        seq2seq_decoder_step(other)
