"""Where the trainer writes inside a run directory."""

import pathlib
import re

_EPOCH_FILE = re.compile(r"^epoch_(\d+)\.weights\.h5$")


class RunPaths:
    """The trainer's files in a run directory.

    - `checkpoints/epoch_NNNN.weights.h5`: weights after each epoch (1-based).
    - `checkpoints/backup/`: Keras `BackupAndRestore` state for `resume`.
    - `history.csv`: one row of logged values per epoch.
    - `logs/`: TensorBoard event files.
    - `plots/training_curves.png`: loss and monitored metric per epoch.

    Args:
        root: the run directory.

    Example:

    >>> paths = RunPaths("runs/ner")
    >>> paths.epoch_checkpoint(3).as_posix()
    'runs/ner/checkpoints/epoch_0003.weights.h5'
    """

    def __init__(self, root):
        self.root = pathlib.Path(root)
        self.checkpoints = self.root / "checkpoints"
        self.backup = self.checkpoints / "backup"
        self.history = self.root / "history.csv"
        self.logs = self.root / "logs"
        self.plots = self.root / "plots"
        self.curves = self.plots / "training_curves.png"

    @property
    def checkpoint_pattern(self):
        """The `keras.callbacks.ModelCheckpoint` file pattern."""
        return str(self.checkpoints / "epoch_{epoch:04d}.weights.h5")

    def epoch_checkpoint(self, epoch):
        """The weights file written after the 1-based `epoch`."""
        return self.checkpoints / f"epoch_{epoch:04d}.weights.h5"

    def epoch_checkpoints(self):
        """`{epoch: path}` of the per-epoch weights files on disk."""
        found = {}
        if self.checkpoints.is_dir():
            for path in self.checkpoints.iterdir():
                match = _EPOCH_FILE.match(path.name)
                if match:
                    found[int(match.group(1))] = path
        return dict(sorted(found.items()))

    def latest_checkpoint(self):
        """The weights file of the last finished epoch, or `None`."""
        checkpoints = self.epoch_checkpoints()
        return checkpoints[max(checkpoints)] if checkpoints else None
