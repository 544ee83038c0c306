"""The run directory: everything needed to predict, resume or export, in plain formats."""

import json
import pathlib

from seqkit.data.atomic import atomic_write_json
from seqkit.errors import UserInputError


class RunDirectory:
    """Paths and plain-format files of one training run.

    Layout: `model.keras`, `config.json` (app, model and training settings), vocabulary text files,
    `metrics.json`, `history.csv`, `plots/`, `checkpoints/`, `logs/` (TensorBoard).

    Example:

    >>> run = RunDirectory("runs/ner")
    >>> run.model_path.name
    'model.keras'
    """

    def __init__(self, path):
        self.path = pathlib.Path(path)

    model_path = property(lambda self: self.path / "model.keras")
    config_path = property(lambda self: self.path / "config.json")
    metrics_path = property(lambda self: self.path / "metrics.json")
    history_path = property(lambda self: self.path / "history.csv")
    plots_dir = property(lambda self: self.path / "plots")
    checkpoints_dir = property(lambda self: self.path / "checkpoints")

    def file(self, name):
        return self.path / name

    def create(self):
        self.path.mkdir(parents=True, exist_ok=True)
        return self

    def write_json(self, name, value):
        atomic_write_json(self.path / name, value)

    def read_json(self, name):
        path = self.path / name
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise UserInputError(f"missing {name}; is this a run directory written by `fit`?", path=self.path) from None
        except json.JSONDecodeError as error:
            raise UserInputError(f"invalid JSON: {error.msg}", path=path, line=error.lineno) from None

    def write_config(self, config):
        self.write_json("config.json", config)

    def read_config(self, app=None):
        config = self.read_json("config.json")
        if app is not None and config.get("app") != app:
            raise UserInputError(
                f"this run was trained by app {config.get('app')!r}, not {app!r}", path=self.config_path
            )
        return config

    def save_model(self, model):
        """Write `model.keras` under a temporary name, then rename it into place."""
        import os
        import tempfile

        handle, temporary = tempfile.mkstemp(prefix=".model-", suffix=".keras", dir=self.path)
        os.close(handle)
        try:
            model.save(temporary)
            os.replace(temporary, self.model_path)
        except BaseException:
            if os.path.exists(temporary):
                os.remove(temporary)
            raise

    def load_model(self):
        """Load `model.keras` (uncompiled: seqkit compiles again when it trains)."""
        import keras

        # Importing these registers seqkit's cells, layers and the task builders' layers with Keras.
        import seqkit.layers
        import seqkit.tasks  # noqa: F401

        if not self.model_path.is_file():
            raise UserInputError("missing model.keras; did `fit` finish?", path=self.path)
        return keras.saving.load_model(self.model_path, compile=False)
