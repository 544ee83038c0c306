"""Pooling over time with learned weights per step (additive self-attention), ignoring padded steps."""

import numbers

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="seqkit")
class AttentionPooling(keras.layers.Layer):
    """Pools a sequence into one vector, weighting each step by a learned score.

    The score of step `t` is `e<t> = v · tanh(W h<t> + b)`; the weights
    `α<t> = softmax(e)` are taken over the unmasked steps only, and the output
    is `Σ_t α<t> h<t>` (Yang et al. 2016's word attention, one query). Unlike a
    mean, the model learns which steps matter: a splice junction's bases, a
    review's verdict. A sequence with no unmasked step pools to zeros.

    Args:
        units: int. Size of the hidden layer `W` of the scores.
        **kwargs: base layer keyword arguments, such as `name`.

    Call arguments:
        inputs: float tensor `(batch, time, features)`.
        mask: optional boolean tensor `(batch, time)`; `False` marks padding.
            Taken from the inputs' Keras mask when not given.
        return_weights: Python boolean. Also return the weights `α`,
            `(batch, time)`.

    Returns:
        Float tensor `(batch, features)`, and the weights with
        `return_weights=True`.

    Example:

    >>> import numpy as np
    >>> pool = AttentionPooling(units=4)
    >>> x = np.random.default_rng(0).normal(size=(2, 3, 5)).astype("float32")
    >>> mask = np.array([[True, True, False], [True, True, True]])
    >>> pooled, weights = pool(x, mask=mask, return_weights=True)
    >>> pooled.shape, float(weights[0, 2]), round(float(weights[0].numpy().sum()), 5)
    (TensorShape([2, 5]), 0.0, 1.0)
    """

    def __init__(self, units=64, **kwargs):
        super().__init__(**kwargs)
        if isinstance(units, bool) or not isinstance(units, numbers.Integral) or units < 1:
            raise ValueError(f"`units` must be a positive integer. Received: units={units!r}")
        self.units = int(units)
        self.supports_masking = True

    def build(self, input_shape):
        if len(input_shape) != 3 or input_shape[-1] is None:
            raise ValueError(
                "`AttentionPooling` expects inputs `(batch, time, features)` with known features. "
                f"Received: input_shape={tuple(input_shape)}"
            )
        features = input_shape[-1]
        self.kernel = self.add_weight(name="kernel", shape=(features, self.units), initializer="glorot_uniform")
        self.bias = self.add_weight(name="bias", shape=(self.units,), initializer="zeros")
        self.query = self.add_weight(name="query", shape=(self.units,), initializer="glorot_uniform")
        self.built = True

    def call(self, inputs, mask=None, return_weights=False):
        if mask is None:
            mask = ops.ones(ops.shape(inputs)[:2], dtype="bool")
        mask = ops.cast(mask, "bool")
        scores = ops.tensordot(ops.tanh(ops.matmul(inputs, self.kernel) + self.bias), self.query, axes=1)
        # |e| <= sum |v|, so -3e4 (finite in float16) gives padded steps exp(...) = 0 in every precision.
        scores = ops.where(mask, scores, ops.cast(-3e4, scores.dtype))
        weights = ops.softmax(scores, axis=1) * ops.cast(mask, scores.dtype)  # all-padding rows: zeros
        pooled = ops.sum(inputs * weights[:, :, None], axis=1)
        return (pooled, weights) if return_weights else pooled

    def compute_mask(self, inputs, mask=None):
        return None

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[2])

    def get_config(self):
        return {**super().get_config(), "units": self.units}
