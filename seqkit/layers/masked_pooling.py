"""Pooling over time that ignores padded steps."""

import keras
from keras import ops

_MODES = ("mean", "max", "last")


@keras.saving.register_keras_serializable(package="seqkit")
class MaskedPooling(keras.layers.Layer):
    """Pools a sequence over time, counting only unmasked steps.

    - `"mean"`: average of the unmasked steps.
    - `"max"`: feature-wise maximum of the unmasked steps.
    - `"last"`: the last unmasked step (for a left-to-right recurrent layer
      with `return_sequences=True`, its final output).

    A sequence with no unmasked step pools to zeros. Without a mask every
    step counts.

    Args:
        mode: `"mean"`, `"max"` or `"last"`.
        **kwargs: base layer keyword arguments, such as `name`.

    Call arguments:
        inputs: float tensor `(batch, time, features)`.
        mask: optional boolean tensor `(batch, time)`; `False` marks padding.
            Taken from the inputs' Keras mask when not given.

    Returns:
        Float tensor `(batch, features)` (without a mask).

    Example:

    >>> import numpy as np
    >>> x = np.array([[[1.0], [2.0], [9.0]]], "float32")
    >>> mask = np.array([[True, True, False]])
    >>> [float(MaskedPooling(m)(x, mask=mask)[0, 0]) for m in ("mean", "max", "last")]
    [1.5, 2.0, 2.0]
    """

    def __init__(self, mode="mean", **kwargs):
        super().__init__(**kwargs)
        if mode not in _MODES:
            raise ValueError(f"`mode` must be one of {_MODES}. Received: mode={mode!r}")
        self.mode = mode
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            mask = ops.ones(ops.shape(inputs)[:2], dtype="bool")
        mask = ops.cast(mask, "bool")
        any_step = ops.any(mask, axis=1, keepdims=True)
        weights = ops.cast(mask, inputs.dtype)[:, :, None]
        if self.mode == "mean":
            total = ops.sum(inputs * weights, axis=1)
            count = ops.maximum(ops.sum(weights, axis=1), 1.0)
            return total / count
        if self.mode == "max":
            lowest = ops.convert_to_tensor(float("-inf"), dtype=inputs.dtype)
            pooled = ops.max(ops.where(mask[:, :, None], inputs, lowest), axis=1)
            return ops.where(any_step, pooled, ops.zeros_like(pooled))
        # "last": the step with the largest index among the unmasked ones.
        steps = ops.arange(ops.shape(inputs)[1], dtype="int32")
        last = ops.max(ops.where(mask, steps[None, :], -1), axis=1)
        index = ops.broadcast_to(
            ops.maximum(last, 0)[:, None, None],
            (ops.shape(inputs)[0], 1, ops.shape(inputs)[2]),
        )
        pooled = ops.take_along_axis(inputs, index, axis=1)[:, 0]
        return ops.where(any_step, pooled, ops.zeros_like(pooled))

    def compute_mask(self, inputs, mask=None):
        return None

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[2])

    def get_config(self):
        return {**super().get_config(), "mode": self.mode}
