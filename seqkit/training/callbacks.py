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


class AveragedWeights:
    """Evaluates, checkpoints and keeps the optimizer's moving average of the weights.

    For an optimizer built with `use_ema=True`, which keeps an exponential
    moving average ("Polyak average") of every trainable weight, this gives
    two callbacks: `enter` goes first in the callback list and `leave` just
    before `BackupAndRestore`. Validation runs on the averaged weights, and
    from `enter` to `leave` at the end of every epoch the model holds them, so
    checkpoints, the monitored quantity and the weights that early stopping
    restores are all the averaged ones. `leave` puts the raw weights back
    before training goes on, so the backup that `--resume` reads holds the
    raw weights and the optimizer state (the averages included) and a
    resumed run equals an uninterrupted one. At the end of training Keras
    itself copies the averages into the model.

    Example:

    >>> import numpy as np
    >>> model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    >>> model.compile(keras.optimizers.SGD(0.1, use_ema=True, ema_momentum=0.5), "mse")
    >>> averaged = AveragedWeights()
    >>> x = np.ones((4, 1), "float32")
    >>> history = model.fit(x, 2 * x, epochs=2, verbose=0, validation_data=(x, 2 * x),
    ...                     callbacks=[averaged.enter, averaged.leave])
    >>> len(history.history["val_loss"])
    2
    """

    def __init__(self):
        self._raw_values = None
        self._swapped_for_test = False
        self.enter = _CallbackHooks(on_epoch_end=self._use_averages, on_test_begin=self._use_averages_for_test)
        self.leave = _CallbackHooks(on_epoch_end=self._restore_raw, on_test_end=self._restore_raw_after_test)

    def _use_averages(self, callback, *_):
        if self._raw_values is not None:
            return
        optimizer = callback.model.optimizer
        optimizer = getattr(optimizer, "inner_optimizer", optimizer)  # under a LossScaleOptimizer
        if not getattr(optimizer, "use_ema", False):
            raise ValueError(
                "`AveragedWeights` needs an optimizer with `use_ema=True`. "
                f"Received: {type(optimizer).__name__} with use_ema={getattr(optimizer, 'use_ema', None)}"
            )
        variables = callback.model.trainable_variables
        self._raw_values = [keras.ops.copy(variable.value) for variable in variables]
        optimizer.finalize_variable_values(variables)

    def _restore_raw(self, callback, *_):
        if self._raw_values is None:
            return
        for variable, value in zip(callback.model.trainable_variables, self._raw_values):
            variable.assign(value)
        self._raw_values = None

    def _use_averages_for_test(self, callback, *_):
        self._swapped_for_test = self._raw_values is None
        self._use_averages(callback)

    def _restore_raw_after_test(self, callback, *_):
        if self._swapped_for_test:
            self._swapped_for_test = False
            self._restore_raw(callback)


class _CallbackHooks(keras.callbacks.Callback):
    """A callback whose hooks are the given functions `(callback, *args)`."""

    def __init__(self, **hooks):
        super().__init__()
        self._hooks = hooks

    def on_epoch_end(self, epoch, logs=None):
        if "on_epoch_end" in self._hooks:
            self._hooks["on_epoch_end"](self, epoch, logs)

    def on_test_begin(self, logs=None):
        if "on_test_begin" in self._hooks:
            self._hooks["on_test_begin"](self, logs)

    def on_test_end(self, logs=None):
        if "on_test_end" in self._hooks:
            self._hooks["on_test_end"](self, logs)


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
