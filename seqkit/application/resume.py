"""What `fit --resume` may change: a resumed run keeps the model, the data and the encoding of the run in `--out`.

A resumed run is compared with its `config.json` and refused (`UserInputError`, exit 2) when it was asked for
another preset, other model settings (the builder's arguments: `units`, `cell`, `num_layers`, the embedding
width of `--embeddings`, ...), other data settings or reading options (vocabulary sizes, tokenizer, columns,
labels, `--embeddings`), other training data (`--data`, `--valid`, `--dataset`), or other values of the training
settings that decide the rest of the run (`MUST_MATCH_TRAINING`: batch size, learning rate, optimizer,
clipping, precision, seed, weight averaging, monitored quantity). The message lists each setting that differs
with the run's value and the given one.

What may change on resume: `epochs` (train further), early-stopping patience, `verbose`/`--quiet`, XLA
(`jit_compile`), eager steps (`run_eagerly`), the distribution strategy, how often checkpoints are written, and
the app options listed in `Application.resume_may_change` (by default `skip_bad_rows` and `feature_cache`).

Runs written before the settings were recorded in `config.json` (no `"settings"` entry) are compared on what
they record: the preset, the builder's arguments, the training settings and the data.

Example:

>>> differences = []
>>> _compare(differences, "units", 64, 50)
>>> _compare(differences, "cell", "gru", "gru")
>>> differences
['units (run 64, given 50)']
"""

import json
import os

from seqkit.errors import UserInputError
from seqkit.export.run_directory import CorruptRunError

MUST_MATCH_TRAINING = (
    "batch_size",
    "learning_rate",
    "optimizer",
    "clipnorm",
    "precision",
    "seed",
    "weight_averaging",
    "monitor",
    "learning_rate_schedule",
)


def settings_record(settings):
    """`config.json`'s `settings`: the resolved model and data settings and the app's reading options."""
    return _plain({"model": settings.model, "data": settings.data, "options": settings.options})


def check_resume_settings(app, run_config, *, settings, training, sources):
    """Raise `UserInputError` listing the settings of a resumed fit that differ from its run's `config.json`.

    Args:
        app: the `Application` (its `resume_may_change`).
        run_config: the run's `config.json` (a `RunConfig`: a missing `preset`, `training` or `data` raises
            `CorruptRunError`).
        settings: the resumed fit's `Settings`.
        training: its `TrainingConfig`.
        sources: its data description (`resolve_sources`), compared with the run's `data`.
    """
    differences = []
    _compare(differences, "preset", run_config["preset"], settings.preset)
    recorded = run_config.get("settings")
    if isinstance(recorded, dict):
        given = settings_record(settings)
        for section in ("model", "data", "options"):
            before, now = recorded.get(section) or {}, given[section]
            for key in sorted(set(before) | set(now)):
                if key not in app.resume_may_change:
                    _compare(differences, key, before.get(key), now.get(key))
    before, now = _section(run_config, "training"), _plain(training.to_dict())
    for key in MUST_MATCH_TRAINING:
        if key in before and key in now:
            _compare(differences, key, before[key], now[key])
    data = _section(run_config, "data")
    for key, name in (("dataset", "dataset"), ("train", "data"), ("valid", "valid")):
        if key in data or key in sources:
            _compare(differences, name, data.get(key), sources.get(key), source=True)
    _refuse(differences, run_config)


def check_resume_builder(run_config, builder_arguments):
    """Raise `UserInputError` when the resumed model's builder arguments differ from the run's `builder`."""
    before = _section(run_config, "builder")
    now = _plain(builder_arguments)
    differences = []
    for key in sorted(set(before) | set(now)):
        _compare(differences, key, before.get(key), now.get(key))
    _refuse(differences, run_config)


def _section(run_config, key):
    value = run_config[key]
    if not isinstance(value, dict):
        raise CorruptRunError(f"'{key}' must be a JSON object", path=getattr(run_config, "_path", None))
    return value


def _refuse(differences, run_config):
    if differences:
        raise UserInputError(
            f"--resume with settings that differ from this run's: {', '.join(differences)}; give the run's "
            "values, or pass --overwrite to start a new run",
            path=getattr(run_config, "_path", None),
        )


def _compare(differences, name, before, now, source=False):
    before, now = _plain(before), _plain(now)
    if before == now or _same_path(before, now, source):
        return
    differences.append(f"{name} (run {_short(before)}, given {_short(now)})")


def _same_path(before, now, source):
    """Whether two strings name the same file (`./a.txt` and `a.txt`; "10% of" descriptions of the same)."""
    if not (isinstance(before, str) and isinstance(now, str)):
        return False
    if source:
        prefix = "% of "
        if prefix in before and prefix in now:
            head, _, before = before.partition(prefix)
            other, _, now = now.partition(prefix)
            if head != other:
                return False
    try:
        return os.path.realpath(before) == os.path.realpath(now)
    except ValueError:  # a NUL byte: not a path
        return False


def _plain(value):
    """`value` as JSON gives it back (tuples as lists, paths as strings)."""
    return json.loads(json.dumps(value, default=str))


def _short(value):
    text = repr(value)
    return text if len(text) <= 200 else text[:197] + "..."
