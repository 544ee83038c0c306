"""seqkit: recurrent sequence models as finished applications (Keras 3, TensorFlow backend).

Subpackages are imported on demand so that `import seqkit` (and the CLI's `--help`) stays fast:

>>> import seqkit
>>> seqkit.__version__
'0.1.0'
"""

import importlib

__version__ = "0.1.0"

_SUBPACKAGES = (
    "cells",
    "layers",
    "tasks",
    "data",
    "training",
    "generation",
    "metrics",
    "export",
    "cli",
    "apps",
)


def __getattr__(name):
    if name in _SUBPACKAGES:
        return importlib.import_module(f"seqkit.{name}")
    raise AttributeError(f"module 'seqkit' has no attribute {name!r}")
