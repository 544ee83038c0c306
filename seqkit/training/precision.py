"""The mixed-precision rule: `mixed_float16` only where a GPU can use it."""

import contextlib
import warnings

from seqkit.training.config import PRECISIONS


def resolve_precision(precision, gpu_available=None):
    """Returns the Keras dtype policy name for a `TrainingConfig.precision`.

    `"mixed"` gives `"mixed_float16"` when a GPU is visible. Without one,
    float16 arithmetic is slow and gains nothing, so it warns and gives
    `"float32"`.

    Args:
        precision: `"float32"` or `"mixed"`.
        gpu_available: whether a GPU is visible; `None` asks TensorFlow.

    Returns:
        `"float32"` or `"mixed_float16"`.

    Example:

    >>> resolve_precision("mixed", gpu_available=True)
    'mixed_float16'
    >>> resolve_precision("float32", gpu_available=True)
    'float32'
    """
    if precision not in PRECISIONS:
        raise ValueError(
            f"`precision` must be one of {', '.join(map(repr, PRECISIONS))}. Received: precision={precision!r}"
        )
    if precision == "float32":
        return "float32"
    if gpu_available is None:
        import tensorflow as tf

        gpu_available = bool(tf.config.list_physical_devices("GPU"))
    if not gpu_available:
        warnings.warn(
            "precision='mixed' needs a GPU and none is visible; training in float32.",
            stacklevel=2,
        )
        return "float32"
    return "mixed_float16"


@contextlib.contextmanager
def dtype_policy_scope(policy_name):
    """Sets the global Keras dtype policy inside the block, then restores it.

    Layers made inside the block keep `policy_name` afterwards.

    Example:

    >>> import keras
    >>> with dtype_policy_scope("mixed_float16"):
    ...     layer = keras.layers.Dense(2)
    >>> layer.dtype_policy.name
    'mixed_float16'
    """
    import keras

    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(policy_name)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(previous)
