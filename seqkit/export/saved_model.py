"""Write SavedModels in the TF Serving layout: `<export_root>/<app>/<version>/`."""

import contextlib
import json
import pathlib

import seqkit
from seqkit.data.atomic import atomic_directory
from seqkit.errors import UserInputError

METADATA_FILE = "seqkit.json"


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
    app_root = pathlib.Path(export_root) / app
    app_root.mkdir(parents=True, exist_ok=True)
    if version is None:
        version = next_version(app_root)
    if not isinstance(version, int) or version < 1:
        raise ValueError(f"`version` must be a positive integer. Received: version={version!r}")
    final_path = app_root / str(version)
    if final_path.exists():
        raise UserInputError(f"version {version} already exists; choose another --version", path=final_path)
    description = {
        "app": app,
        "version": version,
        "seqkit_version": seqkit.__version__,
        "signatures": {
            name: {
                "inputs": {key: spec.dtype.name for key, spec in fn.structured_input_signature[1].items()},
                "outputs": sorted(fn.structured_outputs),
            }
            for name, fn in signatures.items()
        },
        **(metadata or {}),
    }
    with atomic_directory(final_path) as staging:
        tf.saved_model.save(module, str(staging), signatures=signatures)
        (pathlib.Path(staging) / METADATA_FILE).write_text(json.dumps(description, indent=2) + "\n")
    return final_path
