import keras
import numpy as np
import pytest

from seqkit.cells import LSTMCell

from . import _checks as checks

sigmoid = checks.sigmoid


def numpy_step(w, x_t, states, recurrent_mask):
    a_prev, c_prev = states
    n = a_prev.shape[-1]
    z = x_t @ w["kernel"] + (a_prev * recurrent_mask) @ w["recurrent_kernel"] + w["bias"]
    z_u, z_f, z_c, z_o = (z[:, i * n : (i + 1) * n] for i in range(4))
    if "peephole_kernel" in w:
        p = w["peephole_kernel"]
        z_u = z_u + p[:n] * c_prev
        z_f = z_f + p[n : 2 * n] * c_prev
        z_o = z_o + p[2 * n :] * c_prev
    c = sigmoid(z_u) * np.tanh(z_c) + sigmoid(z_f) * c_prev
    a = sigmoid(z_o) * np.tanh(c)
    return a, [a, c]


PEEPHOLE = pytest.mark.parametrize("peephole", [False, True], ids=["plain", "peephole"])
layers = pytest.mark.parametrize("layer_cls", checks.LAYERS, ids=checks.LAYER_IDS)


@layers
@PEEPHOLE
@pytest.mark.parametrize("mask", [None, checks.MASK], ids=["full_length", "masked"])
def test_matches_numpy(layer_cls, peephole, mask):
    cell = LSTMCell(3, peephole=peephole)
    checks.assert_matches_numpy(layer_cls, cell, numpy_step, mask=mask)


@layers
@PEEPHOLE
def test_backwards_matches_numpy(layer_cls, peephole):
    cell = LSTMCell(3, peephole=peephole)
    checks.assert_matches_numpy(layer_cls, cell, numpy_step, mask=checks.MASK, go_backwards=True)


@layers
@PEEPHOLE
def test_dropout_matches_numpy(layer_cls, peephole):
    cell = LSTMCell(3, peephole=peephole, dropout=0.5, recurrent_dropout=0.5, seed=2)
    checks.assert_matches_numpy(layer_cls, cell, numpy_step, dropout=True)


@layers
def test_matches_keras_lstm_cell(layer_cls):
    checks.assert_matches_keras(
        layer_cls,
        LSTMCell(3),
        keras.layers.LSTMCell(3),
        lambda w: [w["kernel"], w["recurrent_kernel"], w["bias"]],
    )


def test_peephole_weights_change_the_output():
    x = checks.inputs()
    cell = LSTMCell(3, peephole=True)
    layer = keras.layers.RNN(cell)
    layer.build(x.shape)
    checks.seed_weights(cell)
    assert cell.peephole_kernel.shape == (9,)
    before = np.asarray(layer(x))
    cell.peephole_kernel.assign(np.zeros(9))
    assert np.abs(before - np.asarray(layer(x))).max() > 1e-3


@pytest.mark.parametrize("unit_forget_bias, forget", [(True, 1.0), (False, 0.0)])
def test_unit_forget_bias(unit_forget_bias, forget):
    cell = LSTMCell(2, unit_forget_bias=unit_forget_bias, bias_initializer="zeros")
    cell.build((None, 3))
    np.testing.assert_array_equal(cell.bias.numpy(), [0, 0, forget, forget, 0, 0, 0, 0])


def test_contract():
    cell = LSTMCell(4)
    assert cell.state_size == [4, 4] and cell.output_size == 4
    assert [s.shape for s in cell.get_initial_state(batch_size=2)] == [(2, 4), (2, 4)]


@PEEPHOLE
def test_config_round_trip(peephole):
    checks.assert_config_round_trip(
        LSTMCell(
            5,
            peephole=peephole,
            unit_forget_bias=False,
            peephole_initializer="ones",
            recurrent_dropout=0.3,
            name="l",
        )
    )


@PEEPHOLE
def test_bidirectional_save_load(peephole, tmp_path):
    checks.assert_bidirectional_save_load(lambda: LSTMCell(3, peephole=peephole, peephole_initializer="ones"), tmp_path)


@pytest.mark.parametrize("name", ["peephole", "unit_forget_bias"])
def test_invalid_flags(name):
    with pytest.raises(ValueError, match=f"`{name}` must be a boolean. Received: {name}=1"):
        LSTMCell(3, **{name: 1})
