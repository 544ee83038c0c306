"""Scores of a classifier over ordered classes (ratings): accuracy, macro-F1, distance errors, confusion.

Accuracy and F1 treat classes as unrelated; mean absolute error and off-by-one accuracy measure how far a
wrong answer is on the scale, which is what users of ratings care about.

Example:

>>> scores = ordinal_scores([0, 1, 2, 2], [0, 2, 2, 0], labels=["1", "2", "3"], values=[1, 2, 3])
>>> scores["accuracy"], scores["mae"], scores["off_by_one"]
(0.5, 0.75, 0.75)
>>> scores["confusion"]
[[1, 0, 0], [0, 0, 1], [1, 0, 1]]
"""

import numpy as np


def confusion_matrix(true_ids, predicted_ids, num_classes):
    """Counts `(num_classes, num_classes)`: row = true class, column = predicted class.

    Example:

    >>> confusion_matrix([0, 1, 1], [0, 0, 1], 2).tolist()
    [[1, 0], [1, 1]]
    """
    true_ids, predicted_ids = _check_ids(true_ids, predicted_ids, num_classes)
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(matrix, (true_ids, predicted_ids), 1)
    return matrix


def ordinal_scores(true_ids, predicted_ids, labels, values=None):
    """Classification and distance scores of predicted class ids.

    Args:
        true_ids: gold class ids in `[0, len(labels))`.
        predicted_ids: predicted class ids, same length.
        labels: the class names, in order.
        values: the numeric value of each class (e.g. stars) for the distance scores; the class ids when None.

    Returns:
        A dict: `count`, `accuracy`, `macro_f1` (unweighted mean over classes that occur in the gold or
        predicted labels), `weighted_f1` (weighted by gold support), `mae` (mean absolute error in `values`),
        `off_by_one` (fraction within one class of the gold one), `labels`, `confusion` (list of rows, gold by
        predicted) and `per_class` (`{label: {precision, recall, f1, support}}`).

    Raises:
        ValueError: empty inputs, different lengths, or ids out of range.
    """
    labels = [str(label) for label in labels]
    num_classes = len(labels)
    true_ids, predicted_ids = _check_ids(true_ids, predicted_ids, num_classes)
    if values is None:
        values = np.arange(num_classes, dtype=np.float64)
    values = np.asarray(values, dtype=np.float64)
    if values.shape != (num_classes,):
        raise ValueError(
            f"`values` must have one number per label ({num_classes}). Received: values of shape {values.shape}"
        )
    matrix = confusion_matrix(true_ids, predicted_ids, num_classes)
    class_scores = _class_scores(matrix, labels)
    return {
        "count": int(len(true_ids)),
        "accuracy": class_scores["accuracy"],
        "macro_f1": class_scores["macro_f1"],
        "weighted_f1": class_scores["weighted_f1"],
        "mae": float(np.abs(values[true_ids] - values[predicted_ids]).mean()),
        "off_by_one": float((np.abs(true_ids - predicted_ids) <= 1).mean()),
        "labels": labels,
        "confusion": matrix.tolist(),
        "per_class": class_scores["per_class"],
    }


def _class_scores(matrix, labels):
    """Accuracy, macro/weighted F1 and per-class precision/recall/F1/support of a confusion matrix.

    Shared by the classification scorers of `seqkit.metrics`. `matrix` is `(C, C)` counts (row = gold, column =
    predicted) with a positive total. A class never predicted has precision 0, one never gold has recall 0 (and
    both give F1 0); `macro_f1` averages over the classes that are gold or predicted at least once and
    `weighted_f1` weighs each class by its gold support. Returns plain Python numbers.
    """
    num_classes = len(labels)
    correct = np.diag(matrix).astype(np.float64)
    support = matrix.sum(axis=1).astype(np.float64)
    predicted = matrix.sum(axis=0).astype(np.float64)
    precision = np.divide(correct, predicted, out=np.zeros(num_classes), where=predicted > 0)
    recall = np.divide(correct, support, out=np.zeros(num_classes), where=support > 0)
    total = precision + recall
    f1 = np.divide(2 * precision * recall, total, out=np.zeros(num_classes), where=total > 0)
    present = (support > 0) | (predicted > 0)
    return {
        "accuracy": float(correct.sum() / support.sum()),
        "macro_f1": float(f1[present].mean()),
        "weighted_f1": float((f1 * support).sum() / support.sum()),
        "per_class": {
            label: {
                "precision": float(precision[i]),
                "recall": float(recall[i]),
                "f1": float(f1[i]),
                "support": int(support[i]),
            }
            for i, label in enumerate(labels)
        },
    }


def _check_ids(true_ids, predicted_ids, num_classes):
    true_ids = np.asarray(true_ids, dtype=np.int64).reshape(-1)
    predicted_ids = np.asarray(predicted_ids, dtype=np.int64).reshape(-1)
    if true_ids.size == 0:
        raise ValueError("`true_ids` must not be empty. Received: 0 ids")
    if true_ids.shape != predicted_ids.shape:
        raise ValueError(
            "`true_ids` and `predicted_ids` must have the same length. "
            f"Received: {true_ids.size} and {predicted_ids.size}"
        )
    for name, ids in (("true_ids", true_ids), ("predicted_ids", predicted_ids)):
        if ids.min() < 0 or ids.max() >= num_classes:
            raise ValueError(
                f"`{name}` must lie in [0, {num_classes}). Received: values from {ids.min()} to {ids.max()}"
            )
    return true_ids, predicted_ids
