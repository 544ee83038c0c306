import dataclasses
import json
import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from seqkit.training import NaNLossError, RunPaths, TrainingConfig, fit, read_history


class Interrupted(Exception):
    pass


class InterruptAfterEpoch(keras.callbacks.Callback):
    """Simulates a crash once the given 1-based epoch has finished."""

    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        if epoch + 1 == self.epoch:
            raise Interrupted()


class RecordEpochs(keras.callbacks.Callback):
    """Records which epochs ran and the weights after each."""

    def __init__(self):
        super().__init__()
        self.epochs = []
        self.weights = {}

    def on_epoch_end(self, epoch, logs=None):
        self.epochs.append(epoch + 1)
        self.weights[epoch + 1] = [w.copy() for w in self.model.get_weights()]


def build_mlp():
    inputs = keras.Input((4,))
    hidden = keras.layers.Dense(8, activation="tanh")(inputs)
    return keras.Model(inputs, keras.layers.Dense(1)(hidden))


def build_zero_linear():
    inputs = keras.Input((1,))
    return keras.Model(inputs, keras.layers.Dense(1, use_bias=False, kernel_initializer="zeros")(inputs))


# Training pulls w towards +1 while the validation targets (-x) want -1, so with `diverging_config` the
# validation loss of `build_zero_linear` is best after epoch 1 and worse from then on.
DIVERGING_X = np.linspace(-1.0, 1.0, 8, dtype="float32")[:, None]


def diverging_config(**overrides):
    return config(epochs=10, batch_size=8, optimizer="sgd", learning_rate=0.2, **overrides)


def regression_data(n=32, batch_size=8):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 4)).astype("float32")
    y = np.tanh(x @ np.array([[1.0], [-2.0], [0.5], [1.5]], dtype="float32"))
    return tf.data.Dataset.from_tensor_slices((x, y)).batch(batch_size)


def config(**overrides):
    values = {"epochs": 4, "learning_rate": 0.01, "seed": 3, "verbose": 0}
    values.update(overrides)
    return TrainingConfig(**values)


@pytest.mark.parametrize("weight_averaging", [None, 0.9])
def test_resume_after_interruption_matches_an_uninterrupted_run(tmp_path, weight_averaging):
    data = regression_data()
    with pytest.raises(Interrupted):
        fit(
            build_mlp,
            data,
            data,
            tmp_path / "a",
            config(weight_averaging=weight_averaging),
            "mse",
            callbacks=[InterruptAfterEpoch(2)],
        )
    assert len(read_history(tmp_path / "a/history.csv")["loss"]) == 2

    record = RecordEpochs()
    resumed, history = fit(
        build_mlp,
        data,
        data,
        tmp_path / "a",
        config(resume=True, weight_averaging=weight_averaging),
        "mse",
        callbacks=[record],
    )
    assert record.epochs == [3, 4]  # continues at the next epoch

    straight, straight_history = fit(
        build_mlp, data, data, tmp_path / "b", config(weight_averaging=weight_averaging), "mse"
    )
    for got, want in zip(resumed.get_weights(), straight.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    # history.csv was continued, not restarted: 4 epochs, same values.
    np.testing.assert_allclose(history["loss"], straight_history["loss"], rtol=1e-5)
    np.testing.assert_allclose(resumed.optimizer.iterations.numpy(), straight.optimizer.iterations.numpy())


def test_resume_of_a_finished_run_trains_no_more_epochs(tmp_path):
    data = regression_data(n=16)
    fit(build_mlp, data, None, tmp_path, config(epochs=2), "mse")
    record = RecordEpochs()
    _, history = fit(
        build_mlp,
        data,
        None,
        tmp_path,
        config(epochs=2, resume=True),
        "mse",
        callbacks=[record],
    )
    assert record.epochs == []
    assert len(history["loss"]) == 2


class ExplodeLearningRate(keras.callbacks.Callback):
    """From the given 1-based epoch on, a learning rate that overflows float32."""

    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch + 1 == self.epoch:
            self.model.optimizer.learning_rate = 1e30


def test_nan_loss_stops_with_message_and_keeps_last_good_checkpoint(tmp_path):
    data = regression_data()
    record = RecordEpochs()
    with pytest.raises(NaNLossError) as info:
        fit(
            build_mlp,
            data,
            data,
            tmp_path,
            config(),
            "mse",
            callbacks=[record, ExplodeLearningRate(3)],
        )
    paths = RunPaths(tmp_path)
    error = info.value
    assert (error.epoch, error.batch) == (3, 2)  # batch 1's update broke batch 2
    assert "at epoch 3, batch 2" in str(error)
    assert f"last good checkpoint is kept: {paths.epoch_checkpoint(2)}" in str(error)
    assert list(paths.epoch_checkpoints()) == [1, 2]

    restored = build_mlp()
    restored.load_weights(paths.epoch_checkpoint(2))
    for got, want in zip(restored.get_weights(), record.weights[2]):
        assert np.isfinite(got).all()
        np.testing.assert_allclose(got, want)

    # Resuming (with a sane learning rate) continues from that checkpoint.
    _, history = fit(build_mlp, data, data, tmp_path, config(resume=True), "mse")
    assert len(history["loss"]) == 4
    assert all(math.isfinite(value) for value in history["loss"])


@pytest.mark.parametrize("clipnorm", [1.0, None])
def test_clipnorm_bounds_the_update_of_one_step(tmp_path, clipnorm):
    def build_two_input_linear():
        inputs = keras.Input((2,))
        dense = keras.layers.Dense(1, use_bias=False, kernel_initializer="zeros")
        return keras.Model(inputs, dense(inputs))

    x = np.array([[100.0, 200.0]], dtype="float32")
    y = np.array([[1000.0]], dtype="float32")
    settings = config(epochs=1, batch_size=1, optimizer="sgd", learning_rate=0.1, clipnorm=clipnorm)
    model, _ = fit(build_two_input_linear, (x, y), None, tmp_path, settings, "mse")
    update = model.get_weights()[0][:, 0]  # the kernel started at zero

    gradient = 2.0 * (0.0 - 1000.0) * x[0]  # d/dw (w.x - y)^2 at w = 0
    if clipnorm is None:
        expected = -0.1 * gradient  # norm about 4.5e4
    else:
        expected = -0.1 * gradient / np.linalg.norm(gradient)
        assert np.linalg.norm(update) == pytest.approx(0.1, rel=1e-5)
    np.testing.assert_allclose(update, expected, rtol=1e-5)


def test_history_csv_curves_and_tensorboard_logs(tmp_path):
    data = regression_data(n=24)
    settings = config(epochs=3, monitor="val_mae", seed=None)
    _, history = fit(build_mlp, data, data, tmp_path, settings, "mse", metrics=["mae"])
    header, *rows = (tmp_path / "history.csv").read_text().splitlines()
    assert header.split(",") == ["epoch", "loss", "mae", "val_loss", "val_mae"]
    assert [row.split(",")[0] for row in rows] == ["1", "2", "3"]  # as checkpoints and messages count
    assert sorted(history) == ["loss", "mae", "val_loss", "val_mae"]
    assert all(len(values) == 3 for values in history.values())
    png = (tmp_path / "plots/training_curves.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pytest.importorskip("tensorboard", reason="TensorBoard logs need tensorboard")
    assert list((tmp_path / "logs").rglob("events.out.tfevents.*"))


def test_fresh_run_replaces_earlier_checkpoints_and_history(tmp_path):
    data = regression_data(n=16)
    fit(build_mlp, data, None, tmp_path, config(epochs=3), "mse")
    _, history = fit(build_mlp, data, None, tmp_path, config(epochs=2), "mse")
    assert len(history["loss"]) == 2
    assert list(RunPaths(tmp_path).epoch_checkpoints()) == [1, 2]


def test_early_stopping_stops_and_restores_best_weights(tmp_path):
    x, settings = DIVERGING_X, diverging_config(early_stopping_patience=1)
    record = RecordEpochs()
    model, history = fit(build_zero_linear, (x, x), (x, -x), tmp_path, settings, "mse", callbacks=[record])
    assert record.epochs == [1, 2]
    assert history["val_loss"][1] > history["val_loss"][0]
    np.testing.assert_allclose(model.get_weights()[0], record.weights[1][0])
    assert not np.allclose(record.weights[1][0], record.weights[2][0])


@pytest.mark.parametrize("weight_averaging, interrupt_after", [(None, 2), (0.5, 2), (None, 4)])
def test_resumed_early_stopping_stops_and_restores_like_an_uninterrupted_run(
    tmp_path, weight_averaging, interrupt_after
):
    # As above, validation loss is best after epoch 1 and worse from then on, so with a patience of 3 training
    # stops after epoch 4. An interruption after epoch 2 falls inside the patience; one after epoch 4 comes once
    # the run has stopped. A fresh EarlyStopping would restart the patience and restore a later, worse epoch.
    x, settings = DIVERGING_X, diverging_config(early_stopping_patience=3, weight_averaging=weight_averaging)
    straight_record = RecordEpochs()
    straight, straight_history = fit(
        build_zero_linear, (x, x), (x, -x), tmp_path / "b", settings, "mse", callbacks=[straight_record]
    )
    assert straight_record.epochs == [1, 2, 3, 4]

    with pytest.raises(Interrupted):
        fit(
            build_zero_linear,
            (x, x),
            (x, -x),
            tmp_path / "a",
            settings,
            "mse",
            callbacks=[InterruptAfterEpoch(interrupt_after)],
        )
    record = RecordEpochs()
    resumed, history = fit(
        build_zero_linear,
        (x, x),
        (x, -x),
        tmp_path / "a",
        dataclasses.replace(settings, resume=True),
        "mse",
        callbacks=[record],
    )
    assert record.epochs == list(range(interrupt_after + 1, 5))  # stops at the same epoch
    np.testing.assert_allclose(history["val_loss"], straight_history["val_loss"], rtol=1e-5)
    np.testing.assert_allclose(resumed.get_weights()[0], straight.get_weights()[0], rtol=1e-5)
    # ... which are the (averaged) weights of the best epoch, 1, not those of the first epoch after the resume.
    best = build_zero_linear()
    best.load_weights(RunPaths(tmp_path / "a").epoch_checkpoint(1))
    np.testing.assert_allclose(resumed.get_weights()[0], best.get_weights()[0], rtol=1e-5)
    assert abs(best.get_weights()[0].item()) > 0.01  # training moved it, so the comparison means something
    assert float(resumed.evaluate(x, -x, verbose=0)) == pytest.approx(min(history["val_loss"]), rel=1e-5)


def test_resume_of_an_early_stopped_run_trains_no_more_epochs(tmp_path):
    x, settings = DIVERGING_X, diverging_config(early_stopping_patience=1)
    stopped, _ = fit(build_zero_linear, (x, x), (x, -x), tmp_path, settings, "mse")
    record = RecordEpochs()
    resumed, history = fit(
        build_zero_linear,
        (x, x),
        (x, -x),
        tmp_path,
        dataclasses.replace(settings, resume=True),
        "mse",
        callbacks=[record],
    )
    assert record.epochs == []
    assert len(history["val_loss"]) == 2
    np.testing.assert_allclose(resumed.get_weights()[0], stopped.get_weights()[0], rtol=1e-5)


def test_weight_averaging_validates_checkpoints_and_returns_the_moving_average(tmp_path):
    # One full-batch SGD step per epoch on y = 2x from w = 0, so the raw weights are
    # w_k = w_{k-1} + 2 * lr * mean(x^2) * (2 - w_{k-1}) and their average a_1 = w_1,
    # a_k = m * a_{k-1} + (1 - m) * w_k.
    x = np.array([[1.0], [2.0], [-1.0], [0.5]], dtype="float32")
    lr, momentum, epochs = 0.05, 0.5, 4
    raw, averages = [0.0], []
    for _ in range(epochs):
        raw.append(raw[-1] + 2 * lr * float(np.mean(x**2)) * (2.0 - raw[-1]))
        averages.append(raw[-1] if not averages else momentum * averages[-1] + (1 - momentum) * raw[-1])
    settings = config(
        epochs=epochs, batch_size=4, optimizer="sgd", learning_rate=lr, clipnorm=None, weight_averaging=momentum
    )
    record = RecordEpochs()
    model, history = fit(build_zero_linear, (x, 2 * x), (x, 2 * x), tmp_path, settings, "mse", callbacks=[record])

    # Training itself follows the raw weights (callbacks after the trainer's see them) ...
    np.testing.assert_allclose([record.weights[k][0].item() for k in range(1, epochs + 1)], raw[1:], rtol=1e-5)
    # ... while validation, checkpoints and the returned model use the averages.
    expected_loss = [float(np.mean(((2.0 - a) * x) ** 2)) for a in averages]
    np.testing.assert_allclose(history["val_loss"], expected_loss, rtol=1e-4)
    for epoch in range(1, epochs + 1):
        checkpoint = build_zero_linear()
        checkpoint.load_weights(RunPaths(tmp_path).epoch_checkpoint(epoch))
        np.testing.assert_allclose(checkpoint.get_weights()[0].item(), averages[epoch - 1], rtol=1e-5)
    np.testing.assert_allclose(model.get_weights()[0].item(), averages[-1], rtol=1e-5)


def test_early_stopping_with_weight_averaging_restores_the_best_average(tmp_path):
    x, settings = DIVERGING_X, diverging_config(early_stopping_patience=1, weight_averaging=0.5)
    model, history = fit(build_zero_linear, (x, x), (x, -x), tmp_path, settings, "mse")
    assert len(history["val_loss"]) == 2
    first = keras.Model.from_config(model.get_config())
    first.load_weights(RunPaths(tmp_path).epoch_checkpoint(1))
    np.testing.assert_allclose(model.get_weights()[0], first.get_weights()[0])
    assert float(model.evaluate(x, -x, verbose=0)) == pytest.approx(history["val_loss"][0], rel=1e-5)


def shuffled_regression_data(n=32, batch_size=4):
    """A pipeline built afresh, as each run builds its own; reshuffled every epoch."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 4)).astype("float32")
    y = np.tanh(x @ np.array([[1.0], [-2.0], [0.5], [1.5]], dtype="float32"))
    tf.random.set_seed(1)  # as seqkit's pipelines do, so the order depends on the seed alone
    return tf.data.Dataset.from_tensor_slices((x, y)).shuffle(n, seed=1).batch(batch_size)


def test_same_seed_gives_the_same_weights(tmp_path):
    first, _ = fit(build_mlp, shuffled_regression_data(), None, tmp_path / "a", config(epochs=2), "mse")
    second, _ = fit(build_mlp, shuffled_regression_data(), None, tmp_path / "b", config(epochs=2), "mse")
    for a, b in zip(first.get_weights(), second.get_weights()):
        np.testing.assert_array_equal(a, b)


def counting_mlp_builder(traces):
    """`build_mlp` whose train step appends `tf.inside_function()` to `traces` each time Python runs it."""

    def build_counting_mlp():
        model = build_mlp()
        train_step = model.train_step

        def counted(data):
            traces.append(tf.inside_function())
            return train_step(data)

        model.train_step = counted
        return model

    return build_counting_mlp


def test_the_train_step_is_traced_once(tmp_path):
    # The optimizer's slots exist before the first step: a first trace that created them would trace again.
    traces = []
    model, _ = fit(counting_mlp_builder(traces), regression_data(), None, tmp_path / "run", config(epochs=2), "mse")
    assert model.optimizer.built
    assert traces == [True]  # 2 epochs of 4 batches, one trace


def test_an_eager_run_traces_nothing_and_trains_like_the_traced_one(tmp_path):
    traces = []
    eager, eager_history = fit(
        counting_mlp_builder(traces), shuffled_regression_data(), regression_data(n=8), tmp_path / "eager",
        config(epochs=2, run_eagerly=True), "mse",
    )
    assert eager.run_eagerly is True
    assert traces == [False] * 16  # 2 epochs of 8 batches, each run op by op
    traced, traced_history = fit(
        build_mlp, shuffled_regression_data(), regression_data(n=8), tmp_path / "traced", config(epochs=2), "mse"
    )
    for a, b in zip(eager.get_weights(), traced.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(eager_history["val_loss"], traced_history["val_loss"], rtol=1e-5)


def test_argument_errors(tmp_path):
    data = regression_data(n=8)
    with pytest.raises(ValueError, match="needs validation data"):
        fit(build_mlp, data, None, tmp_path, config(early_stopping_patience=1), "mse")
    with pytest.raises(TypeError, match="`config` must be a TrainingConfig"):
        fit(build_mlp, data, None, tmp_path, {"epochs": 1}, "mse")
    with pytest.raises(TypeError, match="must return a keras.Model"):
        fit(lambda: "model", data, None, tmp_path, config(), "mse")


def test_mixed_precision_with_a_gpu_builds_float16_and_scales_the_loss(tmp_path, monkeypatch):
    from seqkit.training import precision, trainer

    # Pretend a GPU is visible; mixed_float16 also runs (slowly) on a CPU.
    monkeypatch.setattr(
        trainer,
        "resolve_precision",
        lambda name: precision.resolve_precision(name, gpu_available=True),
    )
    data = regression_data(n=8)
    model, history = fit(build_mlp, data, None, tmp_path, config(epochs=1, precision="mixed"), "mse")
    assert model.dtype_policy.name == "mixed_float16"
    assert model.layers[-1].compute_dtype == "float16"
    assert isinstance(model.optimizer, keras.optimizers.LossScaleOptimizer)
    assert math.isfinite(history["loss"][0])
    assert keras.config.dtype_policy().name == "float32"  # restored


def test_jit_compile_is_passed_to_keras_unless_ops_are_deterministic(tmp_path):
    data = regression_data(n=8)
    settings = config(epochs=1, jit_compile=True, seed=None)
    model, history = fit(build_mlp, data, None, tmp_path / "a", settings, "mse")
    assert model.jit_compile is True
    assert math.isfinite(history["loss"][0])
    # XLA has no deterministic mode, so Keras turns it off for a seeded run.
    settings = config(epochs=1, jit_compile=True, seed=0)
    with pytest.warns(UserWarning, match="jit_compile"):
        model, _ = fit(build_mlp, data, None, tmp_path / "b", settings, "mse")
    assert model.jit_compile is False


class InterruptAtStep(keras.callbacks.Callback):
    """Simulates a crash once the given 1-based batch of the run has ended."""

    def __init__(self, step):
        super().__init__()
        self.step = step
        self.steps = 0

    def on_train_batch_end(self, batch, logs=None):
        self.steps += 1
        if self.steps == self.step:
            raise Interrupted()


def build_dropout_mlp():
    inputs = keras.Input((4,))
    hidden = keras.layers.Dropout(0.3)(keras.layers.Dense(8, activation="tanh")(inputs))
    return keras.Model(inputs, keras.layers.Dense(1)(hidden))


def _fit_dropout(run_dir, settings, callbacks=()):
    # A fresh pipeline for each run, reshuffled every epoch (4 batches), and validation for early stopping.
    return fit(
        build_dropout_mlp,
        shuffled_regression_data(n=16, batch_size=4),
        regression_data(n=8),
        run_dir,
        settings,
        "mse",
        metrics=["mae"],
        callbacks=list(callbacks),
    )


@pytest.mark.parametrize("weight_averaging", [None, 0.9])
def test_resume_in_the_middle_of_an_epoch_matches_an_uninterrupted_run(tmp_path, weight_averaging):
    settings = config(epochs=3, checkpoint_every=3, early_stopping_patience=5, weight_averaging=weight_averaging)
    straight, straight_history = _fit_dropout(tmp_path / "b", settings)
    # Killed after batch 8 of 12; the last state is after batch 6, in the middle of epoch 2.
    with pytest.raises(Interrupted):
        _fit_dropout(tmp_path / "a", settings, [InterruptAtStep(8)])
    paths = RunPaths(tmp_path / "a")
    assert list(paths.state_files()) == [4, 6]
    assert json.loads(paths.state_file(6).read_text())["batch"] == 2

    record = RecordEpochs()
    resumed, history = _fit_dropout(tmp_path / "a", dataclasses.replace(settings, resume=True), [record])
    assert record.epochs == [2, 3]
    assert history == straight_history  # the same numbers, the epoch-2 loss over all of its 4 batches
    for got, want in zip(resumed.get_weights(), straight.get_weights(), strict=True):
        np.testing.assert_array_equal(got, want)
    assert int(resumed.optimizer.iterations.numpy()) == int(straight.optimizer.iterations.numpy()) == 12


def test_states_are_written_within_the_first_epoch_too(tmp_path):
    with pytest.raises(Interrupted):
        _fit_dropout(tmp_path, config(epochs=2, checkpoint_every=3), [InterruptAtStep(4)])
    assert list(RunPaths(tmp_path).state_files()) == [3]  # a kill in epoch 1 loses at most 3 batches


def test_resume_from_a_truncated_checkpoint_falls_back_to_the_previous_one(tmp_path):
    settings = config(epochs=3, checkpoint_every=3)
    _, straight_history = _fit_dropout(tmp_path / "b", settings)
    with pytest.raises(Interrupted):
        _fit_dropout(tmp_path / "a", settings, [InterruptAtStep(10)])
    paths = RunPaths(tmp_path / "a")
    assert list(paths.state_files()) == [8, 9]
    # A kill while writing in place would truncate the newest file; a kill while writing a temporary one leaves it.
    newest = paths.state_file(9).with_suffix(".npz")
    newest.write_bytes(newest.read_bytes()[:200])
    stray = [paths.state / ".step_000000012.npz.tmp-abc123", paths.checkpoints / ".epoch_0003.weights.h5.tmp-x.weights.h5"]
    for path in stray:
        path.write_bytes(b"half")

    with pytest.warns(UserWarning, match=r"step_000000009.json is damaged \(.*\); resuming from .*step_000000008.json"):
        _, history = _fit_dropout(tmp_path / "a", dataclasses.replace(settings, resume=True))
    assert history == straight_history
    assert not any(path.exists() for path in stray)
    assert list(paths.epoch_checkpoints()) == [1, 2, 3]


def test_a_dataset_of_unknown_length_resumes_in_the_middle_of_an_epoch_once_its_length_is_known(tmp_path):
    def unknown_length():
        return shuffled_regression_data(n=16, batch_size=4).filter(lambda x, y: True)

    def run(run_dir, settings, callbacks=()):
        return fit(build_dropout_mlp, unknown_length(), None, run_dir, settings, "mse", callbacks=list(callbacks))

    settings = config(epochs=3, checkpoint_every=3, monitor="loss")
    _, straight_history = run(tmp_path / "b", settings)
    with pytest.raises(Interrupted):
        run(tmp_path / "a", settings, [InterruptAtStep(11)])
    # No state within epoch 1 (its length was not known yet), then states after batches 4, 6, 8 and 9.
    assert list(RunPaths(tmp_path / "a").state_files()) == [8, 9]
    _, history = run(tmp_path / "a", dataclasses.replace(settings, resume=True))
    assert history == straight_history


def test_progress_into_a_file_is_one_line_per_epoch(tmp_path, capsys):
    data = regression_data(n=24)
    fit(build_mlp, data, data, tmp_path, config(epochs=3, verbose=1, seed=0), "mse")
    out = capsys.readouterr().out  # captured: not a terminal
    assert "\r" not in out and "\x08" not in out  # no redrawn progress bar
    epoch_lines = [line for line in out.splitlines() if "loss:" in line]
    assert len(epoch_lines) == 3 and all("val_loss:" in line for line in epoch_lines)


class RecordLearningRate(keras.callbacks.Callback):
    """The optimizer's learning rate during each epoch (read at its first batch)."""

    def __init__(self):
        super().__init__()
        self.rates = []

    def on_train_batch_begin(self, batch, logs=None):
        if batch == 0:
            self.rates.append(float(self.model.optimizer.learning_rate.numpy()))


def test_cosine_schedule_sets_each_epochs_rate_and_resumes_on_it(tmp_path):
    data = regression_data()
    settings = config(epochs=5, learning_rate=0.1, learning_rate_schedule="cosine")
    expected = [0.1 * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * epoch / 4))) for epoch in range(5)]
    straight_rates = RecordLearningRate()
    straight, straight_history = fit(build_mlp, data, data, tmp_path / "b", settings, "mse",
                                     callbacks=[straight_rates])
    np.testing.assert_allclose(straight_rates.rates, expected, rtol=1e-6)
    assert straight_rates.rates[0] == pytest.approx(0.1) and straight_rates.rates[-1] == pytest.approx(0.005)
    np.testing.assert_allclose(straight_history["learning_rate"], expected, rtol=1e-6)

    with pytest.raises(Interrupted):
        fit(build_mlp, data, data, tmp_path / "a", settings, "mse", callbacks=[InterruptAfterEpoch(2)])
    resumed_rates = RecordLearningRate()
    resumed, history = fit(build_mlp, data, data, tmp_path / "a", dataclasses.replace(settings, resume=True), "mse",
                           callbacks=[resumed_rates])
    np.testing.assert_allclose(resumed_rates.rates, expected[2:], rtol=1e-6)
    np.testing.assert_allclose(history["loss"], straight_history["loss"], rtol=1e-5)
    for got, want in zip(resumed.get_weights(), straight.get_weights(), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_constant_schedule_keeps_the_rate():
    settings = config(epochs=3, learning_rate=0.02)
    from seqkit.training.config import learning_rate_at

    assert [learning_rate_at(settings, epoch) for epoch in range(3)] == [0.02] * 3
    with pytest.raises(ValueError, match="`learning_rate_schedule` must be one of 'constant', 'cosine'"):
        config(learning_rate_schedule="linear")
