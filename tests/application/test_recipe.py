import inspect
import json
import os

import pytest

from seqkit.application import FitResult, recipe
from seqkit.apps.ner.application import APPLICATION
from seqkit.errors import UserInputError

# One batch per epoch: the train step is traced once.
QUICK = {"epochs": 1, "seed": 0, "verbose": 0, "batch_size": 32, "run_eagerly": True}
PEOPLE = ["Anna", "Tomas", "Maria", "John"]
PLACES = ["Paris", "Lima", "Oslo"]


def _write_conll(path, count):
    lines = []
    for i in range(count):
        lines += [f"{PEOPLE[i % 4]} B-PER", "visited O", f"{PLACES[i % 3]} B-LOC", ". O", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _temporary_files(folder):
    return [name for _, _, names in os.walk(folder) for name in names if ".tmp" in name]


def test_the_conll_reader_streams(tmp_path):
    path = _write_conll(tmp_path / "train.txt", 3)
    settings = APPLICATION.settings("tiny", {}, {}, {})
    sentences = APPLICATION.read(path, settings)
    assert inspect.isgenerator(sentences)
    assert [s.tags for s in sentences] == [["B-PER", "O", "B-LOC", "O"]] * 3


def test_fit_end_to_end_streams_the_files_and_cleans_up(tmp_path, monkeypatch):
    from seqkit.data import conll

    reads = []
    original = conll.iter_conll

    def recording_iter_conll(path, **kwargs):
        reads.append(str(path))
        return original(path, **kwargs)

    def no_read_conll(*args, **kwargs):
        raise AssertionError("the recipe must stream CoNLL files, not read them whole")

    monkeypatch.setattr(conll, "iter_conll", recording_iter_conll)
    monkeypatch.setattr(conll, "read_conll", no_read_conll)
    data = _write_conll(tmp_path / "train.txt", 20)
    out = tmp_path / "run"
    # `min_steps` 2 at one batch an epoch: trained for 2 epochs, not the 1 asked for (given too, it is kept).
    result = recipe.fit(APPLICATION, data=data, out=out, preset="tiny", training_overrides={**QUICK, "min_steps": 2})

    assert isinstance(result, FitResult) and result.run_dir == str(out)
    # Hold-out count, vocabulary, encoding of each split, evaluation: every pass reads the file again.
    assert len(reads) >= 4 and set(reads) == {str(data)}
    config = json.loads((out / "config.json").read_text(encoding="utf-8"))
    assert config["app"] == "ner" and config["preset"] == "tiny"
    assert config["data"]["train"] == str(data) and config["data"]["valid"] == f"10% of {data}"
    assert config["data"]["train_sentences"] + config["data"]["valid_sentences"] == 20
    assert config["data"]["valid_sentences"] == 2
    assert result.data == config["data"]
    assert (out / "model.keras").is_file()
    assert not (out / "shards").exists()
    assert _temporary_files(out) == []
    assert json.loads((out / "metrics.json").read_text(encoding="utf-8")) == result.metrics
    assert 0.0 <= result.metrics["f1"] <= 1.0
    assert result.summary().splitlines()[0] == f"Trained on {data} (18 sentences)."
    assert result.summary().splitlines()[-1] == f"Run directory: {out}"
    assert config["training"]["epochs"] == 2 and config["training"]["min_steps"] == 2
    assert (out / "history.csv").read_text(encoding="utf-8").splitlines()[1:][-1].startswith("2,")
    assert result.summary().splitlines()[-2] == (
        "Trained for up to 2 epochs, not 1: 18 training sentences make 1 batch an epoch and the preset asks for at "
        "least 2 steps (--epochs sets the number)."
    )


def test_a_user_error_in_the_validation_file_leaves_no_shard_behind(tmp_path):
    train = _write_conll(tmp_path / "train.txt", 6)
    valid = tmp_path / "valid.txt"
    valid.write_text("Anna B-PER\nvisited O\n\nRome B-GPE\n", encoding="utf-8")
    out = tmp_path / "run"
    with pytest.raises(UserInputError, match=r"valid.txt:4: tag 'B-GPE' was not seen"):
        recipe.fit(APPLICATION, data=train, valid=valid, out=out, preset="tiny", training_overrides=QUICK)
    assert not (out / "shards").exists()
    assert _temporary_files(out) == []
    assert not (out / "model.keras").exists()


def test_resume_keeps_the_runs_vocabulary_and_continues_the_history(tmp_path):
    train = _write_conll(tmp_path / "train.txt", 8)
    out = tmp_path / "run"
    recipe.fit(APPLICATION, data=train, valid=train, out=out, preset="tiny", training_overrides=QUICK)
    words = (out / "words.txt").read_text(encoding="utf-8")
    # New words in the data must not change a resumed run's vocabulary: the run's own is loaded back.
    _write_conll(train, 8)
    train.write_text(train.read_text(encoding="utf-8") + "\nZed B-PER\nslept O\n", encoding="utf-8")
    result = recipe.fit(
        APPLICATION, data=train, valid=train, out=out, preset="tiny",
        training_overrides={**QUICK, "epochs": 2, "resume": True},
    )
    assert (out / "words.txt").read_text(encoding="utf-8") == words
    history = (out / "history.csv").read_text(encoding="utf-8").splitlines()
    assert [line.split(",")[0] for line in history[1:]] == ["1", "2"]  # epochs counted from 1
    assert result.data["train_sentences"] == 9
