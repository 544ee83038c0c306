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
