import json

import keras
import numpy as np
import pytest

from seqkit.errors import UserInputError
from seqkit.training import checkpoints
from seqkit.training.checkpoints import DamagedCheckpointError, TrainingState
from seqkit.training.run_dir import RunPaths


def _trained_model(units=4, seed=0):
    """A model with dropout, Adam with moving averages and a metric, after a few steps (all state non-trivial)."""
    keras.utils.set_random_seed(seed)
    inputs = keras.Input((3,))
    hidden = keras.layers.Dropout(0.5)(keras.layers.Dense(units)(inputs))
    model = keras.Model(inputs, keras.layers.Dense(1)(hidden))
    model.compile(keras.optimizers.Adam(0.01, use_ema=True), "mse", metrics=["mae"])
    x = np.random.default_rng(seed).normal(size=(8, 3)).astype("float32")
    model.fit(x, x[:, :1], batch_size=2, epochs=1, verbose=0)
    return model


def _values(model):
    return [keras.ops.convert_to_numpy(v.value) for group in checkpoints.training_variables(model).values() for v in group]


def _state(step, epoch=1):
    return TrainingState(epoch=epoch, batch=step - 4 * epoch, step=step, batches_per_epoch=4, history=[{"epoch": 1, "loss": 0.5}])


def test_a_state_restores_every_variable_training_changes(tmp_path):
    paths, saved = RunPaths(tmp_path), _trained_model(seed=1)
    state = _state(6)
    checkpoints.write_state(paths, saved, state, with_metrics=True)
    assert json.loads(paths.state_file(6).read_text())["batch"] == 2

    other = _trained_model(seed=2)  # different weights, moments, iteration count, dropout state and metrics
    read, arrays = checkpoints.read_state(paths.state_file(6), other)
    assert read == state
    checkpoints.restore(checkpoints.model_and_optimizer_variables(other), arrays["model_and_optimizer"])
    checkpoints.restore(other.metrics_variables, arrays["metrics_variables"])
    for got, want in zip(_values(other), _values(saved), strict=True):
        np.testing.assert_array_equal(got, want)
    assert int(other.optimizer.iterations.numpy()) == 4
    assert any("seed_generator" in v.path for v in other.non_trainable_variables)  # the dropout state was in it


@pytest.mark.parametrize("damage", ["truncate", "corrupt", "remove arrays", "truncate json"])
def test_a_truncated_or_corrupt_state_is_damaged(tmp_path, damage):
    paths, model = RunPaths(tmp_path), _trained_model()
    json_path = checkpoints.write_state(paths, model, _state(4, epoch=1))
    arrays = json_path.with_suffix(".npz")
    data = arrays.read_bytes()
    if damage == "truncate":  # a kill while writing in place
        arrays.write_bytes(data[: len(data) // 2])
    elif damage == "corrupt":
        middle = len(data) // 2
        arrays.write_bytes(data[:middle] + bytes(b ^ 0xFF for b in data[middle : middle + 16]) + data[middle + 16 :])
    elif damage == "remove arrays":
        arrays.unlink()
    else:
        json_path.write_text(json_path.read_text()[:50])
    with pytest.raises(DamagedCheckpointError):
        checkpoints.read_state(json_path, model)


def test_resume_falls_back_to_the_previous_good_state_and_says_which(tmp_path):
    paths, model = RunPaths(tmp_path), _trained_model()
    for step in (4, 6, 8):
        checkpoints.write_state(paths, model, _state(step, epoch=1 if step < 8 else 2))
    assert list(paths.state_files()) == [6, 8]  # the newest two are kept
    newest = paths.state_file(8).with_suffix(".npz")
    newest.write_bytes(newest.read_bytes()[:100])
    with pytest.warns(UserWarning) as caught:
        path, state, _ = checkpoints.latest_state(paths, model)
    assert path == paths.state_file(6) and state.step == 6
    (message,) = [str(warning.message) for warning in caught if "is damaged" in str(warning.message)]
    assert message.startswith(f"checkpoint {paths.state_file(8)} is damaged (")
    assert message.endswith(f"); resuming from {paths.state_file(6)}")
    assert list(paths.state_files()) == [6]  # the damaged one is gone, so it does not come back


def test_every_state_damaged_or_none_at_all(tmp_path):
    paths, model = RunPaths(tmp_path), _trained_model()
    assert checkpoints.latest_state(paths, model) is None
    checkpoints.write_state(paths, model, _state(4))
    paths.state_file(4).with_suffix(".npz").write_bytes(b"PK\x03\x04")
    with pytest.raises(UserInputError, match=r"every checkpoint of the run is damaged: step_000000004.json \("):
        checkpoints.latest_state(paths, model)


def test_a_state_of_another_model_is_a_user_error_not_damage(tmp_path):
    paths = RunPaths(tmp_path)
    checkpoints.write_state(paths, _trained_model(units=4), _state(4))
    with pytest.raises(UserInputError, match=r"does not fit the model: 'dense\w*/kernel' has shape \(3, 4\) there and \(3, 5\) in the model"):
        checkpoints.latest_state(paths, _trained_model(units=5))


class Killed(BaseException):
    """Stands for the process dying in the middle of a write."""


def test_a_write_that_dies_midway_leaves_the_previous_files(tmp_path, monkeypatch):
    paths, model = RunPaths(tmp_path), _trained_model()
    weights = checkpoints.save_weights_atomically(model, paths.epoch_checkpoint(1))
    checkpoints.write_state(paths, model, _state(4))
    before_weights, before_state = weights.read_bytes(), paths.state_file(4).with_suffix(".npz").read_bytes()

    def dies_after_half(filepath, *args, **kwargs):
        with open(filepath, "wb") as file:
            file.write(before_weights[: len(before_weights) // 2])
        raise Killed()

    monkeypatch.setattr(model, "save_weights", dies_after_half)
    with pytest.raises(Killed):
        checkpoints.save_weights_atomically(model, paths.epoch_checkpoint(1))
    monkeypatch.setattr(np, "savez", lambda file, **arrays: (file.write(b"PK\x03\x04 half"), exec("raise Killed()")))
    with pytest.raises(Killed):
        checkpoints.write_state(paths, model, _state(4))
    monkeypatch.undo()

    assert weights.read_bytes() == before_weights
    assert paths.state_file(4).with_suffix(".npz").read_bytes() == before_state
    assert paths.temporary_files() == []  # an exception cleans up; a kill leaves a stray one that `fit` removes
    reloaded = _trained_model()
    reloaded.load_weights(weights)
    checkpoints.read_state(paths.state_file(4), reloaded)
