import json
import textwrap

import pytest
from click.testing import CliRunner

from seqkit.cli.main import cli

from plain_tensorflow import run_plain_tensorflow


def invoke(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input)


def test_fit_writes_a_complete_run_directory(trained_ner_run):
    out, output = trained_ner_run
    for name in ("model.keras", "config.json", "metrics.json", "history.csv", "words.txt", "chars.txt", "tags.txt"):
        assert (out / name).is_file(), name
    assert (out / "plots" / "training_curves.png").is_file()
    metrics = json.loads((out / "metrics.json").read_text())
    assert "entity F1" in output
    # The toy corpus is fully regular: a working tagger gets (nearly) every entity.
    assert metrics["f1"] >= 0.9
    # The training curves follow the tagging quality per epoch, not only the loss.
    import csv

    with open(out / "history.csv", newline="") as handle:
        history = list(csv.DictReader(handle))
    assert {"tag_f1", "val_tag_f1"} <= set(history[0]) and history[0]["epoch"] == "1"
    assert float(history[-1]["val_tag_f1"]) >= 0.8
    # The defaults: IOB2 transition constraints in the CRF, no word dropout.
    config = json.loads((out / "config.json").read_text())
    assert config["builder"]["crf_constraints"]["start"][0] is True
    assert config["builder"]["word_dropout"] == 0.0


def test_predict_returns_entities_with_character_offsets(trained_ner_run):
    out, _ = trained_ner_run
    text = "Maria Costa joined Nordbank in Oslo ."
    result = invoke("ner", "predict", "--model", str(out), "--json", text)
    assert result.exit_code == 0, result.output
    prediction = json.loads(result.stdout)
    assert prediction["tags"] == ["B-PER", "I-PER", "O", "B-ORG", "O", "B-LOC", "O"]
    assert {(e["text"], e["type"]) for e in prediction["entities"]} == {
        ("Maria Costa", "PER"), ("Nordbank", "ORG"), ("Oslo", "LOC")}
    for entity in prediction["entities"]:
        assert text[entity["start"]:entity["end"]] == entity["text"]


def test_predict_reads_one_sentence_per_line_from_stdin(trained_ner_run):
    out, _ = trained_ner_run
    result = invoke("ner", "predict", "--model", str(out), "--json", input="Anna Berg joined Acme Corp in Paris.\n\nLi Wei joined Delta Air in Lima.\n")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert len(lines) == 2
    assert lines[1]["entities"][0] == {"text": "Li Wei", "type": "PER", "start": 0, "end": 6}


def test_evaluate_reports_entity_scores_as_json(trained_ner_run, ner_corpus):
    out, _ = trained_ner_run
    result = invoke("ner", "evaluate", "--model", str(out), "--data", str(ner_corpus[1]), "--json")
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout)
    assert set(metrics["per_type"]) == {"PER", "LOC", "ORG"}
    assert metrics["f1"] == json.loads((out / "metrics.json").read_text())["f1"]


def test_malformed_training_file_exits_2_with_file_and_line(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("Anna B-PER\nBerg I-PER\njoined O extra\n", encoding="utf-8")
    result = invoke("ner", "fit", "--data", str(bad), "--out", str(tmp_path / "run"), "--preset", "tiny")
    assert result.exit_code == 2
    assert f"{bad}:3:" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "content, line, problem",
    [
        (b"Anna B-PER\nBerg I-PER\n\nmet X-PER\n", 4, "X-PER"),
        (b"Anna B-PER\nBerg I-LOC\n", 2, "I-LOC"),
        (b"Anna B-PER\nBerg\xff I-PER\n", 2, "cannot decode byte 0xff"),
        (b"\n\n", None, "no sentence"),
    ],
    ids=["tag-outside-scheme", "inside-tag-without-entity", "bad-encoding", "empty"],
)
def test_malformed_files_exit_2_naming_the_problem(tmp_path, content, line, problem):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    result = invoke("ner", "fit", "--data", str(bad), "--valid", str(bad), "--out", str(tmp_path / "run"))
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"Error: {bad}:{line}:" if line else f"Error: {bad}")
    assert problem in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "run" / "model.keras").exists()


def test_missing_run_directory_files_exit_2(tmp_path):
    result = invoke("ner", "predict", "--model", str(tmp_path), "Anna Berg")
    assert result.exit_code == 2
    assert "config.json" in result.output


def test_export_serves_raw_sentences_without_seqkit(trained_ner_run, tmp_path):
    out, _ = trained_ner_run
    result = invoke("ner", "export", "--model", str(out), "--out", str(tmp_path / "saved_models"))
    assert result.exit_code == 0, result.output
    version_dir = tmp_path / "saved_models" / "ner" / "1"
    assert (version_dir / "saved_model.pb").is_file()
    assert not [p for p in (tmp_path / "saved_models" / "ner").iterdir() if p.name != "1"]

    sentences = ["Maria Costa joined Nordbank in Oslo.", "Tomas Lind joined Acme Corp in Kyoto .", "Hello"]
    script = textwrap.dedent(f"""
        import json, sys
        import tensorflow as tf
        served = tf.saved_model.load({str(version_dir)!r}).signatures["serving_default"]
        out = served(sentences=tf.constant({sentences!r}))
        rows = []
        for i in range({len(sentences)}):
            n = int(out["lengths"][i])
            rows.append({{
                "tags": [t.decode() for t in out["tags"][i][:n].numpy()],
                "entities": [t.decode() for t in out["entity_texts"][i].numpy() if t],
            }})
        print(json.dumps(rows))
    """)
    served = run_plain_tensorflow(script)
    assert served.returncode == 0, served.stderr[-2000:]
    rows = json.loads(served.stdout.strip().splitlines()[-1])

    predicted = invoke("ner", "predict", "--model", str(out), "--json", *sentences)
    expected = [json.loads(line) for line in predicted.output.splitlines()]
    assert [row["tags"] for row in rows] == [e["tags"] for e in expected]
    assert [row["entities"] for row in rows] == [[x["text"] for x in e["entities"]] for e in expected]


def test_export_never_overwrites_a_version(trained_ner_run, tmp_path):
    out, _ = trained_ner_run
    (tmp_path / "ner" / "3").mkdir(parents=True)
    result = invoke("ner", "export", "--model", str(out), "--out", str(tmp_path), "--version", "3")
    assert result.exit_code == 2
    assert "already exists" in result.output


def test_fit_options_turn_word_dropout_on_and_transition_constraints_off(tmp_path, corpus_writer):
    train = corpus_writer(tmp_path / "train.txt", 6)
    out = tmp_path / "run"
    result = invoke("ner", "fit", "--data", str(train), "--valid", str(train), "--out", str(out), "--preset", "tiny",
                    "--epochs", "1", "--quiet", "--run-eagerly", "--word-dropout", "0.5", "--no-transition-constraints")
    assert result.exit_code == 0, result.output
    config = json.loads((out / "config.json").read_text())
    assert config["builder"]["word_dropout"] == 0.5 and "crf_constraints" not in config["builder"]
    assert config["training"]["run_eagerly"] is True  # --run-eagerly: the steps ran untraced
    assert config["builder"]["word_dropout_min_id"] == config["vectorizer"]["singleton_start"]
    assert ner_model_layers(out) >= {"word_dropout", "crf"}


def ner_model_layers(out):
    from seqkit.apps import ner

    return {layer.name for layer in ner.load(out).model.layers}


def test_fit_rejects_a_word_dropout_of_one(tmp_path, corpus_writer):
    train = corpus_writer(tmp_path / "train.txt", 2)
    result = invoke("ner", "fit", "--data", str(train), "--out", str(tmp_path / "run"), "--word-dropout", "1")
    assert result.exit_code == 2 and "--word-dropout" in result.output
