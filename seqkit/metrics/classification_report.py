"""Human-readable report and confusion-matrix plot of `seqkit.metrics.ordinal.ordinal_scores`.

Example:

>>> from seqkit.metrics.ordinal import ordinal_scores
>>> report = format_classification_report(ordinal_scores([0, 1], [0, 0], labels=["neg", "pos"]))
>>> report.splitlines()[0]
'2 examples: accuracy 0.5000, macro-F1 0.3333, MAE 0.5000, off-by-one 1.0000'
"""


def format_classification_report(scores):
    """Summary line, per-class precision/recall/F1/support table and the confusion matrix as text."""
    lines = [
        f"{scores['count']} examples: accuracy {scores['accuracy']:.4f}, macro-F1 {scores['macro_f1']:.4f}, "
        f"MAE {scores['mae']:.4f}, off-by-one {scores['off_by_one']:.4f}",
        "",
        *per_class_lines(scores["labels"], scores["per_class"]),
        "",
        *confusion_lines(scores["labels"], scores["confusion"]),
    ]
    extra = scores.get("skipped_rows")
    if extra:
        lines += ["", f"{extra} bad row(s) skipped"]
    return "\n".join(lines)


def per_class_lines(labels, per_class, extra_columns=()):
    """The per-class table of a report: a header, then one row per label.

    Args:
        labels: the class names, in order.
        per_class: `{label: {"precision", "recall", "f1", "support", ...}}`.
        extra_columns: more numeric keys of each row to show after `support` (printed with 4 decimals, or `-`
            where the value is None).

    Returns:
        A list of lines.

    Example:

    >>> row = {"precision": 1.0, "recall": 0.5, "f1": 2 / 3, "support": 2, "roc_auc": None}
    >>> print("\\n".join(per_class_lines(["a"], {"a": row}, extra_columns=["roc_auc"])))
    label     precision  recall      f1  support  roc_auc
    a            1.0000  0.5000  0.6667        2        -
    """
    width = max(8, *(len(label) for label in labels))
    widths = [max(7, len(name)) for name in extra_columns]
    header = f"{'label':<{width}}  precision  recall      f1  support"
    lines = [header + "".join(f"  {name:>{w}}" for name, w in zip(extra_columns, widths))]
    for label in labels:
        row = per_class[label]
        line = f"{label:<{width}}  {row['precision']:9.4f}  {row['recall']:6.4f}  {row['f1']:6.4f}  {row['support']:7d}"
        for name, w in zip(extra_columns, widths):
            value = row[name]
            line += f"  {'-' if value is None else format(value, '.4f'):>{w}}"
        lines.append(line)
    return lines


def confusion_lines(labels, confusion):
    """The confusion matrix of a report as lines: a title, the predicted labels, then one row per gold label.

    Example:

    >>> print("\\n".join(confusion_lines(["neg", "pos"], [[3, 1], [0, 2]])))
    confusion (rows: true, columns: predicted)
                neg   pos
    neg           3     1
    pos           0     2
    """
    width = max(8, *(len(label) for label in labels))
    cell = max(5, *(len(str(n)) for row in confusion for n in row), *(len(label) for label in labels))
    lines = ["confusion (rows: true, columns: predicted)"]
    lines.append(" " * width + "  " + " ".join(f"{label:>{cell}}" for label in labels))
    for label, row in zip(labels, confusion):
        lines.append(f"{label:<{width}}  " + " ".join(f"{n:>{cell}d}" for n in row))
    return lines


def plot_confusion_matrix(scores, path, title="Confusion matrix"):
    """Save the confusion matrix as a PNG heat map (row-normalised colours, counts written in the cells).

    Args:
        scores: a dict from `ordinal_scores` (`labels`, `confusion`).
        path: the PNG file to write (parent folders are created).
        title: the figure title.

    Returns:
        The `pathlib.Path` written.
    """
    import io
    import pathlib

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from seqkit.data.atomic import atomic_write_bytes

    labels = scores["labels"]
    counts = np.asarray(scores["confusion"], dtype=np.float64)
    totals = counts.sum(axis=1, keepdims=True)
    shares = np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)
    size = 1.6 + 0.55 * len(labels)
    figure, axes = plt.subplots(figsize=(size + 1.2, size))
    image = axes.imshow(shares, cmap="Blues", vmin=0.0, vmax=1.0)
    figure.colorbar(image, ax=axes, label="share of the true class")
    axes.set_xticks(range(len(labels)), labels)
    axes.set_yticks(range(len(labels)), labels)
    axes.set_xlabel("predicted")
    axes.set_ylabel("true")
    axes.set_title(title)
    if len(labels) <= 20:
        for row in range(len(labels)):
            for column in range(len(labels)):
                colour = "white" if shares[row, column] > 0.5 else "black"
                axes.text(column, row, int(counts[row, column]), ha="center", va="center", color=colour, fontsize=8)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    plt.close(figure)
    return atomic_write_bytes(pathlib.Path(path), buffer.getvalue())
