"""Human-readable report of `seqkit.metrics.entities.entity_scores` results."""


def format_entity_report(scores):
    """A conlleval-style table: overall and per-type precision, recall, F1 and support, then confusions.

    Example:

    >>> from seqkit.metrics.entities import entity_scores
    >>> print(format_entity_report(entity_scores([["B-PER", "O"]], [["B-PER", "O"]])))  # doctest: +NORMALIZE_WHITESPACE
    type        precision   recall       f1  support
    PER            1.0000   1.0000   1.0000        1
    overall        1.0000   1.0000   1.0000        1
    token accuracy 1.0000; missed 0, spurious 0, wrong type 0
    """
    lines = [f"{'type':<10} {'precision':>10} {'recall':>8} {'f1':>8} {'support':>8}"]
    rows = list(scores["per_type"].items()) + [("overall", scores)]
    for name, row in rows:
        lines.append(f"{name:<10} {row['precision']:>10.4f} {row['recall']:>8.4f} {row['f1']:>8.4f} {row['support']:>8}")
    confused = sum(sum(row.values()) for row in scores["type_confusion"].values())
    lines.append(
        f"token accuracy {scores['token_accuracy']:.4f}; missed {scores['missed']}, "
        f"spurious {scores['spurious']}, wrong type {confused}"
    )
    for gold, predicted in sorted(scores["type_confusion"].items()):
        for kind, count in sorted(predicted.items()):
            lines.append(f"  {gold} tagged as {kind}: {count}")
    return "\n".join(lines)
