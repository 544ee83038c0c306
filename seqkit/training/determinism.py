"""Seeded, deterministic execution for reproducible runs."""

import contextlib


@contextlib.contextmanager
def reproducible(seed):
    """Seeds every generator and makes TensorFlow ops deterministic.

    Inside the block, Python, NumPy, TensorFlow and Keras are seeded with
    `keras.utils.set_random_seed(seed)` and op determinism is on, so two runs
    with the same seed on the same hardware give the same numbers. The
    previous op-determinism setting comes back when the block ends. With
    `seed=None` the block does nothing.

    Args:
        seed: a non-negative integer, or `None`.

    Example:

    >>> import keras
    >>> with reproducible(7):
    ...     a = keras.random.uniform((2,))
    >>> with reproducible(7):
    ...     b = keras.random.uniform((2,))
    >>> bool((a == b).numpy().all())
    True
    """
    if seed is None:
        yield
        return
    import keras
    import tensorflow as tf

    # TensorFlow exports `enable_op_determinism` only; reading and undoing it
    # needs its config module, so that a seeded run leaves the process as it
    # found it.
    from tensorflow.python.framework import config as tf_config

    was_enabled = tf_config.is_op_determinism_enabled()
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
    try:
        yield
    finally:
        if not was_enabled:
            tf_config.disable_op_determinism()
