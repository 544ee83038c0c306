"""Entity spans from IOB2 tag strings, in plain TensorFlow ops (for serving graphs)."""


def tf_iob2_spans(tags, lengths):
    """Find entity spans in a batch of IOB2 tag sequences, inside a TensorFlow graph.

    Spans follow the CoNLL evaluation script's reading: an entity starts at `B-X`, or at `I-X` when the
    previous tag is not `B-X`/`I-X` of the same type, and continues over the following `I-X` tags.

    Args:
        tags: string tensor `(batch, T)` of tags; steps at or beyond `lengths` are ignored.
        lengths: int tensor `(batch,)` of sequence lengths.

    Returns:
        A dict of padded tensors `(batch, max_entities)`: `entity_starts` and `entity_ends` (token indices,
        end exclusive, −1 for padding) and `entity_types` (strings, `""` for padding), plus `entity_counts`
        `(batch,)`.

    Example:

    >>> import tensorflow as tf
    >>> spans = tf_iob2_spans(tf.constant([["B-PER", "I-PER", "O", "I-LOC"]]), tf.constant([4]))
    >>> spans["entity_starts"].numpy().tolist(), spans["entity_ends"].numpy().tolist()
    ([[0, 3]], [[2, 4]])
    """
    import tensorflow as tf

    tags = tf.convert_to_tensor(tags, tf.string)
    lengths = tf.cast(lengths, tf.int32)
    steps = tf.shape(tags)[1]
    valid = tf.sequence_mask(lengths, steps)
    prefix = tf.strings.substr(tags, 0, 2)
    entity_type = tf.strings.regex_replace(tags, "^[BI]-", "")
    is_begin = tf.logical_and(tf.equal(prefix, "B-"), valid)
    is_inside = tf.logical_and(tf.equal(prefix, "I-"), valid)
    in_entity = tf.logical_or(is_begin, is_inside)
    previous_in_entity = tf.pad(in_entity[:, :-1], [[0, 0], [1, 0]])
    previous_type = tf.pad(entity_type[:, :-1], [[0, 0], [1, 0]])
    continues = tf.logical_and(is_inside, tf.logical_and(previous_in_entity, tf.equal(previous_type, entity_type)))
    starts = tf.logical_and(in_entity, tf.logical_not(continues))

    # Number the entities of the whole batch 0, 1, 2, ... in reading order; positions outside get -1.
    start_numbers = tf.reshape(tf.cumsum(tf.cast(tf.reshape(starts, [-1]), tf.int32)), tf.shape(starts)) - 1
    entity_ids = tf.where(in_entity, start_numbers, -1)
    total = tf.reduce_sum(tf.cast(starts, tf.int32))
    positions = tf.broadcast_to(tf.range(steps)[tf.newaxis, :], tf.shape(entity_ids))
    flat_ids = tf.reshape(entity_ids, [-1])
    keep = flat_ids >= 0
    kept_ids = tf.boolean_mask(flat_ids, keep)
    kept_positions = tf.boolean_mask(tf.reshape(positions, [-1]), keep)
    span_starts = tf.math.unsorted_segment_min(kept_positions, kept_ids, total)
    span_ends = tf.math.unsorted_segment_max(kept_positions, kept_ids, total) + 1
    span_types = tf.boolean_mask(tf.reshape(entity_type, [-1]), tf.reshape(starts, [-1]))
    counts = tf.reduce_sum(tf.cast(starts, tf.int32), axis=1)

    def padded(values, default):
        return tf.RaggedTensor.from_row_lengths(values, counts).to_tensor(default)

    return {
        "entity_starts": padded(span_starts, -1),
        "entity_ends": padded(span_ends, -1),
        "entity_types": padded(span_types, ""),
        "entity_counts": counts,
    }


def iob2_spans(tags):
    """The same reading as `tf_iob2_spans`, in Python: a list of `(type, start, end_exclusive)`.

    Example:

    >>> iob2_spans(["B-PER", "I-PER", "O", "I-LOC", "B-LOC"])
    [('PER', 0, 2), ('LOC', 3, 4), ('LOC', 4, 5)]
    """
    spans = []
    for index, tag in enumerate(tags):
        prefix, kind = tag[:2], tag[2:]
        if prefix == "I-" and spans and spans[-1][2] == index and spans[-1][0] == kind:
            spans[-1] = (kind, spans[-1][1], index + 1)
        elif prefix in ("B-", "I-"):
            spans.append((kind, index, index + 1))
    return spans
