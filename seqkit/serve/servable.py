"""One loaded version of one model: its SavedModel, signatures, metadata and request queue."""

import gc
import json
import pathlib
import threading

import numpy as np

from seqkit.serve.batching import Batcher, WorkItem
from seqkit.serve.errors import InvalidArgument, ServingError, tensorflow_error_message
from seqkit.serve.json_tensors import InputSpec

METADATA_FILE = "seqkit.json"
SAVED_MODEL_FILE = "saved_model.pb"


class Servable:
    """A SavedModel version loaded with `tf.saved_model.load`, ready to answer predict requests.

    Load it with `Servable.load`; `submit` queues a decoded request for its worker threads. The servable is
    leased by every request that uses it; once `retire`d (a newer version took its place, or the server stops)
    it is released when the last lease ends: its workers stop and the SavedModel is dropped.

    Args:
        name: the model name (its folder under the models root).
        version: the integer version.
        path: the version directory.
        loaded: the object returned by `tf.saved_model.load`.
        settings: the server's `ServeSettings`.
        on_call: `on_call(rows, requests)` after each model call (metrics).
    """

    def __init__(self, name, version, path, loaded, settings, on_call=None):
        self.name = name
        self.version = version
        self.path = pathlib.Path(path)
        self._loaded = loaded
        self._functions = {key: fn for key, fn in loaded.signatures.items()}
        self.signatures = {key: _input_specs(fn) for key, fn in self._functions.items()}
        self.output_specs = {key: _output_specs(fn) for key, fn in self._functions.items()}
        self.description = _read_description(self.path)
        self.signature_defs = _signature_defs(self.path)
        self._lock = threading.Lock()
        self._leases = 0
        self._retired = False
        self.released = threading.Event()
        self.batcher = Batcher(
            self.call,
            policy=self._batch_policy,
            threads=settings.threads,
            capacity=settings.max_queue,
            max_batch_size=settings.max_batch_size,
            batch_timeout_s=settings.batch_timeout_ms / 1000.0,
            describe_error=describe_error,
            on_call=on_call,
            outstanding=lambda: self._leases,
            name=f"serve-{name}-{version}",
        )

    @classmethod
    def load(cls, name, version, path, settings, on_call=None, warm_up=True):
        """Load `path` and, with `warm_up`, call each batchable signature once so the first request is fast."""
        import tensorflow as tf

        loaded = tf.saved_model.load(str(path))
        servable = cls(name, version, path, loaded, settings, on_call=on_call)
        if warm_up:
            servable.warm_up()
        return servable

    # === Requests ===

    def submit(self, request, deliver, encode=None):
        """Queue a decoded `PredictRequest`; returns its `WorkItem` (raises `QueueFull` when full)."""
        item = WorkItem(request.signature_name, request.inputs, request.rows, deliver, encode)
        self.batcher.submit(item)
        return item

    def call(self, signature_name, inputs):
        """Run a signature on NumPy inputs and return NumPy outputs (in the calling thread)."""
        import tensorflow as tf

        fn = self._functions[signature_name]
        specs = fn.structured_input_signature[1]
        tensors = {key: tf.constant(value, dtype=specs[key].dtype) for key, value in inputs.items()}
        outputs = fn(**tensors)
        return {key: value.numpy() for key, value in outputs.items()}

    def warm_up(self):
        """Call every signature whose inputs are all batched once with a one-row dummy batch; errors are ignored."""
        for key, specs in self.signatures.items():
            if not all(spec.shape and spec.shape[0] is None for spec in specs.values()):
                continue
            try:
                self.call(key, {name: _dummy(spec) for name, spec in specs.items()})
            except Exception:
                pass

    def _batch_policy(self, signature_name):
        """Pads of the outputs that depend on the batch's contents, or `None` when batching would be wrong."""
        if any(not spec.shape or spec.shape[0] is not None for spec in self.signatures[signature_name].values()):
            return None
        declared = ((self.description or {}).get("signatures", {}).get(signature_name) or {}).get("padding") or {}
        pads = {}
        for name, (dtype, shape) in self.output_specs[signature_name].items():
            if shape is None or len(shape) == 0:
                return None
            if all(size is not None for size in shape[1:]):
                pads[name] = None
            elif name in declared:
                pads[name] = declared[name].encode("utf-8") if isinstance(declared[name], str) else declared[name]
            elif dtype == "string":
                pads[name] = b""
            elif dtype.startswith("int") and self.description is not None:
                # seqkit's exports pad integer outputs of content-dependent size (entity word indices) with -1.
                pads[name] = -1
            else:
                return None
        return pads

    # === Life cycle ===

    def acquire(self):
        with self._lock:
            if self._retired and self.released.is_set():
                return False
            self._leases += 1
            return True

    def release_lease(self):
        with self._lock:
            self._leases -= 1
            done = self._retired and self._leases == 0
        if done:
            self._release_in_background()

    def retire(self):
        """No new leases are handed out by the repository; release once the current ones end."""
        with self._lock:
            self._retired = True
            done = self._leases == 0
        if done:
            self._release_in_background()

    @property
    def retired(self):
        return self._retired

    def _release_in_background(self):
        threading.Thread(target=self._release, name=f"release-{self.name}-{self.version}", daemon=True).start()

    def _release(self):
        if self.released.is_set():
            return
        self.batcher.close()
        self._functions = {}
        self._loaded = None
        self.released.set()
        gc.collect()


def describe_error(error):
    """A model call's exception as a `ServingError`: TensorFlow's invalid arguments are 400, the rest 500."""
    if isinstance(error, ServingError):
        return error
    try:
        import tensorflow as tf

        if isinstance(error, tf.errors.InvalidArgumentError):
            return InvalidArgument(tensorflow_error_message(error))
        if isinstance(error, tf.errors.OpError):
            return ServingError(tensorflow_error_message(error), status=500)
    except ImportError:
        pass
    if isinstance(error, (TypeError, ValueError)):
        return InvalidArgument(f"{type(error).__name__}: {error}")
    return ServingError(f"{type(error).__name__}: {error}", status=500)


def is_complete_version(path):
    """Whether a version directory is a finished export: `saved_model.pb` and a readable `seqkit.json`.

    `seqkit <app> export` writes both under a temporary name and renames the directory when complete, so a
    version that lacks either (or whose `seqkit.json` is not JSON yet) is still being written.
    """
    path = pathlib.Path(path)
    if not (path / SAVED_MODEL_FILE).is_file():
        return False
    try:
        return isinstance(json.loads((path / METADATA_FILE).read_text(encoding="utf-8")), dict)
    except (OSError, ValueError):
        return False


def _input_specs(fn):
    return {key: InputSpec(spec.dtype.name, _shape(spec)) for key, spec in fn.structured_input_signature[1].items()}


def _output_specs(fn):
    return {key: (spec.dtype.name, _shape(spec)) for key, spec in fn.structured_outputs.items()}


def _shape(spec):
    if spec.shape.rank is None:
        return None
    return tuple(spec.shape.as_list())


def _dummy(spec):
    shape = (1,) + tuple(1 if size is None else size for size in spec.shape[1:])
    if spec.dtype == "string":
        array = np.empty(shape, dtype=object)
        array.fill(b"warm up")
        return array
    return np.zeros(shape, dtype=spec.dtype)


def _read_description(path):
    try:
        return json.loads((path / METADATA_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _signature_defs(path):
    """The SignatureDef map of `saved_model.pb` as JSON, as TF Serving's metadata API returns it."""
    from google.protobuf import json_format
    from tensorflow.core.protobuf import saved_model_pb2

    proto = saved_model_pb2.SavedModel()
    proto.ParseFromString((path / SAVED_MODEL_FILE).read_bytes())
    if not proto.meta_graphs:
        return {}
    signature_defs = proto.meta_graphs[0].signature_def
    options = {"preserving_proto_field_name": True}
    try:
        return {
            key: json_format.MessageToDict(value, always_print_fields_with_no_presence=True, **options)
            for key, value in signature_defs.items()
        }
    except TypeError:  # protobuf < 5
        return {
            key: json_format.MessageToDict(value, including_default_value_fields=True, **options)
            for key, value in signature_defs.items()
        }
