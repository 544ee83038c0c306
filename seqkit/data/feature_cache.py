"""`FeatureCache`: arrays computed from input files (e.g. frozen-backbone features of video frames), kept on disk.

An entry is keyed by the **content** of the input file (its SHA-256) and by the settings that produced it
(sampling, frame size, backbone name and a digest of its weights: `weights_digest`), so a renamed or copied file hits the cache, an edited file
or a changed setting misses it, and two runs with different settings can share one folder. Entries are plain
`.npy` files (loaded with `allow_pickle=False`), written under a temporary name and renamed: a killed process
never leaves a half-written entry under its final name, and a file that cannot be read back is recomputed.

Example:

>>> import numpy as np, pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> clip = folder / "clip.bin"
>>> _ = clip.write_bytes(b"pixels")
>>> cache = FeatureCache(folder / "cache", {"frames": 16})
>>> calls = []
>>> compute = lambda path: calls.append(path) or np.ones((2, 3), "float32")
>>> cache.get_or_compute(clip, compute).shape, cache.get_or_compute(clip, compute).shape, len(calls)
((2, 3), (2, 3), 1)
>>> cache.hits, cache.misses
(1, 1)
"""

import hashlib
import json
import os
import pathlib

import numpy as np

_CHUNK = 1 << 20


def file_digest(path):
    """The SHA-256 hex digest of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def weights_digest(model):
    """The SHA-256 hex digest of a Keras model's weights (shapes, dtypes and values, in order).

    What a cache of a model's outputs must be keyed by: a weights file can be edited under the same name, and
    two models built with random weights differ.
    """
    digest = hashlib.sha256()
    for weight in model.weights:
        array = np.ascontiguousarray(np.asarray(weight))
        digest.update(f"{array.dtype.str}{array.shape};".encode("ascii"))
        digest.update(array.tobytes())
    return digest.hexdigest()


class FeatureCache:
    """A folder of arrays keyed by input-file content and settings.

    Args:
        folder: where the entries live (created on first write).
        settings: a JSON-serialisable dict of everything that decides the array (sampling, backbone, ...).

    Attributes:
        hits, misses: lookups answered from the folder, and computed.
    """

    def __init__(self, folder, settings):
        self.folder = pathlib.Path(folder)
        self.settings = dict(settings)
        encoded = json.dumps(self.settings, sort_keys=True, separators=(",", ":"), default=str)
        self.settings_digest = hashlib.sha256(encoded.encode("utf-8")).hexdigest()[:16]
        self.hits = 0
        self.misses = 0
        self._digests = {}

    def entry_path(self, path):
        """The `.npy` file of `path`'s entry (whether or not it exists)."""
        key = self._digest(path)
        return self.folder / self.settings_digest / key[:2] / f"{key}.npy"

    def _digest(self, path):
        path = pathlib.Path(path)
        stat = path.stat()
        memo = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
        if memo not in self._digests:
            self._digests[memo] = file_digest(path)
        return self._digests[memo]

    def get(self, path):
        """The cached array of `path`, or None (missing or unreadable entry)."""
        entry = self.entry_path(path)
        if not entry.is_file():
            return None
        try:
            return np.load(entry, allow_pickle=False)
        except (OSError, ValueError, EOFError):
            entry.unlink(missing_ok=True)  # a damaged entry: computed again
            return None

    def put(self, path, array):
        """Store `array` as `path`'s entry, atomically; returns the entry's file."""
        entry = self.entry_path(path)
        entry.parent.mkdir(parents=True, exist_ok=True)
        temporary = entry.with_name(f".{entry.name}.{os.getpid()}.tmp")
        try:
            with open(temporary, "wb") as stream:
                np.save(stream, np.asarray(array), allow_pickle=False)
            os.replace(temporary, entry)
        finally:
            temporary.unlink(missing_ok=True)
        return entry

    def get_or_compute(self, path, compute):
        """The cached array of `path`, or `compute(path)` stored and returned."""
        cached = self.get(path)
        if cached is not None:
            self.hits += 1
            return cached
        self.misses += 1
        array = compute(path)
        self.put(path, array)
        return array
