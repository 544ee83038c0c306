"""Callbacks the trainer adds to Keras's own."""

import csv
import io
import math
import pathlib

import keras

from seqkit.data.atomic import atomic_write_text
from seqkit.errors import UserInputError
from seqkit.training import checkpoints
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
        resumed_batches: batches of the first epoch trained before a resume
            in its middle, so that batches are numbered within the epoch.

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

    def __init__(self, latest_checkpoint, resumed_batches=0):
        super().__init__()
        self.latest_checkpoint = latest_checkpoint
        self._epoch = 0
        self._offset = resumed_batches

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        self._offset = 0

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(float(loss)):
            raise NaNLossError(self._epoch + 1, self._offset + batch + 1, self.latest_checkpoint())


class AveragedWeights:
    """Evaluates, checkpoints and keeps the optimizer's moving average of the weights.

    For an optimizer built with `use_ema=True`, which keeps an exponential
    moving average ("Polyak average") of every trainable weight, this gives
    two callbacks: `enter` goes first in the callback list and `leave` just
    before `TrainingCheckpoints`. Validation runs on the averaged weights, and
    from `enter` to `leave` at the end of every epoch the model holds them, so
    checkpoints, the monitored quantity and the weights that early stopping
    restores are all the averaged ones. `leave` puts the raw weights back
    before training goes on, so the state that `--resume` reads holds the
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


class EpochCheckpoint(keras.callbacks.Callback):
    """Saves the weights after every epoch to `paths.epoch_checkpoint(epoch)`.

    Each file is written under a temporary name and renamed when complete, so
    a process killed while writing leaves no truncated checkpoint.

    Args:
        paths: the run's `RunPaths`.
    """

    def __init__(self, paths):
        super().__init__()
        self.paths = paths

    def on_epoch_end(self, epoch, logs=None):
        checkpoints.save_weights_atomically(self.model, self.paths.epoch_checkpoint(epoch + 1))


class TrainingCheckpoints(keras.callbacks.Callback):
    """Writes the training state and `history.csv`, so that a resumed run continues exactly.

    At the end of every epoch, and after every `checkpoint_every` batches of
    the run within an epoch, it writes the state with
    `seqkit.training.checkpoints.write_state`, keeping the newest two. At the
    end of an epoch it first rewrites `history.csv` (atomically, `epoch`
    counted from 1) from the rows of every finished epoch, which the state
    holds too. It must come after the callbacks that change the weights at the
    end of an epoch (after `AveragedWeights.leave`), so the state holds the
    raw weights that training continues from.

    A state in the middle of an epoch needs the number of batches per epoch,
    so with a dataset of unknown length none is written before the first
    epoch has ended. None is written after the last batch of an epoch: the
    state at the end of the epoch follows.

    In a run resumed in the middle of an epoch (`state.batch` > 0, the data
    from `seqkit.training.determinism.resumable_batches`), it restores the
    metrics' accumulators when that epoch begins, so its logged values cover
    all of its batches, and ends it after its remaining batches; its hook
    `end_of_partial_epoch`, first in the callback list, lets training go on.

    Args:
        paths: the run's `RunPaths`.
        state: the `TrainingState` to continue from (`TrainingState()` for a
            new run); it is updated as training goes on.
        checkpoint_every: write a state every this many batches, or `None`
            for states at the end of epochs only.
        metrics_values: for a run resumed in the middle of an epoch, the
            arrays of the metrics' variables that the state holds.
    """

    def __init__(self, paths, state, checkpoint_every=None, metrics_values=None):
        super().__init__()
        self.paths = paths
        self.state = state
        self.checkpoint_every = checkpoint_every
        self._metrics_values = metrics_values
        self._in_partial_epoch = state.batch > 0
        self._ended_partial_epoch = False
        self.end_of_partial_epoch = _CallbackHooks(on_epoch_end=self._go_on_after_partial_epoch)

    def on_epoch_begin(self, epoch, logs=None):
        if self._metrics_values:
            # Keras has just reset the metrics for the epoch.
            checkpoints.restore_metrics(self.model, self._metrics_values)
        self._metrics_values = None

    def on_train_batch_end(self, batch, logs=None):
        state = self.state
        state.batch += 1
        state.step += 1
        if state.batch == state.batches_per_epoch:
            if self._in_partial_epoch:
                self.model.stop_training = True
                self._ended_partial_epoch = True
            return
        if (
            self.checkpoint_every is not None
            and state.step % self.checkpoint_every == 0
            and state.batches_per_epoch is not None
        ):
            checkpoints.write_state(self.paths, self.model, state, with_metrics=True)

    def _go_on_after_partial_epoch(self, *_):
        if self._ended_partial_epoch:
            self.model.stop_training = False
            self._ended_partial_epoch = False
        self._in_partial_epoch = False

    def on_epoch_end(self, epoch, logs=None):
        state = self.state
        if state.batches_per_epoch is None:
            state.batches_per_epoch = state.batch
        row = {"epoch": epoch + 1}
        for name, value in (logs or {}).items():
            try:
                row[name] = float(value)
            except (TypeError, ValueError):
                continue
        state.history.append(row)
        state.epoch = epoch + 1
        state.batch = 0
        write_history(self.paths.history, state.history)
        checkpoints.write_state(self.paths, self.model, state)


def write_history(path, rows):
    """Writes `history.csv` atomically: `epoch`, then every logged name in sorted order.

    A name missing from a row (a validation quantity of an epoch without
    validation) is written as `NA`.

    Example:

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "history.csv")
    >>> _ = write_history(path, [{"epoch": 1, "loss": 0.5}, {"epoch": 2, "loss": 0.25, "val_loss": 0.5}])
    >>> print(open(path).read(), end="")
    epoch,loss,val_loss
    1,0.5,NA
    2,0.25,0.5
    """
    names = sorted({name for row in rows for name in row} - {"epoch"})
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["epoch", *names])
    for row in rows:
        writer.writerow([row["epoch"], *(repr(row[name]) if name in row else "NA" for name in names)])
    return atomic_write_text(path, text.getvalue())


class ResumableEarlyStopping(keras.callbacks.EarlyStopping):
    """`keras.callbacks.EarlyStopping` that carries on across a resumed run.

    `TrainingCheckpoints` brings back the weights, the optimizer and the
    epoch counter of an interrupted run, but a plain `EarlyStopping` starts
    afresh: its patience restarts and the best weights seen before the
    interruption are lost. Given the run's `history.csv` (the rows of the
    finished epochs only) and its per-epoch weight checkpoints, this callback
    replays Keras's own bookkeeping over the finished epochs at the start of
    training, so `best`, `best_epoch`, `wait` and `stopped_epoch` are what an
    uninterrupted run would hold, and `best_weights` are loaded from the best
    epoch's checkpoint (so the checkpoints must hold the weights this
    callback sees, as they do when both run between `AveragedWeights.enter`
    and `AveragedWeights.leave`). Loading the checkpoint leaves the model's
    weights and optimizer state as they were.

    If the finished epochs already met the stopping condition (the run had
    stopped early, or stopped at the epoch it was interrupted after), the
    callback `after_restore`, placed after this one, ends the
    resumed run before another epoch; the best weights are restored at the
    end of training as usual.

    Args:
        monitor, min_delta, patience, verbose, mode, baseline,
            restore_best_weights, start_from_epoch: as for
            `keras.callbacks.EarlyStopping`.
        history_path: the `history.csv` of the finished epochs (as
            `TrainingCheckpoints` writes it, 1-based `epoch` column) to
            resume from, or `None` for a fresh run. A missing file means no
            epoch has finished.
        checkpoint_for_epoch: a function from a 1-based epoch to the path of
            the weights saved after it; needed with `history_path` and
            `restore_best_weights`.

    Example:

    >>> import numpy as np, os, tempfile
    >>> run = tempfile.mkdtemp()
    >>> model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    >>> model.compile("sgd", "mse")
    >>> for epoch in (1, 2, 3):  # the checkpoint of epoch k holds kernel k
    ...     model.set_weights([np.full((1, 1), epoch, "float32"), np.zeros(1, "float32")])
    ...     model.save_weights(os.path.join(run, f"{epoch}.weights.h5"))
    >>> _ = open(os.path.join(run, "history.csv"), "w").write(
    ...     "epoch,loss,val_loss\\n1,1.0,0.5\\n2,0.9,0.25\\n3,0.8,0.75\\n")
    >>> stopping = ResumableEarlyStopping(
    ...     monitor="val_loss", mode="min", patience=2, restore_best_weights=True,
    ...     history_path=os.path.join(run, "history.csv"),
    ...     checkpoint_for_epoch=lambda epoch: os.path.join(run, f"{epoch}.weights.h5"))
    >>> stopping.set_model(model)
    >>> stopping.on_train_begin()
    >>> stopping.best, stopping.best_epoch + 1, stopping.wait, stopping.stopped_epoch
    (0.25, 2, 1, 0)
    >>> stopping.best_weights[0].item(), model.get_weights()[0].item()
    (2.0, 3.0)
    """

    def __init__(
        self,
        monitor="val_loss",
        min_delta=0,
        patience=0,
        verbose=0,
        mode="auto",
        baseline=None,
        restore_best_weights=False,
        start_from_epoch=0,
        history_path=None,
        checkpoint_for_epoch=None,
    ):
        super().__init__(
            monitor=monitor,
            min_delta=min_delta,
            patience=patience,
            verbose=verbose,
            mode=mode,
            baseline=baseline,
            restore_best_weights=restore_best_weights,
            start_from_epoch=start_from_epoch,
        )
        if history_path is not None and restore_best_weights and checkpoint_for_epoch is None:
            raise ValueError(
                "`checkpoint_for_epoch` must be a function of the epoch when resuming from `history_path` "
                "with `restore_best_weights=True`. Received: checkpoint_for_epoch=None"
            )
        self.history_path = None if history_path is None else pathlib.Path(history_path)
        self.checkpoint_for_epoch = checkpoint_for_epoch
        self.after_restore = _CallbackHooks(on_train_begin=self._skip_epochs_if_stopped)

    def on_train_begin(self, logs=None):
        super().on_train_begin(logs)
        if self.history_path is not None:
            self._replay(_monitored_values(self.history_path, self.monitor))

    def _replay(self, values):
        """Keras's `EarlyStopping.on_epoch_end` over `[(epoch, value)]`, loading only the best weights."""
        if not values:
            return
        if self.monitor_op is None:
            self._set_monitor_op()
        best_weights_epoch = None
        for epoch, current in values:
            if current is None or epoch < self.start_from_epoch:
                continue
            if self.restore_best_weights and best_weights_epoch is None:
                best_weights_epoch = self.best_epoch = epoch
            self.wait += 1
            if self._is_improvement(current, self.best):
                self.best = current
                self.best_epoch = epoch
                best_weights_epoch = epoch
                if self.baseline is None or self._is_improvement(current, self.baseline):
                    self.wait = 0
                continue
            if self.wait >= self.patience and epoch > 0:
                self.stopped_epoch = epoch
                break
        if self.restore_best_weights and best_weights_epoch is not None:
            self.best_weights = self._checkpoint_weights(self.checkpoint_for_epoch(best_weights_epoch + 1))

    def _checkpoint_weights(self, path):
        """`model.get_weights()` as saved in `path`, leaving the model and its optimizer untouched."""
        if not pathlib.Path(path).is_file():
            raise UserInputError(
                "the weights of the best epoch are missing, so early stopping cannot resume; "
                "restore the file or start a fresh run without resume",
                path=path,
            )
        model = self.model
        if model.optimizer is not None and not model.optimizer.built:
            # So that the optimizer's saved variables have somewhere to go.
            model.optimizer.build(model.trainable_variables)
        optimizer_variables = list(model.optimizer.variables) if model.optimizer is not None else []
        optimizer_values = [keras.ops.copy(variable.value) for variable in optimizer_variables]
        current = model.get_weights()
        try:
            model.load_weights(path)
            weights = model.get_weights()
        except (OSError, ValueError) as error:
            raise UserInputError(
                f"the weights of the best epoch are damaged ({error}), so early stopping cannot resume; "
                "start a fresh run without resume",
                path=path,
            ) from None
        finally:
            model.set_weights(current)
            for variable, value in zip(optimizer_variables, optimizer_values):
                variable.assign(value)
        return weights

    def _skip_epochs_if_stopped(self, callback, *_):
        if self.stopped_epoch > 0:
            # Keras reads the epoch to start from after `on_train_begin`; none is left.
            callback.model._initial_epoch = callback.params["epochs"]


def _monitored_values(history_path, monitor):
    """`[(0-based epoch, value or None)]` of `monitor` in a `history.csv`; `[]` if there is none."""
    if not history_path.is_file():
        return []
    with open(history_path, newline="") as file:
        rows = list(csv.DictReader(file))
    values = []
    for row in rows:
        value = row.get(monitor)
        # "NA" stands for a quantity missing from an epoch's logs.
        values.append((int(row["epoch"]) - 1, None if value in (None, "", "NA") else float(value)))
    return values


class _CallbackHooks(keras.callbacks.Callback):
    """A callback whose hooks are the given functions `(callback, *args)`."""

    def __init__(self, **hooks):
        super().__init__()
        self._hooks = hooks

    def on_train_begin(self, logs=None):
        if "on_train_begin" in self._hooks:
            self._hooks["on_train_begin"](self, logs)

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
