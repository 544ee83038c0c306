import numpy as np
import pytest
from click.testing import CliRunner

from seqkit.apps import dna
from seqkit.apps.dna.encoding import DnaVectorizer
from seqkit.apps.dna.sources import TaggedSequence
from seqkit.cli.main import cli


def test_table_trains_a_sequence_classifier(classification_run):
    out, result = classification_run
    assert result.data["task"] == "classification"
    assert result.data["classes"] == ["at_rich", "gc_rich"]
    assert result.metrics["accuracy"] >= 0.9
    assert result.metrics["mcc"] >= 0.8
    assert 0.9 <= result.metrics["roc_auc"] <= 1.0
    assert "MCC" in result.summary()


def test_folder_of_fasta_files_evaluates_like_the_table(classification_run, composition_classes):
    out, result = classification_run
    model = dna.load(out)
    from_folder = model.evaluate(str(composition_classes / "valid"))
    assert from_folder["count"] == 40
    assert from_folder["accuracy"] == pytest.approx(result.metrics["accuracy"])


def test_classifier_predicts_strings_and_fasta_records(classification_run, composition_classes, tmp_path):
    out, _ = classification_run
    model = dna.load(out)
    [gc, at] = model.predict(["GCGGCCGCGGCGCCGGGCGC" * 3, "ATTATAATATTTAAATATAT" * 3])
    assert gc["class"] == "gc_rich" and at["class"] == "at_rich"
    assert sum(gc["probabilities"].values()) == pytest.approx(1.0, abs=1e-4)
    table = tmp_path / "classes.tsv"
    summary = model.predict_fasta(composition_classes / "valid" / "gc_rich.fa", table)
    assert summary["records"] == 20
    rows = [line.split("\t") for line in table.read_text().splitlines()]
    assert rows[0] == ["record", "class", "p_at_rich", "p_gc_rich"]
    assert sum(row[1] == "gc_rich" for row in rows[1:]) >= 18


def test_reverse_complement_average_is_symmetric(classification_run):
    out, _ = classification_run
    model = dna.load(out)
    sequence = "ACGGTTGCAGGCATTGACCA" * 3
    from seqkit.data.dna.alphabet import reverse_complement

    forward = model.predict([sequence], rc_average=True)[0]["probabilities"]
    backward = model.predict([reverse_complement(sequence)], rc_average=True)[0]["probabilities"]
    assert forward == pytest.approx(backward, abs=1e-5)


def test_reverse_complement_augmentation_swaps_strands():
    vectorizer = DnaVectorizer("tagging", ["intergenic", "cds+", "cds-"])
    example = TaggedSequence("r", 0, np.array([1, 1, 3, 4], np.uint8), np.array([0, 1, 1, 2]), ("intergenic", "cds+", "cds-"))
    forward, reverse = vectorizer.encode(example, "x.fa", reverse_complement=True)
    assert forward["labels"].tolist() == [0, 1, 1, 2]
    # ACGT codes 1..4: AAGT -> reverse complement ACTT; labels reversed, cds+ <-> cds-.
    assert reverse["token_ids"].tolist() == [1, 2, 4, 4]
    assert reverse["labels"].tolist() == [1, 2, 2, 0]


def test_task_mismatch_on_evaluate_exits_2(classification_run, composition_tagging):
    out, _ = classification_run
    folder, _ = composition_tagging
    result = CliRunner().invoke(cli, ["dna", "evaluate", "--model", str(out), "--data", str(folder / "valid.fa")])
    assert result.exit_code == 2, result.output
    assert "the model does classification" in result.output


def test_single_class_table_is_refused(tmp_path):
    table = tmp_path / "one.csv"
    table.write_text("sequence,label\nACGT,a\nACGA,a\n", encoding="ascii")
    result = CliRunner().invoke(cli, ["dna", "fit", "--data", str(table), "--out", str(tmp_path / "r"), "--preset", "tiny"])
    assert result.exit_code == 2, result.output
    assert "only one class" in result.output


def test_genes_on_both_strands_give_stranded_classes_and_mirrored_rc_average(tmp_path):
    rng = np.random.default_rng(3)
    sequence = "".join(rng.choice(list("ACGT"), 600))
    (tmp_path / "loci.fa").write_text(f">chr1\n{sequence}\n", encoding="ascii")
    gff = [
        "##gff-version 3",
        "chr1\tt\tgene\t51\t250\t.\t+\t.\tID=g1",
        "chr1\tt\tCDS\t51\t250\t.\t+\t0\tID=c1;Parent=g1",
        "chr1\tt\tgene\t351\t550\t.\t-\t.\tID=g2",
        "chr1\tt\tCDS\t351\t550\t.\t-\t0\tID=c2;Parent=g2",
        "chr1\tRNASeq_splice\tintron\t100\t200\t12\t+\t.\t",
    ]
    (tmp_path / "loci.gff3").write_text("\n".join(gff) + "\n", encoding="ascii")
    result = dna.fit(
        data=str(tmp_path / "loci.fa"), valid=str(tmp_path / "loci.fa"), out=str(tmp_path / "run"), preset="tiny",
        rc_augment=True, training_overrides={"epochs": 1, "seed": 1, "verbose": 0},
    )
    classes = result.data["classes"]
    assert {"intergenic", "cds+", "cds-"} <= set(classes) and "intron+" in classes
    model = dna.load(tmp_path / "run")
    from seqkit.data.dna.alphabet import reverse_complement

    forward = model._probabilities([np.frombuffer(b"\x01\x02\x03\x04" * 25, np.uint8)], rc_average=True)[0][0]
    probe = "ACGT" * 25
    assert reverse_complement(probe) == probe  # ACGT repeats are their own reverse complement
    swap = model.vectorizer.strand_swap
    # Averaged with its reverse complement, position i on + is position L-1-i on - with strands swapped.
    np.testing.assert_allclose(forward, forward[::-1][:, swap], atol=1e-5)


def test_attention_pooling_classifier_learns_and_exports(composition_classes, tmp_path):
    """The default preset's pooling (attention) on the tiny preset: it learns the classes, and the export serves
    the probabilities of in-process prediction."""
    import tensorflow as tf

    out = tmp_path / "run"
    dna.fit(
        data=str(composition_classes / "train.csv"), valid=str(composition_classes / "valid.csv"), out=str(out),
        preset="tiny", model_overrides={"pooling": "attention"},
        training_overrides={"epochs": 8, "learning_rate": 0.02, "seed": 1, "verbose": 0},
    )
    model = dna.load(out)
    assert model.model.get_layer("pooling").__class__.__name__ == "AttentionPooling"
    sequences = ["GCGGCCGCGGCGCCGGGCGC" * 3, "ATTATAATATTTAAATATAT" * 3]
    predicted = model.predict(sequences)
    assert [row["class"] for row in predicted] == ["gc_rich", "at_rich"]
    version_dir = model.export(tmp_path / "saved_models")
    served = tf.saved_model.load(str(version_dir)).signatures["serving_default"](sequences=tf.constant(sequences))
    probabilities = [[row["probabilities"][name] for name in sorted(row["probabilities"])] for row in predicted]
    np.testing.assert_allclose(served["probabilities"].numpy(), probabilities, atol=1e-4)
