"""Loading a run directory: a corrupt or incomplete one exits 2 with one line naming the file, for every app and
every verb that loads (evaluate, predict, export, fit --resume); assets are checked against `config.json`."""

import hashlib
import json
import shutil

import pytest
from click.testing import CliRunner

from seqkit.cli.main import APPLICATIONS, cli

TINY = ["--preset", "tiny", "--epochs", "1", "--seed", "0", "--batch-size", "32", "--quiet", "--run-eagerly"]
CORRUPT = "Error: corrupt or incomplete run directory: "


def invoke(*args):
    return CliRunner().invoke(cli, [str(arg) for arg in args])


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    """A valid `model.keras` (of no app: the checks before and after it are what is tested)."""
    import keras

    path = tmp_path_factory.mktemp("model") / "model.keras"
    keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)]).save(path)
    return path


@pytest.mark.parametrize("app", sorted(APPLICATIONS))
def test_a_corrupt_run_directory_exits_2_for_every_app(app, tiny_model, tmp_path):
    cases = {
        "garbage model": ({"app": app}, b"\x00garbage" * 64, "model.keras: not a Keras model archive"),
        "hand-made config": ({"app": app}, None, ""),
        "not JSON": ('{"app": ', None, "config.json:1: invalid JSON"),
    }
    for name, (config, model, expected) in cases.items():
        run = tmp_path / name.replace(" ", "_")
        run.mkdir()
        run.joinpath("config.json").write_text(config if isinstance(config, str) else json.dumps(config))
        if model is None:
            shutil.copy(tiny_model, run / "model.keras")
        else:
            run.joinpath("model.keras").write_bytes(model)
        result = invoke(app, "export", "--model", run, "--out", tmp_path / "saved_models")
        assert result.exit_code == 2, (name, result.output)
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"{CORRUPT}{run}/"), (name, result.output)
        assert expected in lines[0], (name, result.output)
    assert not (tmp_path / "saved_models").exists()


@pytest.fixture(scope="module")
def ner_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ner")
    lines = []
    for i in range(8):
        lines += [f"{['Anna', 'Tomas', 'Maria'][i % 3]} B-PER", "visited O", f"{['Paris', 'Oslo'][i % 2]} B-LOC", ""]
    data = folder / "train.txt"
    data.write_text("\n".join(lines), encoding="utf-8")
    out = folder / "run"
    result = invoke("ner", "fit", "--data", data, "--valid", data, "--out", out, *TINY)
    assert result.exit_code == 0, result.output
    return out, data


def _copy(run, tmp_path):
    return shutil.copytree(run, tmp_path / "run")


def test_fit_records_the_size_and_sha256_of_every_asset(ner_run):
    out, _ = ner_run
    assets = json.loads((out / "config.json").read_text(encoding="utf-8"))["assets"]
    assert sorted(assets) == ["chars.txt", "tags.txt", "words.txt"]
    for name, record in assets.items():
        content = (out / name).read_bytes()
        assert record == {"bytes": len(content), "sha256": hashlib.sha256(content).hexdigest()}


def test_an_edited_or_missing_asset_exits_2_naming_it(ner_run, tmp_path):
    out, data = _copy(ner_run[0], tmp_path), ner_run[1]
    words = (out / "words.txt").read_text(encoding="utf-8").splitlines()
    (out / "words.txt").write_text("\n".join(words[:-2]) + "\n", encoding="utf-8")
    for verb in (["predict", "--model", out, "Anna visited Oslo"], ["evaluate", "--model", out, "--data", data],
                 ["export", "--model", out, "--out", tmp_path / "saved_models"]):
        result = invoke("ner", *verb)
        assert result.exit_code == 2, result.output
        assert result.output.strip().startswith(
            f"{CORRUPT}{out / 'words.txt'}: does not match the run's record in config.json ("
        ), result.output
    result = invoke("ner", "fit", "--data", data, "--valid", data, "--out", out, "--resume", *TINY)
    assert result.exit_code == 2 and f"{out / 'words.txt'}: does not match the run's record" in result.output
    (out / "tags.txt").unlink()
    result = invoke("ner", "predict", "--model", out, "Anna")
    assert result.exit_code == 2 and f"{CORRUPT}{out / 'tags.txt'}: missing, though config.json records it" in (
        result.output
    )


def test_a_run_written_before_assets_were_recorded_still_loads(ner_run, tmp_path):
    out = _copy(ner_run[0], tmp_path)
    config = json.loads((out / "config.json").read_text(encoding="utf-8"))
    del config["assets"], config["settings"]
    (out / "config.json").write_text(json.dumps(config), encoding="utf-8")
    result = invoke("ner", "predict", "--model", out, "--json", "Anna visited Oslo")
    assert result.exit_code == 0, result.output
    # Its missing vocabulary is still reported as a corrupt run directory.
    (out / "words.txt").unlink()
    result = invoke("ner", "predict", "--model", out, "Anna")
    assert result.exit_code == 2 and result.output.startswith(f"{CORRUPT}{out / 'words.txt'}: "), result.output


def test_resume_of_a_corrupt_run_exits_2_and_changes_nothing(ner_run, tmp_path):
    out, data = _copy(ner_run[0], tmp_path), ner_run[1]
    (out / "config.json").write_text('{"app": "ner", "preset": "tiny"', encoding="utf-8")
    result = invoke("ner", "fit", "--data", data, "--valid", data, "--out", out, "--resume", *TINY)
    assert result.exit_code == 2 and result.output.startswith(f"{CORRUPT}{out / 'config.json'}:1: invalid JSON")
    (out / "config.json").write_text('{"app": "ner"}', encoding="utf-8")
    result = invoke("ner", "fit", "--data", data, "--valid", data, "--out", out, "--resume", *TINY)
    assert result.exit_code == 2 and f"{CORRUPT}{out / 'config.json'}: missing key '" in result.output
    assert (out / "config.json").read_text(encoding="utf-8") == '{"app": "ner"}'
