"""The life of `fit`'s run directory: claimed, prepared, committed when training starts — or put back.

- An `--out` folder that already holds a run (`config.json`, `model.keras` or checkpoints) is refused unless
  the fit resumes it (`resume`) or replaces it (`overwrite`). An empty, missing or unrelated folder is fine.
- `overwrite` moves the old run's files aside (into a hidden `.seqkit-replaced-*` folder inside `--out`), so
  the new run never mixes with them; they are deleted when training starts.
- A fit that fails before training starts (bad labels, a bad `--embeddings` file, unreadable data found
  while encoding, a `--resume` whose options differ from the run's) leaves the folder as it found it: removed
  when this fit created it, the old run moved back on `overwrite`, and only the files this fit added removed
  otherwise (a resumed run is rewritten only just before training).
- Once training has started the run directory is the new run's: an interruption leaves it resumable
  (`--resume`), and it has no `model.keras`, so it never looks finished.

A `kill -9` between the move and the start of training leaves the old run in its hidden folder: the next fit
on the same `--out` moves it back before anything else (and so refuses to overwrite it without `overwrite`).

Example:

>>> import pathlib, tempfile
>>> out = pathlib.Path(tempfile.mkdtemp()) / "run"
>>> try:
...     with RunLifecycle(RunDirectory(out)) as lifecycle:
...         _ = lifecycle.run.file("words.txt").write_text("cat\\n")
...         raise UserInputError("bad label", path="train.csv", line=3)
... except UserInputError:
...     pass
>>> out.exists()
False
"""

import os
import shutil
import uuid

from seqkit.errors import UserInputError
from seqkit.export.run_directory import RunDirectory

REPLACED_PREFIX = ".seqkit-replaced-"
DISCARDED_PREFIX = ".seqkit-discarded-"


class RunLifecycle:
    """Context manager claiming `fit`'s run directory; `commit()` when training starts.

    Leaving the block with an exception before `commit()` rolls the folder back (see the module docstring).

    Args:
        run: the `RunDirectory` to write.
        resume: whether the fit continues the run in it.
        overwrite: whether the fit replaces the run in it.

    Raises:
        UserInputError: the folder holds a run and neither `resume` nor `overwrite` is set; both are set;
            or `--out` is a file.
    """

    def __init__(self, run, *, resume=False, overwrite=False):
        if not isinstance(overwrite, bool):
            raise ValueError(f"`overwrite` must be True or False. Received: overwrite={overwrite!r}")
        if resume and overwrite:
            raise UserInputError(
                "`resume` and `overwrite` exclude each other: continue the run in "
                f"{run.path} or replace it. Received: resume=True, overwrite=True"
            )
        self.run = run
        self.resume = bool(resume)
        self.overwrite = overwrite
        self.created = None  # the topmost folder this fit created
        self.before = set()  # the top-level names the folder held
        self.replaced = None  # where the old run waits while an `overwrite` prepares
        self.committed = False

    def __enter__(self):
        path = self.run.path
        if path.exists() and not path.is_dir():
            raise UserInputError("`--out` must be a folder; this is a file", path=path)
        if path.is_dir():
            _recover(path)
            if self.run.holds_run() and not (self.resume or self.overwrite):
                state = "a trained" if self.run.model_path.exists() else "an unfinished"
                raise UserInputError(
                    f"`--out` {path} already holds {state} run; pass --resume to continue it or --overwrite to "
                    "replace it"
                )
            if self.overwrite and self.run.holds_run():
                self.replaced = _move_aside(path)
            self.before = _names(path)
        else:
            self.created = _topmost_missing(path)
            self.run.create()
        return self

    def commit(self):
        """The fit has prepared its run (training starts): the old run of an `overwrite` is deleted."""
        if self.replaced is not None:
            _discard(self.replaced)
            self.replaced = None
        self.committed = True

    def __exit__(self, kind, error, traceback):
        if kind is None or self.committed:
            self.commit()
            return False
        self.rollback()
        return False

    def rollback(self):
        """Leave the folder as the fit found it (what it can: files a resumed run rewrote stay rewritten)."""
        path = self.run.path
        if self.created is not None:
            shutil.rmtree(self.created, ignore_errors=True)
            return
        for name in _names(path) - self.before:
            _remove(path / name)
        if self.replaced is not None:
            for name in _names(path):
                _remove(path / name)
            _restore(self.replaced, path)
            self.replaced = None


def _names(path):
    """Top-level names of a folder, without seqkit's hidden holding folders."""
    return {
        name
        for name in os.listdir(path)
        if not (name.startswith(REPLACED_PREFIX) or name.startswith(DISCARDED_PREFIX))
    }


def _topmost_missing(path):
    path = path.absolute()
    while not path.parent.exists():
        path = path.parent
    return path


def _move_aside(path):
    """Move every entry of `path` into a new hidden folder inside it; returns that folder."""
    holding = path / f"{REPLACED_PREFIX}{uuid.uuid4().hex[:12]}"
    holding.mkdir()
    for name in _names(path) - {holding.name}:
        os.replace(path / name, holding / name)
    return holding


def _restore(holding, path):
    for name in os.listdir(holding):
        os.replace(holding / name, path / name)
    holding.rmdir()


def _discard(holding):
    # Renamed first, so that a kill while deleting leaves a folder that is known to be garbage.
    discarded = holding.with_name(f"{DISCARDED_PREFIX}{uuid.uuid4().hex[:12]}")
    os.replace(holding, discarded)
    shutil.rmtree(discarded, ignore_errors=True)


def _recover(path):
    """Undo what a killed fit left: delete discarded runs; move back an old run whose replacement never
    started training (none is there), else delete it."""
    for name in os.listdir(path):
        if name.startswith(DISCARDED_PREFIX):
            shutil.rmtree(path / name, ignore_errors=True)
    for name in sorted(os.listdir(path)):
        if name.startswith(REPLACED_PREFIX):
            holding = path / name
            if RunDirectory(path).holds_run():
                _discard(holding)
            else:
                for entry in _names(path):
                    _remove(path / entry)
                _restore(holding, path)


def _remove(path):
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


__all__ = ["RunLifecycle"]
