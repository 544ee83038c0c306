"""Tiny DNA data made in the tests: composition tasks a small model learns in a few epochs."""

import numpy as np
import pytest


def composition_record(rng, length):
    """Bases alternating between G/C-only and A/T-only stretches; returns `(sequence, gc intervals)`."""
    bases, intervals, position, gc = [], [], 0, bool(rng.integers(2))
    while position < length:
        size = min(int(rng.integers(20, 80)), length - position)
        alphabet = "GC" if gc else "AT"
        bases.append("".join(rng.choice(list(alphabet), size)))
        if gc:
            intervals.append((position, position + size))
        position, gc = position + size, not gc
    return "".join(bases), intervals


def write_fasta(path, records, width=60):
    with open(path, "w", encoding="ascii") as handle:
        for name, sequence in records:
            handle.write(f">{name} test record\n")
            for start in range(0, len(sequence), width):
                handle.write(sequence[start : start + width] + "\n")


@pytest.fixture(scope="session")
def composition_tagging(tmp_path_factory):
    """FASTA + BED (`gc` intervals; the rest is `intergenic`): train (24 records), valid (6), and one long
    record of 3,000 bases for windowed prediction."""
    folder = tmp_path_factory.mktemp("dna_tagging")
    rng = np.random.default_rng(7)
    truth = {}
    for split, count, length in (("train", 24, 400), ("valid", 6, 400), ("long", 1, 3000)):
        records = []
        with open(folder / f"{split}.bed", "w", encoding="ascii") as bed:
            for i in range(count):
                name = f"{split}{i + 1}"
                sequence, intervals = composition_record(rng, length)
                records.append((name, sequence))
                truth[name] = (sequence, intervals)
                for start, end in intervals:
                    bed.write(f"{name}\t{start}\t{end}\tgc\t0\t.\n")
        write_fasta(folder / f"{split}.fa", records)
    return folder, truth


@pytest.fixture(scope="session")
def composition_classes(tmp_path_factory):
    """CSV tables of 60-base sequences: class `gc_rich` (70 % G/C) or `at_rich` (70 % A/T); a FASTA folder too."""
    folder = tmp_path_factory.mktemp("dna_classes")
    rng = np.random.default_rng(11)

    def sequence(label):
        rich = "GC" if label == "gc_rich" else "AT"
        poor = "AT" if label == "gc_rich" else "GC"
        return "".join(rng.choice(list(rich)) if rng.random() < 0.7 else rng.choice(list(poor)) for _ in range(60))

    for split, count in (("train", 160), ("valid", 40)):
        rows = ["name,sequence,label"]
        by_class = {"gc_rich": [], "at_rich": []}
        for i in range(count):
            label = "gc_rich" if i % 2 else "at_rich"
            text = sequence(label)
            rows.append(f"s{i},{text},{label}")
            by_class[label].append((f"s{i}", text))
        (folder / f"{split}.csv").write_text("\n".join(rows) + "\n", encoding="ascii")
        (folder / split).mkdir()
        for label, records in by_class.items():
            write_fasta(folder / split / f"{label}.fa", records)
    return folder


@pytest.fixture(scope="session")
def tagging_run(tmp_path_factory, composition_tagging):
    """`seqkit dna fit` from the CLI on FASTA + BED, tiny preset."""
    from click.testing import CliRunner

    from seqkit.cli.main import cli

    folder, _ = composition_tagging
    out = tmp_path_factory.mktemp("runs") / "dna_tagging"
    result = CliRunner().invoke(
        cli,
        [
            "dna", "fit", "--data", str(folder / "train.fa"), "--valid", str(folder / "valid.fa"),
            "--out", str(out), "--preset", "tiny", "--epochs", "6", "--learning-rate", "0.02", "--seed", "1",
            "--window", "500", "--overlap", "100", "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    return out, result.output


@pytest.fixture(scope="session")
def classification_run(tmp_path_factory, composition_classes):
    """`seqkit.apps.dna.fit` from Python on CSV tables, tiny preset."""
    from seqkit.apps import dna

    out = tmp_path_factory.mktemp("runs") / "dna_classes"
    result = dna.fit(
        data=str(composition_classes / "train.csv"), valid=str(composition_classes / "valid.csv"), out=str(out),
        preset="tiny", training_overrides={"epochs": 8, "learning_rate": 0.02, "seed": 1, "verbose": 0},
    )
    return out, result
