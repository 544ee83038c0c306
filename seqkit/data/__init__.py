"""Data platform: readers, codecs, vocabularies, `tf.data` pipelines, downloads.

Names are loaded on first use, so `import seqkit.data` is instant and pulls in
TensorFlow only when a pipeline is built:

>>> import seqkit.data
>>> seqkit.data.Vocabulary.build([["a", "b", "a"]]).tokens
['<PAD>', '<UNK>', 'a', 'b']

Besides the names listed in `_EXPORTS`, the public functions and classes of
every other module of this package (the readers and codecs) are available
here too, e.g. `seqkit.data.read_conll`; a module's `__all__`, when it has
one, decides what it exports.
"""

import importlib
import inspect
import pkgutil

_EXPORTS = {
    "atomic": (
        "atomic_directory",
        "atomic_write_bytes",
        "atomic_write_json",
        "atomic_write_text",
    ),
    "vocabulary": ("BOS", "EOS", "PAD", "UNK", "Vocabulary"),
    "pipeline": (
        "IGNORE_LABEL",
        "MaskedAccuracy",
        "auto_bucket_boundaries",
        "auto_num_buckets",
        "make_dataset",
        "masked_accuracy",
        "masked_sparse_categorical_crossentropy",
    ),
    "downloads": (
        "DATASETS",
        "ChecksumError",
        "DatasetSpec",
        "DownloadError",
        "dataset_files",
        "default_cache_dir",
        "extract_archive",
        "fetch",
    ),
}
_NAME_TO_MODULE = {
    name: module for module, names in _EXPORTS.items() for name in names
}


def _submodules():
    return sorted(info.name for info in pkgutil.iter_modules(__path__))


def _public_names(module):
    names = getattr(module, "__all__", None)
    if names is not None:
        return list(names)
    return [
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and (inspect.isclass(value) or inspect.isfunction(value))
        and value.__module__ == module.__name__
    ]


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if name in _NAME_TO_MODULE:
        module = importlib.import_module(f"{__name__}.{_NAME_TO_MODULE[name]}")
        value = getattr(module, name)
    elif name in _submodules():
        value = importlib.import_module(f"{__name__}.{name}")
    else:
        for module_name in _submodules():
            if module_name in _EXPORTS:
                continue
            module = importlib.import_module(f"{__name__}.{module_name}")
            if name in _public_names(module):
                value = getattr(module, name)
                break
        else:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_NAME_TO_MODULE) | set(_submodules()))
