"""How ratings are decided from class probabilities, and the Keras metrics of the decided ratings."""

import functools

from seqkit.errors import UserInputError

DECISIONS = ("argmax", "median")


def rating_decision(data_config, head):
    """How ratings are chosen from probabilities: the config's `decision`, else `"median"` for an ordinal head
    and `"argmax"` for a softmax head."""
    decision = data_config.get("decision") or ("median" if head == "ordinal" else "argmax")
    if decision not in DECISIONS:
        raise UserInputError(f"--decision must be one of {', '.join(DECISIONS)}; got {decision!r}")
    return decision


def rating_metrics(head, num_classes, decision=None):
    """Keras metrics `accuracy`, `macro_f1` and `mae` (in classes) of the rating that the app reports.

    The rating is chosen by `decision` (`"argmax"`: the most probable class; `"median"`: the class with the
    least expected absolute error; default: median for an ordinal head, argmax for softmax), as in
    `SentimentModel`, so early stopping can watch `val_macro_f1`, the score that is reported. Each metric sums a
    confusion matrix over the epoch; sample weights are ignored.

    Example:

    >>> import numpy as np
    >>> metrics = rating_metrics("softmax", 3)
    >>> for metric in metrics:
    ...     metric.update_state(np.array([0, 1, 2]), np.array([[5.0, 0, 0], [0, 5.0, 0], [5.0, 0, 0]]))
    >>> {metric.name: round(float(metric.result()), 4) for metric in metrics}
    {'accuracy': 0.6667, 'macro_f1': 0.5556, 'mae': 0.6667}
    """
    from keras import ops

    from seqkit.tasks import ordinal_probabilities

    decision = decision or ("median" if head == "ordinal" else "argmax")
    probabilities = ordinal_probabilities if head == "ordinal" else functools.partial(ops.softmax, axis=-1)
    score_class = _rating_score_class()
    return [score_class(score, num_classes, decision, probabilities) for score in ("accuracy", "macro_f1", "mae")]


@functools.cache
def _rating_score_class():
    import keras
    from keras import ops

    class RatingScore(keras.metrics.Metric):
        """One score (`"accuracy"`, `"macro_f1"` or `"mae"`) of the decided ratings, from a confusion matrix."""

        def __init__(self, score, num_classes, decision, probabilities=None, **kwargs):
            super().__init__(name=score, **kwargs)
            self.score, self.num_classes, self.decision = score, num_classes, decision
            self._to_probabilities = probabilities
            self.confusion = self.add_variable(
                shape=(num_classes, num_classes), initializer="zeros", dtype="float32", name="confusion"
            )

        def update_state(self, y_true, y_pred, sample_weight=None):
            y_pred = ops.convert_to_tensor(y_pred, dtype="float32")
            if self._to_probabilities is not None:
                y_pred = self._to_probabilities(y_pred)
            if self.decision == "median":
                predicted = ops.argmax(ops.cast(ops.cumsum(y_pred, axis=-1) >= 0.5 - 1e-6, "int32"), axis=-1)
            else:
                predicted = ops.argmax(y_pred, axis=-1)
            true = ops.reshape(ops.cast(y_true, "int32"), (-1,))
            valid = ops.cast(true >= 0, "float32")
            true = ops.maximum(true, 0)
            index = true * self.num_classes + ops.cast(predicted, "int32")
            counts = ops.segment_sum(valid, index, num_segments=self.num_classes * self.num_classes)
            self.confusion.assign_add(ops.reshape(counts, (self.num_classes, self.num_classes)))

        def result(self):
            confusion = self.confusion
            total = ops.maximum(ops.sum(confusion), 1.0)
            if self.score == "accuracy":
                return ops.trace(confusion) / total
            if self.score == "mae":
                ids = ops.arange(self.num_classes, dtype="float32")
                distance = ops.abs(ids[:, None] - ids[None, :])
                return ops.sum(confusion * distance) / total
            hits = ops.diagonal(confusion)
            support, predicted = ops.sum(confusion, axis=1), ops.sum(confusion, axis=0)
            f1 = 2.0 * hits / ops.maximum(support + predicted, 1.0)
            present = ops.cast(support + predicted > 0, "float32")
            return ops.sum(f1 * present) / ops.maximum(ops.sum(present), 1.0)

        def reset_state(self):
            self.confusion.assign(ops.zeros_like(self.confusion))

    return RatingScore
