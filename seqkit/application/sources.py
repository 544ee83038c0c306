"""Where an application's training data comes from: files, a standard dataset, or the embedded default.

`resolve_sources` turns `fit`'s `data`/`valid`/`dataset` arguments into two `Split`s. A split is a
re-readable stream of the app's raw examples (sentences, texts, pieces): nothing is held in memory, and each
pass (vocabulary, encoding, evaluation) reads the files again. Without validation data, a tenth of the
training examples (at least one, chosen with the seed) is held out: one counting pass, then a mask of one byte
per example.

Example:

>>> split = Split("train", "words.txt", "words.txt", lambda: iter(["a", Skipped("words.txt", 2, "empty"), "b"]))
>>> list(split), split.skipped
(['a', 'b'], 1)
"""

import dataclasses

import numpy as np

from seqkit.data.splits import hold_out_indices
from seqkit.errors import UserInputError

HOLD_OUT_FRACTION = 0.1


@dataclasses.dataclass(frozen=True)
class Skipped:
    """A bad input item that a reader (or an encoder) left out, with `--skip-bad-rows`.

    Readers yield it in place of the example, so the recipe counts what each pass skipped.

    Args:
        path: the file.
        line: the 1-based line or row, or None.
        problem: what was wrong.
    """

    path: object
    line: int | None
    problem: str

    def __str__(self):
        return str(UserInputError(self.problem, path=self.path, line=self.line))


@dataclasses.dataclass(frozen=True)
class EmbeddedData:
    """An app's embedded default data: a training source and, optionally, a validation source.

    Args:
        train: what the app's `read` reads for training (a path, or a name the app knows).
        valid: the validation source, or None to hold out part of `train`.
        name: how the data is named in summaries (default: `str(train)`).
    """

    train: object
    valid: object = None
    name: str | None = None


class Split:
    """One part of the data, as a stream of an app's raw examples that can be read again.

    Args:
        name: `"train"` or `"valid"`.
        source: what is read (a path or an app's own source), named in errors.
        description: how the summary and `config.json` name it (`"valid.txt"`, `"10% of train.txt"`).
        read: a function of no arguments returning a new iterator of raw examples (and `Skipped` items).
        keep: None, or `(mask, value)`: only examples `i` with `mask[i] == value` belong to this split.
    """

    def __init__(self, name, source, description, read, keep=None):
        self.name = name
        self.source = source
        self.description = description
        self._read = read
        self._keep = keep
        self.skipped = 0
        self.problems = []

    def __iter__(self):
        """The examples of this split; the `Skipped` items of this pass are counted in `skipped`/`problems`."""
        self.skipped, self.problems = 0, []
        index = 0
        for item in self._read():
            if isinstance(item, Skipped):
                if self._keep is None or not self._keep[1]:
                    # A held-out split shares its file with the training split, which counts its bad items.
                    self.note_skipped(item)
                continue
            if self._keep is None or bool(self._keep[0][index]) == self._keep[1]:
                yield item
            index += 1

    def note_skipped(self, item):
        """Count a `Skipped` item (also used for examples the encoder leaves out)."""
        self.skipped += 1
        if len(self.problems) < 5:
            self.problems.append(str(item))


def resolve_sources(app, settings, *, data=None, valid=None, dataset=None, seed=0):
    """`(train, valid, description)`: two `Split`s and the `config.json` description of where they came from.

    Args:
        app: the `Application` (its `read`, `embedded_data`, `dataset_sources`, `held_out`).
        settings: the resolved `Settings`.
        data: training file or folder; the app's embedded default if None.
        valid: validation file or folder; held out from the training data if None.
        dataset: name of a standard dataset (instead of `data`).
        seed: seed of the hold-out split.
    """
    if data is not None and dataset is not None:
        raise UserInputError("give --data or --dataset, not both")
    description = {}
    train_options = valid_options = {}
    train_name = None
    if dataset is not None:
        found = app.dataset_sources(dataset, settings)
        data, valid = found["train"], valid if valid is not None else found.get("valid")
        train_options = found.get("options", {})
        if found.get("valid") is not None and valid == found.get("valid"):
            valid_options = train_options
        description = {"dataset": dataset, **({"test": str(found["test"])} if found.get("test") else {})}
    elif data is None:
        embedded = app.embedded_data(settings)
        data, valid = embedded.train, valid if valid is not None else embedded.valid
        train_name = embedded.name

    def reader(source, options, split):
        options = {**options, **app.split_read_options(settings, split)}
        return lambda: iter(app.read(source, settings, **options))

    train_name = train_name or str(data)
    description["train"] = train_name
    if valid is not None:
        description["valid"] = str(valid)
        train = Split("train", data, train_name, reader(data, train_options, "train"))
        return train, Split("valid", valid, str(valid), reader(valid, valid_options, "valid")), description
    # A held-out tenth is read with the training data's options.
    read = reader(data, train_options, "train")
    mask = _held_out_mask(app, settings, read, seed, data)
    description["valid"] = f"{HOLD_OUT_FRACTION:.0%} of {train_name}"
    train = Split("train", data, train_name, read, keep=(mask, False))
    held_out = Split("valid", data, description["valid"], read, keep=(mask, True))
    return train, held_out, description


def _held_out_mask(app, settings, read, seed, source):
    """One byte per example: whether it is held out (the app's own rule, else a seeded random tenth)."""
    from seqkit.progress import track

    rule = app.held_out(settings)
    examples = track(
        (item for item in read() if not isinstance(item, Skipped)), f"choosing validation data from {source}",
        unit=app.example_unit,
    )
    if rule is not None:
        mask = np.fromiter((bool(rule(example)) for example in examples), dtype=bool)
        if mask.size and mask.all():
            mask[:] = False  # too few examples for the rule to leave any for training: train on all
        return mask
    count = sum(1 for _ in examples)
    _, held_out = hold_out_indices(
        count, fraction=HOLD_OUT_FRACTION, seed=seed, path=source, what=f"{app.example_unit}s"
    )
    mask = np.zeros(count, dtype=bool)
    mask[held_out] = True
    return mask
