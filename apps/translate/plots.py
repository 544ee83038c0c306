"""The attention map of one translation as a PNG (matplotlib, no display needed)."""

import io

from seqkit.data.atomic import atomic_write_bytes


def plot_attention(weights, source_tokens, target_tokens, path):
    """Draw `weights` (`(target tokens, source tokens)`, rows summing to 1) as a heat map: source tokens along
    the top, target tokens down the side. Written through a temporary file, then renamed."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    rows, columns = weights.shape
    figure = Figure(figsize=(max(4.0, 0.35 * columns + 1.5), max(3.0, 0.35 * rows + 1.5)))
    axes = figure.add_subplot(1, 1, 1)
    image = axes.imshow(weights, cmap="Blues", vmin=0.0, vmax=1.0, aspect="auto")
    axes.set_xticks(range(columns), [_show(token) for token in source_tokens], rotation=90)
    axes.set_yticks(range(rows), [_show(token) for token in target_tokens])
    axes.xaxis.tick_top()
    axes.set_xlabel("source")
    axes.set_ylabel("translation")
    figure.colorbar(image, ax=axes, fraction=0.04)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    atomic_write_bytes(path, buffer.getvalue())
    return path


def _show(token):
    return "␣" if token == " " else token
