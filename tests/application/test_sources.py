import inspect

import numpy as np
import pytest

from seqkit.application import Application, EmbeddedData, Option, Skipped, Split
from seqkit.application.sources import resolve_sources
from seqkit.errors import UserInputError

EXAMPLES = {
    "train.txt": [f"t{i}" for i in range(50)],
    "valid.txt": ["v0", "v1", "v2"],
    "builtin-train": ["b0", "b1", "b2", "b3"],
    "builtin-valid": ["bv"],
    "with-bad.txt": ["a", Skipped("with-bad.txt", 2, "empty line"), "b", "c", Skipped("with-bad.txt", 5, "bad tag")]
    + [f"x{i}" for i in range(17)],
    "three.txt": ["a", "b", "c"],
    "one.txt": ["a"],
}


class Fake(Application):
    """An app whose `read` yields from `EXAMPLES`, and records each read."""

    name = "fake"
    example_unit = "word"
    presets = {
        "default": {"model": {"units": 8, "cell": "gru"}, "data": {"level": "char"}, "training": {"epochs": 3}},
        "big": {"model": {"units": 64}, "data": {}, "training": {}},
    }
    options = {
        "units": Option(None, "units of the recurrent layer.", kind="model"),
        "level": Option(None, "`char` or `word`.", kind="data"),
        "column": Option("text", "the column to read."),
    }
    embedded = EmbeddedData("builtin-train", "builtin-valid", name="the builtin words")
    datasets = {"beta": {}, "alpha": {}}

    def __init__(self, rule=None):
        self.rule = rule
        self.reads = []

    def read(self, source, settings, **options):
        self.reads.append((source, options))
        yield from EXAMPLES[source]

    def held_out(self, settings):
        return self.rule


def _settings(app):
    return app.settings("default", {}, {}, {})


# === Split ===


def test_split_counts_skipped_items_of_each_pass_anew():
    split = Split("train", "with-bad.txt", "with-bad.txt", lambda: iter(EXAMPLES["with-bad.txt"]))
    assert split.skipped == 0
    for _ in range(2):
        assert list(split)[:3] == ["a", "b", "c"]
        assert split.skipped == 2
        assert split.problems == ["with-bad.txt:2: empty line", "with-bad.txt:5: bad tag"]
    split.note_skipped(Skipped("with-bad.txt", None, "not encodable"))
    assert split.skipped == 3 and split.problems[-1] == "with-bad.txt: not encodable"


def test_split_keeps_at_most_five_problems_but_counts_all():
    items = [Skipped("f.txt", line, "bad") for line in range(1, 9)] + ["ok"]
    split = Split("train", "f.txt", "f.txt", lambda: iter(items))
    assert list(split) == ["ok"]
    assert split.skipped == 8
    assert split.problems == [f"f.txt:{line}: bad" for line in range(1, 6)]


def test_a_held_out_split_does_not_count_the_shared_files_skipped_items():
    items = ["a", Skipped("f.txt", 2, "bad"), "b", "c", Skipped("f.txt", 5, "bad")]
    mask = np.array([False, True, False])  # one flag per example, Skipped items not counted
    train = Split("train", "f.txt", "f.txt", lambda: iter(items), keep=(mask, False))
    held_out = Split("valid", "f.txt", "10% of f.txt", lambda: iter(items), keep=(mask, True))
    assert list(train) == ["a", "c"] and train.skipped == 2
    assert list(held_out) == ["b"] and held_out.skipped == 0 and held_out.problems == []


# === resolve_sources ===


def test_data_and_valid_are_read_as_given_and_only_when_iterated():
    app = Fake()
    train, valid, description = resolve_sources(app, _settings(app), data="train.txt", valid="valid.txt")
    assert app.reads == []  # nothing is read until a pass needs it
    assert (train.name, train.source, train.description) == ("train", "train.txt", "train.txt")
    assert (valid.name, valid.source, valid.description) == ("valid", "valid.txt", "valid.txt")
    assert list(train) == EXAMPLES["train.txt"] and list(valid) == EXAMPLES["valid.txt"]
    assert list(train) == EXAMPLES["train.txt"]  # read again, not consumed
    assert app.reads == [("train.txt", {}), ("valid.txt", {}), ("train.txt", {})]
    assert description == {"train": "train.txt", "valid": "valid.txt"}


def test_the_embedded_data_is_the_default():
    app = Fake()
    train, valid, description = resolve_sources(app, _settings(app))
    assert list(train) == EXAMPLES["builtin-train"] and list(valid) == EXAMPLES["builtin-valid"]
    assert train.description == "the builtin words"
    assert description == {"train": "the builtin words", "valid": "builtin-valid"}
    # --valid replaces the embedded validation data.
    _, valid, description = resolve_sources(app, _settings(app), valid="valid.txt")
    assert list(valid) == EXAMPLES["valid.txt"] and description["valid"] == "valid.txt"


def test_embedded_data_without_validation_holds_out_a_tenth():
    app = Fake()
    app.embedded = EmbeddedData("builtin-train", name="the builtin words")
    train, valid, description = resolve_sources(app, _settings(app), seed=0)
    assert description == {"train": "the builtin words", "valid": "10% of the builtin words"}
    assert len(list(valid)) == 1 and sorted(list(train) + list(valid)) == EXAMPLES["builtin-train"]


def test_an_app_without_embedded_data_asks_for_data():
    app = Fake()
    app.embedded = None
    with pytest.raises(UserInputError, match=r"`seqkit fake` has no embedded data: give --data"):
        resolve_sources(app, _settings(app))


def _hold_out(app, source="train.txt", seed=0):
    train, valid, description = resolve_sources(app, _settings(app), data=source, seed=seed)
    return list(train), list(valid), description, (train, valid)


def test_without_valid_a_seeded_tenth_is_held_out():
    app = Fake()
    kept, held, description, _ = _hold_out(app, seed=3)
    everything = EXAMPLES["train.txt"]
    assert len(held) == 5 and len(kept) == 45
    assert not set(kept) & set(held) and sorted(kept + held) == sorted(everything)
    # Both keep the file's order.
    assert kept == [e for e in everything if e in kept] and held == [e for e in everything if e in held]
    assert description == {"train": "train.txt", "valid": "10% of train.txt"}
    assert _hold_out(Fake(), seed=3)[:2] == (kept, held)
    assert any(_hold_out(Fake(), seed=seed)[1] != held for seed in (0, 1, 2, 4))


def test_the_hold_out_skips_bad_items_and_leaves_their_count_to_training():
    kept, held, _, (train, valid) = _hold_out(Fake(), source="with-bad.txt", seed=1)
    good = [e for e in EXAMPLES["with-bad.txt"] if not isinstance(e, Skipped)]
    assert len(held) == 2 and sorted(kept + held) == sorted(good)
    assert train.skipped == 2 and valid.skipped == 0


def test_at_least_one_example_is_held_out_and_two_are_needed():
    kept, held, _, _ = _hold_out(Fake(), source="three.txt")
    assert len(held) == 1 and len(kept) == 2
    with pytest.raises(UserInputError, match=r"one.txt: need at least 2 words to hold out validation data"):
        resolve_sources(Fake(), _settings(Fake()), data="one.txt")


def test_an_app_rule_chooses_the_held_out_examples():
    app = Fake(rule=lambda example: example.endswith("7"))
    kept, held, description, _ = _hold_out(app)
    assert held == ["t7", "t17", "t27", "t37", "t47"]
    assert kept == [e for e in EXAMPLES["train.txt"] if e not in held]
    assert description["valid"] == "10% of train.txt"
    # A rule that would hold out everything leaves every example to training.
    kept, held, _, _ = _hold_out(Fake(rule=lambda example: True))
    assert kept == EXAMPLES["train.txt"] and held == []


def test_data_and_dataset_together_are_a_user_error():
    app = Fake()
    with pytest.raises(UserInputError, match="give --data or --dataset, not both"):
        resolve_sources(app, _settings(app), data="train.txt", dataset="alpha")


def test_an_unknown_dataset_names_the_known_ones():
    app = Fake()
    with pytest.raises(UserInputError, match=r"unknown dataset 'gamma' for `seqkit fake`; known datasets: alpha, beta$"):
        resolve_sources(app, _settings(app), dataset="gamma")
    app.datasets = {}
    with pytest.raises(UserInputError, match="known datasets: none"):
        resolve_sources(app, _settings(app), dataset="gamma")


def test_a_dataset_gives_its_files_and_read_options():
    class WithDataset(Fake):
        def dataset_sources(self, name, settings):
            return {"train": "train.txt", "valid": "valid.txt", "test": "test.txt", "options": {"lower": True}}

    app = WithDataset()
    train, valid, description = resolve_sources(app, _settings(app), dataset="alpha")
    assert list(train) == EXAMPLES["train.txt"] and list(valid) == EXAMPLES["valid.txt"]
    assert app.reads == [("train.txt", {"lower": True}), ("valid.txt", {"lower": True})]
    assert description == {"dataset": "alpha", "test": "test.txt", "train": "train.txt", "valid": "valid.txt"}
    # A user's --valid is read without the dataset's options.
    _, valid, _ = resolve_sources(app, _settings(app), dataset="alpha", valid="builtin-valid")
    assert list(valid) == ["bv"] and app.reads[-1] == ("builtin-valid", {})


# === Application.settings ===


def test_settings_refuse_unknown_options():
    with pytest.raises(TypeError, match=r"`fit` of 'fake' got unknown options \['colour'\]"):
        Fake().settings("default", {}, {}, {"colour": "red"})
    with pytest.raises(UserInputError, match="unknown preset 'huge'"):
        Fake().settings("huge", {}, {}, {})


def test_settings_put_each_kind_of_option_in_its_place():
    settings = Fake().settings(
        "default", {"dropout": 0.1}, {"batch_size": 4}, {"units": 16, "level": "word", "column": "body"}
    )
    assert settings.preset == "default"
    assert settings.model == {"units": 16, "cell": "gru", "dropout": 0.1}
    assert settings.data == {"level": "word"}
    assert settings.training == {"epochs": 3, "batch_size": 4}
    assert settings.options == {"column": "body"}


def test_only_given_values_override_the_preset():
    settings = Fake().settings("default", {"cell": None}, {"epochs": None}, {"units": None, "level": None})
    assert settings.model == {"units": 8, "cell": "gru"}
    assert settings.data == {"level": "char"}
    assert settings.training == {"epochs": 3}
    assert settings.options == {"column": "text"}  # a read option's own default
    assert Fake().settings("big", None, None, {}).model == {"units": 64}
    assert Fake().settings("default", {}, {"patience": 2}, {}).training == {"epochs": 3, "early_stopping_patience": 2}


def test_model_overrides_are_kept_when_the_option_of_the_same_name_is_not_given():
    assert Fake().settings("default", {"units": 32}, {}, {}).model["units"] == 32
    from seqkit.apps.ner.application import APPLICATION

    assert APPLICATION.settings("tiny", {"head": "softmax"}, {}, {}).model["head"] == "softmax"


# === api_fit ===

SHARED = ["data", "valid", "dataset", "out", "preset", "model_overrides", "training_overrides", "overwrite"]


def test_api_fit_has_a_signature_of_shared_and_app_options():
    fit = Fake().api_fit()
    parameters = inspect.signature(fit).parameters
    assert list(parameters) == SHARED + ["units", "level", "column"]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters.values())
    defaults = {name: p.default for name, p in parameters.items()}
    assert defaults == {**dict.fromkeys(SHARED), "out": "runs/fake", "preset": "default", "overwrite": False,
                        "units": None, "level": None, "column": "text"}
    assert fit.__name__ == "fit"
    assert inspect.signature(Fake().api_fit(out_default="elsewhere")).parameters["out"].default == "elsewhere"


def test_api_fit_docstring_lists_the_apps_options():
    doc = Fake().api_fit(doc="Train a fake model.").__doc__
    lines = doc.splitlines()
    assert lines[0] == "Train a fake model." and "Args:" in lines
    for line in ["    units: units of the recurrent layer.", "    level: `char` or `word`.", "    column: the column to read."]:
        assert line in lines
    for name in SHARED:
        assert any(line.startswith(f"    {name}: ") for line in lines)
    assert Fake().api_fit().__doc__.splitlines()[0].startswith("Train a `seqkit fake` model")


def test_api_fit_runs_the_recipe_with_the_app(monkeypatch):
    from seqkit.application import recipe

    calls = []
    monkeypatch.setattr(recipe, "fit", lambda app, **kwargs: calls.append((app, kwargs)) or "result")
    app = Fake()
    assert app.api_fit()(data="train.txt", units=4) == "result"
    assert calls == [(app, {"data": "train.txt", "units": 4})]


def test_the_ner_api_fit_lists_its_options():
    from seqkit.apps import ner
    from seqkit.apps.ner.application import APPLICATION

    parameters = inspect.signature(ner.fit).parameters
    assert list(parameters) == SHARED + list(APPLICATION.options)
    assert parameters["tag_scheme"].default == "auto" and parameters["out"].default == "runs/ner"
    assert "    tag_scheme: " in ner.fit.__doc__
