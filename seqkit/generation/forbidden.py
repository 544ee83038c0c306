"""Token ids that generation never produces: checking them and masking their logits."""

import numbers

import numpy as np
from keras import ops

# The logit given to forbidden ids: far below any real logit, yet finite in float32, so softmax, log-softmax and
# argmax stay defined and the probability of a forbidden id is exactly 0.
FORBIDDEN_LOGIT = -1e9


def forbidden_special_ids(vocabulary):
    """The ids of `<PAD>`, `<UNK>` and `<BOS>` that `vocabulary` has: tokens a model should never generate.

    `<EOS>` is not among them: it ends a sequence.

    Args:
        vocabulary: a `seqkit.data.vocabulary.Vocabulary` (or anything with `pad_id`, `unk_id` and `bos_id`
            attributes, `None` for a missing token).

    Returns:
        A list of ints, for the `forbidden_ids` of `SequenceGenerator` and `Seq2SeqGenerator`.

    Example:

    >>> from seqkit.data.vocabulary import Vocabulary
    >>> forbidden_special_ids(Vocabulary.build([["a", "b"]], bos_eos=True))
    [0, 1, 2]
    >>> forbidden_special_ids(Vocabulary.build([["a", "b"]]))
    [0, 1]
    """
    ids = (getattr(vocabulary, name, None) for name in ("pad_id", "unk_id", "bos_id"))
    return [int(token_id) for token_id in ids if token_id is not None]


def forbidden_mask(forbidden_ids, vocabulary_size, stop_token_ids=None):
    """Checks `forbidden_ids` and returns a bool NumPy mask `(vocabulary_size,)`, or `None` when none is forbidden.

    Args:
        forbidden_ids: a list of ints in `[0, vocabulary_size)`, or `None`.
        vocabulary_size: int, the size of the logits' last axis.
        stop_token_ids: tuple of ints or `None`; a stop token may not be forbidden.

    Example:

    >>> forbidden_mask([0, 2], 4).tolist()
    [True, False, True, False]
    """
    if forbidden_ids is None:
        return None
    if isinstance(forbidden_ids, (str, bytes)) or not hasattr(forbidden_ids, "__iter__"):
        raise ValueError(f"`forbidden_ids` must be a list of ints. Received: forbidden_ids={forbidden_ids!r}")
    ids = list(forbidden_ids)
    if not ids:
        return None
    valid = all(isinstance(i, numbers.Integral) and not isinstance(i, bool) and 0 <= i < vocabulary_size for i in ids)
    if not valid:
        raise ValueError(
            "`forbidden_ids` must be ids in [0, vocabulary_size). "
            f"Received: forbidden_ids={forbidden_ids!r}, vocabulary_size={vocabulary_size}"
        )
    mask = np.zeros(vocabulary_size, bool)
    mask[[int(i) for i in ids]] = True
    stops = sorted({int(i) for i in stop_token_ids or () if 0 <= int(i) < vocabulary_size and mask[int(i)]})
    if stops:
        raise ValueError(
            "`forbidden_ids` must not contain a stop token. "
            f"Received: forbidden_ids={forbidden_ids!r}, stop_token_ids={list(stop_token_ids)}"
        )
    if mask.all():
        raise ValueError(
            "`forbidden_ids` must leave at least one id allowed. "
            f"Received: forbidden_ids={forbidden_ids!r}, vocabulary_size={vocabulary_size}"
        )
    return mask


def forbid(logits, mask):
    """`logits` `(batch, vocabulary_size)` as float32, with `FORBIDDEN_LOGIT` where `mask` is `True`.

    `mask` is the NumPy array of `forbidden_mask` (a constant in traced graphs), or `None` (logits unchanged).

    Example:

    >>> import numpy as np
    >>> logits = forbid(np.array([[0.5, 2.0, 1.0]], "float32"), forbidden_mask([1], 3))
    >>> ops.convert_to_numpy(logits).tolist(), int(ops.argmax(logits, axis=-1)[0])
    ([[0.5, -1000000000.0, 1.0]], 2)
    """
    if mask is None:
        return logits
    return ops.where(ops.convert_to_tensor(mask)[None, :], FORBIDDEN_LOGIT, ops.cast(logits, "float32"))
