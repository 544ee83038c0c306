"""fit → sample → score → evaluate → export from the command line, on the embedded corpus of names."""

import json
import math
import subprocess
import sys
import textwrap

import pytest
from click.testing import CliRunner

from seqkit.apps.lm.application import EMBEDDED_DIR
from seqkit.cli.main import cli

from plain_tensorflow import run_plain_tensorflow


def invoke(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input)


def test_fit_on_the_embedded_names_writes_a_complete_run(trained_lm_run):
    out, output = trained_lm_run
    for name in (
        "model.keras",
        "config.json",
        "metrics.json",
        "history.csv",
        "vocabulary.txt",
        "train_fingerprints.txt",
    ):
        assert (out / name).is_file(), name
    metrics = json.loads((out / "metrics.json").read_text())
    assert "Validation perplexity by epoch:" in output and "bits per character" in output
    assert len(metrics["epoch_valid_perplexity"]) == 2
    # The metric of the last epoch is the perplexity of the whole validation file, computed by `evaluate`.
    assert metrics["epoch_valid_perplexity"][-1] == pytest.approx(metrics["perplexity"], rel=1e-3)
    assert metrics["bits_per_char"] == pytest.approx(math.log2(metrics["perplexity"]), abs=1e-3)
    # Two epochs of a small GRU already beat a uniform guess over the vocabulary by far.
    vocabulary_size = len((out / "vocabulary.txt").read_text().split("\n")) - 1
    assert metrics["perplexity"] < (vocabulary_size - 3) / 2


def test_sample_from_the_cli_is_seeded_and_novel(trained_lm_run):
    out, _ = trained_lm_run
    args = ("lm", "sample", "--model", str(out), "--num", "5", "--seed", "4", "--novel", "--prefix", "Tor", "--json")
    first = invoke(*args)
    assert first.exit_code == 0, first.output
    samples = [json.loads(line) for line in first.output.splitlines()]
    assert len(samples) == 5 and all(s["text"].startswith("Tor") for s in samples)
    training_names = set((EMBEDDED_DIR / "train.txt").read_text(encoding="utf-8").split())
    assert not {s["text"] for s in samples} & training_names
    assert invoke(*args).output == first.output


def test_sample_min_length_from_the_cli_goes_past_eos_and_is_checked(bigram_run):
    args = ("lm", "sample", "--model", str(bigram_run), "--num", "1", "--temperature", "0", "--json")
    assert json.loads(invoke(*args).output)["text"] == "ab"
    result = invoke(*args, "--max-length", "7", "--min-length", "7")
    assert result.exit_code == 0 and json.loads(result.stdout) == {
        "text": "abababa", "tokens": list("abababa"), "complete": False
    }
    result = invoke(*args, "--max-length", "7", "--min-length", "8")
    assert result.exit_code == 2
    assert "`min_length` must be an integer from 0 to max_length (7). Received: min_length=8" in result.output


def test_score_and_evaluate_agree_on_a_file(trained_lm_run, tmp_path):
    out, _ = trained_lm_run
    data = tmp_path / "names.txt"
    data.write_text("Aldra\nTorlina\n", encoding="utf-8")
    scored = invoke("lm", "score", "--model", str(out), "--input", str(data), "--json")
    assert scored.exit_code == 0, scored.output
    results = [json.loads(line) for line in scored.output.splitlines()]
    evaluated = json.loads(invoke("lm", "evaluate", "--model", str(out), "--data", str(data), "--json").output)
    total = sum(r["log_probability"] for r in results)
    assert evaluated["tokens"] == sum(r["num_tokens"] for r in results) == 14
    assert evaluated["log_probability"] == pytest.approx(total, abs=1e-3)


@pytest.mark.parametrize(
    "content, extra, message",
    [
        (b"", (), "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", (), "this looks like a binary file"),
        (b"... ;;\n!!\n", ("--level", "word"), "no sentence with a word"),
    ],
)
def test_bad_training_files_exit_2_with_the_file_name(tmp_path, content, extra, message):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    result = invoke("lm", "fit", "--data", str(bad), "--out", str(tmp_path / "run"), "--preset", "tiny", *extra)
    assert result.exit_code == 2, result.output
    assert str(bad) in result.output and message in result.output
    assert "Traceback" not in result.output


def test_bad_options_exit_2(tmp_path, bigram_run):
    result = invoke("lm", "fit", "--level", "word", "--out", str(tmp_path / "run"), "--preset", "tiny")
    assert result.exit_code == 2 and "give --data for --level word" in result.output
    result = invoke("lm", "fit", "--bidirectional", "--out", str(tmp_path / "run"), "--preset", "tiny")
    assert result.exit_code == 2 and "--bidirectional is not available" in result.output
    result = invoke("lm", "sample", "--model", str(bigram_run), "--prefix", "abab", "--max-length", "3")
    assert result.exit_code == 2 and "--max-length (3) must be larger" in result.output
    result = invoke("lm", "score", "--model", str(tmp_path), "ab")
    assert result.exit_code == 2 and "config.json" in result.output


def test_export_scores_and_samples_strings_without_seqkit(bigram_run, tmp_path):
    result = invoke("lm", "export", "--model", str(bigram_run), "--out", str(tmp_path / "saved_models"))
    assert result.exit_code == 0, result.output
    version_dir = tmp_path / "saved_models" / "lm" / "1"
    assert (version_dir / "saved_model.pb").is_file()
    sentences = ["ab", "b", "axb", "aab"]
    script = textwrap.dedent(f"""
        import json, sys
        import tensorflow as tf
        loaded = tf.saved_model.load({str(version_dir)!r})
        scored = loaded.signatures["serving_default"](sentences=tf.constant({sentences!r}))
        sampled = loaded.signatures["sample"](prefixes=tf.constant(["", "a", "b"] * 100), max_length=tf.constant(6))
        print(json.dumps({{
            "log_probability": scored["log_probability"].numpy().tolist(),
            "tokens": [[t.decode() for t in row if t] for row in scored["tokens"].numpy()],
            "texts": [t.decode() for t in sampled["texts"].numpy()],
            "complete": sampled["complete"].numpy().tolist(),
        }}))
    """)
    served = run_plain_tensorflow(script)
    assert served.returncode == 0, served.stderr[-2000:]
    rows = json.loads(served.stdout.strip().splitlines()[-1])

    expected = [
        json.loads(line)
        for line in invoke("lm", "score", "--model", str(bigram_run), "--json", *sentences).output.splitlines()
    ]
    assert rows["log_probability"] == pytest.approx([e["log_probability"] for e in expected], abs=1e-4)
    assert rows["tokens"][2] == ["a", "<UNK>", "b", "<EOS>"]
    assert rows["tokens"][0] == ["a", "b", "<EOS>"]
    texts = rows["texts"]
    assert all(set(t) <= {"a", "b"} and len(t) <= 6 for t in texts)
    assert all(t.startswith(p) for t, p in zip(texts, ["", "a", "b"] * 100))
    # P(<EOS> | b) = 0.9: most samples primed with "b" end right away.
    assert 0.75 < sum(t == "b" for t in texts[2::3]) / 100 <= 1.0


def test_help_of_every_lm_verb_does_not_import_tensorflow():
    script = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from seqkit.cli.main import cli\n"
        "for verb in ('fit', 'sample', 'score', 'evaluate', 'export'):\n"
        "    assert CliRunner().invoke(cli, ['lm', verb, '--help']).exit_code == 0\n"
        "print('tensorflow' in sys.modules, 'keras' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["False", "False"]
