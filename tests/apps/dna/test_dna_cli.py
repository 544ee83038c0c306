import json
import textwrap

import numpy as np
from click.testing import CliRunner

from seqkit.cli.main import cli

from plain_tensorflow import run_plain_tensorflow


def invoke(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input)


def test_fit_on_fasta_and_bed_learns_per_base_classes(tagging_run):
    out, output = tagging_run
    for name in ("model.keras", "config.json", "metrics.json", "labels.json", "history.csv"):
        assert (out / name).is_file(), name
    config = json.loads((out / "config.json").read_text())
    assert config["task"] == "tagging"
    assert json.loads((out / "labels.json").read_text())["classes"] == ["intergenic", "gc"]
    metrics = json.loads((out / "metrics.json").read_text())
    # G/C-only against A/T-only stretches: a motif convolution separates them almost perfectly.
    assert metrics["accuracy"] >= 0.95
    assert metrics["per_class"]["gc"]["f1"] >= 0.9
    assert "tagging into 2 classes (intergenic, gc)" in output


def test_evaluate_json_matches_the_run_metrics(tagging_run, composition_tagging):
    out, _ = tagging_run
    folder, _ = composition_tagging
    result = invoke("dna", "evaluate", "--model", str(out), "--data", str(folder / "valid.fa"), "--json")
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout)
    assert metrics["accuracy"] == json.loads((out / "metrics.json").read_text())["accuracy"]
    assert metrics["count"] == 6 * 400 and metrics["sequences"] == 6
    assert {"segment_exact", "segment_overlap", "macro_f1", "confusion"} <= set(metrics)


def test_predict_fasta_streams_windows_into_bed_regions(tagging_run, composition_tagging, tmp_path):
    out, _ = tagging_run
    folder, truth = composition_tagging
    bed = tmp_path / "long.bed"
    result = invoke("dna", "predict", "--model", str(out), "--fasta", str(folder / "long.fa"), "--out", str(bed))
    assert result.exit_code == 0, result.output
    assert "1 records" in result.output
    lines = [line.split("\t") for line in bed.read_text().splitlines() if not line.startswith("track")]
    predicted = np.zeros(3000, dtype=bool)
    for chrom, start, end, name, score, strand in lines:
        assert chrom == "long1" and name == "gc" and strand == "." and 0 <= int(score) <= 1000
        predicted[int(start):int(end)] = True
    sequence, intervals = truth["long1"]
    expected = np.zeros(3000, dtype=bool)
    for start, end in intervals:
        expected[start:end] = True
    # 3,000 bases through 500-base windows with 100 shared: stitched, nearly every base right.
    assert (predicted == expected).mean() >= 0.97
    assert not list(tmp_path.glob(".*tmp*"))


def test_predict_strings_gives_labels_and_segments(tagging_run):
    out, _ = tagging_run
    sequence = "AT" * 30 + "GC" * 30 + "at" * 30
    result = invoke("dna", "predict", "--model", str(out), "--json", sequence)
    assert result.exit_code == 0, result.output
    prediction = json.loads(result.stdout)
    assert prediction["length"] == 180 and len(prediction["labels"]) == 180
    [segment] = [s for s in prediction["segments"] if s["end"] - s["start"] > 10]
    assert segment["class"] == "gc" and abs(segment["start"] - 60) <= 3 and abs(segment["end"] - 120) <= 3


def test_bad_base_exits_2_with_record_and_position(tmp_path):
    fasta = tmp_path / "bad.fa"
    fasta.write_text(">r1\nACGT\n>r2\nACGTACXT\n", encoding="ascii")
    (tmp_path / "bad.bed").write_text("r1\t0\t2\tgc\n", encoding="ascii")
    result = invoke("dna", "fit", "--data", str(fasta), "--out", str(tmp_path / "run"), "--preset", "tiny")
    assert result.exit_code == 2, result.output
    assert "record r2, position 7" in result.output and "'X'" in result.output
    assert "Traceback" not in result.output


def test_fasta_without_annotation_exits_2(tmp_path):
    fasta = tmp_path / "genes.fa"
    fasta.write_text(">r1\nACGTACGT\n", encoding="ascii")
    result = invoke("dna", "fit", "--data", str(fasta), "--out", str(tmp_path / "run"), "--preset", "tiny")
    assert result.exit_code == 2, result.output
    assert "needs an annotation" in result.output and "genes.gff3" in result.output


def test_export_serves_dna_strings_without_seqkit(tagging_run, tmp_path):
    out, _ = tagging_run
    result = invoke("dna", "export", "--model", str(out), "--out", str(tmp_path / "saved_models"))
    assert result.exit_code == 0, result.output
    version_dir = tmp_path / "saved_models" / "dna" / "1"
    sequences = ["AT" * 30 + "GC" * 30, "gcgcgcATAT", "ACGTN"]
    script = textwrap.dedent(f"""
        import json, sys
        import tensorflow as tf
        served = tf.saved_model.load({str(version_dir)!r}).signatures["serving_default"]
        out = served(sequences=tf.constant({sequences!r}))
        rows = []
        for i in range({len(sequences)}):
            n = int(out["lengths"][i])
            rows.append([t.decode() for t in out["labels"][i][:n].numpy()])
        print(json.dumps(rows))
    """)
    served = run_plain_tensorflow(script)
    assert served.returncode == 0, served.stderr[-2000:]
    rows = json.loads(served.stdout.strip().splitlines()[-1])
    predicted = invoke("dna", "predict", "--model", str(out), "--json", *sequences)
    assert rows == [json.loads(line)["labels"] for line in predicted.output.splitlines()]


def test_fit_without_data_tags_gene_structure_of_the_embedded_loci(tmp_path):
    out = tmp_path / "run"
    result = invoke("dna", "fit", "--out", str(out), "--preset", "tiny", "--epochs", "1", "--seed", "1", "--quiet")
    assert result.exit_code == 0, result.output
    assert "embedded genome-like loci" in result.output
    assert "tagging into 4 classes (intergenic, utr, cds, intron)" in result.output
    config = json.loads((out / "config.json").read_text())
    # 120 training loci of 401-1,199 bases, cut into the tiny preset's 500-base windows.
    assert config["window"] == 500
    assert 240 < config["data"]["train_sequences"] < 360


def test_predict_fasta_writes_gff3_by_suffix(tagging_run, composition_tagging, tmp_path):
    out, _ = tagging_run
    folder, _ = composition_tagging
    gff = tmp_path / "long.gff3"
    result = invoke("dna", "predict", "--model", str(out), "--fasta", str(folder / "long.fa"), "--out", str(gff), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["format"] == "gff3" and summary["records"] == 1
    lines = gff.read_text().splitlines()
    assert lines[0] == "##gff-version 3" and len(lines) == summary["regions"] + 1
    seqid, source, kind, start, end, score, strand, phase, attributes = lines[1].split("\t")
    assert (seqid, source, kind, strand) == ("long1", "seqkit", "gc", ".")
    assert 1 <= int(start) <= int(end) <= 3000 and attributes.startswith("ID=region1;Name=gc")


def test_table_of_tag_strings_trains_a_tagger(tmp_path):
    rng = np.random.default_rng(5)
    rows = ["name,sequence,tags"]
    for i in range(40):
        bases = "".join(rng.choice(list("ACGT"), 50))
        rows.append(f"r{i},{bases},{''.join('s' if b in 'GC' else 'w' for b in bases)}")
    (tmp_path / "tags.csv").write_text("\n".join(rows) + "\n", encoding="ascii")
    out = tmp_path / "run"
    result = invoke("dna", "fit", "--data", str(tmp_path / "tags.csv"), "--out", str(out), "--preset", "tiny",
                    "--epochs", "1", "--quiet")
    assert result.exit_code == 0, result.output
    assert json.loads((out / "labels.json").read_text()) == {"task": "tagging", "classes": ["s", "w"], "file": "labels.json"}
    bad = tmp_path / "bad.csv"
    bad.write_text("sequence,tags\nACGT,sww\n", encoding="ascii")
    result = invoke("dna", "evaluate", "--model", str(out), "--data", str(bad))
    assert result.exit_code == 2 and "bad.csv:2" in result.output, result.output
