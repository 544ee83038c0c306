"""Callbacks the trainer adds to Keras's own."""

import math

import keras

from seqkit.training.errors import NaNLossError


class StopOnNaNLoss(keras.callbacks.Callback):
    """Raises `NaNLossError` at the first batch whose loss is NaN or infinite.

    Unlike `keras.callbacks.TerminateOnNaN`, the error names the epoch and the
    batch and points to the last checkpoint written before it. It raises
    rather than stopping gracefully, so no end-of-training callback runs
    after the loss broke: the last epoch's checkpoint and backup stay as they
    were.

    Args:
        latest_checkpoint: a zero-argument function returning the path of the
            last checkpoint written, or `None`.

    Example:

    >>> import numpy as np
    >>> model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    >>> model.compile("sgd", "mse")
    >>> x = np.array([[1.0], [np.inf]])
    >>> try:
    ...     model.fit(x, x, batch_size=1, shuffle=False, verbose=0,
    ...               callbacks=[StopOnNaNLoss(lambda: None)])
    ... except NaNLossError as error:
    ...     print(error.epoch, error.batch)
    1 2
    """

    def __init__(self, latest_checkpoint):
        super().__init__()
        self.latest_checkpoint = latest_checkpoint
        self._epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(float(loss)):
            raise NaNLossError(self._epoch + 1, batch + 1, self.latest_checkpoint())


_LOWER_IS_BETTER = ("loss", "error", "perplexity", "wer", "cer", "mae", "mse")
_HIGHER_IS_BETTER = ("acc", "f1", "auc", "precision", "recall", "bleu", "iou")


def monitor_mode(monitor):
    """Infers whether a monitored quantity should go down or up.

    Names containing a loss or error word (`loss`, `error`, `perplexity`,
    `wer`, `cer`, `mae`, `mse`) give `"min"`; names containing a score word
    (`acc`, `f1`, `auc`, `precision`, `recall`, `bleu`, `iou`) give `"max"`.
    Anything else gives `"auto"`, which lets Keras read the direction from
    the compiled metric itself.

    Example:

    >>> monitor_mode("val_loss"), monitor_mode("val_entity_f1")
    ('min', 'max')
    """
    name = monitor.removeprefix("val_").lower()
    if any(word in name for word in _LOWER_IS_BETTER):
        return "min"
    if any(word in name for word in _HIGHER_IS_BETTER):
        return "max"
    return "auto"
