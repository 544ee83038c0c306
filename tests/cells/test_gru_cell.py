import keras
import numpy as np
import pytest

from seqkit.cells import GRUCell

from . import _checks as checks

sigmoid = checks.sigmoid


def numpy_full_step(w, x_t, states, recurrent_mask):
    (c_prev,) = states
    n = c_prev.shape[-1]
    W, U, b = w["kernel"], w["recurrent_kernel"], w["bias"]
    W_u, W_r, W_c = W[:, :n], W[:, n : 2 * n], W[:, 2 * n :]
    U_u, U_r, U_c = U[:, :n], U[:, n : 2 * n], U[:, 2 * n :]
    b_u, b_r, b_c = b[:n], b[n : 2 * n], b[2 * n :]
    h = c_prev * recurrent_mask
    update = sigmoid(h @ U_u + x_t @ W_u + b_u)
    relevance = sigmoid(h @ U_r + x_t @ W_r + b_r)
    candidate = np.tanh((relevance * h) @ U_c + x_t @ W_c + b_c)
    c = update * candidate + (1 - update) * c_prev
    return c, [c]


def numpy_simplified_step(w, x_t, states, recurrent_mask):
    (c_prev,) = states
    n = c_prev.shape[-1]
    W, U, b = w["kernel"], w["recurrent_kernel"], w["bias"]
    h = c_prev * recurrent_mask
    update = sigmoid(h @ U[:, :n] + x_t @ W[:, :n] + b[:n])
    candidate = np.tanh(h @ U[:, n:] + x_t @ W[:, n:] + b[n:])
    c = update * candidate + (1 - update) * c_prev
    return c, [c]


VARIANTS = pytest.mark.parametrize(
    "variant, numpy_step",
    [("full", numpy_full_step), ("simplified", numpy_simplified_step)],
    ids=["full", "simplified"],
)
layers = pytest.mark.parametrize("layer_cls", checks.LAYERS, ids=checks.LAYER_IDS)


@layers
@VARIANTS
@pytest.mark.parametrize("mask", [None, checks.MASK], ids=["full_length", "masked"])
def test_matches_numpy(layer_cls, variant, numpy_step, mask):
    cell = GRUCell(3, variant=variant)
    checks.assert_matches_numpy(layer_cls, cell, numpy_step, mask=mask)


@layers
@VARIANTS
def test_backwards_matches_numpy(layer_cls, variant, numpy_step):
    cell = GRUCell(3, variant=variant)
    checks.assert_matches_numpy(layer_cls, cell, numpy_step, mask=checks.MASK, go_backwards=True)


@layers
@VARIANTS
def test_dropout_matches_numpy(layer_cls, variant, numpy_step):
    cell = GRUCell(3, variant=variant, dropout=0.5, recurrent_dropout=0.5, seed=1)
    checks.assert_matches_numpy(layer_cls, cell, numpy_step, dropout=True)


def to_keras_gru(w):
    # Keras's z gate is 1 - Γu = σ(-(...)): flip the sign of the update block.
    flip = np.ones(w["bias"].shape, "float32")
    flip[: w["bias"].shape[0] // 3] = -1.0
    return [w["kernel"] * flip, w["recurrent_kernel"] * flip, w["bias"] * flip]


@layers
def test_matches_keras_gru_cell(layer_cls):
    checks.assert_matches_keras(layer_cls, GRUCell(3), keras.layers.GRUCell(3, reset_after=False), to_keras_gru)


@pytest.mark.parametrize("variant", ["full", "simplified"])
def test_weight_shapes(variant):
    cell = GRUCell(4, variant=variant)
    cell.build((None, 5))
    blocks = 3 if variant == "full" else 2
    assert cell.kernel.shape == (5, 4 * blocks)
    assert cell.recurrent_kernel.shape == (4, 4 * blocks)
    assert cell.bias.shape == (4 * blocks,)


@pytest.mark.parametrize("variant", ["full", "simplified"])
def test_config_round_trip(variant):
    checks.assert_config_round_trip(GRUCell(5, variant=variant, activation="relu", dropout=0.2, seed=3, name="g"))


@pytest.mark.parametrize("variant", ["full", "simplified"])
def test_bidirectional_save_load(variant, tmp_path):
    checks.assert_bidirectional_save_load(lambda: GRUCell(3, variant=variant), tmp_path)


def test_invalid_variant():
    with pytest.raises(
        ValueError,
        match="`variant` must be one of 'full', 'simplified'. Received: variant='minimal'",
    ):
        GRUCell(3, variant="minimal")
