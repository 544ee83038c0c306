"""Atomic file and directory writing.

A reader never sees a half-written file: content goes to a temporary sibling
(same directory, hence same file system) and is moved into place with
`os.replace`, which is atomic on POSIX and Windows. A crash leaves either the
old file or the new one, plus at worst a stray `.tmp-*` sibling.

Example:

>>> import json, pathlib, tempfile
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> _ = atomic_write_json(root / "config.json", {"units": 8})
>>> json.loads((root / "config.json").read_text())
{'units': 8}
>>> with atomic_directory(root / "export" / "1") as tmp:
...     _ = (tmp / "model.txt").write_text("done")
>>> (root / "export" / "1" / "model.txt").read_text()
'done'
"""

import contextlib
import json
import os
import shutil
import tempfile
from pathlib import Path


def _temporary_sibling_prefix(path):
    return f".{path.name}.tmp-"


def atomic_write_bytes(path, data):
    """Write `data` (bytes) to `path` atomically; parent folders are created.

    Args:
        path: destination file (`str` or `os.PathLike`).
        data: the bytes to write.

    Returns:
        The destination as a `pathlib.Path`.

    Example:

    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "blob.bin"
    >>> atomic_write_bytes(p, b"\\x00\\x01").read_bytes()
    b'\\x00\\x01'
    """
    with atomic_open(path, "wb") as handle:
        handle.write(data)
    return Path(path)


@contextlib.contextmanager
def atomic_open(path, mode="w", encoding="utf-8"):
    """Open a temporary sibling of `path` for streamed writing; it replaces `path` when the block ends
    without an exception, and is removed otherwise. Parent folders are created.

    Args:
        path: destination file (`str` or `os.PathLike`).
        mode: `"w"` (text, newlines written as given) or `"wb"`.
        encoding: text encoding of mode `"w"`.

    Example:

    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "regions.bed"
    >>> with atomic_open(p) as handle:
    ...     _ = handle.write("chr1 0 10 cds\\n")
    >>> p.read_text()
    'chr1 0 10 cds\\n'
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"`mode` must be 'w' or 'wb'. Received: mode={mode!r}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=_temporary_sibling_prefix(path), dir=path.parent)
    try:
        text = {"encoding": encoding, "newline": ""} if mode == "w" else {}
        with os.fdopen(fd, mode, **text) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp creates files readable only by their owner; give the
        # result the permissions an ordinary `open(path, "w")` would.
        os.chmod(tmp_name, 0o666 & ~_current_umask())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


@contextlib.contextmanager
def atomic_path(path, suffix=None):
    """A temporary sibling path for a library that writes files by name (Keras, matplotlib, MIDI writers).

    Yields the temporary path (an empty file that the block overwrites); when the block ends without an
    exception it gets the permissions an ordinary `open(path, "w")` would (the umask applies, not the
    owner-only mode of temporary files) and replaces `path`; otherwise it is removed. Parent folders are
    created.

    Args:
        path: destination file.
        suffix: the temporary file's suffix (default: `path`'s own, which some writers look at).

    Example:

    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "model.keras"
    >>> with atomic_path(p) as temporary:
    ...     _ = pathlib.Path(temporary).write_bytes(b"zip")
    >>> p.read_bytes(), oct(p.stat().st_mode & 0o777) == oct(0o666 & ~_current_umask())
    (b'zip', True)
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(
        prefix=_temporary_sibling_prefix(path), suffix=path.suffix if suffix is None else suffix, dir=path.parent
    )
    os.close(fd)
    try:
        yield tmp_name
        os.chmod(tmp_name, 0o666 & ~_current_umask())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


def atomic_write_text(path, text, encoding="utf-8"):
    """Write `text` to `path` atomically; parent folders are created.

    Newlines are written as given (no platform translation).

    Args:
        path: destination file (`str` or `os.PathLike`).
        text: the `str` to write.
        encoding: text encoding, UTF-8 by default.

    Returns:
        The destination as a `pathlib.Path`.

    Example:

    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "vocab.txt"
    >>> atomic_write_text(p, "<PAD>\\n<UNK>\\n").read_text().splitlines()
    ['<PAD>', '<UNK>']
    """
    if not isinstance(text, str):
        raise TypeError(
            "`text` must be a str. "
            f"Received: text of type {type(text).__name__}"
        )
    return atomic_write_bytes(path, text.encode(encoding))


def atomic_write_json(path, obj, indent=2):
    """Write `obj` as JSON to `path` atomically (UTF-8, keys in the given order).

    The object is serialised before anything touches the disk, so an object
    that is not JSON-serialisable leaves any existing file unchanged.

    Args:
        path: destination file (`str` or `os.PathLike`).
        obj: a JSON-serialisable object.
        indent: indentation passed to `json.dumps`.

    Returns:
        The destination as a `pathlib.Path`.

    Example:

    >>> import json, pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "metrics.json"
    >>> json.loads(atomic_write_json(p, {"f1": 0.9}).read_text())
    {'f1': 0.9}
    """
    text = json.dumps(obj, indent=indent, ensure_ascii=False) + "\n"
    return atomic_write_text(path, text)


@contextlib.contextmanager
def atomic_directory(final_path, overwrite=False):
    """Build a directory under a temporary name; rename it when complete.

    Yields a fresh temporary directory next to `final_path`. When the `with`
    block finishes without an exception, the directory is renamed to
    `final_path`; if the block raises, the temporary directory is removed and
    `final_path` is left untouched.

    Args:
        final_path: where the finished directory should appear.
        overwrite: if `True`, an existing `final_path` is replaced (the old
            directory is removed after the new one is in place). If `False`
            (default), an existing `final_path` raises `FileExistsError`
            before the block runs.

    Yields:
        The temporary directory as a `pathlib.Path`.

    Example:

    >>> import pathlib, tempfile
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> with atomic_directory(root / "saved_models" / "3") as tmp:
    ...     _ = (tmp / "saved_model.pb").write_bytes(b"...")
    >>> sorted(p.name for p in (root / "saved_models").iterdir())
    ['3']
    """
    final_path = Path(final_path)
    if final_path.exists() and not overwrite:
        raise FileExistsError(
            f"`final_path` already exists. Received: final_path={final_path}"
        )
    final_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(
        tempfile.mkdtemp(
            prefix=_temporary_sibling_prefix(final_path), dir=final_path.parent
        )
    )
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    os.chmod(tmp, 0o777 & ~_current_umask())
    old = None
    try:
        if final_path.exists():
            if not overwrite:
                raise FileExistsError(
                    "`final_path` appeared while the directory was being "
                    f"written. Received: final_path={final_path}"
                )
            old = final_path.with_name(
                f"{_temporary_sibling_prefix(final_path)}old-{os.getpid()}"
            )
            os.replace(final_path, old)
        os.replace(tmp, final_path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and not final_path.exists():
            os.replace(old, final_path)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _current_umask():
    umask = os.umask(0)
    os.umask(umask)
    return umask
