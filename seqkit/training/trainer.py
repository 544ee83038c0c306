"""`fit`: train a model with Keras, leaving a complete, resumable run directory."""

import csv
import importlib.util
import json
import math
import pathlib
import shutil
import warnings

import keras

from seqkit.training import strategy as strategy_lib
from seqkit.training.callbacks import AveragedWeights, ResumableEarlyStopping, StopOnNaNLoss, monitor_mode
from seqkit.training.config import TrainingConfig
from seqkit.training.determinism import reproducible
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
    In `run_dir` it writes `checkpoints/` (weights after each epoch plus
    Keras `BackupAndRestore` state), `history.csv`, `logs/` (TensorBoard) and
    `plots/training_curves.png`; see `RunPaths`. In a multi-worker cluster
    only the chief writes there; other workers write under
    `run_dir/workers/<task>-<index>/`.

    With `config.resume`, training continues after the last finished epoch
    with its weights and optimizer state, and `history.csv` is continued.
    Without it, or when there is nothing to resume, an earlier run's
    checkpoints and history are replaced. Seeding (`config.seed`) happens
    inside `fit`, so a pipeline that shuffles should carry its own seed. With
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
        resuming = _prepare_run_dir(paths, config.resume)
        model = _build_and_compile(build_model, strategy, config, loss, metrics)
        fit_callbacks = _callbacks(paths, config, resuming) + list(callbacks or [])
        x, y, batch_size = _unpack(train_ds, config.batch_size)
        with warnings.catch_warnings():
            # A streamed dataset has no known length: Keras learns it at the end of the first epoch and warns.
            warnings.filterwarnings("ignore", message="Your input ran out of data")
            model.fit(
                x,
                y,
                batch_size=batch_size,
                # Arrays are shuffled by Keras; a dataset by its own pipeline.
                shuffle=y is not None,
                epochs=config.epochs,
                validation_data=valid_ds,
                callbacks=fit_callbacks,
                verbose=config.verbose,
            )
    history = read_history(paths.history)
    plot_training_curves(history, paths.curves, monitor=config.monitor)
    return model, history


def read_history(path):
    """Reads a `history.csv` into `{name: [value per epoch]}`.

    Example:

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "history.csv")
    >>> _ = open(path, "w").write("epoch,loss\\n0,0.5\\n1,0.25\\n")
    >>> read_history(path)
    {'loss': [0.5, 0.25]}
    """
    with open(path, newline="") as file:
        rows = list(csv.DictReader(file))
    names = [name for name in (rows[0] if rows else {}) if name != "epoch"]
    # `CSVLogger` writes "NA" in `val_` columns of a run without validation.
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


def _prepare_run_dir(paths, resume):
    """Makes the directories; returns whether a backup will be resumed."""
    metadata = paths.backup / "training_metadata.json"
    resuming = resume and metadata.is_file()
    if resuming:
        finished = json.loads(metadata.read_text())["epoch"]
        _truncate_history(paths.history, finished)
    else:
        shutil.rmtree(paths.backup, ignore_errors=True)
        for checkpoint in paths.epoch_checkpoints().values():
            checkpoint.unlink()
    for directory in (paths.checkpoints, paths.logs, paths.plots):
        directory.mkdir(parents=True, exist_ok=True)
    return resuming


def _truncate_history(path, finished_epochs):
    """Keeps the header and the rows of the first `finished_epochs` epochs.

    An interruption between writing the history row and the backup of an
    epoch would otherwise leave a row for an epoch that is trained again.
    """
    if not path.is_file():
        return
    lines = path.read_text().splitlines(keepends=True)
    kept = lines[:1] + [line for line in lines[1:] if int(line.split(",", 1)[0]) < finished_epochs]
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text("".join(kept))
    temporary.replace(path)


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
        )
    return model


def _callbacks(paths, config, resuming):
    averaged = AveragedWeights() if config.weight_averaging is not None else None
    callbacks = [
        StopOnNaNLoss(paths.latest_checkpoint),
        keras.callbacks.ModelCheckpoint(paths.checkpoint_pattern, save_weights_only=True),
        keras.callbacks.CSVLogger(str(paths.history), append=resuming),
    ]
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
        # Checkpoints, early stopping and TensorBoard see the averaged weights; the backup the raw ones.
        callbacks = [averaged.enter, *callbacks, averaged.leave]
    # Backed up after the checkpoint and the history row of an epoch, so a
    # resumed run never skips an epoch that left no trace.
    callbacks.append(keras.callbacks.BackupAndRestore(str(paths.backup), delete_checkpoint=False))
    if early_stopping is not None:
        # After the backup is restored: a resumed run that had already stopped trains no more epochs.
        callbacks.append(early_stopping.after_restore)
    return callbacks


def _tensorboard_installed():
    return importlib.util.find_spec("tensorboard") is not None


def _unpack(data, batch_size):
    """`(x, y, batch_size)` arguments of `model.fit` for a dataset or arrays."""
    if isinstance(data, tuple):
        if len(data) != 2:
            raise ValueError(
                f"`train_ds` must be a tf.data.Dataset or a tuple (x, y). Received: a tuple of {len(data)} items"
            )
        return data[0], data[1], batch_size
    return data, None, None
