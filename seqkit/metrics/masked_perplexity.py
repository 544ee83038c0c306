"""`MaskedPerplexity`: keras-hub's perplexity metric for labels padded with -1."""

import keras
import keras_hub
from keras import ops

IGNORE_LABEL = -1


@keras.saving.register_keras_serializable(package="seqkit")
class MaskedPerplexity(keras_hub.metrics.Perplexity):
    """Perplexity over every labelled position, skipping labels equal to -1.

    `keras_hub.metrics.Perplexity` masks one token id; seqkit pipelines pad labels with -1 (see
    `seqkit.data.pipeline`), an id that cross-entropy cannot take. This metric maps -1 to a reserved id that
    never occurs as a target (0, the padding id, by default) and masks that id, so the result is
    `exp(total negative log-likelihood / number of labelled tokens)` over the whole epoch, not an average of
    per-batch perplexities.

    Args:
        from_logits: bool. Whether predictions are logits (True for `seqkit.tasks.language_model`).
        padding_id: int. A token id that is never a target; -1 labels are mapped to it and masked.
        name: str. The metric name (`val_<name>` in Keras logs for validation data).
        **kwargs: other `keras.metrics.Metric` arguments (`dtype`).

    Example:

    >>> import numpy as np
    >>> metric = MaskedPerplexity(from_logits=True)
    >>> logits = np.log(np.array([[[0.1, 0.5, 0.4], [0.1, 0.5, 0.4]]], "float32"))
    >>> metric.update_state(np.array([[1, -1]]), logits)
    >>> round(float(metric.result()), 4)
    2.0
    """

    def __init__(self, from_logits=False, padding_id=0, name="perplexity", **kwargs):
        kwargs.pop("mask_token_id", None)
        super().__init__(from_logits=from_logits, mask_token_id=padding_id, name=name, **kwargs)
        self.padding_id = padding_id

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = ops.convert_to_tensor(y_true)
        y_true = ops.where(ops.equal(y_true, IGNORE_LABEL), ops.cast(self.padding_id, y_true.dtype), y_true)
        super().update_state(y_true, y_pred, sample_weight=sample_weight)

    def get_config(self):
        config = super().get_config()
        config.pop("mask_token_id", None)
        config["padding_id"] = self.padding_id
        return config
