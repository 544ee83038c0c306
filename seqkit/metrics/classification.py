"""Scores of a many-to-one classifier from its class probabilities: F1, MCC, ROC-AUC and PR-AUC.

The prediction of an example is the argmax of its row of `probabilities` (the first class on ties). Accuracy,
F1 and the confusion matrix use those predictions; the ROC and precision-recall areas use the scores
themselves, one class against the rest. Only NumPy is needed.

Example:

>>> scores = classification_scores([0, 0, 1, 1], [[0.9, 0.1], [0.4, 0.6], [0.35, 0.65], [0.2, 0.8]],
...                                labels=["neg", "pos"])
>>> scores["accuracy"], scores["roc_auc"], scores["pr_auc"]
(0.75, 1.0, 1.0)
>>> scores["confusion"]
[[1, 1], [0, 2]]
>>> print(format_classification_scores(scores).splitlines()[0])
4 examples: accuracy 0.7500, macro-F1 0.7333, MCC 0.5774, ROC-AUC 1.0000, PR-AUC 1.0000
"""

import numpy as np

from seqkit.metrics.classification_report import confusion_lines, per_class_lines
from seqkit.metrics.ordinal import _class_scores, confusion_matrix


def classification_scores(true_ids, probabilities, labels):
    """Classification, correlation and ranking scores of class probabilities.

    Args:
        true_ids: gold class ids in `[0, len(labels))`, shape `(N,)`.
        probabilities: the scores of each class, shape `(N, len(labels))`: probabilities, or any finite scores
            whose argmax is the prediction (the areas depend only on the order of each column).
        labels: the class names, in order (at least two).

    Returns:
        A JSON-friendly dict:
        - `count`, `accuracy`, `macro_f1` (unweighted mean over the classes that are gold or predicted) and
          `weighted_f1` (weighted by gold support), as in `seqkit.metrics.ordinal.ordinal_scores`;
        - `mcc`: the multi-class Matthews correlation coefficient (Gorodkin's R_K; the usual MCC for two
          classes), 0.0 when it is undefined (all gold, or all predictions, in one class);
        - `roc_auc`: the area under the ROC curve, by the rank (Mann-Whitney) formula with ties counted as
          one half, and `pr_auc`: the average precision (the step-wise area under the precision-recall curve,
          as `sklearn.metrics.average_precision_score` defines it). With two classes both are those of the
          positive class, the **second** label, scored by `probabilities[:, 1]`; with more classes they are the
          unweighted mean, over the classes where the value is defined, of each class against the rest.
          None when no class has a defined value;
        - `per_class`: `{label: {precision, recall, f1, support, roc_auc, pr_auc}}` (one class against the
          rest). A class that is never gold has `roc_auc` and `pr_auc` None; a class that is all of the gold has
          `roc_auc` None (there are no negatives to rank) but a `pr_auc` (1.0);
        - `labels` and `confusion` (list of rows, gold by predicted).

    Raises:
        ValueError: empty inputs, mismatched shapes, fewer than two labels, non-finite scores or ids out of
            range.

    Example:

    >>> scores = classification_scores([0, 1, 2], [[0.8, 0.1, 0.1], [0.2, 0.5, 0.3], [0.1, 0.6, 0.3]],
    ...                                labels=["a", "b", "c"])
    >>> round(scores["accuracy"], 4), scores["per_class"]["c"]["roc_auc"], scores["roc_auc"]  # c: one tie
    (0.6667, 0.75, 0.75)
    """
    labels = [str(label) for label in labels]
    num_classes = len(labels)
    if num_classes < 2:
        raise ValueError(f"`labels` must name at least two classes. Received: labels={labels}")
    probabilities = np.asarray(probabilities, dtype=np.float64)
    true_ids = np.asarray(true_ids, dtype=np.int64).reshape(-1)
    if true_ids.size == 0:
        raise ValueError("`true_ids` must not be empty. Received: 0 ids")
    if probabilities.ndim != 2 or probabilities.shape[1] != num_classes:
        raise ValueError(
            f"`probabilities` must have shape (N, {num_classes}), one column per label. "
            f"Received: probabilities of shape {probabilities.shape}"
        )
    if probabilities.shape[0] != true_ids.size:
        raise ValueError(
            "`true_ids` and `probabilities` must have the same number of examples. "
            f"Received: {true_ids.size} and {probabilities.shape[0]}"
        )
    if not np.isfinite(probabilities).all():
        raise ValueError("`probabilities` must be finite. Received: NaN or infinite values")
    matrix = confusion_matrix(true_ids, probabilities.argmax(axis=1), num_classes)  # checks the id range
    class_scores = _class_scores(matrix, labels)
    per_class = class_scores["per_class"]
    roc, pr = [], []
    for k, label in enumerate(labels):
        positive = true_ids == k
        per_class[label]["roc_auc"] = roc_auc(positive, probabilities[:, k])
        per_class[label]["pr_auc"] = average_precision(positive, probabilities[:, k])
        roc.append(per_class[label]["roc_auc"])
        pr.append(per_class[label]["pr_auc"])
    if num_classes == 2:
        roc_summary, pr_summary = roc[1], pr[1]
    else:
        roc_summary, pr_summary = _mean_defined(roc), _mean_defined(pr)
    return {
        "count": int(true_ids.size),
        "accuracy": class_scores["accuracy"],
        "macro_f1": class_scores["macro_f1"],
        "weighted_f1": class_scores["weighted_f1"],
        "mcc": matthews_correlation(matrix),
        "roc_auc": roc_summary,
        "pr_auc": pr_summary,
        "labels": labels,
        "confusion": matrix.tolist(),
        "per_class": per_class,
    }


def matthews_correlation(matrix):
    """The multi-class Matthews correlation (Gorodkin's R_K) of a confusion matrix; 0.0 when undefined.

    `(c * s - sum_k p_k t_k) / sqrt((s^2 - sum_k p_k^2) (s^2 - sum_k t_k^2))` with `c` the correct count, `s`
    the total, `t_k` the gold and `p_k` the predicted count of class k. For two classes it is the usual MCC.

    Example:

    >>> round(matthews_correlation([[5, 1], [2, 4]]), 4)
    0.5071
    """
    matrix = np.asarray(matrix, dtype=np.float64)
    total = matrix.sum()
    correct = np.trace(matrix)
    gold = matrix.sum(axis=1)
    predicted = matrix.sum(axis=0)
    denominator = np.sqrt(total**2 - (predicted**2).sum()) * np.sqrt(total**2 - (gold**2).sum())
    if denominator == 0:
        return 0.0
    return float((correct * total - (predicted * gold).sum()) / denominator)


def roc_auc(positive, scores):
    """Area under the ROC curve of `scores` for the boolean `positive`; None without positives or negatives.

    It is the probability that a random positive scores above a random negative, ties counting one half: the
    Mann-Whitney U of the average ranks divided by `n_pos * n_neg`.

    Example:

    >>> roc_auc([True, False, True, False], [0.9, 0.5, 0.5, 0.1])
    0.875
    """
    positive = np.asarray(positive, dtype=bool).reshape(-1)
    scores = np.asarray(scores, dtype=np.float64).reshape(-1)
    num_positive = int(positive.sum())
    num_negative = positive.size - num_positive
    if num_positive == 0 or num_negative == 0:
        return None
    ranks = _average_ranks(scores)
    u = ranks[positive].sum() - num_positive * (num_positive + 1) / 2.0
    return float(u / (num_positive * num_negative))


def average_precision(positive, scores):
    """Average precision of `scores` for the boolean `positive` (step-wise PR-AUC); None without positives.

    `sum_n (R_n - R_{n-1}) P_n` over the distinct score thresholds, highest first, with `P_n` and `R_n` the
    precision and recall of predicting positive at or above the n-th threshold: the definition of
    `sklearn.metrics.average_precision_score` (tied scores enter together, no interpolation).

    Example:

    >>> average_precision([True, False, True, False], [0.9, 0.8, 0.5, 0.1])
    0.8333333333333333
    """
    positive = np.asarray(positive, dtype=bool).reshape(-1)
    scores = np.asarray(scores, dtype=np.float64).reshape(-1)
    num_positive = int(positive.sum())
    if num_positive == 0:
        return None
    order = np.argsort(-scores, kind="stable")
    sorted_scores = scores[order]
    hits = positive[order].astype(np.float64)
    # The last index of each run of equal scores: where a threshold admits its whole tie group.
    ends = np.flatnonzero(np.r_[sorted_scores[1:] != sorted_scores[:-1], True])
    true_positives = np.cumsum(hits)[ends]
    predicted_positives = ends + 1.0
    precision = true_positives / predicted_positives
    recall = true_positives / num_positive
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def format_classification_scores(scores):
    """A text report of `classification_scores`: summary line, per-class table and the confusion matrix.

    Example:

    >>> scores = classification_scores([0, 1, 1], [[0.7, 0.3], [0.6, 0.4], [0.1, 0.9]], labels=["neg", "pos"])
    >>> print(format_classification_scores(scores))
    3 examples: accuracy 0.6667, macro-F1 0.6667, MCC 0.5000, ROC-AUC 1.0000, PR-AUC 1.0000
    <BLANKLINE>
    label     precision  recall      f1  support  roc_auc   pr_auc
    neg          0.5000  1.0000  0.6667        1   1.0000   1.0000
    pos          1.0000  0.5000  0.6667        2   1.0000   1.0000
    <BLANKLINE>
    confusion (rows: true, columns: predicted)
                neg   pos
    neg           1     0
    pos           1     1
    """

    def number(value):
        return "-" if value is None else f"{value:.4f}"

    labels = scores["labels"]
    return "\n".join(
        [
            f"{scores['count']} examples: accuracy {scores['accuracy']:.4f}, macro-F1 {scores['macro_f1']:.4f}, "
            f"MCC {scores['mcc']:.4f}, ROC-AUC {number(scores['roc_auc'])}, PR-AUC {number(scores['pr_auc'])}",
            "",
            *per_class_lines(labels, scores["per_class"], extra_columns=["roc_auc", "pr_auc"]),
            "",
            *confusion_lines(labels, scores["confusion"]),
        ]
    )


def _average_ranks(values):
    """1-based ranks of `values`, tied values sharing the mean of their ranks (as `scipy.stats.rankdata`)."""
    order = np.argsort(values, kind="stable")
    sorted_values = values[order]
    starts = np.flatnonzero(np.r_[True, sorted_values[1:] != sorted_values[:-1]])
    counts = np.diff(np.r_[starts, values.size])
    group_ranks = starts + (counts + 1) / 2.0  # mean of the ranks starts+1 .. starts+counts
    ranks = np.empty(values.size, dtype=np.float64)
    ranks[order] = np.repeat(group_ranks, counts)
    return ranks


def _mean_defined(values):
    defined = [value for value in values if value is not None]
    return float(np.mean(defined)) if defined else None
