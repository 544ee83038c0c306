"""Log-probability and perplexity of sequences under a language model."""

from keras import ops


def score(model, sequences):
    """Scores token sequences with a language model, in one pass.

    Each sequence starts with a context token (usually a start token) that is
    not scored itself: token `t >= 1` is scored by
    `log P(y<t> | y<0..t-1>)`. Positions holding 0 (padding) after the
    first token are not scored. Works eagerly and inside a `tf.function`.

    Args:
        model: a model built by `seqkit.tasks.language_model`: int ids
            `(batch, T)` in, next-token logits `(batch, T, vocabulary)` out.
        sequences: int array `(batch, T)`, right-padded with 0.

    Returns:
        A dict of tensors:
        - `"token_log_probs"`: `(batch, T - 1)`, natural-log probability of
          tokens `1 .. T-1` (0 at padding),
        - `"log_probability"`: `(batch,)`, their sum,
        - `"num_tokens"`: `(batch,)`, how many tokens were scored,
        - `"perplexity"`: `(batch,)`, `exp(-log_probability / num_tokens)`.

    Example:

    >>> import numpy as np
    >>> from seqkit.tasks import language_model
    >>> model = language_model(10, embedding_dim=3, units=3)
    >>> result = score(model, np.array([[1, 4, 5, 0]], "int32"))
    >>> result["token_log_probs"].shape, int(result["num_tokens"][0])
    (TensorShape([1, 3]), 2)
    """
    sequences = ops.cast(ops.convert_to_tensor(sequences), "int32")
    inputs, targets = sequences[:, :-1], sequences[:, 1:]
    logits = ops.cast(model(inputs, training=False), "float32")
    log_probs = ops.log_softmax(logits, axis=-1)
    picked = ops.take_along_axis(log_probs, targets[:, :, None], axis=-1)[..., 0]
    scored = ops.not_equal(targets, 0)
    token_log_probs = ops.where(scored, picked, 0.0)
    total = ops.sum(token_log_probs, axis=1)
    count = ops.sum(ops.cast(scored, "int32"), axis=1)
    perplexity = ops.exp(-total / ops.maximum(ops.cast(count, "float32"), 1.0))
    return {
        "token_log_probs": token_log_probs,
        "log_probability": total,
        "num_tokens": count,
        "perplexity": perplexity,
    }


# Tokens run through the model per call of `score_stream`.
STREAM_CHUNK = 2048


def score_stream(model, ids, chunk_size=STREAM_CHUNK):
    """Scores one long token stream, in chunks, the recurrent state carried from chunk to chunk.

    The result is that of one pass over the whole stream (`score(model, [ids])`), in bounded memory: the
    first id is the context (not scored) and every later id is scored once.

    Args:
        model: a model built by `seqkit.tasks.language_model`.
        ids: a sequence of ints (no padding).
        chunk_size: int, tokens per call.

    Returns:
        A float64 NumPy array `(len(ids) - 1,)`: the natural-log probability of each id after the first.

    Example:

    >>> import numpy as np
    >>> from seqkit.tasks import language_model
    >>> model = language_model(10, embedding_dim=3, units=3)
    >>> score_stream(model, [1, 4, 5, 6, 7], chunk_size=2).shape
    (4,)
    """
    import numpy as np
    import tensorflow as tf

    from seqkit.tasks.language_model import language_model_step

    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise ValueError(f"`chunk_size` must be a positive integer. Received: chunk_size={chunk_size!r}")
    ids = np.asarray(ids, dtype=np.int32)
    step = language_model_step(model)
    states = [np.zeros((1, int(spec.shape[-1])), "float32") for spec in step.inputs[1:]]

    @tf.function(reduce_retracing=True)
    def run(inputs, targets, states):
        logits, *new_states = step([inputs, *states], training=False)
        log_probs = tf.nn.log_softmax(tf.cast(logits, tf.float32), axis=-1)
        picked = tf.gather(log_probs, targets, axis=-1, batch_dims=2)
        return picked[0], new_states

    results = []
    for begin in range(0, max(0, len(ids) - 1), chunk_size):
        inputs = ids[begin : begin + chunk_size][None]
        targets = ids[begin + 1 : begin + 1 + chunk_size][None]
        inputs = inputs[:, : targets.shape[1]]
        picked, states = run(tf.constant(inputs), tf.constant(targets), states)
        results.append(picked.numpy().astype(np.float64))
    return np.concatenate(results) if results else np.zeros(0, np.float64)
