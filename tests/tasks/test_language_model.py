import keras
import numpy as np
import pytest
from builder_checks import assert_save_load_identical, assert_training_step_changes_all_weights

from seqkit.tasks import LANGUAGE_MODEL_PRESETS, language_model, language_model_loss, language_model_step

IDS = np.array([[1, 4, 6, 3, 2], [1, 5, 2, 0, 0]], "int32")


def _step_through(step, ids, split):
    """Runs the step model on `ids[:, :split]` in one pass, then one token at
    a time, and returns the concatenated logits."""
    ids = keras.ops.convert_to_tensor(ids)
    states = [keras.ops.zeros((ids.shape[0], s.shape[-1])) for s in step.inputs[1:]]
    logits, *states = step([ids[:, :split], *states])
    pieces = [logits]
    for position in range(split, ids.shape[1]):
        logits, *states = step([ids[:, position : position + 1], *states])
        pieces.append(logits)
    return np.concatenate([np.asarray(p) for p in pieces], axis=1)


@pytest.mark.parametrize("cell", ["lstm", "gru-simplified"])
def test_step_model_shares_weights_and_matches_the_full_model(cell):
    model = language_model(9, embedding_dim=4, units=3, cell=cell, num_layers=2)
    step = language_model_step(model)
    states_per_layer = 2 if cell == "lstm" else 1
    assert len(step.inputs) == 1 + 2 * states_per_layer
    full = np.asarray(model(IDS[:1]))
    np.testing.assert_allclose(_step_through(step, IDS[:1], 2), full, atol=1e-5)
    # Same variables, not copies: a change in the model shows in the step.
    kernel = model.get_layer("logits").kernel
    kernel.assign(kernel.numpy() + 1.0)
    np.testing.assert_allclose(_step_through(step, IDS[:1], 3), np.asarray(model(IDS[:1])), atol=1e-5)


def test_large_vocabulary_builds_without_one_hot():
    model = language_model(100_000, embedding_dim=2, units=2)
    assert model.get_layer("token_embedding").input_dim == 100_000
    assert tuple(model(IDS).shape) == (2, 5, 100_000)


def test_save_load_round_trip_and_step_model_of_the_loaded_model(tmp_path):
    model = language_model(9, embedding_dim=4, units=3, num_layers=2, dropout=0.1)
    restored = assert_save_load_identical(model, IDS, tmp_path)
    np.testing.assert_allclose(
        _step_through(language_model_step(restored), IDS[:1], 1),
        np.asarray(model(IDS[:1])),
        atol=1e-5,
    )


def test_one_training_step_changes_every_weight():
    model = language_model(9, embedding_dim=4, units=3, num_layers=2, cell="gru")
    labels = np.where(IDS[:, 1:] == 0, -1, IDS[:, 1:])
    assert_training_step_changes_all_weights(model, language_model_loss(), IDS[:, :-1], labels)


def test_loss_ignores_minus_one_labels():
    logits = np.log(np.array([[[0.5, 0.5], [0.9, 0.1]]], "float32"))
    value = float(language_model_loss()(np.array([[0, -1]]), logits))
    assert value == pytest.approx(np.log(2.0), rel=1e-5)


def test_presets_and_errors():
    assert language_model(9, **LANGUAGE_MODEL_PRESETS["tiny"]).output.shape[-1] == 9
    with pytest.raises(ValueError, match="`num_layers` must be a positive integer"):
        language_model(9, num_layers=0)
    with pytest.raises(ValueError, match="no layer named 'recurrent_0'"):
        language_model_step(keras.Sequential([keras.layers.Dense(2)], name="x"))
