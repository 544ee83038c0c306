"""`fit`'s run directory: refused when it holds a run, replaced with --overwrite, left as it was by a failed fit,
and a --resume whose settings differ from the run's refused (issue 18)."""

import json
import os

import pytest
from click.testing import CliRunner

from seqkit.application.lifecycle import REPLACED_PREFIX, RunLifecycle
from seqkit.apps import ner, sentiment
from seqkit.cli.main import cli
from seqkit.errors import UserInputError
from seqkit.export.run_directory import RunDirectory

QUICK = {"epochs": 1, "seed": 0, "verbose": 0, "batch_size": 32, "run_eagerly": True}
TINY = ["--preset", "tiny", "--epochs", "1", "--seed", "0", "--batch-size", "32", "--quiet", "--run-eagerly"]
PEOPLE = ["Anna", "Tomas", "Maria", "John"]
PLACES = ["Paris", "Lima", "Oslo"]


def _write_conll(path, count, extra=""):
    lines = []
    for i in range(count):
        lines += [f"{PEOPLE[i % 4]} B-PER", "visited O", f"{PLACES[i % 3]} B-LOC", ". O", ""]
    path.write_text("\n".join(lines) + extra, encoding="utf-8")
    return path


def _snapshot(folder):
    """`{relative path: bytes}` of every file under `folder`."""
    found = {}
    for root, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(root, name)
            with open(path, "rb") as handle:
                found[os.path.relpath(path, folder)] = handle.read()
    return found


def _fit(*args):
    return CliRunner().invoke(cli, ["ner", "fit", *map(str, args)])


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return _write_conll(tmp_path_factory.mktemp("ner_data") / "train.txt", 8)


@pytest.fixture(scope="module")
def trained(corpus, tmp_path_factory):
    """A finished tiny NER run (never modified: tests copy it)."""
    out = tmp_path_factory.mktemp("runs") / "ner"
    result = _fit("--data", corpus, "--valid", corpus, "--out", out, *TINY)
    assert result.exit_code == 0, result.output
    return out


def _copy(run, tmp_path):
    import shutil

    return shutil.copytree(run, tmp_path / "run")


# === An --out that holds a run ===


def test_fit_refuses_an_out_folder_holding_a_run_without_resume_or_overwrite(trained, corpus, tmp_path):
    out = _copy(trained, tmp_path)
    before = _snapshot(out)
    result = _fit("--data", corpus, "--valid", corpus, "--out", out, *TINY)
    assert result.exit_code == 2, result.output
    assert result.output.strip() == (
        f"Error: `--out` {out} already holds a trained run; pass --resume to continue it or --overwrite to replace it"
    )
    assert _snapshot(out) == before
    # An unfinished run (config and checkpoints, no model yet) is protected too.
    (out / "model.keras").unlink()
    result = _fit("--data", corpus, "--out", out, *TINY)
    assert result.exit_code == 2 and "already holds an unfinished run" in result.output
    with pytest.raises(UserInputError, match="already holds an unfinished run"):
        ner.fit(data=corpus, out=out, preset="tiny", training_overrides=QUICK)


def test_an_empty_or_unrelated_out_folder_is_fine(tmp_path):
    RunLifecycle(RunDirectory(tmp_path / "missing" / "run")).__enter__()
    (tmp_path / "empty").mkdir()
    RunLifecycle(RunDirectory(tmp_path / "empty")).__enter__()
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(UserInputError, match="must be a folder"):
        RunLifecycle(RunDirectory(tmp_path / "notes.txt")).__enter__()
    with pytest.raises(UserInputError, match=r"exclude each other.*Received: resume=True, overwrite=True"):
        RunLifecycle(RunDirectory(tmp_path / "empty"), resume=True, overwrite=True)
    with pytest.raises(ValueError, match=r"`overwrite` must be True or False. Received: overwrite='yes'"):
        ner.fit(out=tmp_path / "empty", overwrite="yes")


def test_overwrite_replaces_the_old_run_and_keeps_none_of_its_files(trained, corpus, tmp_path):
    out = _copy(trained, tmp_path)
    (out / "stale.txt").write_text("from the old run", encoding="utf-8")
    (out / "checkpoints" / "epoch_0009.weights.h5").write_bytes(b"old")
    old_words = (out / "words.txt").read_text(encoding="utf-8")
    bigger = _write_conll(tmp_path / "bigger.txt", 8, extra="\nZed B-PER\nslept O\n")
    result = _fit("--data", bigger, "--valid", bigger, "--out", out, "--overwrite", *TINY)
    assert result.exit_code == 0, result.output
    names = set(_snapshot(out))
    assert "stale.txt" not in names and "checkpoints/epoch_0009.weights.h5" not in names
    assert not [name for name in os.listdir(out) if name.startswith(".")]
    assert "zed" in (out / "words.txt").read_text(encoding="utf-8") and "zed" not in old_words
    assert json.loads((out / "config.json").read_text(encoding="utf-8"))["data"]["train"] == str(bigger)
    ner.load(out)


# === A failed fit leaves nothing behind ===


def test_a_failed_fit_removes_the_folder_it_created(corpus, tmp_path):
    bad_valid = tmp_path / "valid.txt"
    bad_valid.write_text("Anna B-PER\nvisited O\n\nRome B-GPE\n", encoding="utf-8")
    out = tmp_path / "new" / "runs" / "ner"
    result = _fit("--data", corpus, "--valid", bad_valid, "--out", out, *TINY)
    assert result.exit_code == 2 and "valid.txt:4: tag 'B-GPE' was not seen" in result.output
    assert not (tmp_path / "new").exists()
    vectors = tmp_path / "vectors.txt"
    vectors.write_text("Anna 0.1 0.2\nParis 0.1 0.2 0.3\n", encoding="utf-8")
    result = _fit("--data", corpus, "--out", out, "--embeddings", vectors, *TINY)
    assert result.exit_code == 2 and "vectors.txt:2:" in result.output
    assert not (tmp_path / "new").exists()
    # A folder that existed, empty or not, keeps what it had and gets nothing more.
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep")
    result = _fit("--data", corpus, "--out", tmp_path / "mine", "--embeddings", vectors, *TINY)
    assert result.exit_code == 2
    assert os.listdir(tmp_path / "mine") == ["notes.txt"]


def test_a_failed_sentiment_fit_removes_its_folder(tmp_path):
    train = tmp_path / "train.jsonl"
    rows = [{"text": "Good film", "label": "positive"}, {"text": "bad phone", "label": "negative"}] * 3
    rows.append({"text": "who knows", "label": "unsure"})
    train.write_text("\n".join(json.dumps(row) for row in rows) + "\n", encoding="utf-8")
    out = tmp_path / "run"
    with pytest.raises(UserInputError, match=r"train.jsonl:7: label 'unsure' is not one of"):
        sentiment.fit(data=train, valid=train, out=out, preset="tiny", labels=["negative", "positive"],
                      training_overrides=QUICK)
    assert not out.exists()


def test_a_failed_overwrite_or_resume_leaves_the_old_run_as_it_was(trained, corpus, tmp_path):
    out = _copy(trained, tmp_path)
    before = _snapshot(out)
    bad = _write_conll(tmp_path / "bad.txt", 8, extra="\nRome B-GPE\n")
    result = _fit("--data", corpus, "--valid", bad, "--out", out, "--overwrite", *TINY)
    assert result.exit_code == 2, result.output
    assert _snapshot(out) == before
    assert sorted(os.listdir(out)) == sorted(os.listdir(trained))
    vectors = tmp_path / "vectors.txt"
    vectors.write_text("Anna 0.1 0.2\nParis 0.1\n", encoding="utf-8")
    result = _fit("--data", corpus, "--valid", corpus, "--out", out, "--overwrite", "--embeddings", vectors, *TINY)
    assert result.exit_code == 2 and _snapshot(out) == before
    # A resumed run whose data turns out bad while encoding: the run's data file now has a tag it never saw.
    data = _write_conll(tmp_path / "data.txt", 8)
    config = json.loads((out / "config.json").read_text(encoding="utf-8"))
    config["data"]["train"] = config["data"]["valid"] = str(data)
    (out / "config.json").write_text(json.dumps(config), encoding="utf-8")
    before = _snapshot(out)
    _write_conll(data, 8, extra="\nRome B-GPE\n")
    result = _fit("--data", data, "--valid", data, "--out", out, "--resume", *TINY)
    assert result.exit_code == 2 and "B-GPE" in result.output, result.output
    assert _snapshot(out) == before and sorted(os.listdir(out)) == sorted(os.listdir(trained))


def test_the_old_run_of_a_killed_overwrite_is_moved_back(trained, tmp_path):
    out = _copy(trained, tmp_path)
    before = _snapshot(out)
    lifecycle = RunLifecycle(RunDirectory(out), overwrite=True).__enter__()
    assert [name for name in os.listdir(out) if not name.startswith(REPLACED_PREFIX)] == []
    (out / "shards").mkdir()  # what the killed fit had written
    del lifecycle  # killed: neither committed nor rolled back
    with pytest.raises(UserInputError, match="already holds a trained run"):
        RunLifecycle(RunDirectory(out)).__enter__()
    assert _snapshot(out) == before and sorted(os.listdir(out)) == sorted(os.listdir(trained))


# === --resume keeps the run's settings ===


def test_resume_with_other_model_or_data_settings_exits_2_listing_them(trained, corpus, tmp_path):
    out = _copy(trained, tmp_path)
    before = _snapshot(out)
    result = _fit("--data", corpus, "--valid", corpus, "--out", out, "--resume", "--units", "50", *TINY)
    assert result.exit_code == 2, result.output
    message = result.output.strip()
    assert message == (
        f"Error: {out / 'config.json'}: --resume with settings that differ from this run's: units (run 16, given 50); "
        "give the run's values, or pass --overwrite to start a new run"
    )
    result = _fit("--data", corpus, "--valid", corpus, "--out", out, "--resume", *TINY[2:])
    assert result.exit_code == 2 and "preset (run 'tiny', given 'default')" in result.output
    result = _fit("--data", corpus, "--out", out, "--resume", "--learning-rate", "0.5", *TINY)
    assert result.exit_code == 2
    assert "learning_rate (run 0.01, given 0.5), data (run" not in result.output
    assert "learning_rate (run 0.01, given 0.5), valid (run " in result.output
    assert _snapshot(out) == before
    # More epochs, patience and quiet may change; the same data may be named by another path.
    relative = os.path.relpath(corpus)
    result = _fit("--data", relative, "--valid", corpus, "--out", out, "--resume", *TINY[:2], "--epochs", "2",
                  "--patience", "3", "--seed", "0", "--batch-size", "32")
    assert result.exit_code == 0, result.output
    assert len((out / "history.csv").read_text(encoding="utf-8").splitlines()) == 3


def test_resume_of_a_run_written_before_settings_were_recorded_compares_the_builder(trained, corpus, tmp_path):
    out = _copy(trained, tmp_path)
    config = json.loads((out / "config.json").read_text(encoding="utf-8"))
    del config["settings"], config["assets"]
    (out / "config.json").write_text(json.dumps(config), encoding="utf-8")
    result = _fit("--data", corpus, "--valid", corpus, "--out", out, "--resume", "--units", "50", *TINY)
    assert result.exit_code == 2 and "units (run 16, given 50)" in result.output, result.output
