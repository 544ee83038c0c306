"""Named presets of an application: plain dicts of builder, data and training arguments.

A preset is `{"model": {...}, "data": {...}, "training": {...}}`. Explicit options (from the CLI or the Python
API) replace the preset's values; `None` means "not given".

Example:

>>> presets = {"default": {"model": {"units": 64}, "data": {}, "training": {"epochs": 5}}}
>>> resolve_preset(presets, "default", model_overrides={"units": 8}, training_overrides={"patience": 2})
({'units': 8}, {}, {'epochs': 5, 'early_stopping_patience': 2})
"""

import dataclasses

from seqkit.errors import UserInputError

TINY_BIDIRECTIONAL_GRU = {
    "embedding_dim": 16, "cell": "gru", "units": 16, "num_layers": 1, "bidirectional": True, "dropout": 0.0
}
"""Builder settings of the small, fast models that the apps' `tiny` presets (smoke runs and tests) share."""


def resolve_preset(presets, name, model_overrides=None, training_overrides=None, data_overrides=None):
    """Merge preset `name` with explicit overrides; returns `(model, data, training)` dicts.

    An explicit `epochs` drops the preset's `min_steps` (unless that is given too).

    Example:

    >>> presets = {"default": {"training": {"epochs": 30, "min_steps": 300}}}
    >>> resolve_preset(presets, "default")[2], resolve_preset(presets, "default", training_overrides={"epochs": 5})[2]
    ({'epochs': 30, 'min_steps': 300}, {'epochs': 5})
    """
    if name not in presets:
        raise UserInputError(f"unknown preset {name!r}; choose one of: {', '.join(sorted(presets))}")
    chosen = presets[name]

    def given(values):
        return {key: value for key, value in (values or {}).items() if value is not None}

    model = {**chosen.get("model", {}), **given(model_overrides)}
    data = {**chosen.get("data", {}), **given(data_overrides)}
    explicit_training = given(training_overrides)
    training = {**chosen.get("training", {}), **explicit_training}
    if "epochs" in explicit_training and "min_steps" not in explicit_training:
        training.pop("min_steps", None)  # the epochs asked for are the epochs trained
    if "patience" in training:
        training["early_stopping_patience"] = training.pop("patience")
    return model, data, training


def training_config(values):
    """A `seqkit.training.TrainingConfig` from a dict, ignoring keys that are not its fields."""
    from seqkit.training import TrainingConfig

    known = {field.name for field in dataclasses.fields(TrainingConfig)}
    return TrainingConfig(**{key: value for key, value in values.items() if key in known})
