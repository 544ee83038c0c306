"""Write SavedModels in the TF Serving layout: `<export_root>/<app>/<version>/`."""

import contextlib
import errno
import json
import os
import pathlib
import re
import shutil
import socket
import tempfile
import time

import seqkit
from seqkit.data.atomic import atomic_write_text
from seqkit.errors import UserInputError

METADATA_FILE = "seqkit.json"
STALE_STAGING_SECONDS = 24 * 3600
_MAX_PUBLISH_ATTEMPTS = 1000
_STAGING_NAME = re.compile(r"^\.export\.tmp-(?P<host>.+)-(?P<pid>\d+)-[^-]+$")


def next_version(app_root):
    """The next free integer version under `app_root` (1 when there is none).

    Example:

    >>> next_version("/nonexistent/saved_models/ner")
    1
    """
    app_root = pathlib.Path(app_root)
    if not app_root.is_dir():
        return 1
    versions = [int(child.name) for child in app_root.iterdir() if child.is_dir() and child.name.isdigit()]
    return max(versions, default=0) + 1


@contextlib.contextmanager
def portable_recurrent_kernels(model):
    """Trace `model` with the portable recurrent path: no cuDNN-only ops in the exported graph.

    Keras's `LSTM`/`GRU` pick a cuDNN kernel when traced on a GPU; that op has no CPU kernel, so a SavedModel
    traced that way fails on CPU serving. Inside this context every layer with a `use_cudnn` attribute uses
    the generic loop; the previous settings come back afterwards.
    """
    previous = []
    for layer in model._flatten_layers(include_self=True, recursive=True):
        if hasattr(layer, "use_cudnn"):
            previous.append((layer, layer.use_cudnn))
            layer.use_cudnn = False
    try:
        yield model
    finally:
        for layer, setting in previous:
            layer.use_cudnn = setting


def export_saved_model(module, *, export_root, app, signatures, version=None, metadata=None):
    """Save `module` as `<export_root>/<app>/<version>/`, written under a temporary name then renamed.

    Exports running at the same time never collide: each is written into its own staging folder and renamed
    into the next free version (if another export takes that version first, the next one is tried). Staging
    folders left behind by killed exports are removed (`remove_stale_staging`).

    Args:
        module: a `tf.Module` holding the model and every lookup table the signatures use.
        export_root: the folder of all exports, e.g. `"saved_models"`.
        app: the application name (one sub-folder per app).
        signatures: dict of signature name to concrete function; must contain `"serving_default"`.
        version: an integer version; the next free one by default. An existing version is never overwritten.
        metadata: extra JSON-serialisable facts stored in `seqkit.json` beside the SavedModel.

    Returns:
        The `pathlib.Path` of the version directory.
    """
    import tensorflow as tf

    if "serving_default" not in signatures:
        raise ValueError(f"`signatures` must contain 'serving_default'. Received: {sorted(signatures)}")
    if version is not None and (isinstance(version, bool) or not isinstance(version, int) or version < 1):
        raise ValueError(f"`version` must be a positive integer. Received: version={version!r}")
    app_root = pathlib.Path(export_root) / app
    app_root.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(app_root)
    if version is not None and (app_root / str(version)).exists():
        raise UserInputError(f"version {version} already exists; choose another --version", path=app_root / str(version))
    description = {
        "app": app,
        "seqkit_version": seqkit.__version__,
        "signatures": {name: signature_description(fn) for name, fn in signatures.items()},
        **(metadata or {}),
    }
    staging = pathlib.Path(tempfile.mkdtemp(prefix=_staging_prefix(), dir=app_root))
    try:
        tf.saved_model.save(module, str(staging), signatures=signatures)
        return publish_version(staging, app_root, version, description)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def signature_description(function):
    """`{"inputs": {name: {dtype, shape}}, "outputs": {...}}` of a concrete function, as TF Serving names them.

    Input names are the function's parameter names (what a loaded signature takes as keywords); shapes use
    `None` for unknown dimensions.

    Example:

    >>> import tensorflow as tf
    >>> f = tf.function(lambda texts: {"length": tf.strings.length(texts)})
    >>> signature_description(f.get_concrete_function(tf.TensorSpec([None], tf.string)))
    {'inputs': {'texts': {'dtype': 'string', 'shape': [None]}}, 'outputs': {'length': {'dtype': 'int32', 'shape': [None]}}}
    """
    import tensorflow as tf

    args, kwargs = function.structured_input_signature
    names = list(function.function_type.parameters)[: len(args)]
    specs = {**dict(zip(names, args)), **kwargs}

    def describe(value):
        return {"dtype": value.dtype.name, "shape": value.shape.as_list() if value.shape.rank is not None else None}

    inputs = {name: describe(spec) for name, spec in specs.items() if isinstance(spec, tf.TensorSpec)}
    outputs = function.structured_outputs
    if not isinstance(outputs, dict):
        outputs = {"output_0": outputs}
    return {"inputs": inputs, "outputs": {name: describe(value) for name, value in sorted(outputs.items())}}


def publish_version(staging, app_root, version, description):
    """Rename the finished `staging` folder to `app_root/<version>` (the next free version when None).

    `seqkit.json` (with the version taken) is written into `staging` first; a version that another export
    takes between the choice and the rename is skipped for the next one. Returns the version directory.

    Example:

    >>> import pathlib, tempfile
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> (root / "1").mkdir()
    >>> publish_version(pathlib.Path(tempfile.mkdtemp(dir=root)), root, None, {"app": "demo"}).name
    '2'
    """
    app_root = pathlib.Path(app_root)
    candidate = version or next_version(app_root)
    for _ in range(_MAX_PUBLISH_ATTEMPTS):
        metadata = {"app": description.get("app"), "version": candidate, **description}
        atomic_write_text(pathlib.Path(staging) / METADATA_FILE, json.dumps(metadata, indent=2) + "\n")
        os.chmod(staging, 0o777 & ~_current_umask())
        final_path = app_root / str(candidate)
        try:
            # rename(2) onto an existing non-empty directory fails: the check and the move are one step.
            if final_path.exists():
                raise FileExistsError(final_path)
            os.rename(staging, final_path)
            return final_path
        except OSError as error:
            if error.errno not in (None, errno.EEXIST, errno.ENOTEMPTY) and not isinstance(error, FileExistsError):
                raise
            if version is not None:
                raise UserInputError(
                    f"version {version} was written by another export meanwhile; choose another --version",
                    path=final_path,
                ) from None
            candidate = max(candidate + 1, next_version(app_root))
    raise UserInputError(f"no free version found after {_MAX_PUBLISH_ATTEMPTS} attempts", path=app_root)


def remove_stale_staging(app_root, max_age_seconds=STALE_STAGING_SECONDS):
    """Remove the staging folders of exports that were killed; returns the paths removed.

    A staging folder of this machine whose process no longer runs is stale at once; any other (another
    machine's, or an older naming) when untouched for `max_age_seconds`.
    """
    removed = []
    app_root = pathlib.Path(app_root)
    if not app_root.is_dir():
        return removed
    now = time.time()
    for child in app_root.iterdir():
        if not child.is_dir() or not child.name.startswith(".") or ".tmp-" not in child.name:
            continue
        match = _STAGING_NAME.match(child.name)
        if match and match.group("host") == _host() and not _process_alive(int(match.group("pid"))):
            stale = True
        else:
            try:
                stale = now - child.stat().st_mtime > max_age_seconds
            except FileNotFoundError:
                continue
        if stale:
            shutil.rmtree(child, ignore_errors=True)
            removed.append(child)
    return removed


def _staging_prefix():
    return f".export.tmp-{_host()}-{os.getpid()}-"


def _host():
    return re.sub(r"[^A-Za-z0-9_.]", "_", socket.gethostname()) or "host"


def _process_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _current_umask():
    umask = os.umask(0)
    os.umask(umask)
    return umask
