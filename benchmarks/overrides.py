"""`--set section.key=value` for the quality benchmarks: change a default without editing the preset.

A benchmark that trains with an app's defaults takes `--set` repeatedly; each `section.key=value` replaces one
builder argument (`model.units=128`) or one `TrainingConfig` field (`training.early_stopping_patience=8`) of
the preset, so every variant a note quotes can be rerun from the command line. A value is read as JSON
(numbers, `true`/`false`, `null`, lists) and otherwise kept as a string; nothing is evaluated.

>>> parse_overrides(["model.units=128", "training.learning_rate_schedule=cosine", "training.monitor=val_loss"])
({'units': 128}, {'learning_rate_schedule': 'cosine', 'monitor': 'val_loss'})
>>> parse_overrides([])
({}, {})
>>> parse_overrides(["units=128"])
Traceback (most recent call last):
...
ValueError: `--set` must be section.key=value with section model or training. Received: units=128
"""

import json

SECTIONS = ("model", "training")


def parse_overrides(pairs):
    """`(model_overrides, training_overrides)` from `["section.key=value", ...]`."""
    overrides = {section: {} for section in SECTIONS}
    for pair in pairs:
        name, separator, text = pair.partition("=")
        section, dot, key = name.partition(".")
        if not separator or not dot or section not in SECTIONS or not key:
            raise ValueError(
                f"`--set` must be section.key=value with section {' or '.join(SECTIONS)}. Received: {pair}"
            )
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            value = text
        overrides[section][key] = value
    return overrides["model"], overrides["training"]


def add_overrides_argument(parser):
    """Add `--set section.key=value` (repeatable) to an `argparse` parser."""
    parser.add_argument(
        "--set", dest="overrides", action="append", default=[], metavar="SECTION.KEY=VALUE",
        help="replace a preset value, e.g. --set training.early_stopping_patience=8 --set model.units=128",
    )
