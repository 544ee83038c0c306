"""Run a serving function on a request in chunks of similar lengths, in plain TensorFlow ops."""


def map_length_groups(fn, values, lengths, *, chunk_size, output_signature):
    """Apply `fn` to a padded request chunk by chunk, longest items first, each chunk padded to its longest.

    A request padded to its longest item makes every item pay for that length. This sorts the items by
    `lengths` (longest first, ties in request order, as the Python prediction of the apps batches them), cuts
    the sorted request into consecutive chunks of `chunk_size` items (the last one may be smaller), crops each
    chunk's padding to the chunk's longest item, calls `fn` on each chunk in a `tf.while_loop` and returns the
    outputs in the request's order. It traces `fn` once, for any batch size and length, so a `tf.function`
    calling it keeps one concrete function. The outputs equal those of `fn` on the whole request when `fn`'s
    result for an item does not depend on the other items of its batch nor on their padding.

    Args:
        fn: `fn(values, lengths)` of one chunk (the same structure as `values`, `(chunk, longest, ...)`, and
            `lengths` `(chunk,)`) returning a structure of tensors matching `output_signature`, each with the
            chunk's items first. Shapes after the first dimension must be the same for every chunk (reduce or
            decode what depends on the chunk's length inside `fn`).
        values: a tensor or a nested structure of tensors `(batch, time, ...)`, right-padded on axis 1.
        lengths: int tensor `(batch,)`: the valid steps of each item.
        chunk_size: int. Items per chunk (a positive integer).
        output_signature: `tf.TensorSpec` or nested structure of them: the dtype and shape (first dimension
            `None`) of each output of `fn`.

    Returns:
        The structure of `output_signature`, each tensor `(batch, ...)` in the request's order.

    Example:

    >>> import tensorflow as tf
    >>> values = tf.constant([[1.0, 0.0, 0.0], [1.0, 2.0, 3.0], [4.0, 5.0, 0.0]])
    >>> widths = map_length_groups(
    ...     lambda v, l: tf.fill(tf.shape(l), tf.shape(v)[1]), values, tf.constant([1, 3, 2]), chunk_size=2,
    ...     output_signature=tf.TensorSpec([None], tf.int32))
    >>> widths.numpy().tolist()  # [3, 2] run together (padded to 3), then [1] alone
    [1, 3, 3]
    """
    import tensorflow as tf

    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise ValueError(f"`chunk_size` must be a positive integer. Received: chunk_size={chunk_size!r}")
    specs = tf.nest.flatten(output_signature)
    if not specs or not all(isinstance(spec, tf.TensorSpec) for spec in specs):
        raise ValueError(
            "`output_signature` must be a tf.TensorSpec or a nested structure of them. "
            f"Received: output_signature={output_signature!r}"
        )
    lengths = tf.convert_to_tensor(lengths)
    batch = tf.shape(lengths)[0]
    order = tf.argsort(lengths, direction="DESCENDING", stable=True)
    count = (batch + chunk_size - 1) // chunk_size

    def run_chunk(index, arrays):
        rows = order[index * chunk_size : tf.minimum((index + 1) * chunk_size, batch)]
        chunk_lengths = tf.gather(lengths, rows)
        longest = tf.reduce_max(chunk_lengths)
        chunk = tf.nest.map_structure(lambda value: tf.gather(value, rows)[:, :longest], values)
        outputs = fn(chunk, chunk_lengths)
        tf.nest.assert_same_structure(output_signature, outputs)
        return index + 1, [array.write(index, output) for array, output in zip(arrays, tf.nest.flatten(outputs))]

    arrays = [
        tf.TensorArray(spec.dtype, size=count, infer_shape=False, element_shape=spec.shape) for spec in specs
    ]
    _, arrays = tf.while_loop(lambda index, _: index < count, run_chunk, (tf.constant(0), arrays))
    # Row k of the concatenation is item order[k]; item i is row inverse[i].
    inverse = tf.math.invert_permutation(order)
    outputs = [tf.gather(array.concat(), inverse) for array in arrays]
    return tf.nest.pack_sequence_as(output_signature, outputs)
