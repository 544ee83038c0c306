"""`fit`: train a model with Keras, leaving a complete, resumable run directory."""

import csv
import importlib.util
import math
import pathlib
import shutil
import warnings

import keras

from seqkit.training import checkpoints
from seqkit.training import strategy as strategy_lib
from seqkit.training.callbacks import (
    AveragedWeights,
    EpochCheckpoint,
    ResumableEarlyStopping,
    StopOnNaNLoss,
    TrainingCheckpoints,
    monitor_mode,
    write_history,
)
from seqkit.training.config import TrainingConfig, learning_rate_at
from seqkit.training.determinism import reproducible, resumable_batches
from seqkit.training.plots import plot_training_curves
from seqkit.training.precision import dtype_policy_scope, resolve_precision
from seqkit.training.run_dir import RunPaths


def fit(
    build_model,
    train_ds,
    valid_ds,
    run_dir,
    config,
    loss,
    metrics=None,
    *,
    callbacks=None,
    strategy=None,
):
    """Builds, compiles and trains a model, writing the run directory.

    The model is built and compiled inside the strategy's scope (and under
    the dtype policy of `config.precision`), then trained with `model.fit`.
    In `run_dir` it writes `checkpoints/` (weights after each epoch, and the
    training state for `resume`), `history.csv` (one row per epoch, counted
    from 1), `logs/` (TensorBoard) and `plots/training_curves.png`; see
    `RunPaths`. Every checkpoint is written under a temporary name and
    renamed when complete. In a multi-worker cluster only the chief writes
    there; other workers write under `run_dir/workers/<task>-<index>/`.

    The training state (see `seqkit.training.checkpoints`) is written at the
    end of every epoch and, with `config.checkpoint_every`, every that many
    batches. With `config.resume`, training continues from the newest intact
    state (an older one, with a warning, when the newest is damaged): the
    weights, the optimizer (iteration count, learning rate, moments, moving
    averages), the dropout random state, the metrics of a half-done epoch,
    early stopping and the history come back, and the data continues with
    the same order and batch (see `resumable_batches`), so that a seeded run
    killed at any point and resumed gives the numbers of an uninterrupted
    one. Without `resume`, or when there is nothing to resume, an earlier
    run's checkpoints and history are replaced. Seeding (`config.seed`)
    happens inside `fit`, so a pipeline that shuffles should carry its own
    seed, and be built afresh for each `fit`. With
    `config.early_stopping_patience`, training stops when `config.monitor`
    has not improved for that many epochs and the best weights are restored;
    a resumed run stops at the same epoch and restores the same weights as
    an uninterrupted one.

    Args:
        build_model: a function of no arguments returning an uncompiled,
            built `keras.Model` (a Functional model is built).
        train_ds: a batched `tf.data.Dataset` of `(inputs, targets)`, or a
            tuple `(x, y)` of arrays batched by `config.batch_size`.
        valid_ds: validation data in the same form, or `None`.
        run_dir: the run directory (created if missing).
        config: a `TrainingConfig`.
        loss: a Keras loss (name, function or `keras.losses.Loss`).
        metrics: Keras metrics for `model.compile`, or `None`.
        callbacks: more Keras callbacks, run after the trainer's own.
        strategy: a `tf.distribute.Strategy` to use instead of
            `get_strategy(config.strategy)`.

    Returns:
        `(model, history)`: the trained model and `{name: [value per epoch]}`
        for every epoch in `history.csv`, including epochs before a resume.

    Raises:
        NaNLossError: the loss became NaN or infinite; the checkpoint of the
            last finished epoch stays on disk and `resume` continues from it.
        UserInputError: with `resume`, every training state of the run is
            damaged, or the states do not fit the model.

    Example:

    >>> import numpy as np, tempfile
    >>> def build_model():
    ...     inputs = keras.Input((3,))
    ...     return keras.Model(inputs, keras.layers.Dense(1)(inputs))
    >>> x = np.random.default_rng(0).normal(size=(32, 3)).astype("float32")
    >>> y = x.sum(axis=1, keepdims=True)
    >>> config = TrainingConfig(epochs=2, batch_size=8, seed=0, verbose=0)
    >>> model, history = fit(build_model, (x, y), (x, y), tempfile.mkdtemp(),
    ...                      config, loss="mse")
    >>> len(history["loss"])
    2
    """
    if not isinstance(config, TrainingConfig):
        raise TypeError(f"`config` must be a TrainingConfig. Received: config={config!r}")
    if config.early_stopping_patience is not None and (config.monitor.startswith("val_") and valid_ds is None):
        raise ValueError(
            f"Early stopping on `monitor`={config.monitor!r} needs validation "
            "data. Pass `valid_ds` or monitor a training quantity such as "
            "'loss'. Received: valid_ds=None"
        )
    if strategy is None:
        # First, as a multi-worker strategy must precede other TensorFlow work.
        strategy = strategy_lib.get_strategy(config.strategy)
    with reproducible(config.seed):
        paths = _paths_for(run_dir, strategy)
        model = _build_and_compile(build_model, strategy, config, loss, metrics)
        state, metrics_values = _prepare_run_dir(paths, model, config.resume)
        batches, steps_per_epoch = resumable_batches(
            train_ds,
            batch_size=config.batch_size,
            seed=config.seed,
            epochs=config.epochs,
            epoch=state.epoch,
            batch=state.batch,
            batches_per_epoch=state.batches_per_epoch,
        )
        if int(batches.cardinality()) >= 0:
            state.batches_per_epoch = int(batches.cardinality())
        if metrics_values:
            # Keras builds the compiled metrics when it first traces a train step (or, under a
            # distribution strategy, symbolically from a batch); their saved accumulators are restored
            # before that, so build them the symbolic way now, from the shapes of the batches alone.
            model._symbolic_build(data_batch=batches.element_spec)
        fit_callbacks = _callbacks(paths, config, state, metrics_values) + list(callbacks or [])
        with warnings.catch_warnings():
            # A streamed dataset has no known length: Keras learns it at the end of the first epoch and warns.
            warnings.filterwarnings("ignore", message="Your input ran out of data")
            model.fit(
                batches,
                epochs=config.epochs,
                initial_epoch=min(state.epoch, config.epochs),
                steps_per_epoch=steps_per_epoch,
                shuffle=False,  # `resumable_batches` orders the data
                validation_data=valid_ds,
                validation_batch_size=config.batch_size if isinstance(valid_ds, tuple) else None,
                callbacks=fit_callbacks,
                verbose=keras_verbosity(config.verbose),
            )
    history = read_history(paths.history)
    plot_training_curves(history, paths.curves, monitor=config.monitor)
    return model, history


def keras_verbosity(verbose, stream=None):
    """Keras's `verbose` for ours: a progress bar (1) only on a terminal; elsewhere one line per epoch (2).

    A bar redrawn into a file or a pipe makes a log of tens of kilobytes of carriage returns.

    Example:

    >>> import io
    >>> keras_verbosity(1, stream=io.StringIO()), keras_verbosity(0), keras_verbosity(2)
    (2, 0, 2)
    """
    import sys

    stream = sys.stdout if stream is None else stream
    if verbose == 1 and not (hasattr(stream, "isatty") and stream.isatty()):
        return 2
    return verbose


def read_history(path):
    """Reads a `history.csv` into `{name: [value per epoch]}`.

    Example:

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "history.csv")
    >>> _ = open(path, "w").write("epoch,loss\\n1,0.5\\n2,0.25\\n")
    >>> read_history(path)
    {'loss': [0.5, 0.25]}
    """
    with open(path, newline="") as file:
        rows = list(csv.DictReader(file))
    names = [name for name in (rows[0] if rows else {}) if name != "epoch"]
    # "NA" stands for the `val_` values of an epoch without validation.
    return {
        name: [math.nan if row[name] == "NA" else float(row[name]) for row in rows]
        for name in names
        if any(row[name] != "NA" for row in rows)
    }


def _paths_for(run_dir, strategy):
    if strategy_lib.is_chief(strategy):
        return RunPaths(run_dir)
    worker = strategy_lib.worker_name(strategy) or "worker"
    return RunPaths(pathlib.Path(run_dir) / "workers" / worker)


def _prepare_run_dir(paths, model, resume):
    """Restores the newest training state or clears the run's training files.

    Returns `(TrainingState, metrics arrays or None)`: where training starts
    and, in the middle of an epoch, the metrics' accumulators to restore when
    it begins. On resume, `history.csv` is rewritten from the state, and the
    weights of the epochs to train again, states of damaged files and files
    that a killed process left half-written are removed.
    """
    for temporary in paths.temporary_files():
        temporary.unlink(missing_ok=True)
    if resume and model.optimizer is not None and not model.optimizer.built:
        # So that its variables can be checked against the state and restored.
        model.optimizer.build(model.trainable_variables)
    found = checkpoints.latest_state(paths, model) if resume else None
    if found is None:
        shutil.rmtree(paths.state, ignore_errors=True)
        for checkpoint in paths.epoch_checkpoints().values():
            checkpoint.unlink()
        paths.history.unlink(missing_ok=True)
        state, metrics_values = checkpoints.TrainingState(), None
    else:
        _, state, arrays = found
        checkpoints.restore(checkpoints.model_and_optimizer_variables(model), arrays["model_and_optimizer"])
        metrics_values = arrays["metrics_variables"] or None
        for step, path in paths.state_files().items():
            if step > state.step:
                checkpoints.remove_state(path)
        for epoch, checkpoint in paths.epoch_checkpoints().items():
            if epoch > state.epoch:
                checkpoint.unlink()
        write_history(paths.history, state.history)
    for directory in (paths.checkpoints, paths.state, paths.logs, paths.plots):
        directory.mkdir(parents=True, exist_ok=True)
    return state, metrics_values


def _build_and_compile(build_model, strategy, config, loss, metrics):
    with dtype_policy_scope(resolve_precision(config.precision)), strategy.scope():
        model = build_model()
        if not isinstance(model, keras.Model):
            raise TypeError(f"`build_model` must return a keras.Model. Received: {type(model).__name__}")
        if not model.built:
            raise ValueError(
                "`build_model` must return a built model (a Functional "
                "model is built; build a subclassed one on an input "
                f"shape first). Received: unbuilt model {model.name!r}"
            )
        optimizer = keras.optimizers.get(
            {
                "class_name": config.optimizer,
                "config": {
                    "learning_rate": config.learning_rate,
                    "clipnorm": config.clipnorm,
                    "use_ema": config.weight_averaging is not None,
                    "ema_momentum": config.weight_averaging or 0.99,
                },
            }
        )
        model.compile(
            optimizer=optimizer,
            loss=loss,
            metrics=metrics,
            jit_compile=config.jit_compile,
            run_eagerly=config.run_eagerly,
        )
        # Keras would create the optimizer's slots inside the first trace of the train step, and a
        # `tf.function` whose first trace creates variables traces again: built here, the step is traced once
        # (a fit of the tiny NER preset: ~7 s of tracing less).
        model.optimizer.build(model.trainable_variables)
    return model


def _callbacks(paths, config, state, metrics_values):
    averaged = AveragedWeights() if config.weight_averaging is not None else None
    resuming = state.epoch > 0 or state.batch > 0
    training_checkpoints = TrainingCheckpoints(paths, state, config.checkpoint_every, metrics_values)
    callbacks = [
        StopOnNaNLoss(paths.latest_checkpoint, resumed_batches=state.batch),
        EpochCheckpoint(paths),
    ]
    if config.learning_rate_schedule != "constant":
        # Set at each epoch's start from the epoch alone, so a resumed run follows the same schedule.
        callbacks.append(keras.callbacks.LearningRateScheduler(lambda epoch, _: learning_rate_at(config, epoch)))
    if _tensorboard_installed():
        callbacks.append(keras.callbacks.TensorBoard(str(paths.logs)))
    else:
        warnings.warn(
            f"TensorBoard is not installed (`pip install tensorboard`); no event files are written to {paths.logs}.",
            stacklevel=3,
        )
    early_stopping = None
    if config.early_stopping_patience is not None:
        # On resume, its state is rebuilt from the history and checkpoints of the finished epochs.
        early_stopping = ResumableEarlyStopping(
            monitor=config.monitor,
            mode=monitor_mode(config.monitor),
            patience=config.early_stopping_patience,
            restore_best_weights=True,
            verbose=int(config.verbose > 0),
            history_path=paths.history if resuming else None,
            checkpoint_for_epoch=paths.epoch_checkpoint,
        )
        callbacks.append(early_stopping)
    if averaged is not None:
        # Checkpoints, early stopping and TensorBoard see the averaged weights; the training state the raw ones.
        callbacks = [averaged.enter, *callbacks, averaged.leave]
    # The state comes after the epoch's weights file, so a resumed run never skips an epoch that left no
    # trace. The hook that lets training go on after the rest of a half-done epoch runs before early stopping
    # may stop it.
    callbacks = [training_checkpoints.end_of_partial_epoch, *callbacks, training_checkpoints]
    if early_stopping is not None:
        # A resumed run that had already stopped trains no more epochs.
        callbacks.append(early_stopping.after_restore)
    return callbacks


def _tensorboard_installed():
    return importlib.util.find_spec("tensorboard") is not None
