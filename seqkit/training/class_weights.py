"""Per-class loss weights for imbalanced labels."""

import numpy as np

CLASS_WEIGHT_MODES = ("none", "balanced", "sqrt")


def class_weights(class_ids, num_classes, mode="balanced"):
    """Loss weights per class from the training labels, or `None` for `mode="none"`.

    - `"balanced"`: `n / (K * count_k)`, K the number of classes seen: every
      class weighs as much in the loss as any other. Best for macro-F1, but
      rare classes get predicted often, which costs accuracy (and, for
      ratings, mean absolute error) when the imbalance is strong.
    - `"sqrt"`: `1 / sqrt(count_k)`: halfway (on a log scale) between no
      weighting and `"balanced"`.

    Weights are scaled to average 1 over the training examples, so the loss
    keeps its size; a class absent from `class_ids` gets 0.

    Args:
        class_ids: int array-like `(n,)` of training labels in `[0, num_classes)`.
        num_classes: int. Number of classes.
        mode: `"none"`, `"balanced"` or `"sqrt"`.

    Returns:
        float64 array `(num_classes,)`, or `None`.

    Example:

    >>> [round(w, 4) for w in class_weights([0, 0, 0, 1], 3).tolist()]
    [0.6667, 2.0, 0.0]
    >>> [round(w, 4) for w in class_weights([0, 0, 0, 0, 1], 2, "sqrt").tolist()]
    [0.8333, 1.6667]
    """
    class_ids = np.asarray(class_ids, dtype=np.int64)
    return class_weights_from_counts(np.bincount(class_ids, minlength=num_classes), mode)


def class_weights_from_counts(counts, mode="balanced"):
    """`class_weights` from the number of training examples of each class (an array `(num_classes,)`).

    Example:

    >>> [round(w, 4) for w in class_weights_from_counts([3, 1, 0]).tolist()]
    [0.6667, 2.0, 0.0]
    """
    if mode not in CLASS_WEIGHT_MODES:
        raise ValueError(f"`mode` must be one of {CLASS_WEIGHT_MODES}. Received: mode={mode!r}")
    if mode == "none":
        return None
    counts = np.asarray(counts, dtype=np.float64)
    seen = counts > 0
    weights = np.zeros(len(counts))
    weights[seen] = 1.0 / (counts[seen] if mode == "balanced" else np.sqrt(counts[seen]))
    return weights * float(np.sum(counts)) / float(np.sum(weights * counts))
