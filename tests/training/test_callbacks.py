import keras
import numpy as np
import pytest

from seqkit.errors import UserInputError
from seqkit.training.callbacks import ResumableEarlyStopping, StopOnNaNLoss, monitor_mode
from seqkit.training.errors import NaNLossError


@pytest.mark.parametrize(
    "monitor, mode",
    [
        ("val_loss", "min"),
        ("loss", "min"),
        ("val_wer", "min"),
        ("val_perplexity", "min"),
        ("val_accuracy", "max"),
        ("val_entity_f1", "max"),
        ("bleu", "max"),
        ("val_something", "auto"),
    ],
)
def test_monitor_mode_from_name(monitor, mode):
    assert monitor_mode(monitor) == mode


def test_stop_on_nan_names_epoch_batch_and_checkpoint():
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    x = np.array([[1.0], [2.0], [np.inf]], dtype="float32")
    with pytest.raises(NaNLossError) as info:
        model.fit(
            x,
            x,
            batch_size=1,
            shuffle=False,
            verbose=0,
            callbacks=[StopOnNaNLoss(lambda: "run/checkpoints/epoch_0007.weights.h5")],
        )
    assert (info.value.epoch, info.value.batch) == (1, 3)
    assert str(info.value) == (
        "Loss became NaN or infinite at epoch 1, batch 3; training stopped. "
        "The last good checkpoint is kept: run/checkpoints/epoch_0007.weights.h5"
    )


def test_nan_error_without_checkpoint_says_so():
    assert "there is no checkpoint" in str(NaNLossError(1, 1, None))


def _linear_model():
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(keras.optimizers.Adam(), "mse")
    model.optimizer.build(model.trainable_variables)
    return model


def _weights_of_epoch(epoch):
    """Distinct weights per 1-based epoch."""
    return [np.full((1, 1), float(epoch), "float32"), np.full((1,), -float(epoch), "float32")]


def _write_run(run, values, monitor="val_x"):
    """A history.csv (1-based epochs) with `values` of `monitor` (None: "NA") and the checkpoint of every epoch."""
    model = _linear_model()
    lines = [f"epoch,loss,{monitor}"]
    for epoch, value in enumerate(values):
        lines.append(f"{epoch + 1},1.0,{'NA' if value is None else repr(value)}")
        model.set_weights(_weights_of_epoch(epoch + 1))
        model.save_weights(run / f"epoch_{epoch + 1}.weights.h5")
    (run / "history.csv").write_text("\n".join(lines) + "\n")
    return run / "history.csv", lambda epoch: run / f"epoch_{epoch}.weights.h5"


@pytest.mark.parametrize(
    "values, settings",
    [
        ([0.5, 0.4, 0.45, 0.6], {"mode": "min", "patience": 3}),  # best at 2, wait 2
        ([0.5, 0.6, 0.7, 0.8], {"mode": "min", "patience": 3}),  # stopped at the last epoch
        ([0.5, 0.6, 0.7, 0.8, 0.9], {"mode": "min", "patience": 2}),  # would have stopped at epoch 3
        ([0.1, 0.3, 0.2, 0.25], {"mode": "max", "patience": 5}),
        ([0.5, 0.45, 0.42, 0.3], {"mode": "min", "patience": 3, "min_delta": 0.1}),  # only 0.3 improves enough
        ([0.5, 0.4, 0.3], {"mode": "min", "patience": 5, "baseline": 0.35}),  # wait resets only below the baseline
        ([0.1, 0.9, 0.5, 0.6], {"mode": "min", "patience": 3, "start_from_epoch": 1}),
        ([None, 0.5, None, 0.7], {"mode": "min", "patience": 3}),  # epochs without the quantity do not count
    ],
)
@pytest.mark.filterwarnings("ignore:Early stopping conditioned on metric")  # Keras's, for the epochs without it
def test_resumed_early_stopping_holds_the_state_of_keras_after_the_same_epochs(tmp_path, values, settings):
    history_path, checkpoint_for_epoch = _write_run(tmp_path, values)

    # Keras's own EarlyStopping, run over the same epochs with each epoch's weights in the model.
    reference_model = _linear_model()
    reference = keras.callbacks.EarlyStopping(monitor="val_x", restore_best_weights=True, **settings)
    reference.set_model(reference_model)
    reference.on_train_begin()
    for epoch, value in enumerate(values):
        reference_model.set_weights(_weights_of_epoch(epoch + 1))
        reference.on_epoch_end(epoch, {"loss": 1.0} if value is None else {"loss": 1.0, "val_x": value})
        if reference_model.stop_training:
            break

    model = _linear_model()
    model.set_weights(_weights_of_epoch(7))
    for variable in model.optimizer.variables:
        variable.assign(keras.ops.full(variable.shape, 3.0, variable.dtype))
    resumed = ResumableEarlyStopping(
        monitor="val_x",
        restore_best_weights=True,
        history_path=history_path,
        checkpoint_for_epoch=checkpoint_for_epoch,
        **settings,
    )
    resumed.set_model(model)
    resumed.on_train_begin()

    assert (resumed.best, resumed.best_epoch, resumed.wait, resumed.stopped_epoch) == (
        reference.best,
        reference.best_epoch,
        reference.wait,
        reference.stopped_epoch,
    )
    for got, want in zip(resumed.best_weights, reference.best_weights):
        np.testing.assert_array_equal(got, want)
    # Reading the checkpoint left the model and its optimizer as they were.
    for got, want in zip(model.get_weights(), _weights_of_epoch(7)):
        np.testing.assert_array_equal(got, want)
    for variable in model.optimizer.variables:
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(variable.value), 3.0)


def test_resumed_early_stopping_without_history_starts_fresh(tmp_path):
    resumed = ResumableEarlyStopping(
        patience=2, restore_best_weights=True, history_path=tmp_path / "history.csv", checkpoint_for_epoch=str
    )
    resumed.set_model(_linear_model())
    resumed.on_train_begin()
    assert (resumed.best, resumed.wait, resumed.stopped_epoch, resumed.best_weights) == (None, 0, 0, None)


def test_resumed_early_stopping_errors(tmp_path):
    with pytest.raises(
        ValueError, match="`checkpoint_for_epoch` must be a function.*Received: checkpoint_for_epoch=None"
    ):
        ResumableEarlyStopping(restore_best_weights=True, history_path=tmp_path / "history.csv")
    history_path, checkpoint_for_epoch = _write_run(tmp_path, [0.5, 0.4, 0.6], monitor="val_loss")
    checkpoint_for_epoch(2).unlink()
    resumed = ResumableEarlyStopping(
        patience=3, restore_best_weights=True, history_path=history_path, checkpoint_for_epoch=checkpoint_for_epoch
    )
    resumed.set_model(_linear_model())
    with pytest.raises(UserInputError, match="epoch_2.weights.h5: the weights of the best epoch are missing"):
        resumed.on_train_begin()
    # Truncated (as a kill while writing in place would leave it) rather than missing.
    data = checkpoint_for_epoch(1).read_bytes()
    checkpoint_for_epoch(2).write_bytes(data[: len(data) // 2])
    with pytest.raises(UserInputError, match=r"epoch_2.weights.h5: the weights of the best epoch are damaged \("):
        resumed.on_train_begin()


def test_stop_on_nan_numbers_batches_within_an_epoch_resumed_in_its_middle():
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    x = np.array([[1.0], [np.inf]], dtype="float32")
    stop = StopOnNaNLoss(lambda: None, resumed_batches=5)  # batches 1-5 of epoch 1 were trained before
    with pytest.raises(NaNLossError) as info:
        model.fit(x, x, batch_size=1, shuffle=False, verbose=0, epochs=2, callbacks=[stop])
    assert (info.value.epoch, info.value.batch) == (1, 7)
