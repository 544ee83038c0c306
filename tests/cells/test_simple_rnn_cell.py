import keras
import numpy as np
import pytest

from seqkit.cells import SimpleRNNCell

from . import _checks as checks


def numpy_step(w, x_t, states, recurrent_mask, g=np.tanh):
    (a_prev,) = states
    a = g(x_t @ w["kernel"] + (a_prev * recurrent_mask) @ w["recurrent_kernel"] + w["bias"])
    return a, [a]


def relu(z):
    return np.maximum(z, 0.0)


layers = pytest.mark.parametrize("layer_cls", checks.LAYERS, ids=checks.LAYER_IDS)


@layers
@pytest.mark.parametrize("mask", [None, checks.MASK], ids=["full", "masked"])
def test_matches_numpy(layer_cls, mask):
    checks.assert_matches_numpy(layer_cls, SimpleRNNCell(3), numpy_step, mask=mask)


@layers
def test_relu_backwards_matches_numpy(layer_cls):
    cell = SimpleRNNCell(3, activation="relu")
    step = lambda w, x, s, m: numpy_step(w, x, s, m, g=relu)  # noqa: E731
    checks.assert_matches_numpy(layer_cls, cell, step, mask=checks.MASK, go_backwards=True)


@layers
def test_dropout_matches_numpy(layer_cls):
    cell = SimpleRNNCell(3, dropout=0.5, recurrent_dropout=0.5, seed=3)
    checks.assert_matches_numpy(layer_cls, cell, numpy_step, dropout=True)


@layers
def test_matches_keras_simple_rnn_cell(layer_cls):
    checks.assert_matches_keras(
        layer_cls,
        SimpleRNNCell(3),
        keras.layers.SimpleRNNCell(3),
        lambda w: [w["kernel"], w["recurrent_kernel"], w["bias"]],
    )


@layers
def test_dropout_masks_fixed_within_a_sequence(layer_cls):
    # Identity input kernel, recurrent kernel 0.5 * I, relu, constant input 1:
    # with one mask per sequence each unit follows a<t> = 1 + 0.5 * m * a<t-1>
    # for a fixed m in {0, 2}, so it is 1, 1, 1, ... or 1, 2, 3, ...; a mask
    # drawn per step would mix the two. Input dropout: a<t> is 0 or 2 always.
    units, steps = 64, 6
    x = np.ones((2, steps, units), "float32")
    counting = np.arange(1, steps + 1, dtype="float32")[None, :, None]
    for rates, allowed in [
        ({"recurrent_dropout": 0.5}, (1.0, counting)),
        ({"dropout": 0.5}, (0.0, 2.0)),
    ]:
        cell = SimpleRNNCell(units, activation="relu", use_bias=False, seed=5, **rates)
        layer = layer_cls(cell, return_sequences=True)
        layer.build(x.shape)
        cell.kernel.assign(np.eye(units))
        cell.recurrent_kernel.assign(0.5 * np.eye(units))
        if "dropout" in rates:
            cell.recurrent_kernel.assign(np.zeros((units, units)))
        y = np.asarray(layer(x, training=True))
        first, second = [np.broadcast_to(a, y.shape) for a in allowed]
        is_first = np.all(np.isclose(y, first), axis=1)
        is_second = np.all(np.isclose(y, second), axis=1)
        assert np.all(is_first | is_second)
        assert is_first.any() and is_second.any()  # both mask values drawn
        # Inference ignores dropout: every unit follows the undropped path,
        # a<t> = 1 + 0.5 * a<t-1> = 2 - 0.5 ** (t - 1), or 1 without recurrence.
        y = np.asarray(layer(x, training=False))
        expected = 1.0 if "dropout" in rates else 2.0 - 0.5 ** (counting - 1.0)
        np.testing.assert_allclose(y, np.broadcast_to(expected, y.shape), atol=1e-5)


def test_config_round_trip():
    checks.assert_config_round_trip(
        SimpleRNNCell(
            5,
            activation="relu",
            use_bias=False,
            kernel_initializer=keras.initializers.RandomNormal(stddev=0.3, seed=2),
            dropout=0.25,
            recurrent_dropout=0.1,
            seed=4,
            name="cell",
        )
    )


def test_bidirectional_save_load(tmp_path):
    checks.assert_bidirectional_save_load(lambda: SimpleRNNCell(3), tmp_path)


def test_contract():
    cell = SimpleRNNCell(6)
    assert cell.state_size == 6 and cell.output_size == 6
    (state,) = cell.get_initial_state(batch_size=2)
    assert state.shape == (2, 6) and not np.any(state)
    output, (new_state,) = cell(np.ones((2, 3), "float32"), [state])
    assert output.shape == (2, 6)
    np.testing.assert_allclose(output, new_state)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"units": 0}, "`units` must be a positive integer. Received: units=0"),
        ({"units": 2.5}, "Received: units=2.5"),
        ({"units": 2, "activation": "sigmoid"}, "`activation` must be one of 'tanh', 'relu'"),
        ({"units": 2, "dropout": 1.0}, r"`dropout` must be a float in \[0, 1\). Received: dropout=1.0"),
        ({"units": 2, "recurrent_dropout": -0.1}, "Received: recurrent_dropout=-0.1"),
        ({"units": 2, "use_bias": "yes"}, "`use_bias` must be a boolean"),
        ({"units": 2, "seed": 1.5}, "`seed` must be an integer or None"),
    ],
)
def test_invalid_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        SimpleRNNCell(**kwargs)


def test_numpy_integers_accepted():
    cell = SimpleRNNCell(np.int64(3), seed=np.int32(2), dropout=np.float32(0.5))
    config = cell.get_config()
    assert (config["units"], config["seed"], config["dropout"]) == (3, 2, 0.5)
    assert type(config["units"]) is int and type(config["seed"]) is int
