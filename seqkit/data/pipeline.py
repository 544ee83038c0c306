"""`tf.data` input pipelines for variable-length examples, and the matching
loss and metric that ignore padded label positions.

An example is a `dict` of NumPy arrays (or lists) of varying length: token
ids of shape `(T,)`, character ids of shape `(T, C)`, per-token tags of shape
`(T,)`, or a scalar class label. `make_dataset()` streams such examples into
padded batches:

- feature fields are padded with 0 (the `<PAD>` id of `Vocabulary`),
- label fields are padded with -1, which `masked_sparse_categorical_crossentropy`,
  `masked_accuracy` and `MaskedAccuracy` treat as "ignore this position".
"""

import itertools

import keras
import numpy as np
import tensorflow as tf
from keras import ops

IGNORE_LABEL = -1
"""Label value of positions that the loss and metrics skip."""

_AUTO_SAMPLE_SIZE = 1_000
_AUTO_NUM_BUCKETS = 8


def make_dataset(
    examples,
    *,
    batch_size,
    feature_keys=None,
    label_key=None,
    shuffle=False,
    shuffle_buffer=10_000,
    seed=None,
    bucket_boundaries=None,
    length_key=None,
    pad_values=None,
    drop_remainder=False,
    repeat=False,
):
    """Build a padded, optionally shuffled and bucketed `tf.data.Dataset`.

    The pipeline streams: examples are read one at a time from `examples`
    while batches are consumed, and the corpus is never held in memory as a
    whole (apart from the shuffle buffer). When `examples` is a function it
    is called once up front to inspect the first examples (field types and,
    for `bucket_boundaries="auto"`, lengths) and then once per epoch.

    Every field of rank 1 or more is padded to the longest example of its
    batch in every dimension, so per-token character ids of shape `(T, C)`
    become a `(batch, max T, max C)` tensor. Integer fields become `int32`,
    floating-point fields `float32`.

    Args:
        examples: a zero-argument function returning a new iterable of
            examples for each epoch (e.g. a generator function reading a
            file), or a re-iterable collection such as a list. Each example
            is a `dict` mapping field names to arrays. A one-shot iterator
            (such as a generator object) is refused because it cannot be
            read again for the next epoch.
        batch_size: examples per batch, a positive integer.
        feature_keys: names of the fields that form the features `dict`.
            Defaults to every field of the first example except `label_key`.
        label_key: name of the label field, or `None` for unlabelled data.
        shuffle: whether to shuffle examples (within `shuffle_buffer`).
        shuffle_buffer: size of the shuffle buffer, in examples.
        seed: shuffle seed; the same seed gives the same batches in any
            process state (it also sets TensorFlow's global seed to `seed`).
        bucket_boundaries: `None` for plain batching; a strictly increasing
            list of positive lengths to group examples whose length falls
            between the same boundaries (see
            `tf.data.Dataset.bucket_by_sequence_length`); or `"auto"` to
            place boundaries at quantiles of the lengths of the first 1,000
            examples: up to 7, fewer for data of under 56 full batches (see
            `auto_num_buckets`).
        length_key: field whose first dimension is an example's length for
            bucketing. Defaults to the first feature key.
        pad_values: optional `dict` overriding the padding value of some
            fields (defaults: 0 for features, -1 for the label).
        drop_remainder: drop the last, smaller batch (of each bucket).
        repeat: repeat the data forever (the function is called again at
            every repetition).

    Returns:
        A `tf.data.Dataset` yielding `(features, labels)` tuples, where
        `features` is a `dict` of tensors, or only `features` when
        `label_key` is `None`.

    Example:

    >>> import numpy as np
    >>> def examples():
    ...     yield {"token_ids": np.array([5, 6, 7]), "tags": np.array([1, 0, 2])}
    ...     yield {"token_ids": np.array([8]), "tags": np.array([3])}
    >>> ds = make_dataset(examples, batch_size=2, label_key="tags")
    >>> features, labels = next(iter(ds))
    >>> features["token_ids"].numpy().tolist()
    [[5, 6, 7], [8, 0, 0]]
    >>> labels.numpy().tolist()
    [[1, 0, 2], [3, -1, -1]]
    """
    _check_positive_int("batch_size", batch_size)
    _check_positive_int("shuffle_buffer", shuffle_buffer)
    factory = _as_factory(examples)

    probe = iter(factory())
    try:
        first = next(probe)
    except StopIteration:
        raise ValueError(
            "`examples` must yield at least one example. Received: no examples"
        ) from None
    if not isinstance(first, dict):
        raise TypeError(
            "Each example must be a dict of arrays. "
            f"Received: example of type {type(first).__name__}"
        )
    feature_keys, keys = _resolve_keys(first, feature_keys, label_key)
    signature = {key: _field_spec(key, first[key]) for key in keys}
    pad_values = _resolve_pad_values(pad_values, signature, label_key)
    if bucket_boundaries is not None:
        length_key = feature_keys[0] if length_key is None else length_key
        if length_key not in signature or signature[length_key].shape.rank < 1:
            raise ValueError(
                "`length_key` must name a field of rank 1 or more. "
                f"Received: length_key={length_key!r}"
            )
        if isinstance(bucket_boundaries, str) and bucket_boundaries == "auto":
            spec = signature[length_key]
            sample = itertools.chain([first], probe)
            lengths = [
                len(_as_array(example, length_key, spec, index))
                for index, example in enumerate(
                    itertools.islice(sample, _AUTO_SAMPLE_SIZE)
                )
            ]
            # A full sample means at least that many examples: the most buckets.
            num_buckets = (
                _AUTO_NUM_BUCKETS
                if len(lengths) == _AUTO_SAMPLE_SIZE
                else auto_num_buckets(len(lengths), batch_size)
            )
            bucket_boundaries = auto_bucket_boundaries(lengths, num_buckets)
        else:
            bucket_boundaries = _check_boundaries(bucket_boundaries)
    del probe

    dataset = tf.data.Dataset.from_generator(
        _Generator(factory, signature),
        output_signature=signature,
    )
    if shuffle:
        if seed is not None:
            # TensorFlow derives a shuffle's order from the global seed and
            # the op seed; pinning the global seed to `seed` makes the order
            # depend on `seed` alone, whatever ran before in this process.
            tf.random.set_seed(seed)
        dataset = dataset.shuffle(
            shuffle_buffer, seed=seed, reshuffle_each_iteration=True
        )
    num_batches = None
    if not bucket_boundaries and hasattr(examples, "__len__"):
        # A sized collection gives a known number of batches, so Keras
        # shows progress and needs no first epoch to count steps.
        num_batches = count_batches(
            {1: len(examples)}, batch_size, None, drop_remainder
        )
    return batch_examples(
        dataset,
        signature,
        batch_size=batch_size,
        feature_keys=feature_keys,
        label_key=label_key,
        pad_values=pad_values,
        bucket_boundaries=bucket_boundaries,
        length_key=length_key,
        drop_remainder=drop_remainder,
        repeat=repeat,
        num_batches=num_batches,
    )


def batch_examples(
    dataset,
    signature,
    *,
    batch_size,
    feature_keys,
    label_key,
    pad_values,
    bucket_boundaries=None,
    length_key=None,
    drop_remainder=False,
    repeat=False,
    num_batches=None,
):
    """Pad, batch (or bucket by length) and split a dataset of example dicts.

    The tail that `make_dataset` and `seqkit.data.shards.shard_dataset`
    share: every field is padded with its value in `pad_values` to the
    longest example of its batch, and each batch becomes
    `(features, labels)`, or `features` when `label_key` is `None`.

    Args:
        dataset: a `tf.data.Dataset` of example dicts described by
            `signature` (`{key: tf.TensorSpec}`).
        signature: the field specs.
        batch_size: examples per batch.
        feature_keys: the fields that form the features `dict`.
        label_key: the label field, or `None`.
        pad_values: `{key: padding value}` for every field.
        bucket_boundaries: `None`/empty for plain batching, or a checked
            increasing list of lengths.
        length_key: the field whose first dimension buckets examples.
        drop_remainder: drop the last, smaller batch (of each bucket).
        repeat: repeat the data forever.
        num_batches: the known number of batches per epoch, asserted on
            the dataset so that Keras shows a complete progress bar.

    Returns:
        A prefetched, batched `tf.data.Dataset`.
    """
    padded_shapes = {key: spec.shape for key, spec in signature.items()}
    padding_values = {
        key: tf.constant(pad_values[key], dtype=spec.dtype)
        for key, spec in signature.items()
    }
    if bucket_boundaries:
        dataset = dataset.bucket_by_sequence_length(
            element_length_func=lambda example: tf.shape(example[length_key])[0],
            bucket_boundaries=bucket_boundaries,
            bucket_batch_sizes=[batch_size] * (len(bucket_boundaries) + 1),
            padded_shapes=padded_shapes,
            padding_values=padding_values,
            drop_remainder=drop_remainder,
        )
    else:
        dataset = dataset.padded_batch(
            batch_size,
            padded_shapes=padded_shapes,
            padding_values=padding_values,
            drop_remainder=drop_remainder,
        )
    if num_batches is not None:
        dataset = dataset.apply(
            tf.data.experimental.assert_cardinality(num_batches)
        )

    def split(batch):
        features = {key: batch[key] for key in feature_keys}
        if label_key is None:
            return features
        return features, batch[label_key]

    dataset = dataset.map(split, num_parallel_calls=tf.data.AUTOTUNE)
    if repeat:
        dataset = dataset.repeat()
    return dataset.prefetch(tf.data.AUTOTUNE)


def count_batches(length_counts, batch_size, bucket_boundaries=None, drop_remainder=False):
    """Batches per epoch of examples batched as `batch_examples` does.

    Each bucket emits full batches and, unless `drop_remainder`, one last
    smaller batch, whatever the order of the examples.

    Args:
        length_counts: `{length: number of examples}`.
        batch_size: examples per batch.
        bucket_boundaries: the boundaries of the buckets, or `None`.
        drop_remainder: whether smaller batches are dropped.

    Example:

    >>> count_batches({3: 5, 10: 2}, batch_size=2, bucket_boundaries=[5])
    4
    >>> count_batches({3: 5, 10: 2}, batch_size=2)
    4
    >>> count_batches({3: 5, 10: 2}, batch_size=2, drop_remainder=True)
    3
    """
    boundaries = list(bucket_boundaries or [])
    per_bucket = [0] * (len(boundaries) + 1)
    for length, count in length_counts.items():
        per_bucket[sum(1 for b in boundaries if length >= b)] += count
    if drop_remainder:
        return sum(n // batch_size for n in per_bucket)
    return sum(-(-n // batch_size) for n in per_bucket)


def auto_num_buckets(num_examples, batch_size):
    """How many length buckets `"auto"` bucketing makes for a data size.

    Every bucket ends an epoch with one partly filled batch, which costs a
    whole step. So a bucket is made for each 8 full batches, one to start
    with, and at most 8 (`1 + full_batches // 8`): small data is batched
    plainly or in a few buckets, and no more than about one step in nine
    is a partly filled one.

    Example:

    >>> auto_num_buckets(120, batch_size=32), auto_num_buckets(1_000, 32)
    (1, 4)
    """
    _check_positive_int("batch_size", batch_size)
    return min(_AUTO_NUM_BUCKETS, 1 + int(num_examples) // batch_size // 8)


def auto_bucket_boundaries_from_counts(length_counts, num_buckets=_AUTO_NUM_BUCKETS):
    """`auto_bucket_boundaries` of every length, given as `{length: count}`.

    Gives the same boundaries as `auto_bucket_boundaries` of the expanded
    list of lengths, in memory that grows with the number of distinct
    lengths only.

    Example:

    >>> auto_bucket_boundaries_from_counts({1: 50, 2: 25, 3: 25}, num_buckets=4)
    [2, 3]
    """
    _check_positive_int("num_buckets", num_buckets)
    items = sorted((int(k), int(v)) for k, v in length_counts.items() if v > 0)
    total = sum(count for _, count in items)
    if not total:
        return []
    cumulative = np.cumsum([count for _, count in items])
    values = np.asarray([length for length, _ in items])
    quantiles = np.arange(1, num_buckets) / num_buckets
    # `method="lower"` picks the sorted element at index floor(q * (n - 1)).
    positions = np.floor(quantiles * (total - 1)).astype(np.int64)
    cuts = values[np.searchsorted(cumulative, positions, side="right")] + 1
    low, high = values[0], values[-1]
    return sorted({int(c) for c in cuts if low < c <= high})


def auto_bucket_boundaries(lengths, num_buckets=_AUTO_NUM_BUCKETS):
    """Bucket boundaries at quantiles of observed sequence lengths.

    Args:
        lengths: example lengths (a sample is enough).
        num_buckets: the most buckets to create (boundaries + 1).

    Returns:
        A strictly increasing `list` of `int` boundaries (possibly empty,
        e.g. when every length is the same). A boundary `b` starts a new
        bucket at length `b`.

    Example:

    >>> auto_bucket_boundaries(range(1, 101), num_buckets=4)
    [26, 51, 76]
    """
    _check_positive_int("num_buckets", num_buckets)
    lengths = np.asarray(list(lengths))
    if lengths.size == 0:
        return []
    quantiles = np.arange(1, num_buckets) / num_buckets
    cuts = np.quantile(lengths, quantiles, method="lower") + 1
    low, high = lengths.min(), lengths.max()
    return sorted({int(c) for c in cuts if low < c <= high})


class _Generator:
    """Calls the example factory for each epoch and checks every example."""

    def __init__(self, factory, signature):
        self._factory = factory
        self._signature = signature

    def __call__(self):
        for index, example in enumerate(self._factory()):
            yield {
                key: _as_array(example, key, spec, index)
                for key, spec in self._signature.items()
            }


def _as_array(example, key, spec, index):
    if not isinstance(example, dict) or key not in example:
        found = (
            f"fields {sorted(example)}"
            if isinstance(example, dict)
            else f"a {type(example).__name__}"
        )
        raise ValueError(
            f"Every example must have the field {key!r}. "
            f"Received: {found} in example {index}"
        )
    value = example[key]
    array = np.asarray(value)
    if array.ndim != spec.shape.rank:
        raise ValueError(
            f"Field {key!r} must have {spec.shape.rank} dimension(s) in every "
            f"example, as in the first one. Received: shape {array.shape} "
            f"in example {index}"
        )
    if spec.dtype.is_integer and array.size and array.dtype.kind not in "iub":
        raise ValueError(
            f"Field {key!r} must hold integers, as in the first example. "
            f"Received: dtype {array.dtype} in example {index}"
        )
    return array.astype(spec.dtype.as_numpy_dtype, copy=False)


def _field_spec(key, value):
    array = np.asarray(value)
    if array.dtype.kind in "iub":
        dtype = tf.int32
    elif array.dtype.kind == "f":
        dtype = tf.float32
    else:
        raise TypeError(
            f"Field {key!r} must hold integers or floats. "
            f"Received: dtype {array.dtype}"
        )
    return tf.TensorSpec([None] * array.ndim, dtype, name=key)


def _resolve_keys(first, feature_keys, label_key):
    if label_key is not None and label_key not in first:
        raise ValueError(
            "`label_key` must be a field of the examples. "
            f"Received: label_key={label_key!r}, fields {sorted(first)}"
        )
    if feature_keys is None:
        feature_keys = [key for key in first if key != label_key]
    elif isinstance(feature_keys, str):
        feature_keys = [feature_keys]
    feature_keys = list(feature_keys)
    missing = [key for key in feature_keys if key not in first]
    if missing or not feature_keys or label_key in feature_keys:
        raise ValueError(
            "`feature_keys` must name one or more fields of the examples, "
            "other than `label_key`. "
            f"Received: feature_keys={feature_keys!r}, fields {sorted(first)}"
        )
    keys = feature_keys + ([label_key] if label_key is not None else [])
    return feature_keys, keys


def _resolve_pad_values(pad_values, signature, label_key):
    values = {key: 0 for key in signature}
    if label_key is not None:
        values[label_key] = IGNORE_LABEL
    unknown = sorted(set(pad_values or {}) - set(signature))
    if unknown:
        raise ValueError(
            "`pad_values` keys must be fields of the dataset. "
            f"Received: unknown keys {unknown}"
        )
    values.update(pad_values or {})
    return values


def _check_boundaries(original):
    boundaries = [] if isinstance(original, str) else list(original)
    valid = all(
        isinstance(b, (int, np.integer)) and not isinstance(b, bool) and b > 0
        for b in boundaries
    ) and all(a < b for a, b in zip(boundaries, boundaries[1:]))
    if not boundaries or not valid:
        raise ValueError(
            "`bucket_boundaries` must be None, 'auto' or a strictly "
            "increasing list of positive integers. "
            f"Received: bucket_boundaries={original!r}"
        )
    return [int(b) for b in boundaries]


def _check_positive_int(name, value):
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, np.integer))
        or value < 1
    ):
        raise ValueError(
            f"`{name}` must be a positive integer. Received: {name}={value!r}"
        )


def _as_factory(examples):
    if callable(examples):
        return examples
    try:
        iterator = iter(examples)
    except TypeError:
        raise TypeError(
            "`examples` must be a function returning an iterable of examples "
            "or a re-iterable collection. "
            f"Received: examples of type {type(examples).__name__}"
        ) from None
    if iterator is examples:
        raise TypeError(
            "`examples` must be a function returning an iterable of examples "
            "or a re-iterable collection; a one-shot iterator (such as a "
            "generator object) cannot be read again for the next epoch. "
            "Pass the generator function instead. "
            f"Received: examples of type {type(examples).__name__}"
        )
    return lambda: examples


# === Loss and metrics that ignore label -1 ===


def _masked_positions(y_true, y_pred):
    """Integer labels with ignored positions set to 0, and the float mask."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true)
    if len(y_true.shape) == len(y_pred.shape):
        y_true = ops.squeeze(y_true, axis=-1)
    y_true = ops.cast(y_true, "int32")
    valid = ops.not_equal(y_true, IGNORE_LABEL)
    return ops.where(valid, y_true, 0), ops.cast(valid, y_pred.dtype)


@keras.saving.register_keras_serializable(package="seqkit")
def masked_sparse_categorical_crossentropy(y_true, y_pred, from_logits=False):
    """Sparse categorical cross-entropy that ignores positions labelled -1.

    Like Keras loss functions, this returns one value per position; the
    result carries a Keras mask of the labelled positions, so
    `model.compile(loss=masked_sparse_categorical_crossentropy)` averages
    over labelled positions only, whether or not the model itself
    propagates a padding mask. It is
    `keras.losses.sparse_categorical_crossentropy` with `ignore_class=-1`.

    Args:
        y_true: integer labels, shape `(batch, T)` or `(batch,)`, with -1
            where the position is to be ignored (padding, or tokens without
            a label such as word-piece continuations).
        y_pred: class probabilities (or logits with `from_logits=True`),
            shape `y_true.shape + (num_classes,)`.
        from_logits: whether `y_pred` holds logits. To compile a model
            that outputs logits, use the equivalent
            `keras.losses.SparseCategoricalCrossentropy(from_logits=True,
            ignore_class=-1)`.

    Returns:
        The per-position loss, shape `y_true.shape`, 0 where ignored.

    Example:

    >>> import numpy as np
    >>> y_true = np.array([[0, 1, -1]])
    >>> y_pred = np.array([[[0.5, 0.5], [0.5, 0.5], [0.9, 0.1]]])
    >>> loss = masked_sparse_categorical_crossentropy(y_true, y_pred)
    >>> np.round(loss.numpy(), 4).tolist()
    [[0.6931, 0.6931, 0.0]]
    """
    return keras.losses.sparse_categorical_crossentropy(
        y_true, y_pred, from_logits=from_logits, ignore_class=IGNORE_LABEL
    )


@keras.saving.register_keras_serializable(package="seqkit")
def masked_accuracy(y_true, y_pred):
    """Fraction of labelled positions whose arg-max prediction is right.

    Positions labelled -1 are ignored. This gives one number for one batch
    (for evaluation code and tests); to track accuracy during `fit` and
    `evaluate`, compile with the `MaskedAccuracy()` metric, which counts
    positions exactly across batches.

    Args:
        y_true: integer labels with -1 for ignored positions, shape
            `(batch, T)` or `(batch,)`.
        y_pred: scores of shape `y_true.shape + (num_classes,)`.

    Returns:
        A scalar in `[0, 1]` (0 when no position has a label).

    Example:

    >>> import numpy as np
    >>> y_true = np.array([[1, 0, -1]])
    >>> y_pred = np.array([[[0.2, 0.8], [0.3, 0.7], [0.9, 0.1]]])
    >>> float(masked_accuracy(y_true, y_pred))
    0.5
    """
    correct, mask = _correct_and_mask(y_true, y_pred)
    return ops.divide_no_nan(ops.sum(correct), ops.sum(mask))


def _correct_and_mask(y_true, y_pred):
    labels, mask = _masked_positions(y_true, y_pred)
    predicted = ops.cast(ops.argmax(y_pred, axis=-1), "int32")
    correct = ops.cast(ops.equal(predicted, labels), mask.dtype) * mask
    return correct, mask


@keras.saving.register_keras_serializable(package="seqkit")
class MaskedAccuracy(keras.metrics.Metric):
    """Accuracy over labelled positions, accumulated exactly across batches.

    Counts correct and labelled positions (label != -1) over all batches
    seen since the last reset, so an epoch's value is per token, not an
    average of batch values.

    Args:
        name: metric name. Defaults to `"masked_accuracy"`.
        dtype: dtype of the result.

    Example:

    >>> import numpy as np
    >>> metric = MaskedAccuracy()
    >>> metric.update_state(np.array([[1, -1]]), np.array([[[0, 1], [1, 0]]]))
    >>> metric.update_state(np.array([[0, 1, 1]]), np.eye(2)[[[1, 1, 1]]])
    >>> float(metric.result())  # 3 right out of 4 labelled positions
    0.75
    """

    def __init__(self, name="masked_accuracy", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.correct = self.add_variable(
            shape=(), initializer="zeros", dtype=self.dtype, name="correct"
        )
        self.count = self.add_variable(
            shape=(), initializer="zeros", dtype=self.dtype, name="count"
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Add a batch; `sample_weight` (per example) scales its positions."""
        correct, mask = _correct_and_mask(y_true, y_pred)
        if sample_weight is not None:
            weight = ops.cast(sample_weight, mask.dtype)
            while len(weight.shape) < len(mask.shape):
                weight = ops.expand_dims(weight, axis=-1)
            correct, mask = correct * weight, mask * weight
        self.correct.assign_add(ops.cast(ops.sum(correct), self.dtype))
        self.count.assign_add(ops.cast(ops.sum(mask), self.dtype))

    def result(self):
        return ops.divide_no_nan(self.correct, self.count)

    def reset_state(self):
        self.correct.assign(0)
        self.count.assign(0)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}
