import json

import pytest

from seqkit.presets import resolve_preset
from seqkit.training.config import TrainingConfig, epochs_for_min_steps


def test_defaults_turn_clipping_on_and_extras_off():
    config = TrainingConfig()
    assert config.clipnorm == 1.0
    assert config.optimizer == "adam"
    assert config.precision == "float32"
    assert config.strategy == "auto"
    assert config.monitor == "val_loss"
    assert config.early_stopping_patience is None
    assert config.jit_compile is False and config.resume is False
    assert config.weight_averaging is None
    assert config.checkpoint_every is None  # states at the end of epochs only
    assert config.min_steps is None  # the epochs asked for are the epochs trained


def test_json_round_trip():
    config = TrainingConfig(
        epochs=3,
        min_steps=40,
        batch_size=4,
        learning_rate=0.5,
        optimizer="sgd",
        clipnorm=None,
        precision="mixed",
        strategy="mirrored",
        early_stopping_patience=2,
        monitor="val_accuracy",
        seed=7,
        resume=True,
        checkpoint_every=50,
        verbose=0,
        weight_averaging=0.99,
    )
    restored = TrainingConfig.from_dict(json.loads(json.dumps(config.to_dict())))
    assert restored == config


def test_from_dict_fills_defaults_and_rejects_unknown_keys():
    assert TrainingConfig.from_dict({"epochs": 2}) == TrainingConfig(epochs=2)
    with pytest.raises(ValueError, match=r"Unknown `TrainingConfig` keys: \['epoch'\]"):
        TrainingConfig.from_dict({"epoch": 2})


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"epochs": 0}, "`epochs` must be a positive integer. Received: epochs=0"),
        ({"epochs": 2.0}, "`epochs` must be a positive integer. Received: epochs=2.0"),
        ({"batch_size": True}, "`batch_size` must be a positive integer."),
        ({"learning_rate": 0}, "`learning_rate` must be a positive number."),
        ({"learning_rate": float("nan")}, "`learning_rate` must be a positive number."),
        ({"optimizer": "adamm"}, "`optimizer` must be one of 'adadelta', "),
        ({"clipnorm": -1.0}, "`clipnorm` must be a positive number or None."),
        (
            {"jit_compile": 1},
            "`jit_compile` must be True or False. Received: jit_compile=1",
        ),
        ({"run_eagerly": "no"}, "`run_eagerly` must be True or False. Received: run_eagerly='no'"),
        (
            {"run_eagerly": True, "jit_compile": True},
            "`jit_compile` and `run_eagerly` cannot both be True (XLA compiles a traced step). "
            "Received: jit_compile=True, run_eagerly=True",
        ),
        ({"precision": "float16"}, "`precision` must be one of 'float32', 'mixed'."),
        ({"strategy": "tpu"}, "`strategy` must be one of 'auto', 'default',"),
        ({"early_stopping_patience": -1}, "`early_stopping_patience` must be None"),
        ({"monitor": ""}, "`monitor` must be a non-empty string."),
        ({"seed": -3}, "`seed` must be None or a non-negative integer."),
        ({"resume": "yes"}, "`resume` must be True or False."),
        ({"min_steps": 0}, "`min_steps` must be None or a positive integer. Received: min_steps=0"),
        ({"min_steps": 10.0}, "`min_steps` must be None or a positive integer. Received: min_steps=10.0"),
        ({"checkpoint_every": 0}, "`checkpoint_every` must be None or a positive integer. Received: checkpoint_every=0"),
        ({"checkpoint_every": 2.5}, "`checkpoint_every` must be None or a positive integer."),
        ({"verbose": 3}, "`verbose` must be 0, 1 or 2. Received: verbose=3"),
        ({"weight_averaging": 1.0}, "`weight_averaging` must be None or a number between 0 and 1 (exclusive). "),
        ({"weight_averaging": 0}, "`weight_averaging` must be None or a number between 0 and 1"),
    ],
)
def test_bad_values_are_named_with_the_received_value(kwargs, message):
    with pytest.raises(ValueError) as info:
        TrainingConfig(**kwargs)
    assert str(info.value).startswith(message)


def test_every_optimizer_name_is_one_keras_knows():
    import keras

    from seqkit.training.config import OPTIMIZERS

    for name in OPTIMIZERS:
        optimizer = keras.optimizers.get({"class_name": name, "config": {"learning_rate": 0.1, "clipnorm": 1.0}})
        assert optimizer.clipnorm == 1.0


def test_min_steps_raises_the_epochs_of_small_data_only():
    config = TrainingConfig(epochs=30, min_steps=300)
    # 25 clips in batches of 16 (2 an epoch); 7 batches; 150 batches (FSDD): already 4,500 steps.
    assert [epochs_for_min_steps(config, batches) for batches in (2, 7, 150, 10)] == [150, 43, 30, 30]
    assert epochs_for_min_steps(TrainingConfig(epochs=30), 1) == 30
    with pytest.raises(ValueError, match="`batches_per_epoch` must be a positive integer. Received: batches_per_epoch=0"):
        epochs_for_min_steps(config, 0)


def test_explicit_epochs_turn_the_presets_min_steps_off():
    presets = {"default": {"training": {"epochs": 30, "min_steps": 300, "batch_size": 16}}}
    assert resolve_preset(presets, "default")[2]["min_steps"] == 300
    assert resolve_preset(presets, "default", training_overrides={"epochs": None})[2]["min_steps"] == 300
    assert "min_steps" not in resolve_preset(presets, "default", training_overrides={"epochs": 5})[2]
    both = resolve_preset(presets, "default", training_overrides={"epochs": 5, "min_steps": 20})[2]
    assert (both["epochs"], both["min_steps"]) == (5, 20)
