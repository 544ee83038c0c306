"""Training curves as a PNG, drawn without touching pyplot's global state."""

import os
import pathlib


def plot_training_curves(history, path, monitor="val_loss"):
    """Draws loss and the monitored metric per epoch and saves a PNG.

    The left panel shows `loss` and `val_loss`; when `monitor` names another
    quantity (e.g. `val_accuracy`), the right panel shows it with its
    training counterpart. The file is written under a temporary name and
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

    metric = monitor.removeprefix("val_")
    panels = [("loss", ["loss", "val_loss"])]
    if metric != "loss":
        panels.append((metric, [metric, f"val_{metric}"]))
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
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    figure.savefig(temporary, format="png", dpi=80)
    os.replace(temporary, path)
    return path
