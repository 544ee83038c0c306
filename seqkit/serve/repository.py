"""The models being served: one folder per model under a root, one integer folder per version.

```
<root>/<model>/<version>/saved_model.pb, variables/, assets/, seqkit.json
```

The highest complete version of each model is served (TF Serving's default "latest" policy). A poller
re-reads the root every `poll_seconds`: a new version is loaded and warmed up beside the one serving, then
swapped in under a lock, so requests keep being answered by the old version until the new one is ready, and
the old one is released once its last request ends. Hidden folders (`seqkit`'s staging folders
`.<version>.tmp-*`), non-integer names and versions without `saved_model.pb` or a readable `seqkit.json` are
never loaded; a version that appears after start-up is loaded only once its files have stayed the same for
one poll, so a copy still in progress is not loaded half-written. A version that fails to load is reported
in the model status and not tried again until its files change; the previous version keeps serving.
"""

import collections
import contextlib
import logging
import pathlib
import re
import threading
import time

from seqkit.serve.errors import NotFound
from seqkit.serve.servable import Servable, is_complete_version

_VERSION_NAME = re.compile(r"[0-9]+")
_HISTORY = 16

logger = logging.getLogger("seqkit.serve")


class VersionStatus:
    """TF Serving's `ModelVersionStatus`: a state and an error code with its message."""

    __slots__ = ("version", "state", "error_code", "error_message")

    def __init__(self, version, state, error_code="OK", error_message=""):
        self.version = version
        self.state = state
        self.error_code = error_code
        self.error_message = error_message

    def to_json(self):
        return {
            "version": str(self.version),
            "state": self.state,
            "status": {"error_code": self.error_code, "error_message": self.error_message},
        }


class _Model:
    def __init__(self, name):
        self.name = name
        self.servable = None
        self.statuses = collections.OrderedDict()
        self.failed = {}  # version -> fingerprint of the files that failed to load
        self.seen = {}  # version -> fingerprint at the previous poll (settling check)

    def set_status(self, version, state, error_code="OK", error_message=""):
        self.statuses.pop(version, None)
        self.statuses[version] = VersionStatus(version, state, error_code, error_message)
        while len(self.statuses) > _HISTORY:
            self.statuses.popitem(last=False)


class ModelRepository:
    """Loads, serves, swaps and releases model versions found under `root`.

    Args:
        root: the folder of models (`saved_models/`).
        settings: the server's `ServeSettings` (poll interval, threads, queue, batching).
        on_call: `on_call(model, rows, requests)` after each model call (metrics).
        on_load: `on_load(model, version, outcome)` after each load attempt (metrics).
    """

    def __init__(self, root, settings, on_call=None, on_load=None):
        self.root = pathlib.Path(root)
        self.settings = settings
        self._on_call = on_call
        self._on_load = on_load
        self._models = {}
        self._lock = threading.Lock()
        self._scan_lock = threading.Lock()
        self._stop = threading.Event()
        self._poller = None

    # === Life cycle ===

    def start(self):
        """Load every model's latest complete version now, then poll for changes in a background thread."""
        self.poll(initial=True)
        if self.settings.poll_seconds > 0:
            self._poller = threading.Thread(target=self._poll_forever, name="seqkit-serve-poll", daemon=True)
            self._poller.start()

    def stop(self):
        """Stop polling and release every version once its requests are done."""
        self._stop.set()
        if self._poller is not None:
            self._poller.join()
        with self._lock:
            servables = [model.servable for model in self._models.values() if model.servable is not None]
            for model in self._models.values():
                model.servable = None
        for servable in servables:
            servable.retire()
        for servable in servables:
            servable.released.wait(timeout=60)

    def _poll_forever(self):
        while not self._stop.wait(self.settings.poll_seconds):
            try:
                self.poll()
            except Exception:  # the poller must survive a bad folder
                logger.exception("polling %s failed", self.root)

    # === Lookups ===

    def model_names(self):
        with self._lock:
            return sorted(name for name, model in self._models.items() if model.servable is not None)

    def is_known(self, name):
        with self._lock:
            return name in self._models

    @contextlib.contextmanager
    def lease(self, name, version=None):
        """The servable answering `name` (at `version`, or the latest), held for the duration of a request.

        Raises:
            NotFound: no such model, or that version is not the one being served.
        """
        with self._lock:
            model = self._models.get(name)
            servable = model.servable if model is not None else None
            if servable is None or (version is not None and servable.version != version):
                request = f"Latest({name})" if version is None else f"Specific({name}, {version})"
                raise NotFound(f"Servable not found for request: {request}")
            servable.acquire()
        try:
            yield servable
        finally:
            servable.release_lease()

    def status(self, name, version=None):
        """TF Serving's `GetModelStatusResponse` as JSON."""
        with self._lock:
            model = self._models.get(name)
            if model is None or not model.statuses:
                raise NotFound(f"Could not find any versions of model {name}")
            statuses = sorted(model.statuses.values(), key=lambda status: -status.version)
            if version is not None:
                statuses = [status for status in statuses if status.version == version]
                if not statuses:
                    raise NotFound(f"Could not find version {version} of model {name}")
            return {"model_version_status": [status.to_json() for status in statuses]}

    def queue_depths(self):
        """`{model: requests waiting}` of the versions being served."""
        with self._lock:
            return {
                name: model.servable.batcher.depth
                for name, model in self._models.items()
                if model.servable is not None
            }

    def served_versions(self):
        with self._lock:
            return {name: model.servable.version for name, model in self._models.items() if model.servable is not None}

    # === Polling ===

    def poll(self, initial=False):
        """Compare the folder with what is served; load, swap or unload versions accordingly."""
        with self._scan_lock:
            found = self._scan()
            with self._lock:
                names = sorted(set(found) | set(self._models))
            for name in names:
                self._update_model(name, found.get(name, {}), initial)

    def _scan(self):
        found = {}
        if not self.root.is_dir():
            return found
        for model_dir in sorted(self.root.iterdir()):
            if model_dir.name.startswith(".") or not model_dir.is_dir():
                continue
            versions = {}
            for version_dir in model_dir.iterdir():
                if _VERSION_NAME.fullmatch(version_dir.name) and version_dir.is_dir():
                    if is_complete_version(version_dir):
                        versions[int(version_dir.name)] = version_dir
            if versions:
                found[model_dir.name] = versions
        return found

    def _update_model(self, name, versions, initial):
        with self._lock:
            model = self._models.setdefault(name, _Model(name))
            current = model.servable
        current_version = current.version if current is not None else None
        target = None
        for version in sorted(versions, reverse=True):
            if version == current_version:
                target = version
                break
            fingerprint = _fingerprint(versions[version])
            if fingerprint is None or model.failed.get(version) == fingerprint:
                continue
            if not initial and model.seen.get(version) != fingerprint:
                model.seen[version] = fingerprint  # load it at the next poll if it has not changed
                continue
            target = version
            break
        if target == current_version:
            return
        if target is None:
            if current is not None and current_version not in versions:
                logger.info("model %s: version %s is gone; no version left to serve", name, current_version)
                self._swap(model, None)
            return
        self._load(model, target, versions[target])

    def _load(self, model, version, path):
        with self._lock:
            model.set_status(version, "LOADING")
        started = time.perf_counter()
        try:
            servable = Servable.load(
                model.name,
                version,
                path,
                self.settings,
                on_call=None if self._on_call is None else lambda rows, requests: self._on_call(model.name, rows, requests),
            )
        except Exception as error:
            message = f"{type(error).__name__}: {str(error).strip().splitlines()[-1] if str(error).strip() else ''}"
            logger.error("model %s: version %s failed to load from %s: %s", model.name, version, path, message)
            with self._lock:
                model.failed[version] = _fingerprint(path)
                model.set_status(version, "END", "UNKNOWN", f"Failed to load version {version}: {message}")
            self._notify_load(model.name, version, "failure")
            return
        logger.info(
            "model %s: version %s loaded from %s in %.1f s", model.name, version, path, time.perf_counter() - started
        )
        self._notify_load(model.name, version, "success")
        self._swap(model, servable)

    def _swap(self, model, servable):
        with self._lock:
            old = model.servable
            model.servable = servable
            if servable is not None:
                model.set_status(servable.version, "AVAILABLE")
            if old is not None and (servable is None or old.version != servable.version):
                model.set_status(old.version, "END")
        if old is not None:
            old.retire()
            if servable is not None:
                logger.info("model %s: now serving version %s; version %s released", model.name, servable.version, old.version)

    def _notify_load(self, name, version, outcome):
        if self._on_load is not None:
            try:
                self._on_load(name, version, outcome)
            except Exception:
                pass


def _fingerprint(path):
    """Names, sizes and modification times of every file under `path` (changes while a copy is written)."""
    entries = []
    try:
        for file in sorted(pathlib.Path(path).rglob("*")):
            stat = file.stat()
            entries.append((str(file.relative_to(path)), stat.st_size, stat.st_mtime_ns))
    except OSError:
        return None
    return tuple(entries)
