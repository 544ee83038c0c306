"""Training curves as a PNG, drawn without touching pyplot's global state."""

import pathlib

from seqkit.data.atomic import atomic_path


_NOT_METRICS = ("loss", "learning_rate", "lr", "epoch")
_MAX_METRICS = 3


def plot_training_curves(history, path, monitor="val_loss"):
    """Draws loss and the monitored metric per epoch and saves a PNG.

    The left panel shows `loss` and `val_loss`; then one panel per metric in
    `history` (training and validation values), the monitored one first, at
    most three. The file is written under a temporary name and
    renamed when complete.

    Args:
        history: `{name: [value per epoch]}`, as `fit` returns.
        path: where to write the PNG.
        monitor: the monitored quantity.

    Returns:
        The path written, as a `pathlib.Path`.

    Example:

    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "curves.png")
    >>> plot_training_curves({"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]},
    ...                      path).read_bytes()[:4]
    b'\\x89PNG'
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    monitored = monitor.removeprefix("val_")
    logged = [name for name in history if not name.startswith("val_") and name not in _NOT_METRICS]
    metrics = ([monitored] if monitored != "loss" else []) + [name for name in logged if name != monitored]
    panels = [("loss", ["loss", "val_loss"])] + [(name, [name, f"val_{name}"]) for name in metrics[:_MAX_METRICS]]
    figure = Figure(figsize=(5 * len(panels), 3.5))
    FigureCanvasAgg(figure)
    for index, (title, names) in enumerate(panels, start=1):
        axes = figure.add_subplot(1, len(panels), index)
        for name in names:
            values = history.get(name)
            if values:
                epochs = range(1, len(values) + 1)
                axes.plot(epochs, values, marker="o", label=name)
        axes.set_title(title)
        axes.set_xlabel("epoch")
        axes.grid(True, alpha=0.3)
        if axes.get_legend_handles_labels()[0]:
            axes.legend()
    figure.tight_layout()
    with atomic_path(path) as temporary:
        figure.savefig(temporary, format="png", dpi=80)
    return pathlib.Path(path)
