"""Ordinal regression head: one score against K - 1 ordered thresholds."""

import keras
import numpy as np
from keras import ops

from seqkit.tasks import _checks


@keras.saving.register_keras_serializable(package="seqkit")
class CumulativeLogits(keras.layers.Layer):
    """Cumulative-link (proportional odds) logits for `num_classes` ordered classes.

    A score `s` per example is compared with `num_classes - 1` increasing
    thresholds `θ_1 < ... < θ_{K-1}`; output `k` is the logit of
    `P(y > k) = σ(s - θ_{k+1})`. The thresholds are kept ordered by
    construction: `θ_1` is free and each following one adds a softplus gap.
    `ordinal_probabilities` turns the outputs into class probabilities.

    Args:
        num_classes: int >= 2. Number of ordered classes.
        **kwargs: base layer arguments such as `name`.

    Call arguments:
        score: float tensor `(batch, 1)`.

    Returns:
        Float tensor `(batch, num_classes - 1)` of cumulative logits.

    Example:

    >>> import numpy as np
    >>> layer = CumulativeLogits(4)
    >>> tuple(layer(np.zeros((2, 1), "float32")).shape)
    (2, 3)
    """

    def __init__(self, num_classes, **kwargs):
        super().__init__(**kwargs)
        self.num_classes = _checks.positive_int("num_classes", num_classes)
        if num_classes < 2:
            raise ValueError(
                f"`num_classes` must be at least 2 for ordinal classes. Received: num_classes={num_classes}"
            )

    def build(self, input_shape):
        gaps = self.num_classes - 2
        self.first_threshold = self.add_weight(
            shape=(1,),
            initializer=keras.initializers.Constant(-gaps / 2.0),
            name="first_threshold",
        )
        self.threshold_gaps = None
        if gaps:
            # softplus(log(e - 1)) = 1: thresholds start one unit apart.
            self.threshold_gaps = self.add_weight(
                shape=(gaps,),
                initializer=keras.initializers.Constant(float(np.log(np.e - 1))),
                name="threshold_gaps",
            )
        self.built = True

    def thresholds(self):
        """The ordered thresholds `(num_classes - 1,)`."""
        if self.threshold_gaps is None:
            return ops.convert_to_tensor(self.first_threshold)
        steps = ops.cumsum(ops.softplus(self.threshold_gaps))
        return ops.concatenate([self.first_threshold, self.first_threshold + steps])

    def call(self, score):
        return score - self.thresholds()[None, :]

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.num_classes - 1)

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes}


@keras.saving.register_keras_serializable(package="seqkit")
def ordinal_loss(y_true, y_pred):
    """Binary cross-entropy of every `y > k` event, from cumulative logits.

    Args:
        y_true: int class ids `(batch,)` or `(batch, 1)` in `[0, K)`.
        y_pred: cumulative logits `(batch, K - 1)` from `CumulativeLogits`.

    Returns:
        Float tensor `(batch,)`: the mean over the `K - 1` thresholds.

    Example:

    >>> import numpy as np
    >>> round(float(ordinal_loss(np.array([0]), np.zeros((1, 1)))[0]), 4)
    0.6931
    """
    y_pred = ops.convert_to_tensor(y_pred)
    labels = ops.reshape(ops.cast(y_true, "int32"), (-1, 1))
    levels = ops.arange(ops.shape(y_pred)[-1], dtype="int32")[None, :]
    above = ops.cast(ops.greater(labels, levels), y_pred.dtype)
    return keras.losses.binary_crossentropy(above, y_pred, from_logits=True)


def ordinal_probabilities(cumulative_logits):
    """Class probabilities `(batch, K)` from cumulative logits `(batch, K - 1)`.

    `P(y = 0) = 1 - P(y > 0)`, `P(y = k) = P(y > k - 1) - P(y > k)`,
    `P(y = K - 1) = P(y > K - 2)`.

    Example:

    >>> import numpy as np
    >>> ordinal_probabilities(np.zeros((1, 1), "float32")).numpy().tolist()
    [[0.5, 0.5]]
    """
    above = ops.sigmoid(ops.convert_to_tensor(cumulative_logits))
    ones = ops.ones_like(above[:, :1])
    zeros = ops.zeros_like(above[:, :1])
    at_least = ops.concatenate([ones, above], axis=-1)
    beyond = ops.concatenate([above, zeros], axis=-1)
    return ops.maximum(at_least - beyond, 0.0)
