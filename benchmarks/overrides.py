"""`--set section.key=value` for the quality benchmarks: change a default without editing the preset.

A benchmark that trains with an app's defaults takes `--set` repeatedly; each `section.key=value` replaces one
builder argument (`model.units=128`) or one `TrainingConfig` field (`training.early_stopping_patience=8`) of
the preset, and a plain `key=value` passes one option of the app's `fit` (`word_dropout=0.5`), so every
variant a note quotes can be rerun from the command line. A value is read as JSON (numbers, `true`/`false`,
`null`, lists) and otherwise kept as a string; nothing is evaluated.

>>> parse_overrides(["model.units=128", "training.learning_rate_schedule=cosine", "word_dropout=0.5"])
({'units': 128}, {'learning_rate_schedule': 'cosine'}, {'word_dropout': 0.5})
>>> parse_overrides([])
({}, {}, {})
>>> parse_overrides(["units"])
Traceback (most recent call last):
...
ValueError: `--set` must be key=value or section.key=value with section model or training. Received: units
"""

import json

SECTIONS = ("model", "training")


def parse_overrides(pairs):
    """`(model_overrides, training_overrides, fit_options)` from `["section.key=value", "key=value", ...]`."""
    overrides = {section: {} for section in (*SECTIONS, None)}
    for pair in pairs:
        name, separator, text = pair.partition("=")
        section, dot, key = name.partition(".") if "." in name else (None, "", name)
        if not separator or not key or (dot and section not in SECTIONS):
            raise ValueError(
                f"`--set` must be key=value or section.key=value with section {' or '.join(SECTIONS)}. "
                f"Received: {pair}"
            )
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            value = text
        overrides[section][key] = value
    return overrides["model"], overrides["training"], overrides[None]


def add_overrides_argument(parser):
    """Add `--set section.key=value` (repeatable) to an `argparse` parser."""
    parser.add_argument(
        "--set", dest="overrides", action="append", default=[], metavar="SECTION.KEY=VALUE",
        help="replace a preset value or pass a fit option, e.g. --set training.early_stopping_patience=8 "
             "--set model.units=128 --set word_dropout=0.5",
    )
