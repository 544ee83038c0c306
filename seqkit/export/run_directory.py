"""The run directory: everything needed to predict, resume or export, in plain formats.

A run directory is checked whenever it is read back: `config.json` must be a JSON object with the keys the
app reads, every asset file (vocabularies, label lists, vectorizer settings, ...) must match the size and
SHA-256 that `config.json` records for it under `"assets"`, and `model.keras` must load. Anything else is a
`CorruptRunError`, "corrupt or incomplete run directory: <file>: <problem>" (exit status 2 in the CLI).
Runs written before assets were recorded (no `"assets"` entry) load unchecked.

Example:

>>> import tempfile
>>> run = RunDirectory(tempfile.mkdtemp()).create()
>>> _ = run.file("words.txt").write_text("<PAD>\\n<UNK>\\ncat\\n")
>>> run.write_config({"app": "demo", "assets": run.asset_records()})
>>> run.verify_assets(run.read_config(app="demo"))
>>> _ = run.file("words.txt").write_text("<PAD>\\n<UNK>\\n")
>>> run.verify_assets(run.read_config(app="demo"))  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
seqkit.export.run_directory.CorruptRunError: corrupt or incomplete run directory: .../words.txt: does not match the run's record in config.json (12 bytes, recorded 16)
"""

import contextlib
import hashlib
import json
import pathlib

from seqkit.data.atomic import atomic_write_json
from seqkit.errors import UserInputError

CORRUPT = "corrupt or incomplete run directory"

RUN_FILES = ("config.json", "model.keras", "metrics.json", "history.csv")
"""Top-level files of the recipe and the trainer. Every other top-level file of a run is an app's asset;
folders (`checkpoints/`, `logs/`, `plots/`, `shards/`, caches) and hidden temporaries never are."""

# Errors that reading a damaged run directory raises from the apps' loaders (`dict[...]`, `int(...)`, file
# access, JSON and UTF-8 decoding); `AttributeError` is left out: it is a bug, not a damaged file.
_READ_ERRORS = (OSError, ValueError, KeyError, TypeError, IndexError, EOFError)


class CorruptRunError(UserInputError):
    """A run directory that `fit` did not finish writing, or whose files were changed since.

    Args:
        problem: what is wrong with the file.
        path: the file (or the run directory when the file is not known).
        line: the 1-based line in `path`, if known.

    Example:

    >>> str(CorruptRunError("missing key 'builder'", path="runs/ner/config.json"))
    "corrupt or incomplete run directory: runs/ner/config.json: missing key 'builder'"
    """

    def _format(self):
        return f"{CORRUPT}: {super()._format()}"


class WrongRunError(UserInputError):
    """Not the run directory asked for: no such folder, or another app's run (not a damaged run)."""


class RunConfig(dict):
    """`config.json` as a dict whose missing keys raise `CorruptRunError` naming the file and the key.

    Nested objects are `RunConfig`s too, so a missing `config["vectorizer"]["lowercase"]` is named
    `vectorizer.lowercase`. `get` and `in` work as for any dict.

    Args:
        values: the parsed JSON object.
        path: `config.json`, named in errors.
        where: the dotted prefix of nested keys.

    Example:

    >>> config = RunConfig({"app": "ner", "vectorizer": {}}, path="runs/ner/config.json")
    >>> config["vectorizer"]["lowercase"]
    Traceback (most recent call last):
    ...
    seqkit.export.run_directory.CorruptRunError: corrupt or incomplete run directory: runs/ner/config.json: missing key 'vectorizer.lowercase'
    """

    def __init__(self, values=(), *, path=None, where=""):
        super().__init__(values)
        self._path = path
        self._where = where
        for key, value in list(self.items()):
            if isinstance(value, dict):
                self[key] = RunConfig(value, path=path, where=f"{where}{key}.")

    def __missing__(self, key):
        raise CorruptRunError(f"missing key '{self._where}{key}'", path=self._path)


class RunDirectory:
    """Paths and plain-format files of one training run.

    Layout: `model.keras`, `config.json` (app, model and training settings, and the size and SHA-256 of each
    asset), the app's assets (vocabulary text files, labels, vectorizer settings), `metrics.json`,
    `history.csv`, `plots/`, `checkpoints/`, `logs/` (TensorBoard).

    Args:
        path: the run directory.

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

    def holds_run(self):
        """Whether `fit` has written a run here (`config.json`, `model.keras` or checkpoints)."""
        checkpoints = self.checkpoints_dir
        return (
            self.config_path.exists()
            or self.model_path.exists()
            or (checkpoints.is_dir() and any(checkpoints.iterdir()))
        )

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
        """`config.json` as a `RunConfig`.

        Args:
            app: the app that must have written the run, or None.

        Raises:
            CorruptRunError: `config.json` is missing, not UTF-8 JSON, not an object, or has no `app`.
            WrongRunError: there is no such folder, or another app wrote the run.
        """
        if not self.path.is_dir():
            raise WrongRunError("no such run directory", path=self.path)
        path = self.config_path
        try:
            config = json.loads(path.read_bytes().decode("utf-8"))
        except FileNotFoundError:
            raise CorruptRunError("missing; is this a run directory written by `fit`?", path=path) from None
        except IsADirectoryError:
            raise CorruptRunError("is a folder, not a file", path=path) from None
        except UnicodeDecodeError as error:
            raise CorruptRunError(f"not UTF-8 text (byte {error.start})", path=path) from None
        except json.JSONDecodeError as error:
            raise CorruptRunError(f"invalid JSON: {error.msg}", path=path, line=error.lineno) from None
        if not isinstance(config, dict):
            raise CorruptRunError(f"expected a JSON object, found {type(config).__name__}", path=path)
        config = RunConfig(config, path=path)
        if app is not None and config["app"] != app:
            raise WrongRunError(f"this run was trained by app {config['app']!r}, not {app!r}", path=path)
        return config

    # === Assets ===

    def asset_files(self):
        """The run's asset files: its top-level files but `RUN_FILES` and hidden ones, sorted by name."""
        if not self.path.is_dir():
            return []
        return sorted(
            path
            for path in self.path.iterdir()
            if path.is_file() and not path.name.startswith(".") and path.name not in RUN_FILES
        )

    def asset_records(self):
        """`{name: {"bytes": size, "sha256": hex digest}}` of `asset_files()`, for `config.json`'s `assets`."""
        return {path.name: {"bytes": path.stat().st_size, "sha256": _sha256(path)} for path in self.asset_files()}

    def verify_assets(self, config):
        """Check every asset recorded in `config` (`config.json`'s `assets`) against its size and SHA-256.

        A run without an `assets` entry (written before they were recorded) passes unchecked.

        Raises:
            CorruptRunError: an asset is missing or does not match its record, or the record is malformed.
        """
        records = config.get("assets")
        if records is None:
            return
        if not isinstance(records, dict):
            raise CorruptRunError("'assets' must map file names to their size and SHA-256", path=self.config_path)
        for name, record in sorted(records.items()):
            if (
                not isinstance(name, str)
                or pathlib.PurePath(name).name != name
                or name.startswith(".")
                or not isinstance(record, dict)
                or not isinstance(record.get("bytes"), int)
                or not isinstance(record.get("sha256"), str)
            ):
                raise CorruptRunError(f"malformed 'assets' record {name!r}", path=self.config_path)
            path = self.path / name
            if not path.is_file():
                raise CorruptRunError("missing, though config.json records it", path=path)
            size = path.stat().st_size
            if size != record["bytes"]:
                raise CorruptRunError(
                    f"does not match the run's record in config.json ({size} bytes, recorded {record['bytes']})",
                    path=path,
                )
            if _sha256(path) != record["sha256"]:
                raise CorruptRunError(
                    "does not match the run's record in config.json (same size, another SHA-256: edited)", path=path
                )

    def corruption(self, error):
        """`error`, raised while reading this run's files, as a `CorruptRunError`; None if it is not one.

        `CorruptRunError`s are returned as they are; a `UserInputError` about a file of this run gets the
        "corrupt or incomplete run directory" form; OS, decoding, key and value errors name their file, or the
        run directory. Other errors (including `WrongRunError` and user errors about other files) give None.
        """
        if isinstance(error, CorruptRunError):
            return error
        if isinstance(error, WrongRunError):
            return None
        if isinstance(error, UserInputError):
            if error.path is not None and self._holds_path(error.path):
                return CorruptRunError(error.problem, path=error.path, line=error.line)
            return None
        if isinstance(error, FileNotFoundError):
            return CorruptRunError("missing", path=error.filename or self.path)
        if isinstance(error, OSError):
            return CorruptRunError(error.strerror or str(error), path=error.filename or self.path)
        if isinstance(error, UnicodeDecodeError):
            return CorruptRunError(f"a file is not UTF-8 text ({error.reason})", path=self.path)
        if isinstance(error, KeyError):
            return CorruptRunError(f"missing entry {error}", path=self.path)
        if isinstance(error, _READ_ERRORS):
            lines = [line.strip() for line in str(error).splitlines() if line.strip()]
            return CorruptRunError(f"{type(error).__name__}: {lines[-1] if lines else ''}", path=self.path)
        return None

    @contextlib.contextmanager
    def reading(self):
        """A block whose errors while reading this run's files are raised as `CorruptRunError` (see
        `corruption`); other errors pass unchanged."""
        try:
            yield self
        except Exception as error:
            corrupt = self.corruption(error)
            if corrupt is None or corrupt is error:
                raise
            raise corrupt from error

    def _holds_path(self, path):
        try:
            pathlib.Path(path).resolve().relative_to(self.path.resolve())
        except ValueError:
            return False
        return True

    # === Model ===

    def save_model(self, model):
        """Write `model.keras` under a temporary name, then rename it into place."""
        from seqkit.data.atomic import atomic_path

        with atomic_path(self.model_path) as temporary:
            model.save(temporary)

    def load_model(self):
        """Load `model.keras` (uncompiled: seqkit compiles again when it trains).

        Raises:
            CorruptRunError: `model.keras` is missing, not a `.keras` archive, or does not load.
        """
        import zipfile

        import keras

        # Importing these registers seqkit's cells, layers and the task builders' layers with Keras.
        import seqkit.layers
        import seqkit.tasks  # noqa: F401

        path = self.model_path
        if not path.is_file():
            raise CorruptRunError("missing; did `fit` finish?", path=path)
        if not zipfile.is_zipfile(path):
            raise CorruptRunError("not a Keras model archive (truncated or overwritten?)", path=path)
        try:
            return keras.saving.load_model(path, compile=False)
        except Exception as error:
            lines = [line.strip() for line in str(error).splitlines() if line.strip()]
            message = lines[-1] if lines else type(error).__name__
            raise CorruptRunError(f"does not load as a Keras model: {message}", path=path) from error


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
