"""Seeded, deterministic execution and data order for reproducible and exactly resumable runs."""

import contextlib

from seqkit.errors import UserInputError


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


def resumable_batches(train_data, *, batch_size, seed, epochs, epoch=0, batch=0, batches_per_epoch=None):
    """The training batches for `model.fit`, in the order an uninterrupted run sees them.

    A `tf.data` pipeline that shuffles with `reshuffle_each_iteration=True` draws a new order each
    time an iterator is made from it; with a seed, the `k`-th order is always the same. Keras makes
    iterators that it never reads (one to look at a batch when it builds the model, one more at
    the end of every epoch), so the order of an epoch would depend on the history of the process.
    Here the pipeline is wrapped so that only reading a first batch makes an iterator of it: epoch
    `k` (0-based) reads the `k + 1`-th order in a fresh process (the first goes to Keras's look).
    To resume at `epoch`, the orders of the epochs already trained are drawn and dropped first,
    which is cheap (nothing is read); in the middle of an epoch (`batch` > 0) the batches already
    trained are read and skipped, so training continues with the next batch of the same order.

    Pass a pipeline built afresh for this run (a pipeline iterated before, in the same process, has
    drawn orders already), and validation data that is not drawn from its shuffle. Arrays `(x, y)`
    become such a pipeline: shuffled with `seed`, anew each epoch, in batches of `batch_size`. The
    orders are those of this process's pipeline: a multi-worker strategy, which shards a rewritten
    copy of it, gives no such guarantee.

    Args:
        train_data: a batched `tf.data.Dataset`, or a tuple `(x, y)` of arrays.
        batch_size: batch size for arrays.
        seed: the shuffle seed for arrays, or `None`.
        epochs: the epoch to train up to (1-based, as `model.fit`'s `epochs`).
        epoch: epochs already trained.
        batch: batches already trained of epoch `epoch + 1`.
        batches_per_epoch: batches per epoch, when the dataset cannot tell (needed for `batch` > 0).

    Raises:
        UserInputError: `batch` > 0 and the dataset's length is not `batches_per_epoch`.

    Returns:
        `(dataset, steps_per_epoch)` for `model.fit`. With `batch` > 0 the dataset runs on from
        epoch to epoch with `steps_per_epoch` batches each, and the first epoch must be ended after
        `steps_per_epoch - batch` batches (`TrainingCheckpoints` does); otherwise
        `steps_per_epoch` is `None` and each epoch reads the dataset once.

    Example:

    >>> import tensorflow as tf
    >>> def pipeline():
    ...     return tf.data.Dataset.range(6).shuffle(6, seed=1).batch(2)
    >>> def orders(dataset, count):
    ...     return [[b.numpy().tolist() for b in dataset] for _ in range(count)]
    >>> straight, _ = resumable_batches(pipeline(), batch_size=None, seed=None, epochs=3)
    >>> resumed, _ = resumable_batches(pipeline(), batch_size=None, seed=None, epochs=3, epoch=1)
    >>> orders(straight, 3)[1:] == orders(resumed, 2)
    True
    """
    import tensorflow as tf

    if isinstance(train_data, tuple):
        if len(train_data) != 2:
            raise ValueError(
                f"`train_ds` must be a tf.data.Dataset or a tuple (x, y). Received: a tuple of {len(train_data)} items"
            )
        x, y = train_data
        if isinstance(x, list):  # several inputs, not one stacked array
            x = tuple(x)
        count = len(tf.nest.flatten(x)[0])
        dataset = tf.data.Dataset.from_tensor_slices((x, y))
        dataset = dataset.shuffle(count, seed=seed, reshuffle_each_iteration=True).batch(batch_size)
    else:
        dataset = train_data
    cardinality = int(dataset.cardinality())
    if cardinality >= 0:
        if batch and batches_per_epoch is not None and batches_per_epoch != cardinality:
            raise UserInputError(
                f"the training data gives {cardinality} batches per epoch, but the run was checkpointed in the "
                f"middle of an epoch of {batches_per_epoch}; resume with the same data and batch size"
            )
        batches_per_epoch = cardinality
    for _ in range(epoch):
        iter(dataset)  # draws the order of a trained epoch; reads nothing
    if batch == 0:
        batches = tf.data.Dataset.from_tensors(0).flat_map(lambda _: dataset)
        if cardinality >= 0:
            batches = batches.apply(tf.data.experimental.assert_cardinality(cardinality))
        return batches, None
    if not batches_per_epoch or batch >= batches_per_epoch:
        raise ValueError(
            "`batch` must be less than the number of batches per epoch. "
            f"Received: batch={batch}, batches_per_epoch={batches_per_epoch}"
        )
    skips = tf.constant([batch] + [0] * (epochs - epoch - 1), tf.int64)
    return tf.data.Dataset.from_tensor_slices(skips).flat_map(dataset.skip), batches_per_epoch
