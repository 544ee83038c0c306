import keras
import numpy as np
import pytest

from seqkit.training.callbacks import StopOnNaNLoss, monitor_mode
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
