import re

import keras
import numpy as np
import pytest

from seqkit import cells
from seqkit.layers import RNN, RecurrentStack


def _inputs(batch=2, time=5, features=3, seed=0):
    return np.random.default_rng(seed).normal(size=(batch, time, features)).astype("float32")


@pytest.mark.parametrize(
    "cell, recurrent_dropout, expected",
    [
        ("lstm", 0.0, "keras"),
        ("gru", 0.0, "keras"),
        ("lstm", 0.1, "seqkit"),
        ("gru", 0.1, "seqkit"),
        ("rnn", 0.0, "seqkit"),
        ("gru-simplified", 0.0, "seqkit"),
        ("lstm-peephole", 0.0, "seqkit"),
    ],
)
def test_auto_resolution(cell, recurrent_dropout, expected):
    stack = RecurrentStack(cell, units=4, recurrent_dropout=recurrent_dropout)
    assert stack.resolved_implementation == expected
    layer = stack.recurrent_layers[0]
    if expected == "keras":
        assert type(layer).__name__ == cell.upper()
    else:
        assert isinstance(layer, RNN)
        assert layer.cell.recurrent_dropout == recurrent_dropout


def test_explicit_seqkit_implementation_uses_seqkit_cells():
    stack = RecurrentStack("gru", units=4, implementation="seqkit")
    assert stack.resolved_implementation == "seqkit"
    cell = stack.recurrent_layers[0].cell
    assert isinstance(cell, cells.GRUCell) and cell.variant == "full"


def test_cell_instance_is_cloned_per_layer_and_direction():
    cell = cells.get("lstm-peephole", 3)
    stack = RecurrentStack(cell, num_layers=2, bidirectional=True)
    assert stack.units == 3 and stack.resolved_implementation == "seqkit"
    stack(_inputs())
    layer_cells = [
        direction.cell
        for layer in stack.recurrent_layers
        for direction in (layer.forward_layer, layer.backward_layer)
    ]
    assert len({id(c) for c in layer_cells + [cell]}) == 5
    assert all(c.peephole for c in layer_cells)
    assert not cell.built


def test_keras_gru_uses_reset_after():
    stack = RecurrentStack("gru", units=4)
    assert stack.recurrent_layers[0].cell.reset_after is True


def test_keras_implementation_allows_simple_rnn_and_recurrent_dropout():
    stack = RecurrentStack(
        "rnn", units=4, implementation="keras", activation="relu", recurrent_dropout=0.2
    )
    layer = stack.recurrent_layers[0]
    assert isinstance(layer, keras.layers.SimpleRNN)
    assert layer.cell.activation is keras.activations.relu
    assert layer.cell.recurrent_dropout == 0.2


def test_single_layer_matches_keras_lstm():
    x = _inputs()
    stack = RecurrentStack("lstm", units=4)
    y = stack(x)
    reference = keras.layers.LSTM(4, return_sequences=True)
    reference.build(x.shape)
    reference.set_weights(stack.get_weights())
    np.testing.assert_allclose(y, reference(x), atol=1e-6)


def test_two_layers_match_two_chained_keras_layers():
    x = _inputs()
    stack = RecurrentStack("gru", units=4, num_layers=2, return_sequences=False)
    y = stack(x)
    first = keras.layers.GRU(4, return_sequences=True)
    second = keras.layers.GRU(4)
    first.build(x.shape)
    second.build((2, 5, 4))
    weights = stack.get_weights()
    first.set_weights(weights[:3])
    second.set_weights(weights[3:])
    np.testing.assert_allclose(y, second(first(x)), atol=1e-6)


def test_seqkit_path_matches_chained_seqkit_rnns():
    x = _inputs()
    stack = RecurrentStack("lstm-peephole", units=4, num_layers=2)
    y = stack(x)
    first = RNN(cells.get("lstm-peephole", 4), return_sequences=True)
    second = RNN(cells.get("lstm-peephole", 4), return_sequences=True)
    first.build(x.shape)
    second.build((2, 5, 4))
    weights = stack.get_weights()
    half = len(weights) // 2
    first.set_weights(weights[:half])
    second.set_weights(weights[half:])
    np.testing.assert_allclose(y, second(first(x)), atol=1e-6)


@pytest.mark.parametrize("cell", ["lstm", "gru-simplified"])
def test_masked_steps_are_skipped(cell):
    x = _inputs()
    mask = np.array([[True] * 5, [True, True, True, False, False]])
    stack = RecurrentStack(cell, units=4, num_layers=2, return_sequences=False)
    y = keras.ops.convert_to_numpy(stack(x, mask=mask))
    short = keras.ops.convert_to_numpy(stack(x[1:, :3]))
    np.testing.assert_allclose(y[1], short[0], atol=1e-6)


def test_bidirectional_states_are_forward_then_backward():
    x = _inputs()
    stack = RecurrentStack("lstm", units=4, bidirectional=True, return_state=True)
    outputs, fw_h, fw_c, bw_h, bw_c = [keras.ops.convert_to_numpy(t) for t in stack(x)]
    assert outputs.shape == (2, 5, 8)
    assert fw_c.shape == bw_c.shape == (2, 4)
    np.testing.assert_allclose(fw_h, outputs[:, -1, :4], atol=1e-6)
    np.testing.assert_allclose(bw_h, outputs[:, 0, 4:], atol=1e-6)


def test_return_state_shapes_and_masks_match_outputs():
    stack = RecurrentStack("gru", units=3, num_layers=2, bidirectional=True,
                           merge_mode="sum", return_state=True)
    x = _inputs()
    mask = np.ones((2, 5), bool)
    outputs = stack(x, mask=mask)
    assert [tuple(t.shape) for t in outputs] == [(2, 5, 3), (2, 3), (2, 3)]
    assert stack.compute_output_shape((2, 5, 3)) == [(2, 5, 3), (2, 3), (2, 3)]
    masks = stack.compute_mask(x, mask)
    assert masks[0] is mask and masks[1:] == [None, None]


def test_dropout_only_in_training():
    x = _inputs()
    stack = RecurrentStack("lstm", units=4, num_layers=2, dropout=0.5)
    inference = keras.ops.convert_to_numpy(stack(x, training=False))
    np.testing.assert_allclose(inference, stack(x, training=False))
    assert not np.allclose(inference, stack(x, training=True))


def test_get_config_round_trip():
    stack = RecurrentStack("gru", units=5, num_layers=3, bidirectional=True,
                           merge_mode="ave", dropout=0.25, return_sequences=False,
                           return_state=True, name="encoder")
    config = stack.get_config()
    clone = RecurrentStack.from_config(config)
    assert clone.get_config() == config
    assert clone.resolved_implementation == stack.resolved_implementation


def test_get_config_round_trip_with_cell_instance():
    stack = RecurrentStack(cells.get("gru-simplified", 3), num_layers=2)
    config = stack.get_config()
    clone = RecurrentStack.from_config(config)
    assert clone.get_config() == config
    assert clone.recurrent_layers[1].cell.variant == "simplified"


@pytest.mark.parametrize("cell", ["lstm", "lstm-peephole"])
def test_keras_file_round_trip(tmp_path, cell):
    inputs = keras.Input((None,), dtype="int32")
    x = keras.layers.Embedding(10, 3, mask_zero=True)(inputs)
    x = RecurrentStack(cell, units=4, num_layers=2, bidirectional=True, dropout=0.1)(x)
    model = keras.Model(inputs, keras.layers.Dense(2)(x))
    tokens = np.array([[1, 2, 3, 0], [4, 5, 0, 0]], "int32")
    path = str(tmp_path / "model.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded.layers[2], RecurrentStack)
    np.testing.assert_allclose(loaded.predict(tokens, verbose=0),
                               model.predict(tokens, verbose=0), atol=1e-6)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(units=0), "`units` must be a positive integer. Received: units=0"),
        (dict(units=2, num_layers=0), "Received: num_layers=0"),
        (dict(cell="lstmx", units=2), "Received: cell='lstmx'"),
        (dict(units=2, dropout=1.0), "Received: dropout=1.0"),
        (dict(units=2, merge_mode=None), "Received: merge_mode=None"),
        (dict(units=2, implementation="cudnn"), "Received: implementation='cudnn'"),
        (dict(cell="lstm-peephole", units=2, implementation="keras"),
         "Received: cell='lstm-peephole'"),
        (dict(cell="gru", units=2, activation="relu"), "activation='relu'"),
    ],
)
def test_argument_errors(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        RecurrentStack(**kwargs)


@pytest.mark.parametrize("cell", ["lstm", "gru-simplified"])
def test_mixed_precision_policy_reaches_sublayers(cell):
    stack = RecurrentStack(cell, units=4, bidirectional=True, dtype="mixed_float16")
    assert stack(_inputs()).dtype == "float16"
    assert all(v.dtype == "float32" for v in stack.weights)


@pytest.mark.parametrize("cell", ["lstm", "gru-simplified"])
def test_initial_state_continues_a_sequence(cell):
    x = _inputs(time=6)
    encoder = RecurrentStack(cell, units=4, bidirectional=False, return_state=True)
    outputs, *states = encoder(x)
    decoder = RecurrentStack(cell, units=4, return_state=True)
    decoder.build(x.shape)
    decoder.set_weights(encoder.get_weights())
    _, *first_half = decoder(x[:, :3])
    second_half, *_ = decoder(x[:, 3:], initial_state=first_half)
    np.testing.assert_allclose(second_half, outputs[:, 3:], atol=1e-5)


def test_initial_state_is_given_layer_by_layer():
    x = _inputs()
    stack = RecurrentStack("gru", units=4, num_layers=2, bidirectional=True)
    zeros = [np.zeros((2, 4), "float32")] * 4
    np.testing.assert_allclose(stack(x, initial_state=zeros), stack(x), atol=1e-6)
    ones = [np.ones((2, 4), "float32")] * 4
    assert not np.allclose(stack(x, initial_state=ones), stack(x))
    with pytest.raises(ValueError, match="2 states per layer, 4 in all. Received: 2 states"):
        stack(x, initial_state=zeros[:2])


def test_encoder_states_start_decoder_in_functional_model(tmp_path):
    source, target = keras.Input((None, 3)), keras.Input((None, 3))
    _, *states = RecurrentStack("lstm-peephole", units=4, return_state=True)(source)
    outputs = RecurrentStack("lstm-peephole", units=4)(target, initial_state=states)
    model = keras.Model([source, target], outputs)
    data = [_inputs(time=4), _inputs(time=2, seed=1)]
    path = str(tmp_path / "seq2seq.keras")
    model.save(path)
    np.testing.assert_allclose(keras.saving.load_model(path).predict(data, verbose=0),
                               model.predict(data, verbose=0), atol=1e-6)


def test_on_a_gpu_the_generic_loop_is_announced_once_per_reason(monkeypatch):
    import warnings

    from seqkit.layers import recurrent_stack

    monkeypatch.setattr(recurrent_stack, "_SAID", set())
    monkeypatch.setattr(recurrent_stack, "_gpu_visible", lambda: True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        RecurrentStack(cell="lstm-peephole", units=4)
        RecurrentStack(cell="lstm-peephole", units=4, num_layers=2)  # same reason: said once
        RecurrentStack(cell="gru", units=4, recurrent_dropout=0.1)
        RecurrentStack(cell="lstm", units=4)  # cuDNN-eligible: nothing to say
        RecurrentStack(cell="gru-simplified", units=4, implementation="seqkit")  # the user's explicit choice
    said = [str(w.message) for w in caught if w.category is recurrent_stack.GenericLoopWarning]
    assert said == [
        "RecurrentStack runs seqkit's generic loop, not a cuDNN kernel, because of cell='lstm-peephole' (only "
        "'lstm' and 'gru' have a cuDNN kernel); for cuDNN use cell 'lstm' or 'gru' with recurrent_dropout=0",
        "RecurrentStack runs seqkit's generic loop, not a cuDNN kernel, because of recurrent_dropout=0.1 (cuDNN "
        "kernels have none); for cuDNN use cell 'lstm' or 'gru' with recurrent_dropout=0",
    ]


def test_on_a_cpu_nothing_is_said(monkeypatch):
    import warnings

    from seqkit.layers import recurrent_stack

    monkeypatch.setattr(recurrent_stack, "_SAID", set())
    monkeypatch.setattr(recurrent_stack, "_gpu_visible", lambda: False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        RecurrentStack(cell="rnn", units=4)
    assert not [w for w in caught if w.category is recurrent_stack.GenericLoopWarning]
