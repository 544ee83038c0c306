"""fit → predict → evaluate → export of `seqkit translate` from the command line, and its bad-input errors."""

import json
import subprocess
import sys
import textwrap

import pytest
from click.testing import CliRunner

from seqkit.cli.main import cli

from plain_tensorflow import run_plain_tensorflow


def invoke(*args):
    return CliRunner().invoke(cli, list(args))


def test_fit_writes_a_complete_run_with_its_scores(trained_run):
    out, output = trained_run
    for name in ("model.keras", "config.json", "metrics.json", "history.csv", "source_vocabulary.txt",
                 "target_vocabulary.txt"):
        assert (out / name).is_file(), name
    config = json.loads((out / "config.json").read_text())
    assert config["tokenizers"]["source"]["kind"] == config["tokenizers"]["target"]["kind"] == "char"
    assert config["languages"] == {"source": "txt", "target": "iso"}
    assert config["data"]["train_pairs"] == 400 and config["data"]["valid_pairs"] == 40
    assert config["builder"]["bidirectional"] is True
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["count"] == 40 and metrics["beam_size"] == 2
    assert 0 <= metrics["exact_match"] <= 1 and 0 <= metrics["bleu"] <= 100 and "13a" in metrics["bleu_signature"]
    assert len(metrics["epoch_valid_perplexity"]) == 2
    assert "Validation (40 pairs, beam 2): BLEU" in output


def test_predict_n_best_json_and_attention_plot(trained_run, tmp_path):
    out, _ = trained_run
    plot = tmp_path / "attention.png"
    result = invoke("translate", "predict", "--model", str(out), "--beam-size", "3", "--n-best", "3", "--json",
                    "--plot-attention", str(plot), "3 March 2021", "4. Mai 1999")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [row["source"] for row in rows] == ["3 March 2021", "4. Mai 1999"]
    for row in rows:
        scores = [hypothesis["score"] for hypothesis in row["n_best"]]
        assert len(scores) == 3 and scores == sorted(scores, reverse=True)
        assert row["translation"] == row["n_best"][0]["translation"]
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and (tmp_path / "attention-2.png").is_file()
    plain = invoke("translate", "predict", "--model", str(out), "--beam-size", "1", "3 March 2021")
    assert plain.exit_code == 0 and plain.output.strip() == plain.output.strip().splitlines()[0]


def test_evaluate_with_the_run_languages_and_per_sentence_scores(trained_run, small_pairs):
    out, _ = trained_run
    result = invoke("translate", "evaluate", "--model", str(out), "--data", str(small_pairs / "valid"), "--json")
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout)
    fitted = json.loads((out / "metrics.json").read_text())
    assert metrics["bleu"] == pytest.approx(fitted["bleu"]) and metrics["count"] == 40
    assert len(metrics["sentences"]) == 40 and {"source", "reference", "translation", "bleu", "chrf"} <= set(metrics["sentences"][0])
    text = invoke("translate", "evaluate", "--model", str(out), "--data", str(small_pairs / "valid"), "--beam-size", "1")
    assert text.exit_code == 0 and "beam 1: BLEU" in text.output and "sacreBLEU nrefs:1" in text.output


def test_export_translates_strings_without_seqkit(trained_run, tmp_path):
    out, _ = trained_run
    result = invoke("translate", "export", "--model", str(out), "--out", str(tmp_path / "saved_models"))
    assert result.exit_code == 0, result.output
    version_dir = tmp_path / "saved_models" / "translate" / "1"
    sentences = ["3 March 2021", "4. Mai 1999", "", "le 1er janvier 2000 et encore plus longtemps"]
    script = textwrap.dedent(f"""
        import json, sys
        import tensorflow as tf
        serve = tf.saved_model.load({str(version_dir)!r}).signatures["serving_default"]
        outputs = serve(sentences=tf.constant({sentences!r}))
        one = serve(sentences=tf.constant({sentences[:1]!r}))
        print(json.dumps({{
            "translations": [t.decode() for t in outputs["translations"].numpy()],
            "scores": outputs["scores"].numpy().tolist(),
            "one": [t.decode() for t in one["translations"].numpy()],
        }}))
    """)
    served = run_plain_tensorflow(script)
    assert served.returncode == 0, served.stderr[-3000:]
    rows = json.loads(served.stdout.strip().splitlines()[-1])
    from seqkit.apps import translate

    expected = translate.load(out).translate(sentences)
    assert rows["translations"] == [row["translation"] for row in expected]
    assert rows["scores"] == pytest.approx([row["score"] for row in expected], abs=1e-4)
    assert rows["one"] == rows["translations"][:1]


@pytest.mark.parametrize(
    "files, extra, message",
    [
        ({"t.en": "a\nb\n", "t.de": "x\n"}, ("--source-lang", "en", "--target-lang", "de"), "t.de has 1 lines but t.en has more"),
        ({"t.en": "a\n\n", "t.de": "x\ny\n"}, ("--source-lang", "en", "--target-lang", "de"), "t.en:2: empty source sentence"),
        ({"t.en": "a\n"}, ("--source-lang", "en", "--target-lang", "de"), "t.de: file not found"),
        ({"t.tsv": "only one field\n"}, (), "t.tsv:1: expected a source and a target"),
        ({"t.tsv": "a b c d e f\tx\n" * 3}, ("--max-tokens", "5"), "the source sentence has 11 tokens, more than --max-tokens 5"),
    ],
)
def test_bad_data_exits_2_with_file_and_line(tmp_path, files, extra, message):
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    data = tmp_path / ("t.tsv" if "t.tsv" in files else "t")
    result = invoke("translate", "fit", "--data", str(data), "--out", str(tmp_path / "run"), "--preset", "tiny", *extra)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert str(data) in result.output


def test_bad_options_exit_2(tmp_path, trained_run):
    out, _ = trained_run
    result = invoke("translate", "fit", "--units", "15", "--out", str(tmp_path / "run"), "--preset", "tiny")
    assert result.exit_code == 2 and "--units must be even" in result.output
    result = invoke("translate", "predict", "--model", str(out), "--beam-size", "2", "--n-best", "3", "a")
    assert result.exit_code == 2 and "`n_best` must be at most `beam_size` (2)" in result.output
    result = invoke("translate", "fit", "--dataset", "nope", "--out", str(tmp_path / "run"))
    assert result.exit_code == 2 and "No such option '--dataset'" in result.output  # translate has no datasets


def test_help_of_every_translate_verb_does_not_import_tensorflow():
    script = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from seqkit.cli.main import cli\n"
        "for verb in ('fit', 'predict', 'evaluate', 'export'):\n"
        "    assert CliRunner().invoke(cli, ['translate', verb, '--help']).exit_code == 0\n"
        "print('tensorflow' in sys.modules, 'keras' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["False", "False"]
