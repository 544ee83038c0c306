"""`FitResult`: what `fit` produced, for every application."""

import dataclasses


@dataclasses.dataclass
class FitResult:
    """The run directory, the validation metrics and a description of the data of one `fit`.

    Args:
        run_dir: the run directory.
        metrics: the validation metrics (as in `metrics.json`).
        data: where the data came from and how many examples each split had (as in `config.json`).
        app: the `Application` that ran, which words the summary.
        details: the app's own facts about the run (skipped files, label counts, ...); its `training_notes`
            (lines on how training was adapted to the data) are printed before the run directory.

    Example:

    >>> from seqkit.application import Application
    >>> class Demo(Application):
    ...     name, example_unit = "demo", "text"
    >>> FitResult("runs/demo", {}, {"train": "a.csv", "train_texts": 3}, Demo()).summary()
    'Trained on a.csv (3 texts).\\nRun directory: runs/demo'
    """

    run_dir: str
    metrics: dict
    data: dict
    app: object = None
    details: dict = dataclasses.field(default_factory=dict)

    def summary(self):
        """Lines for people: the data, the validation scores and the run directory."""
        notes = self.details.get("training_notes", [])
        return "\n".join([*self.app.summary_lines(self), *notes, f"Run directory: {self.run_dir}"])
