import matplotlib.axes

from seqkit.training import plots


def _panels(monkeypatch):
    """The titles of the panels drawn, and the series of each."""
    drawn = []
    original = matplotlib.axes.Axes.set_title

    def record(axes, title, *args, **kwargs):
        drawn.append((title, sorted(line.get_label() for line in axes.get_lines())))
        return original(axes, title, *args, **kwargs)

    monkeypatch.setattr(matplotlib.axes.Axes, "set_title", record)
    return drawn


def test_every_logged_metric_gets_a_panel_monitored_first(monkeypatch, tmp_path):
    drawn = _panels(monkeypatch)
    history = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.6], "accuracy": [0.5, 0.7], "val_accuracy": [0.4, 0.6],
               "top_5": [0.9, 0.95], "val_top_5": [0.8, 0.9], "learning_rate": [0.01, 0.01]}
    path = plots.plot_training_curves(history, tmp_path / "curves.png", monitor="val_top_5")
    assert path.read_bytes()[:4] == b"\x89PNG"
    assert drawn == [("loss", ["loss", "val_loss"]), ("top_5", ["top_5", "val_top_5"]),
                     ("accuracy", ["accuracy", "val_accuracy"])]


def test_loss_only_history_draws_one_panel(monkeypatch, tmp_path):
    drawn = _panels(monkeypatch)
    plots.plot_training_curves({"loss": [2.0], "val_loss": [2.5]}, tmp_path / "c.png")
    assert drawn == [("loss", ["loss", "val_loss"])]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.png"]
