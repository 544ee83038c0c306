import json
import subprocess
import sys
import textwrap

from click.testing import CliRunner

from seqkit.cli.main import cli

from plain_tensorflow import run_plain_tensorflow


def invoke(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input)


def test_fit_writes_a_complete_run_directory(trained_sentiment_run):
    out, output = trained_sentiment_run
    for name in ("model.keras", "config.json", "metrics.json", "history.csv", "words.txt", "labels.txt"):
        assert (out / name).is_file(), name
    assert (out / "plots" / "confusion_matrix.png").read_bytes()[:4] == b"\x89PNG"
    assert (out / "labels.txt").read_text().split() == ["1", "2", "3", "4", "5"]
    metrics = json.loads((out / "metrics.json").read_text())
    assert "macro-F1" in output and "Validation (20 texts)" in output
    # The toy reviews are fully regular: a working classifier rates (nearly) all of them right.
    assert metrics["accuracy"] >= 0.9
    assert metrics["mae"] <= 0.1
    assert sum(map(sum, metrics["confusion"])) == 20


def test_predict_returns_rating_and_every_probability(trained_sentiment_run):
    out, _ = trained_sentiment_run
    result = invoke("sentiment", "predict", "--model", str(out), "--json", "The hotel is superb, really excellent!")
    assert result.exit_code == 0, result.output
    prediction = json.loads(result.stdout)
    assert prediction["rating"] == "5"
    assert list(prediction["probabilities"]) == ["1", "2", "3", "4", "5"]
    assert abs(sum(prediction["probabilities"].values()) - 1.0) < 1e-4
    assert prediction["probabilities"]["5"] == max(prediction["probabilities"].values())


def test_predict_reads_one_text_per_line_from_stdin_and_prints_stars(trained_sentiment_run):
    out, _ = trained_sentiment_run
    result = invoke(
        "sentiment",
        "predict",
        "--model",
        str(out),
        input="The film is awful, really terrible!\n\nThe plot is good, really nice!\n",
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("★ 1 ") and lines[1].startswith("★★★★ 4 ")


def test_evaluate_prints_report_json_and_confusion_png(trained_sentiment_run, review_corpus, tmp_path):
    out, _ = trained_sentiment_run
    png = tmp_path / "confusion.png"
    result = invoke(
        "sentiment",
        "evaluate",
        "--model",
        str(out),
        "--data",
        str(review_corpus[1]),
        "--json",
        "--confusion-png",
        str(png),
    )
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout)
    assert metrics["accuracy"] == json.loads((out / "metrics.json").read_text())["accuracy"]
    assert set(metrics["per_class"]) == {"1", "2", "3", "4", "5"}
    assert png.read_bytes()[:4] == b"\x89PNG"
    text = invoke("sentiment", "evaluate", "--model", str(out), "--data", str(review_corpus[1]))
    assert "confusion (rows: true, columns: predicted)" in text.output and "MAE" in text.output


def test_bad_rows_exit_2_with_file_and_line_or_are_skipped(trained_sentiment_run, tmp_path):
    out, _ = trained_sentiment_run
    bad = tmp_path / "bad.csv"
    bad.write_text(
        'text,stars\n"The film is superb, really excellent!",5\n"no label",\n"The plot is poor",9\n', encoding="utf-8"
    )
    result = invoke("sentiment", "evaluate", "--model", str(out), "--data", str(bad))
    assert result.exit_code == 2
    assert f"{bad}:3: missing label" in result.output
    assert "Traceback" not in result.output
    skipped = invoke("sentiment", "evaluate", "--model", str(out), "--data", str(bad), "--skip-bad-rows", "--json")
    assert skipped.exit_code == 0, skipped.output
    metrics = json.loads(skipped.output)
    assert metrics["count"] == 1 and metrics["skipped_rows"] == 2


def test_label_outside_the_model_labels_names_the_row(trained_sentiment_run, tmp_path):
    out, _ = trained_sentiment_run
    bad = tmp_path / "bad.tsv"
    bad.write_text("review\trating\nThe plot is good\t4\nThe plot is odd\t7\n", encoding="utf-8")
    result = invoke("sentiment", "evaluate", "--model", str(out), "--data", str(bad))
    assert result.exit_code == 2
    assert f"{bad}:3: label '7' is not one of the model's labels" in result.output


def test_missing_column_lists_the_columns_found(tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("body_text,grade\nfine,3\nbad,1\n", encoding="utf-8")
    result = invoke("sentiment", "fit", "--data", str(table), "--out", str(tmp_path / "run"), "--preset", "tiny")
    assert result.exit_code == 2
    assert "no text column" in result.output and "'body_text', 'grade'" in result.output


def test_export_serves_raw_texts_without_seqkit(trained_sentiment_run, tmp_path):
    out, _ = trained_sentiment_run
    result = invoke("sentiment", "export", "--model", str(out), "--out", str(tmp_path / "saved_models"))
    assert result.exit_code == 0, result.output
    version_dir = tmp_path / "saved_models" / "sentiment" / "1"
    assert (version_dir / "saved_model.pb").is_file()

    texts = [
        "The hotel is superb, really excellent!",
        "THE FILM IS AWFUL... really terrible?!",
        "",
        "Mr. Smith's phone isn't okay: average, ordinary (1,000 times) — naïve café",
        " ".join(["good"] * 100) + " awful",
    ]
    script = textwrap.dedent(f"""
        import json, sys
        import tensorflow as tf
        served = tf.saved_model.load({str(version_dir)!r}).signatures["serving_default"]
        out = served(texts=tf.constant({texts!r}))
        print(json.dumps({{
            "ratings": [r.decode() for r in out["rating"].numpy()],
            "probabilities": out["probabilities"].numpy().tolist(),
            "labels": [l.decode() for l in out["labels"][0].numpy()],
        }}))
    """)
    served = run_plain_tensorflow(script)
    assert served.returncode == 0, served.stderr[-2000:]
    rows = json.loads(served.stdout.strip().splitlines()[-1])

    predicted = invoke("sentiment", "predict", "--model", str(out), "--json", *texts)
    expected = [json.loads(line) for line in predicted.output.splitlines()]
    assert rows["labels"] == ["1", "2", "3", "4", "5"]
    assert rows["ratings"] == [e["rating"] for e in expected]
    for served_row, e in zip(rows["probabilities"], expected):
        assert max(abs(a - b) for a, b in zip(served_row, e["probabilities"].values())) < 1e-4


def test_export_never_overwrites_a_version(trained_sentiment_run, tmp_path):
    out, _ = trained_sentiment_run
    (tmp_path / "sentiment" / "2").mkdir(parents=True)
    result = invoke("sentiment", "export", "--model", str(out), "--out", str(tmp_path), "--version", "2")
    assert result.exit_code == 2
    assert "already exists" in result.output


def test_help_lists_the_app_options_without_importing_tensorflow():
    code = (
        "import sys\n"
        "from seqkit.cli.main import cli\n"
        "for args in (['sentiment', '--help'], ['sentiment', 'fit', '--help'], ['sentiment', 'evaluate', '--help']):\n"
        "    try:\n"
        "        cli(args, prog_name='seqkit')\n"
        "    except SystemExit as exit:\n"
        "        assert exit.code == 0, args\n"
        "print(sorted(m for m in ('tensorflow', 'keras', 'pandas') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "--head [softmax|ordinal]" in result.stdout and "--skip-bad-rows" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_fit_without_data_uses_the_embedded_reviews(tmp_path):
    out = tmp_path / "run"
    result = invoke(
        "sentiment", "fit", "--out", str(out), "--preset", "tiny", "--epochs", "1", "--seed", "0", "--quiet"
    )
    assert result.exit_code == 0, result.output
    config = json.loads((out / "config.json").read_text())
    assert config["data"]["train"].endswith("train.csv") and config["data"]["valid"].endswith("valid.csv")
    assert (config["data"]["train_texts"], config["data"]["valid_texts"]) == (1000, 200)
    assert "Validation (200 texts)" in result.output


def test_a_rare_label_is_warned_about_with_its_rows(tmp_path):
    words = ["awful", "poor", "fine", "good", "great"]
    rows = [f"the film was {words[i % 5]} {i}\t{i % 5 + 1}" for i in range(200)]
    rows.insert(57, "the film was great\t7")  # a typo among ratings 1-5, on line 59 (after the header)
    table, valid = tmp_path / "ratings.tsv", tmp_path / "valid.tsv"
    table.write_text("review\trating\n" + "\n".join(rows) + "\n", encoding="utf-8")
    valid.write_text("review\trating\n" + "\n".join(rows[:20]) + "\n", encoding="utf-8")
    result = invoke("sentiment", "fit", "--data", str(table), "--valid", str(valid), "--out", str(tmp_path / "run"),
                    "--preset", "tiny", "--epochs", "1", "--quiet")
    assert result.exit_code == 0, result.output
    assert (f"Warning: label '7' appears only 1 time(s) ({table}:59) against 40 for the commonest; if it is a "
            "mistake, fix those rows or give the label set with --labels\n") in result.output
    assert result.output.count("Warning:") == 1


def test_data_warnings_print_as_one_line(capsys):
    from seqkit.cli.main import _show_warning
    from seqkit.errors import DataWarning

    _show_warning(DataWarning("label '7' appears only 1 time(s)"), DataWarning, "x.py", 1)
    assert capsys.readouterr().err == "Warning: label '7' appears only 1 time(s)\n"
