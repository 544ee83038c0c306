"""`RunDirectory`: `config.json` read as a `RunConfig`, asset records and their verification, error mapping."""

import hashlib
import json

import pytest

from seqkit.errors import UserInputError
from seqkit.export.run_directory import CorruptRunError, RunConfig, RunDirectory, WrongRunError


def _run(tmp_path, **files):
    run = RunDirectory(tmp_path / "run").create()
    for name, text in files.items():
        run.file(name).write_text(text, encoding="utf-8")
    return run


def test_config_json_problems_are_corrupt_run_errors_naming_the_file(tmp_path):
    with pytest.raises(WrongRunError, match=r"nowhere: no such run directory"):
        RunDirectory(tmp_path / "nowhere").read_config()
    run = _run(tmp_path)
    with pytest.raises(CorruptRunError, match=r"^corrupt or incomplete run directory: .*config.json: missing;"):
        run.read_config()
    for text, problem in [
        ('{"app": ', r"config.json:1: invalid JSON"),
        ("[1, 2]", r"config.json: expected a JSON object, found list"),
        ("{}", r"config.json: missing key 'app'"),
    ]:
        run.config_path.write_text(text, encoding="utf-8")
        with pytest.raises(CorruptRunError, match=problem):
            run.read_config(app="ner")
    run.config_path.write_bytes(b'{"app": "\xff"}')
    with pytest.raises(CorruptRunError, match=r"config.json: not UTF-8 text \(byte 9\)"):
        run.read_config()
    run.config_path.write_text('{"app": "lm"}', encoding="utf-8")
    with pytest.raises(WrongRunError, match="trained by app 'lm', not 'ner'") as caught:
        run.read_config(app="ner")
    assert not isinstance(caught.value, CorruptRunError)


def test_run_config_names_missing_nested_keys_and_keeps_dict_behaviour(tmp_path):
    config = RunConfig({"app": "ner", "vectorizer": {"lowercase": True}}, path="runs/ner/config.json")
    assert config["vectorizer"]["lowercase"] is True and config.get("builder") is None and "app" in config
    with pytest.raises(CorruptRunError, match=r"runs/ner/config.json: missing key 'vectorizer.max_word_length'"):
        config["vectorizer"]["max_word_length"]
    assert isinstance(config, dict) and json.loads(json.dumps(config)) == {"app": "ner", "vectorizer": {"lowercase": True}}
    import copy

    assert copy.deepcopy(config) == config


def test_asset_records_cover_the_apps_top_level_files_only(tmp_path):
    run = _run(tmp_path, **{"words.txt": "<PAD>\n<UNK>\ncat\n", "labels.json": "[]", "config.json": "{}",
                           "metrics.json": "{}", "history.csv": "epoch\n", ".words.txt.tmp-1": "x"})
    (run.path / "model.keras").write_bytes(b"zip")
    (run.path / "checkpoints").mkdir()
    (run.path / "checkpoints" / "epoch_0001.weights.h5").write_bytes(b"w")
    records = run.asset_records()
    assert records == {
        "labels.json": {"bytes": 2, "sha256": hashlib.sha256(b"[]").hexdigest()},
        "words.txt": {"bytes": 16, "sha256": hashlib.sha256(b"<PAD>\n<UNK>\ncat\n").hexdigest()},
    }


def test_verify_assets_names_the_file_that_does_not_match(tmp_path):
    run = _run(tmp_path, **{"words.txt": "<PAD>\n<UNK>\ncat\n"})
    config = {"app": "demo", "assets": run.asset_records()}
    run.verify_assets(config)
    run.verify_assets({"app": "demo"})  # a run written before assets were recorded
    run.file("words.txt").write_text("<PAD>\n<UNK>\n", encoding="utf-8")
    with pytest.raises(CorruptRunError, match=r"words.txt: does not match the run's record in config.json "
                                              r"\(12 bytes, recorded 16\)"):
        run.verify_assets(config)
    run.file("words.txt").write_text("<PAD>\n<UNK>\ndog\n", encoding="utf-8")
    with pytest.raises(CorruptRunError, match=r"words.txt: does not match .*\(same size, another SHA-256"):
        run.verify_assets(config)
    run.file("words.txt").unlink()
    with pytest.raises(CorruptRunError, match=r"words.txt: missing, though config.json records it"):
        run.verify_assets(config)
    for records in [["words.txt"], {"../words.txt": {"bytes": 1, "sha256": "0"}}, {"words.txt": {"bytes": "1"}}]:
        with pytest.raises(CorruptRunError, match="config.json: .*'assets'"):
            run.verify_assets({"assets": records})


def test_read_errors_about_the_run_become_corrupt_run_errors(tmp_path):
    run = _run(tmp_path)
    inside = UserInputError("vocabulary file not found", path=run.file("words.txt"))
    assert str(run.corruption(inside)) == (
        f"corrupt or incomplete run directory: {run.file('words.txt')}: vocabulary file not found"
    )
    assert run.corruption(UserInputError("bad line", path=tmp_path / "input.txt", line=3)) is None
    missing = FileNotFoundError(2, "No such file or directory", str(run.file("labels.json")))
    assert str(run.corruption(missing)).endswith("labels.json: missing")
    assert "missing entry 'tokenizers'" in str(run.corruption(KeyError("tokenizers")))
    assert run.corruption(AttributeError("a bug")) is None
    with pytest.raises(CorruptRunError, match=r"run: ValueError: invalid literal"):
        with run.reading():
            int("x")
    with pytest.raises(RuntimeError):
        with run.reading():
            raise RuntimeError("not about the run")


def test_a_garbage_or_missing_model_is_a_corrupt_run_error(tmp_path):
    run = _run(tmp_path)
    with pytest.raises(CorruptRunError, match=r"model.keras: missing; did `fit` finish\?"):
        run.load_model()
    run.model_path.write_bytes(b"\x00garbage" * 50)
    with pytest.raises(CorruptRunError, match=r"model.keras: not a Keras model archive"):
        run.load_model()


def test_model_file_is_readable_by_others_as_the_umask_allows(tmp_path):
    import os

    import keras

    from seqkit.export.run_directory import RunDirectory

    previous = os.umask(0o022)
    try:
        run = RunDirectory(tmp_path / "run").create()
        run.save_model(keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]))
        assert run.model_path.stat().st_mode & 0o777 == 0o644
        assert sorted(p.name for p in run.path.iterdir()) == ["model.keras"]
    finally:
        os.umask(previous)
