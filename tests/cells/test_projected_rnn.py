"""seqkit.layers.RNN: projection before the loop and the inherited features."""

import copy

import keras
import numpy as np
import pytest

from seqkit import cells
from seqkit.layers.rnn import RNN, supports_projection

from . import _checks as checks

NAMES = cells.names()


def same_weights(source, target):
    target.build((checks.BATCH, checks.STEPS, checks.FEATURES))
    target.set_weights(source.get_weights())
    return target


def seeded(layer):
    layer.build((checks.BATCH, checks.STEPS, checks.FEATURES))
    checks.seed_weights(layer.cell)
    return layer


def spy_projection(cell):
    """Records the rank of every input `project_inputs` receives."""
    ranks = []
    original = cell.project_inputs

    def project_inputs(inputs, training=None):
        ranks.append(len(inputs.shape))
        return original(inputs, training=training)

    cell.project_inputs = project_inputs
    return ranks


@pytest.mark.parametrize("name", NAMES)
def test_projects_the_whole_sequence_once(name):
    x = checks.inputs()
    cell = cells.get(name, 3)
    layer = seeded(RNN(cell, return_sequences=True))
    ranks = spy_projection(cell)
    got = layer(x)
    assert ranks == [3]
    # keras.layers.RNN runs the same cell one projected step at a time.
    ranks.clear()
    want = keras.layers.RNN(cell, return_sequences=True)(x)
    assert ranks and set(ranks) == {2}
    np.testing.assert_allclose(got, want, atol=1e-6)


def test_loop_constants_computed_once_before_the_loop():
    x = checks.inputs()
    cell = cells.get("gru", 3)
    layer = seeded(RNN(cell, return_sequences=True))
    calls = []
    original = cell.loop_constants
    cell.loop_constants = lambda: calls.append(1) or original()
    got = layer(x, mask=checks.MASK)
    assert calls == [1]
    want = keras.layers.RNN(cell, return_sequences=True)(x, mask=checks.MASK)
    np.testing.assert_allclose(got, want, atol=1e-6)
    assert cells.get("gru-simplified", 3).loop_constants() is None


@pytest.mark.parametrize("name", NAMES)
def test_padding_carries_state(name):
    # Masked trailing steps of any content leave output and state unchanged.
    x = checks.inputs()
    padded = np.concatenate([x, 100.0 * checks.inputs(seed=3, steps=2)], axis=1)
    mask = np.arange(padded.shape[1]) < checks.STEPS
    mask = np.broadcast_to(mask, padded.shape[:2])
    layer = seeded(RNN(cells.get(name, 3), return_state=True))
    for got, want in zip(layer(padded, mask=mask), layer(x)):
        np.testing.assert_allclose(got, want, atol=1e-6)


@pytest.mark.parametrize("name", NAMES)
def test_stateful_halves_equal_one_pass(name):
    x = checks.inputs(steps=6)
    whole = seeded(RNN(cells.get(name, 3), return_sequences=True))
    halves = same_weights(whole, RNN(cells.get(name, 3), return_sequences=True, stateful=True))
    first, second = halves(x[:, :3]), halves(x[:, 3:])
    np.testing.assert_allclose(np.concatenate([first, second], 1), whole(x), atol=1e-5)
    halves.reset_state()
    np.testing.assert_allclose(halves(x[:, :3]), first, atol=1e-6)


@pytest.mark.parametrize("name", ["gru", "lstm-peephole"])
def test_unroll_equals_loop(name):
    x = checks.inputs()
    loop = seeded(RNN(cells.get(name, 3), return_sequences=True, go_backwards=True))
    unrolled = same_weights(loop, RNN(cells.get(name, 3), return_sequences=True, go_backwards=True, unroll=True))
    np.testing.assert_allclose(unrolled(x, mask=checks.MASK), loop(x, mask=checks.MASK), atol=1e-6)


def test_other_cells_run_step_by_step():
    x = checks.inputs()
    stacked = [cells.get("lstm", 3), cells.get("gru", 2)]
    for cell in [keras.layers.SimpleRNNCell(3), stacked]:
        ours = seeded(RNN(cell, return_sequences=True))
        assert not supports_projection(ours.cell)
        reference = same_weights(ours, keras.layers.RNN(ours.cell, return_sequences=True))
        np.testing.assert_allclose(ours(x, mask=checks.MASK), reference(x, mask=checks.MASK), atol=1e-6)


def test_stacked_bidirectional_model_trains():
    # Embedding mask → two stacked bidirectional layers → per-step classes.
    tokens = np.array([[4, 2, 7, 0, 0], [3, 3, 1, 5, 6]])
    labels = np.array([[1, 0, 1, 0, 0], [0, 1, 1, 0, 1]])
    model = keras.Sequential(
        [
            keras.Input((None,), dtype="int32"),
            keras.layers.Embedding(8, 4, mask_zero=True),
            keras.layers.Bidirectional(RNN(cells.get("gru", 3, dropout=0.2, seed=1), return_sequences=True)),
            keras.layers.Bidirectional(RNN(cells.get("lstm", 3, recurrent_dropout=0.2, seed=2), return_sequences=True)),
            keras.layers.Dense(2),
        ]
    )
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True), run_eagerly=True)
    before = [w.copy() for w in model.get_weights()]
    model.fit(tokens, labels, epochs=1, verbose=0)
    assert all(np.any(a != b) for a, b in zip(before, model.get_weights()))


def test_config_round_trip():
    layer = RNN(cells.get("lstm", 3), return_sequences=True, go_backwards=True, name="r")
    config = layer.get_config()
    # from_config consumes the "cell" entry, as keras.layers.RNN's does.
    assert RNN.from_config(copy.deepcopy(config)).get_config() == config
    assert keras.saving.get_registered_name(RNN) == "seqkit>RNN"
