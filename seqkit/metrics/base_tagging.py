"""Scores of a per-base tagger (e.g. genome annotation): per-base classification and segment matching.

Every sequence is a 1-D array of class ids, one per base; a negative gold id means "ignore this base" (padding,
unknown annotation). Per base: accuracy, per-class precision/recall/F1/support, macro-F1 and the confusion
matrix. Per segment: a segment is a maximal run of one class that is not the background, within one sequence;
`segment_exact` counts a predicted segment as right when a gold segment has the same class, start and end, and
`segment_overlap` when it shares at least one base with a gold segment of the same class (precision over the
predicted segments, recall over the gold ones). Everything is vectorised with NumPy, so chromosome-length
arrays (millions of bases) are fine.

Example:

>>> labels = ["intergenic", "exon", "intron"]
>>> gold = [np.array([0, 0, 1, 1, 1, 0, 2, 2, 0])]
>>> predicted = [np.array([0, 1, 1, 1, 0, 0, 2, 2, 2])]
>>> scores = base_tagging_scores(gold, predicted, labels)
>>> scores["accuracy"], scores["segment_exact"]["f1"], scores["segment_overlap"]["f1"]
(0.6666666666666666, 0.0, 1.0)
>>> runs(predicted[0]).tolist()  # (start, end, class), end exclusive
[[0, 1, 0], [1, 4, 1], [4, 6, 0], [6, 9, 2]]
"""

import numpy as np

from seqkit.metrics.classification_report import confusion_lines, per_class_lines
from seqkit.metrics.ordinal import _class_scores, confusion_matrix


def runs(ids):
    """The maximal runs of equal, non-negative ids in a 1-D array, without a Python loop over the bases.

    Args:
        ids: a 1-D array of integer ids; negative ids (ignored bases) belong to no run and split runs.

    Returns:
        An int64 array of shape `(num_runs, 3)`: `start`, `end` (exclusive) and the `class` id of each run,
        in order of position.

    Example:

    >>> runs([2, 2, 0, -1, 0, 0, 1]).tolist()
    [[0, 2, 2], [2, 3, 0], [4, 6, 0], [6, 7, 1]]
    """
    ids = np.asarray(ids, dtype=np.int64)
    if ids.ndim != 1:
        raise ValueError(f"`ids` must be a 1-D array. Received: ids of shape {ids.shape}")
    if ids.size == 0:
        return np.zeros((0, 3), dtype=np.int64)
    boundaries = np.flatnonzero(ids[1:] != ids[:-1]) + 1
    starts = np.r_[0, boundaries]
    ends = np.r_[boundaries, ids.size]
    classes = ids[starts]
    keep = classes >= 0
    return np.stack([starts[keep], ends[keep], classes[keep]], axis=1).astype(np.int64)


def base_tagging_scores(true_ids, predicted_ids, labels, *, background="intergenic", segment_classes=None):
    """Per-base and per-segment scores of predicted class ids over a set of sequences.

    Args:
        true_ids: a list of 1-D integer arrays, one per sequence: the gold class id of every base, in
            `[0, len(labels))`, or negative to ignore the base.
        predicted_ids: a list of 1-D integer arrays of the same lengths: the predicted class ids. At ignored
            bases they may be anything; elsewhere they must lie in `[0, len(labels))`.
        labels: the class names, in order.
        background: the label of the class that forms no segments (e.g. `"intergenic"`), or None when every
            class does.
        segment_classes: the labels scored at the segment level; None means every label but the background.

    Returns:
        A JSON-friendly dict:
        - `count` (bases scored), `sequences`, `accuracy`, `macro_f1` (mean over the classes gold or predicted
          at least once), `weighted_f1`, `labels`, `confusion` (gold by predicted) and `per_class`
          (`{label: {precision, recall, f1, support}}`), over all non-ignored bases;
        - `background` and `segment_classes`;
        - `segment_exact` and `segment_overlap`, each `{precision, recall, f1, gold, predicted, gold_hits,
          predicted_hits, per_class}`: `gold` and `predicted` count segments, `predicted_hits` the predicted
          segments that match a gold one (precision = predicted_hits / predicted) and `gold_hits` the gold
          segments that a predicted one matches (recall = gold_hits / gold); for exact matches the two hit
          counts are equal. The top-level numbers are micro averages over `segment_classes`; `per_class` holds
          the same numbers for each of them. A ratio with a zero denominator is 0.0.

        Ignored bases split segments in both the gold and the predicted ids, and segments never cross from one
        sequence to the next.

    Raises:
        ValueError: no sequence or no scored base, mismatched lengths, ids out of range, or a `background` or
            `segment_classes` entry that is not a label (or a segment class that is the background).

    Example:

    >>> scores = base_tagging_scores([[1, 1, 0, 2, 2, -1]], [[1, 1, 0, 2, 1, 0]], ["bg", "a", "b"], background="bg")
    >>> scores["count"], scores["segment_exact"]["per_class"]["a"]["f1"], scores["segment_overlap"]["recall"]
    (5, 0.6666666666666666, 1.0)
    """
    labels = [str(label) for label in labels]
    num_classes = len(labels)
    segment_ids = _segment_class_ids(labels, background, segment_classes)
    gold, predicted, num_sequences = _concatenate(true_ids, predicted_ids)
    scored = gold >= 0
    if not scored.any():
        raise ValueError("`true_ids` must have at least one non-negative (scored) id. Received: none")
    if gold.max() >= num_classes:
        raise ValueError(f"`true_ids` must lie in [0, {num_classes}) or be negative. Received: up to {gold.max()}")
    scored_predictions = predicted[scored]
    if scored_predictions.min() < 0 or scored_predictions.max() >= num_classes:
        raise ValueError(
            f"`predicted_ids` must lie in [0, {num_classes}) where the gold id is not negative. "
            f"Received: values from {scored_predictions.min()} to {scored_predictions.max()}"
        )
    matrix = confusion_matrix(gold[scored], scored_predictions, num_classes)
    class_scores = _class_scores(matrix, labels)

    # === Segments ===
    predicted = np.where(scored, predicted, -1)
    gold_runs = runs(gold)
    predicted_runs = runs(predicted)
    # Exact: gold runs tile the scored bases, so their starts are unique and sorted.
    exact = np.zeros(len(predicted_runs), dtype=bool)
    if len(gold_runs):
        at = np.minimum(np.searchsorted(gold_runs[:, 0], predicted_runs[:, 0]), len(gold_runs) - 1)
        exact = (gold_runs[at] == predicted_runs).all(axis=1)
    # Overlap: a run of class c shares a base with a run of class c of the other side exactly when one of its
    # bases has gold == predicted; prefix sums of that agreement count it for every run at once.
    agreement = np.r_[0, np.cumsum((gold == predicted) & scored)]

    def overlapping(spans):
        return agreement[spans[:, 1]] - agreement[spans[:, 0]] > 0

    def count(spans, hits=None):
        weights = None if hits is None else hits.astype(np.float64)
        return np.bincount(spans[:, 2], weights=weights, minlength=num_classes).astype(np.int64)

    gold_total, predicted_total = count(gold_runs), count(predicted_runs)
    exact_hits = count(predicted_runs, exact)
    segment_exact = _segment_scores(labels, segment_ids, gold_total, predicted_total, exact_hits, exact_hits)
    segment_overlap = _segment_scores(
        labels,
        segment_ids,
        gold_total,
        predicted_total,
        count(gold_runs, overlapping(gold_runs)),
        count(predicted_runs, overlapping(predicted_runs)),
    )
    return {
        "count": int(scored.sum()),
        "sequences": num_sequences,
        "accuracy": class_scores["accuracy"],
        "macro_f1": class_scores["macro_f1"],
        "weighted_f1": class_scores["weighted_f1"],
        "labels": labels,
        "confusion": matrix.tolist(),
        "per_class": class_scores["per_class"],
        "background": background,
        "segment_classes": [labels[i] for i in segment_ids],
        "segment_exact": segment_exact,
        "segment_overlap": segment_overlap,
    }


def format_base_tagging_scores(scores):
    """A text report of `base_tagging_scores`: summary, per-base table, segment table and confusion matrix.

    Example:

    >>> scores = base_tagging_scores([[0, 1, 1, 0]], [[0, 1, 1, 1]], ["intergenic", "CDS"])
    >>> print(format_base_tagging_scores(scores))
    4 bases in 1 sequence: accuracy 0.7500, macro-F1 0.7333; segments (exact / overlap F1): 0.0000 / 1.0000
    <BLANKLINE>
    label       precision  recall      f1  support
    intergenic     1.0000  0.5000  0.6667        2
    CDS            0.6667  1.0000  0.8000        2
    <BLANKLINE>
    segments (background: intergenic)
                               --------- exact ---------  -------- overlap --------
    label     gold  predicted  precision  recall      f1  precision  recall      f1
    CDS          1          1     0.0000  0.0000  0.0000     1.0000  1.0000  1.0000
    micro        1          1     0.0000  0.0000  0.0000     1.0000  1.0000  1.0000
    <BLANKLINE>
    confusion (rows: true, columns: predicted)
                intergenic        CDS
    intergenic           1          1
    CDS                  0          2
    """
    labels = scores["labels"]
    exact, overlap = scores["segment_exact"], scores["segment_overlap"]
    sequences = scores["sequences"]
    lines = [
        f"{scores['count']} bases in {sequences} sequence{'' if sequences == 1 else 's'}: "
        f"accuracy {scores['accuracy']:.4f}, macro-F1 {scores['macro_f1']:.4f}; "
        f"segments (exact / overlap F1): {exact['f1']:.4f} / {overlap['f1']:.4f}",
        "",
        *per_class_lines(labels, scores["per_class"]),
        "",
    ]
    names = scores["segment_classes"]
    width = max(8, *(len(name) for name in names)) if names else 8
    counts = max(4, len(str(max(exact["gold"], exact["predicted"]))))
    prefix = f"{'label':<{width}}  {'gold':>{counts}}  {'predicted':>{max(9, counts)}}"
    lines.append(f"segments (background: {scores['background']})")
    lines.append(" " * len(prefix) + f"  {' exact ':-^25}  {' overlap ':-^25}")
    lines.append(prefix + "  precision  recall      f1" * 2)

    def row(name, a, b):
        return (
            f"{name:<{width}}  {a['gold']:>{counts}d}  {a['predicted']:>{max(9, counts)}d}"
            + "".join(f"  {s['precision']:9.4f}  {s['recall']:6.4f}  {s['f1']:6.4f}" for s in (a, b))
        )

    for name in names:
        lines.append(row(name, exact["per_class"][name], overlap["per_class"][name]))
    lines.append(row("micro", exact, overlap))
    lines += ["", *confusion_lines(labels, scores["confusion"])]
    return "\n".join(lines)


def _segment_class_ids(labels, background, segment_classes):
    if background is not None and background not in labels:
        raise ValueError(
            f"`background` must be one of the labels {labels} or None. Received: background={background!r}"
        )
    if segment_classes is None:
        return [i for i, label in enumerate(labels) if label != background]
    segment_classes = [str(name) for name in segment_classes]
    bad = [name for name in segment_classes if name not in labels or name == background]
    if bad:
        raise ValueError(
            f"`segment_classes` must be labels other than the background ({background!r}). "
            f"Received: segment_classes={segment_classes}"
        )
    return [labels.index(name) for name in dict.fromkeys(segment_classes)]


def _concatenate(true_ids, predicted_ids):
    """Both id lists as single arrays, a -1 between sequences so that no run crosses from one to the next."""
    if isinstance(true_ids, np.ndarray) and true_ids.ndim == 1 and true_ids.dtype != object:
        raise ValueError(
            "`true_ids` must be a list of 1-D arrays, one per sequence. "
            f"Received: one 1-D array of shape {true_ids.shape} (wrap a single sequence in a list)"
        )
    true_ids = [np.asarray(ids, dtype=np.int64) for ids in true_ids]
    predicted_ids = [np.asarray(ids, dtype=np.int64) for ids in predicted_ids]
    if not true_ids:
        raise ValueError("`true_ids` must hold at least one sequence. Received: 0 sequences")
    if len(true_ids) != len(predicted_ids):
        raise ValueError(
            "`true_ids` and `predicted_ids` must hold the same number of sequences. "
            f"Received: {len(true_ids)} and {len(predicted_ids)}"
        )
    pieces_gold, pieces_predicted = [], []
    separator = np.full(1, -1, dtype=np.int64)
    for index, (gold, predicted) in enumerate(zip(true_ids, predicted_ids)):
        if gold.ndim != 1 or gold.shape != predicted.shape:
            raise ValueError(
                "Each sequence of `true_ids` and `predicted_ids` must be 1-D, with the same length in both. "
                f"Received: shapes {gold.shape} and {predicted.shape} for sequence {index}"
            )
        pieces_gold += [gold, separator]
        pieces_predicted += [predicted, separator]
    return np.concatenate(pieces_gold), np.concatenate(pieces_predicted), len(true_ids)


def _segment_scores(labels, class_ids, gold, predicted, gold_hits, predicted_hits):
    def ratios(g, p, gh, ph):
        precision = ph / p if p else 0.0
        recall = gh / g if g else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {
            "precision": float(precision),
            "recall": float(recall),
            "f1": float(f1),
            "gold": int(g),
            "predicted": int(p),
            "gold_hits": int(gh),
            "predicted_hits": int(ph),
        }

    ids = list(class_ids)
    micro = ratios(gold[ids].sum(), predicted[ids].sum(), gold_hits[ids].sum(), predicted_hits[ids].sum())
    micro["per_class"] = {labels[i]: ratios(gold[i], predicted[i], gold_hits[i], predicted_hits[i]) for i in ids}
    return micro
