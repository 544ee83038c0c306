"""Where the trainer writes inside a run directory."""

import pathlib
import re

_EPOCH_FILE = re.compile(r"^epoch_(\d+)\.weights\.h5$")
_STATE_FILE = re.compile(r"^step_(\d+)\.json$")
# `seqkit.data.atomic` and `save_weights_atomically` write to `.<name>.tmp-<random>` first.
_TEMPORARY_FILE = re.compile(r"^\..+\.tmp-")


class RunPaths:
    """The trainer's files in a run directory.

    - `checkpoints/epoch_NNNN.weights.h5`: weights after each epoch (1-based).
    - `checkpoints/state/step_NNNNNNNNN.{json,npz}`: the training state after a
      number of batches, for `resume` (see `seqkit.training.checkpoints`).
    - `history.csv`: one row of logged values per epoch, `epoch` counted from 1.
    - `logs/`: TensorBoard event files.
    - `plots/training_curves.png`: loss and monitored metric per epoch.

    Args:
        root: the run directory.

    Example:

    >>> paths = RunPaths("runs/ner")
    >>> paths.epoch_checkpoint(3).as_posix()
    'runs/ner/checkpoints/epoch_0003.weights.h5'
    >>> paths.state_file(120).name
    'step_000000120.json'
    """

    def __init__(self, root):
        self.root = pathlib.Path(root)
        self.checkpoints = self.root / "checkpoints"
        self.state = self.checkpoints / "state"
        self.history = self.root / "history.csv"
        self.logs = self.root / "logs"
        self.plots = self.root / "plots"
        self.curves = self.plots / "training_curves.png"

    def epoch_checkpoint(self, epoch):
        """The weights file written after the 1-based `epoch`."""
        return self.checkpoints / f"epoch_{epoch:04d}.weights.h5"

    def epoch_checkpoints(self):
        """`{epoch: path}` of the per-epoch weights files on disk."""
        return _numbered_files(self.checkpoints, _EPOCH_FILE)

    def latest_checkpoint(self):
        """The weights file of the last finished epoch, or `None`."""
        checkpoints = self.epoch_checkpoints()
        return checkpoints[max(checkpoints)] if checkpoints else None

    def state_file(self, step):
        """The JSON file of the training state after `step` batches (its arrays: `.npz` beside it)."""
        return self.state / f"step_{step:09d}.json"

    def state_files(self):
        """`{step: path}` of the training-state JSON files on disk, oldest first."""
        return _numbered_files(self.state, _STATE_FILE)

    def temporary_files(self):
        """Files left half-written by a process killed while writing a checkpoint or the history."""
        found = [
            path
            for directory in (self.checkpoints, self.state)
            if directory.is_dir()
            for path in directory.iterdir()
            if path.is_file() and _TEMPORARY_FILE.match(path.name)
        ]
        return found + sorted(self.root.glob(f".{self.history.name}.tmp-*"))


def _numbered_files(directory, pattern):
    found = {}
    if directory.is_dir():
        for path in directory.iterdir():
            match = pattern.match(path.name)
            if match:
                found[int(match.group(1))] = path
    return dict(sorted(found.items()))
