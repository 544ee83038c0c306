"""Training-state checkpoints: what a resumed run needs to continue exactly as if never stopped.

A state is two plain files in `checkpoints/state/` (see `RunPaths`):

- `step_NNNNNNNNN.npz`: every variable that training changes, by position: the model's trainable
  and non-trainable variables (the latter hold the state of each `keras.random.SeedGenerator`, so
  dropout continues with the masks it would have drawn), the optimizer's variables (iteration count,
  learning rate, moments, moving averages of the weights, loss scale) and, in the middle of an
  epoch, the metrics' accumulators (so the epoch's logged loss covers all of its batches). Saved
  with `numpy.savez`, read with `allow_pickle=False`; each member carries a CRC, so a damaged file
  fails to load rather than giving wrong numbers.
- `step_NNNNNNNNN.json`: the counters (finished epochs, batches done in the current epoch, batches
  in all, batches per epoch), the history rows of the finished epochs and the variables' paths and
  shapes. It is written after the arrays, so a state whose JSON exists is complete.

The order of the data needs no saved state: the trainer gives epoch `k` the `k`-th reshuffle of the
training pipeline (see `seqkit.training.determinism.resumable_batches`).

Both files are written to a temporary name in the same folder and renamed (`os.replace`), so a
process killed while writing leaves the previous state intact and at worst a stray `.tmp-` file.

Example:

>>> import keras, tempfile
>>> from seqkit.training.run_dir import RunPaths
>>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
>>> model.compile("adam", "mse")
>>> model.optimizer.build(model.trainable_variables)
>>> paths = RunPaths(tempfile.mkdtemp())
>>> state = TrainingState(epoch=1, step=4, batches_per_epoch=4, history=[{"epoch": 1, "loss": 0.5}])
>>> write_state(paths, model, state).name
'step_000000004.json'
>>> found, arrays = read_state(paths.state_file(4), model)
>>> found == state, sorted(arrays)
(True, ['metrics_variables', 'model_and_optimizer'])
"""

import dataclasses
import json
import os
import pathlib
import tempfile
import warnings
import zipfile

import keras
import numpy as np

from seqkit.data.atomic import atomic_open, atomic_write_json
from seqkit.errors import UserInputError

STATE_FORMAT = 1
_GROUPS = ("trainable_variables", "non_trainable_variables", "optimizer_variables", "metrics_variables")


class DamagedCheckpointError(Exception):
    """A checkpoint file that cannot be read back (truncated, corrupt or incomplete)."""


@dataclasses.dataclass
class TrainingState:
    """The counters of a training run at a checkpoint.

    Args:
        epoch: epochs finished.
        batch: batches trained of epoch `epoch + 1` (0 at an epoch boundary).
        step: batches trained in all epochs.
        batches_per_epoch: batches in an epoch, once known.
        history: `[{"epoch": 1-based epoch, name: value, ...}]` of the finished epochs.
    """

    epoch: int = 0
    batch: int = 0
    step: int = 0
    batches_per_epoch: int | None = None
    history: list = dataclasses.field(default_factory=list)


def training_variables(model):
    """`{group: [variables]}` of everything training changes, in a fixed order."""
    optimizer = model.optimizer
    return {
        "trainable_variables": list(model.trainable_variables),
        "non_trainable_variables": list(model.non_trainable_variables),
        "optimizer_variables": list(optimizer.variables) if optimizer is not None else [],
        "metrics_variables": list(model.metrics_variables),
    }


def write_state(paths, model, state, *, with_metrics=False, keep=2):
    """Writes the state after `state.step` batches; keeps the newest `keep` states.

    Args:
        paths: the run's `RunPaths`.
        model: the compiled model being trained (raw weights, not moving averages).
        state: a `TrainingState`.
        with_metrics: also save the metrics' accumulators (for a state in the middle of an epoch).
        keep: how many states to keep, at least 1; older ones are removed.

    Returns:
        The path of the state's JSON file.
    """
    variables = training_variables(model)
    if not with_metrics:
        variables["metrics_variables"] = []
    json_path = paths.state_file(state.step)
    arrays_path = json_path.with_suffix(".npz")
    arrays = {
        f"{group}.{index:05d}": keras.ops.convert_to_numpy(variable.value)
        for group, group_variables in variables.items()
        for index, variable in enumerate(group_variables)
    }
    with atomic_open(arrays_path, "wb") as handle:
        np.savez(handle, **arrays)
    atomic_write_json(
        json_path,
        {
            "format": STATE_FORMAT,
            **dataclasses.asdict(state),
            "arrays": arrays_path.name,
            "variables": {
                group: [{"path": variable.path, "shape": list(variable.shape)} for variable in group_variables]
                for group, group_variables in variables.items()
            },
        },
    )
    for old in list(paths.state_files().values())[:-keep]:
        remove_state(old)
    return json_path


def remove_state(json_path):
    """Removes a state: its JSON first, so that a kill in between leaves no state without its arrays."""
    json_path = pathlib.Path(json_path)
    json_path.unlink(missing_ok=True)
    json_path.with_suffix(".npz").unlink(missing_ok=True)


def read_state(json_path, model):
    """Reads and checks a state written by `write_state` for `model`.

    Returns:
        `(TrainingState, {"model_and_optimizer": [arrays], "metrics_variables": [arrays]})`, the
        arrays in the order of `training_variables(model)`; the metrics' arrays (of a state in the
        middle of an epoch) are checked by `restore_metrics`, once `fit` has built the metrics.

    Raises:
        DamagedCheckpointError: a file is missing, truncated or corrupt.
        UserInputError: the state is intact but its variables do not fit `model` (a different model).
    """
    json_path = pathlib.Path(json_path)
    try:
        record = json.loads(json_path.read_text(encoding="utf-8"))
        if record.get("format") != STATE_FORMAT:
            raise DamagedCheckpointError(f"unknown state format {record.get('format')!r}")
        state = TrainingState(**{field.name: record[field.name] for field in dataclasses.fields(TrainingState)})
        arrays_path = json_path.with_name(record["arrays"])
        with np.load(arrays_path, allow_pickle=False) as stored:
            loaded = {name: stored[name] for name in stored.files}  # reading each member checks its CRC
        saved = record["variables"]
    except DamagedCheckpointError:
        raise
    except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile) as error:
        raise DamagedCheckpointError(f"{type(error).__name__}: {error}") from None
    variables = training_variables(model)
    arrays = {"model_and_optimizer": [], "metrics_variables": []}
    for group in _GROUPS:
        group_variables, group_saved = variables[group], saved.get(group, [])
        if group == "metrics_variables":
            # Keras builds the compiled metrics in `fit`; `restore_metrics` checks them there.
            for index in range(len(group_saved)):
                name = f"{group}.{index:05d}"
                if name not in loaded:
                    raise DamagedCheckpointError(f"{arrays_path.name} has no array {name!r}")
                arrays[group].append(loaded[name])
            continue
        if len(group_saved) != len(group_variables):
            raise UserInputError(
                f"the checkpoint does not fit the model: it has {len(group_saved)} {group.replace('_', ' ')}, "
                f"the model {len(group_variables)}; resume with the options of the run that wrote it",
                path=json_path,
            )
        target = arrays["metrics_variables" if group == "metrics_variables" else "model_and_optimizer"]
        for index, (variable, entry) in enumerate(zip(group_variables, group_saved)):
            name = f"{group}.{index:05d}"
            if name not in loaded:
                raise DamagedCheckpointError(f"{arrays_path.name} has no array {name!r}")
            value = loaded[name]
            if tuple(value.shape) != tuple(variable.shape):
                raise UserInputError(
                    f"the checkpoint does not fit the model: {entry['path']!r} has shape {tuple(value.shape)} "
                    f"there and {tuple(variable.shape)} in the model ({variable.path!r}); "
                    "resume with the options of the run that wrote it",
                    path=json_path,
                )
            target.append(value)
    return state, arrays


def latest_state(paths, model):
    """The newest intact state of the run for `model`, falling back to older ones.

    A damaged state is named in a warning with the one used instead ("checkpoint X is damaged
    (...); resuming from Y") and removed, so that training from Y writes its states afresh.

    Returns:
        `(state_path, TrainingState, arrays)` as `read_state` gives, or `None` when the run has no
        state.

    Raises:
        UserInputError: every state is damaged, or they do not fit `model`.
    """
    damaged = []
    for path in reversed(list(paths.state_files().values())):
        try:
            state, arrays = read_state(path, model)
        except DamagedCheckpointError as error:
            damaged.append((path, str(error)))
            continue
        for bad, reason in damaged:
            warnings.warn(f"checkpoint {bad} is damaged ({reason}); resuming from {path}", stacklevel=3)
            remove_state(bad)
        return path, state, arrays
    if damaged:
        listed = "; ".join(f"{bad.name} ({reason})" for bad, reason in damaged)
        raise UserInputError(
            f"every checkpoint of the run is damaged: {listed}; start a fresh run without --resume",
            path=paths.state,
        )
    return None


def restore(variables, arrays):
    """Assigns `arrays` to `variables`, in order."""
    for variable, value in zip(variables, arrays, strict=True):
        variable.assign(value)


def restore_metrics(model, arrays):
    """Assigns the metrics' arrays of a state to `model.metrics_variables`, once they are built."""
    variables = list(model.metrics_variables)
    shapes = [tuple(variable.shape) for variable in variables]
    if shapes != [tuple(value.shape) for value in arrays]:
        raise UserInputError(
            f"the checkpoint does not fit the model's metrics: it has {len(arrays)} metric variables, the model "
            f"{len(variables)} ({', '.join(variable.path for variable in variables)}); resume with the metrics "
            "of the run that wrote it"
        )
    restore(variables, arrays)


def model_and_optimizer_variables(model):
    """The variables of every group but the metrics', in the order of `read_state`'s arrays."""
    variables = training_variables(model)
    return [variable for group in _GROUPS[:-1] for variable in variables[group]]


def save_weights_atomically(model, path):
    """`model.save_weights(path)` through a temporary file in the same folder, renamed when complete."""
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Keras wants the name to end in `.weights.h5`.
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.tmp-", suffix=".weights.h5", dir=path.parent)
    os.close(fd)
    try:
        model.save_weights(temporary, overwrite=True)
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        pathlib.Path(temporary).unlink(missing_ok=True)
        raise
    return path
