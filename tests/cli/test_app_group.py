import json
import types

import click
from click.testing import CliRunner

from seqkit.cli.app_group import AppSpec, make_app_group
from seqkit.errors import UserInputError


class FakePredictor:
    def predict(self, inputs):
        if inputs == ["boom"]:
            raise RuntimeError("first line\nthe real cause")
        return [{"input": text, "length": len(text)} for text in inputs]

    def evaluate(self, path, **options):
        raise UserInputError("expected 2 columns, found 3", path=path, line=7)

    def export(self, root, version=None):
        return f"{root}/fake/{version or 1}"

    format_prediction = staticmethod(lambda result: f"{result['input']} -> {result['length']}")
    format_evaluation = staticmethod(str)


calls = {}


def fake_fit(**kwargs):
    calls["fit"] = kwargs
    return types.SimpleNamespace(summary=lambda: "trained")


FAKE_API = types.ModuleType("fake_api")
FAKE_API.fit = fake_fit
FAKE_API.load = lambda model_dir: FakePredictor()


def make_group(monkeypatch, **spec_options):
    import sys

    monkeypatch.setitem(sys.modules, "fake_api", FAKE_API)
    return make_app_group(AppSpec(name="fake", help="A fake app.", api_module="fake_api", **spec_options))


def test_fit_splits_model_training_and_app_options(monkeypatch, tmp_path):
    extra = click.option("--flavour", default="plain")
    group = make_group(monkeypatch, fit_options=(extra,))
    result = CliRunner().invoke(
        group,
        [
            "fit", "--units", "8", "--epochs", "3", "--seed", "5", "--weight-averaging", "0.99",
            "--checkpoint-every", "50", "--flavour", "spicy", "--quiet", "--out", str(tmp_path),
            "--learning-rate-schedule", "cosine",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "trained"
    kwargs = calls["fit"]
    assert kwargs["model_overrides"] == {"units": 8}
    assert kwargs["training_overrides"] == {
        "epochs": 3,
        "seed": 5,
        "weight_averaging": 0.99,
        "learning_rate_schedule": "cosine",
        "checkpoint_every": 50,
        "resume": False,
        "verbose": 0,
    }
    assert kwargs["flavour"] == "spicy"
    assert kwargs["preset"] == "default"
    assert kwargs["data"] is None


def test_run_eagerly_is_a_training_option_and_excludes_jit_compile(monkeypatch, tmp_path):
    group = make_group(monkeypatch)
    runner = CliRunner()
    result = runner.invoke(group, ["fit", "--run-eagerly", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert calls["fit"]["training_overrides"] == {"run_eagerly": True, "resume": False, "verbose": 1}
    calls.clear()
    both = runner.invoke(group, ["fit", "--run-eagerly", "--jit-compile", "--out", str(tmp_path)])
    assert both.exit_code == 2 and "fit" not in calls
    assert "Error: --jit-compile and --run-eagerly cannot be combined (XLA compiles a traced step)." in both.output


def test_predict_takes_arguments_file_or_stdin(monkeypatch, tmp_path):
    group = make_group(monkeypatch)
    runner = CliRunner()
    result = runner.invoke(group, ["predict", "--model", str(tmp_path), "ab", "abc"])
    assert result.output.splitlines() == ["ab -> 2", "abc -> 3"]
    inputs = tmp_path / "inputs.txt"
    inputs.write_text("one\n\nthree\n")
    result = runner.invoke(group, ["predict", "--model", str(tmp_path), "--input", str(inputs), "--json"])
    assert [json.loads(line) for line in result.output.splitlines()] == [
        {"input": "one", "length": 3}, {"input": "three", "length": 5}]
    result = runner.invoke(group, ["predict", "--model", str(tmp_path)], input="x\n")
    assert result.output.strip() == "x -> 1"
    result = runner.invoke(group, ["predict", "--model", str(tmp_path), "--input", str(inputs), "arg"])
    assert result.exit_code == 2
    windows = tmp_path / "windows.txt"
    windows.write_bytes("\ufeffone\r\ntwo\r\n".encode("utf-8"))
    result = runner.invoke(group, ["predict", "--model", str(tmp_path), "--input", str(windows)])
    assert result.output.splitlines() == ["one -> 3", "two -> 3"]


def test_predict_input_that_is_not_utf8_text_exits_2_naming_file_and_line(monkeypatch, tmp_path):
    group = make_group(monkeypatch)
    runner = CliRunner()
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("caf\u00e9 ok\n".encode("utf-8") + "na\u00efve\n".encode("latin-1"))
    result = runner.invoke(group, ["predict", "--model", str(tmp_path), "--input", str(latin1)])
    assert result.exit_code == 2
    assert result.output.strip() == f"Error: {latin1}:2: not UTF-8 text: byte 0xef at column 3"
    binary = tmp_path / "model.bin"
    binary.write_bytes(b"ok\n\x00\x01\x02\n")
    result = runner.invoke(group, ["predict", "--model", str(tmp_path), "--input", str(binary)])
    assert result.exit_code == 2
    assert result.output.strip() == f"Error: {binary}:2: binary content (a NUL byte), not text"
    result = runner.invoke(group, ["predict", "--model", str(tmp_path)], input=b"ok\n\xff\n")
    assert result.exit_code == 2 and result.output.strip() == "Error: <stdin>:2: not UTF-8 text: byte 0xff at column 1"


def test_user_errors_exit_2_and_runtime_errors_exit_1_without_traceback(monkeypatch, tmp_path):
    group = make_group(monkeypatch)
    runner = CliRunner()
    result = runner.invoke(group, ["evaluate", "--model", str(tmp_path), "--data", str(tmp_path)])
    assert result.exit_code == 2
    assert result.output.strip() == f"Error: {tmp_path}:7: expected 2 columns, found 3"
    result = runner.invoke(group, ["predict", "--model", str(tmp_path), "boom"])
    assert result.exit_code == 1
    assert "RuntimeError: the real cause" in result.output
    assert "Traceback" not in result.output


def test_export_passes_root_and_version(monkeypatch, tmp_path):
    group = make_group(monkeypatch)
    result = CliRunner().invoke(group, ["export", "--model", str(tmp_path), "--out", "root", "--version", "4"])
    assert result.output.strip() == "Exported fake model to root/fake/4"


def test_evaluate_data_can_be_optional(monkeypatch, tmp_path):
    seen = {}

    class HeldOut(FakePredictor):
        def evaluate(self, path, **options):
            seen["path"] = path
            return {"nll": 1.5}

    monkeypatch.setattr(FAKE_API, "load", lambda model_dir: HeldOut())
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"app": "fake", "data": {"train": "t.csv", "valid": "10% of t.csv"}}))
    runner = CliRunner()
    optional = make_group(monkeypatch, evaluate_data_required=False)
    result = runner.invoke(optional, ["evaluate", "--model", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"nll": 1.5} and seen["path"] is None
    required = make_group(monkeypatch)
    result = runner.invoke(required, ["evaluate", "--model", str(tmp_path)])
    assert result.exit_code == 2
    assert result.output.strip() == (f"Error: {tmp_path}: give the data to evaluate with --data (fit validated on "
                                      "10% of t.csv, which is not a file here)")
    # A run trained with --valid FILE is evaluated on that file, for every app.
    valid = tmp_path / "valid.csv"
    valid.write_text("x\n")
    config.write_text(json.dumps({"app": "fake", "data": {"train": "t.csv", "valid": str(valid)}}))
    for group in (optional, required):
        result = runner.invoke(group, ["evaluate", "--model", str(tmp_path), "--json"])
        assert result.exit_code == 0, result.output
        assert seen["path"] == str(valid)
        assert f"Evaluating on the run's validation data: {valid}" in result.output


def test_preset_choices_and_dataset_only_where_the_app_has_datasets():
    from seqkit.cli.main import cli

    runner = CliRunner()
    ner = runner.invoke(cli, ["ner", "fit", "--help"]).output
    assert "--preset [default|tiny]" in ner and "--dataset [conll2003]" in ner
    lm = runner.invoke(cli, ["lm", "fit", "--help"]).output
    assert "--preset [default|large|tiny]" in lm and "--dataset" not in lm
    for app in ("music", "translate", "dna", "video"):
        assert "--dataset" not in runner.invoke(cli, [app, "fit", "--help"]).output, app
    assert "--dataset [fsdd|yesno]" in runner.invoke(cli, ["speech", "fit", "--help"]).output
    wrong = runner.invoke(cli, ["ner", "fit", "--preset", "huge"])
    assert wrong.exit_code == 2 and "'huge' is not one of 'default', 'tiny'" in wrong.output
    none = runner.invoke(cli, ["lm", "fit", "--dataset", "x"])
    assert none.exit_code == 2 and "No such option '--dataset'" in none.output
