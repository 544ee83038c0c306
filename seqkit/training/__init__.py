"""The trainer: Keras `fit` with clipping, checkpoints, resume and strategies.

>>> from seqkit.training import TrainingConfig
>>> TrainingConfig().clipnorm
1.0
"""

from seqkit.training.config import TrainingConfig
from seqkit.training.errors import NaNLossError
from seqkit.training.precision import resolve_precision
from seqkit.training.run_dir import RunPaths
from seqkit.training.strategy import get_strategy


def __getattr__(name):
    # `fit` pulls in Keras; importing the config alone stays light for the CLI.
    if name in ("fit", "read_history"):
        from seqkit.training import trainer

        return getattr(trainer, name)
    if name in ("StopOnNaNLoss", "monitor_mode"):
        from seqkit.training import callbacks

        return getattr(callbacks, name)
    raise AttributeError(f"module 'seqkit.training' has no attribute {name!r}")


__all__ = [
    "NaNLossError",
    "RunPaths",
    "StopOnNaNLoss",
    "TrainingConfig",
    "fit",
    "get_strategy",
    "monitor_mode",
    "read_history",
    "resolve_precision",
]
