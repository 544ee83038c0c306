"""Human-readable report and confusion-matrix plot of `seqkit.metrics.ordinal.ordinal_scores`.

Example:

>>> from seqkit.metrics.ordinal import ordinal_scores
>>> report = format_classification_report(ordinal_scores([0, 1], [0, 0], labels=["neg", "pos"]))
>>> report.splitlines()[0]
'2 examples: accuracy 0.5000, macro-F1 0.3333, MAE 0.5000, off-by-one 1.0000'
"""


def format_classification_report(scores):
    """Summary line, per-class precision/recall/F1/support table and the confusion matrix as text."""
    labels = scores["labels"]
    width = max(8, *(len(label) for label in labels))
    lines = [
        f"{scores['count']} examples: accuracy {scores['accuracy']:.4f}, macro-F1 {scores['macro_f1']:.4f}, "
        f"MAE {scores['mae']:.4f}, off-by-one {scores['off_by_one']:.4f}",
        "",
        f"{'label':<{width}}  precision  recall      f1  support",
    ]
    for label in labels:
        row = scores["per_class"][label]
        lines.append(
            f"{label:<{width}}  {row['precision']:9.4f}  {row['recall']:6.4f}  {row['f1']:6.4f}  {row['support']:7d}"
        )
    cell = max(5, *(len(str(n)) for row in scores["confusion"] for n in row), *(len(label) for label in labels))
    lines += ["", "confusion (rows: true, columns: predicted)"]
    lines.append(" " * width + "  " + " ".join(f"{label:>{cell}}" for label in labels))
    for label, row in zip(labels, scores["confusion"]):
        lines.append(f"{label:<{width}}  " + " ".join(f"{n:>{cell}d}" for n in row))
    extra = scores.get("skipped_rows")
    if extra:
        lines += ["", f"{extra} bad row(s) skipped"]
    return "\n".join(lines)


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
