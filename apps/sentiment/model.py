"""A trained sentiment run: rate raw texts, evaluate on labelled data, export for TF Serving."""

import numpy as np

from seqkit.apps.sentiment.application import LABELS_FILE, iter_examples
from seqkit.application import Skipped
from seqkit.application.trained_run import TrainedRun
from seqkit.progress import Progress

PREDICT_BATCH_SIZE = 128
STARS = "★"


class SentimentModel(TrainedRun):
    """Rates raw texts with a trained run directory's model.

    `encoder` (the run's `WordIdEncoder` or `WordPieceEncoder`) and `labels` (its `LabelSet`) may be given when
    already in memory; `run` and `model` are as in `TrainedRun`.
    """

    app = "sentiment"

    def __init__(self, run, model=None, encoder=None, labels=None):
        import tensorflow as tf

        import seqkit.layers  # noqa: F401 (registers the layers that `model.keras` names)
        from seqkit.apps.sentiment.encoders import load_encoder
        from seqkit.data.text_classification import LabelSet
        from seqkit.tasks import class_probabilities, classifier_head

        super().__init__(run, model)
        self.encoder = encoder or load_encoder(run.path, self.config["encoder"])
        self.labels = labels or LabelSet.load(run.file(LABELS_FILE))
        self._class_probabilities = class_probabilities
        # "median": the rating with the least expected absolute error; "argmax": the most probable rating. Runs
        # written before the choice was stored rated ordinal heads by the median and softmax heads by argmax.
        self.decision = self.config.get("decision") or (
            "median" if classifier_head(self.model) == "ordinal" else "argmax"
        )

        # One trace for every batch size and length (`reduce_retracing` traced a third time once both varied).
        @tf.function(input_signature=[tf.TensorSpec([None, None], tf.int32)])
        def probabilities(token_ids):
            return class_probabilities(self.model, self.model({"token_ids": token_ids}, training=False))

        self._probabilities = probabilities

    # === Prediction ===

    def probabilities(self, texts):
        """Class probabilities `(len(texts), num_classes)` (batched, longest-first to limit padding)."""
        encoded = [self.encoder.encode(text) for text in texts]
        order = sorted(range(len(encoded)), key=lambda i: -len(encoded[i]))
        result = np.zeros((len(encoded), len(self.labels)), dtype=np.float32)
        with Progress("rating", unit="text", total=len(encoded)) as progress:
            for begin in range(0, len(order), PREDICT_BATCH_SIZE):
                chunk = order[begin : begin + PREDICT_BATCH_SIZE]
                batch = np.zeros((len(chunk), len(encoded[chunk[0]])), dtype=np.int32)
                for row, i in enumerate(chunk):
                    batch[row, : len(encoded[i])] = encoded[i]
                result[chunk] = np.asarray(self._probabilities(batch))
                progress.update(len(chunk))
        return result

    def decide(self, probabilities):
        """Class ids from probabilities `(batch, num_classes)`: argmax, or the median for ordinal heads."""
        return decide(probabilities, self.decision)

    def predict(self, texts):
        """Rate raw texts.

        Returns:
            One dict per text: `text`, `rating` (the most probable label, or the median one when the run's
            `decision` is `"median"`) and `probabilities` (`{label: probability}` for every label, in label order).
        """
        texts = list(texts)
        if not texts:
            return []
        scores = self.probabilities(texts)
        return [
            {
                "text": text,
                "rating": self.labels.labels[int(choice)],
                "probabilities": {label: round(float(p), 6) for label, p in zip(self.labels.labels, row)},
            }
            for text, row, choice in zip(texts, scores, self.decide(scores))
        ]

    def format_prediction(self, result):
        rating = result["rating"]
        shown = f"{STARS * int(rating)} {rating}" if self.labels.numeric and 0 < int(rating) <= 10 else rating
        spread = "  ".join(f"{label}: {p:.2f}" for label, p in result["probabilities"].items())
        return f"{shown}  (p={result['probabilities'][rating]:.2f}; {spread})  {result['text']}"

    # === Evaluation ===

    def evaluate(self, path, text_column=None, label_column=None, skip_bad_rows=False, confusion_png=None):
        """Accuracy, macro-F1, MAE, off-by-one accuracy, per-class scores and confusion on labelled data.

        Args:
            path: a table file or a folder of label sub-folders.
            text_column, label_column: column names of tables (default `text`/`label`, or common names).
            skip_bad_rows: leave out (and count) bad rows, labels outside the model's included.
            confusion_png: also draw the confusion matrix into this PNG file.
        """
        rows, skipped = [], 0
        for row in iter_examples(path, text_column=text_column, label_column=label_column, skip_bad_rows=bool(skip_bad_rows)):
            if isinstance(row, Skipped):
                skipped += 1
            elif row.label in self.labels:
                rows.append(row)
            elif skip_bad_rows:
                skipped += 1
            else:
                from seqkit.errors import UserInputError

                raise UserInputError(
                    f"label {row.label!r} is not one of the model's labels ({', '.join(self.labels.labels)})",
                    path=row.path,
                    line=row.line,
                )
        if not rows:
            from seqkit.errors import UserInputError

            raise UserInputError("no row has one of the model's labels", path=path)
        return self.evaluate_rows(rows, skipped=skipped, confusion_png=confusion_png)

    def evaluate_rows(self, rows, skipped=0, confusion_png=None):
        """Scores on `LabelledText` rows whose labels are all in the model's label set."""
        from seqkit.metrics.classification_report import plot_confusion_matrix
        from seqkit.metrics.ordinal import ordinal_scores

        predicted = self.decide(self.probabilities([row.text for row in rows]))
        scores = ordinal_scores(
            self.labels.encode([row.label for row in rows]), predicted, labels=self.labels.labels, values=self.labels.values
        )
        scores["skipped_rows"] = skipped
        if confusion_png is not None:
            plot_confusion_matrix(scores, confusion_png)
            scores["confusion_png"] = str(confusion_png)
        return scores

    @staticmethod
    def format_evaluation(metrics):
        from seqkit.metrics.classification_report import format_classification_report

        return format_classification_report(metrics)

    # === Export ===

    def export(self, export_root, version=None):
        """Write `<export_root>/sentiment/<version>/` with a `serving_default` taking raw review strings."""
        from seqkit.export.text_classifier_serving import build_text_classifier_serving_module

        def build_module():
            return build_text_classifier_serving_module(
                self.model, self.encoder, self.labels.labels, self._class_probabilities,
                label_output="rating", decision=self.decision,
            )

        metadata = {"labels": self.labels.labels, "encoder": self.encoder.settings(), "decision": self.decision}
        return self._export(export_root, version, build_module, metadata)


def decide(probabilities, decision="argmax"):
    """Class ids `(batch,)` from probabilities: `"argmax"`, or `"median"` (first class whose cumulative
    probability reaches 1/2).

    Example:

    >>> p = np.array([[0.4, 0.0, 0.0, 0.0, 0.6], [0.3, 0.1, 0.2, 0.15, 0.25]])
    >>> decide(p).tolist(), decide(p, "median").tolist()
    ([4, 0], [4, 2])
    """
    probabilities = np.asarray(probabilities)
    if decision == "median":
        return np.argmax(np.cumsum(probabilities, axis=-1) >= 0.5 - 1e-6, axis=-1)
    return np.argmax(probabilities, axis=-1)
