"""The embedded genome-like data of `seqkit dna` (`apps/dna/data/`): up to date, well-formed gene models.

Fast and without TensorFlow: the generator script is loaded from its path and the committed FASTA and GFF3
files are parsed here with a few lines of independent code (per-base classes included).
"""

import collections
import importlib.util
import pathlib
import subprocess
import sys

import numpy as np
import pytest

DATA = pathlib.Path(__file__).resolve().parents[3] / "apps" / "dna" / "data"
SEED = 2026
FILES = ["train.fa", "train.gff3", "valid.fa", "valid.gff3"]
STOPS = {"TAA", "TAG", "TGA"}
CLASSES = ["intergenic", "utr", "cds", "intron"]
PROPORTIONS = {"intergenic": (0.20, 0.30), "utr": (0.11, 0.19), "cds": (0.40, 0.50), "intron": (0.11, 0.19)}


def _load_generator():
    spec = importlib.util.spec_from_file_location("seqkit_dna_make_genome", DATA / "make_genome.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_genome = _load_generator()


# === Independent readers ===
def read_fasta(name):
    text = (DATA / name).read_bytes().decode("ascii")
    assert text.endswith("\n") and "\r" not in text
    records, current = {}, None
    for line in text.split("\n")[:-1]:
        if line.startswith(">"):
            current = line[1:]
            assert current not in records
            records[current] = []
        else:
            assert 0 < len(line) <= 60 and set(line) <= set("ACGT"), line
            records[current].append(line)
    return {name: "".join(lines) for name, lines in records.items()}


def read_gff3(name):
    """`(directives, rows)`; a row is a dict of the 9 columns with `start`, `end` as ints, attributes as a dict."""
    lines = (DATA / name).read_bytes().decode("ascii").split("\n")
    assert lines[0] == "##gff-version 3" and lines[-1] == ""
    directives, rows = [], []
    for line in lines[1:-1]:
        if line.startswith("##"):
            directives.append(line)
            continue
        columns = line.split("\t")
        assert len(columns) == 9, line
        seqid, source, kind, start, end, score, strand, phase, attributes = columns
        pairs = {} if attributes == "." else dict(item.split("=", 1) for item in attributes.split(";"))
        rows.append(dict(seqid=seqid, source=source, type=kind, start=int(start), end=int(end), score=score,
                         strand=strand, phase=phase, attributes=pairs))
    return directives, rows


def gene_models(rows):
    """`{seqid: {type: [rows sorted by start]}}` of the `seqkit` rows (the annotation)."""
    models = collections.defaultdict(lambda: collections.defaultdict(list))
    for row in rows:
        if row["source"] == "seqkit":
            models[row["seqid"]][row["type"]].append(row)
    for parts in models.values():
        for kind in parts:
            parts[kind].sort(key=lambda row: row["start"])
    return models


def base_classes(records, rows):
    """Per-base class ids (CLASSES) from the annotation rows: UTRs, then CDS, then introns painted."""
    classes = {name: np.zeros(len(sequence), dtype=np.int64) for name, sequence in records.items()}
    paint = {"five_prime_UTR": 1, "three_prime_UTR": 1, "CDS": 2, "intron": 3}
    for kind in paint:  # in this order
        for row in rows:
            if row["source"] == "seqkit" and row["type"] == kind:
                classes[row["seqid"]][row["start"] - 1 : row["end"]] = paint[kind]
    return classes


def spliced(sequence, parts):
    return "".join(sequence[row["start"] - 1 : row["end"]] for row in parts)


@pytest.fixture(scope="module")
def splits():
    out = {}
    for split in ("train", "valid"):
        records = read_fasta(f"{split}.fa")
        directives, rows = read_gff3(f"{split}.gff3")
        out[split] = (records, directives, rows)
    return out


# === Up to date ===
def test_committed_files_are_what_the_generator_makes(tmp_path, capsys):
    assert make_genome.main(["--out", str(tmp_path)]) == 0
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), (
            f"{name} is stale: run python apps/dna/data/make_genome.py"
        )
    assert make_genome.main(["--check"]) == 0
    assert capsys.readouterr().out.endswith(f"corpus files match the generator: {', '.join(FILES)}\n")


def test_the_script_rewrites_the_files_byte_for_byte(tmp_path):
    result = subprocess.run([sys.executable, str(DATA / "make_genome.py"), "--out", str(tmp_path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(FILES)
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name


def test_output_depends_only_on_the_seed():
    files = make_genome.generate(SEED)
    assert make_genome.generate(SEED) == files and sorted(files) == sorted(FILES)
    other = make_genome.generate(7)
    assert all(other[name] != files[name] for name in FILES)
    assert other["train.fa"].count(">") == 120 and other["valid.fa"].count(">") == 20


# === Layout ===
def test_records_sizes_and_directives(splits):
    names = {"train": [f"locus{i}" for i in range(1, 121)], "valid": [f"locus{i}" for i in range(121, 141)]}
    for split, (records, directives, _) in splits.items():
        assert list(records) == names[split]
        assert all(400 <= len(sequence) <= 1200 for sequence in records.values())
        assert directives == [f"##sequence-region {name} 1 {len(seq)}" for name, seq in records.items()]
    assert sum((DATA / name).stat().st_size for name in FILES) < 250_000


def test_gff_coordinates_lie_within_their_records(splits):
    for records, _, rows in splits.values():
        for row in rows:
            assert row["seqid"] in records
            assert 1 <= row["start"] <= row["end"] <= len(records[row["seqid"]]), row
            assert row["strand"] == "+"


def test_one_gene_per_locus_with_linked_parts(splits):
    for records, _, rows in splits.values():
        models = gene_models(rows)
        assert set(models) == set(records)
        for seqid, parts in models.items():
            number = seqid.removeprefix("locus")
            (gene,), (mrna,) = parts["gene"], parts["mRNA"]
            assert gene["attributes"]["ID"] == f"Gene:gene{number}"
            assert mrna["attributes"] == {"ID": f"Transcript:gene{number}.1", "Parent": f"Gene:gene{number}",
                                          "Name": f"gene{number}.1"}
            assert (gene["start"], gene["end"]) == (mrna["start"], mrna["end"])
            assert set(parts) == {"gene", "mRNA", "exon", "CDS", "intron", "five_prime_UTR",
                                  "three_prime_UTR"} - ({"intron"} if len(parts["exon"]) == 1 else set())
            for kind in ("exon", "CDS", "intron", "five_prime_UTR", "three_prime_UTR"):
                for row in parts[kind]:
                    assert row["attributes"]["Parent"] == mrna["attributes"]["ID"], row
            assert {row["attributes"]["ID"] for row in parts["CDS"]} == {f"CDS:gene{number}.1"}
            exons, introns, cds = parts["exon"], parts["intron"], parts["CDS"]
            assert 1 <= len(exons) <= 4 and len(cds) == len(exons) and len(introns) == len(exons) - 1
            assert exons[0]["start"] == gene["start"] and exons[-1]["end"] == gene["end"]
            for before, intron, after in zip(exons, introns, exons[1:]):  # introns exactly between exons
                assert (before["end"] + 1, intron["end"] + 1) == (intron["start"], after["start"])
            (utr5,), (utr3,) = parts["five_prime_UTR"], parts["three_prime_UTR"]
            assert utr5["start"] == gene["start"] and utr5["end"] + 1 == cds[0]["start"]
            assert cds[-1]["end"] + 1 == utr3["start"] and utr3["end"] == gene["end"]
            for exon, piece in zip(exons, cds):  # each exon holds one CDS piece, UTRs only at the ends
                assert exon["start"] <= piece["start"] <= piece["end"] <= exon["end"]
            assert all(e["start"] == c["start"] and e["end"] == c["end"] for e, c in zip(exons[1:-1], cds[1:-1]))


# === Biology ===
def test_coding_sequences_are_open_reading_frames_with_phases(splits):
    phases = collections.Counter()
    for records, _, rows in splits.values():
        for seqid, parts in gene_models(rows).items():
            cds = spliced(records[seqid], parts["CDS"])
            assert len(cds) % 3 == 0 and cds.startswith("ATG") and cds[-3:] in STOPS, seqid
            codons = [cds[i : i + 3] for i in range(0, len(cds) - 3, 3)]
            assert not STOPS & set(codons), f"{seqid} has an in-frame stop codon"
            done = 0
            for row in parts["CDS"]:
                assert int(row["phase"]) == (3 - done % 3) % 3, (seqid, row)
                phases[row["phase"]] += 1
                done += row["end"] - row["start"] + 1
            assert "ATG" not in spliced(records[seqid], parts["five_prime_UTR"])
    assert set(phases) == {"0", "1", "2"}


def test_introns_are_gt_ag_with_a_pyrimidine_rich_end(splits):
    tails = []
    for records, _, rows in splits.values():
        for seqid, parts in gene_models(rows).items():
            for row in parts["intron"]:
                intron = records[seqid][row["start"] - 1 : row["end"]]
                assert 40 <= len(intron) <= 150
                assert intron.startswith("GT") and intron.endswith("AG"), (seqid, row)
                tails.append(intron[-11:-3])  # the 8 bases before the acceptor's YAG
    assert len(tails) > 100
    pyrimidines = sum(base in "CT" for tail in tails for base in tail) / (8 * len(tails))
    assert pyrimidines > 0.8  # the background has about 0.5


def test_class_proportions_and_background_composition(splits):
    for split, (records, _, rows) in splits.items():
        classes = base_classes(records, rows)
        everything = np.concatenate(list(classes.values()))
        shares = np.bincount(everything, minlength=4) / everything.size
        for name, share in zip(CLASSES, shares):
            low, high = PROPORTIONS[name]
            assert low <= share <= high, (split, name, share)
        # Every exon base is UTR or CDS, and every gene base is UTR, CDS or intron.
        models = gene_models(rows)
        for seqid, labels in classes.items():
            for exon in models[seqid]["exon"]:
                assert set(labels[exon["start"] - 1 : exon["end"]].tolist()) <= {1, 2}
            gene = models[seqid]["gene"][0]
            assert 0 not in labels[gene["start"] - 1 : gene["end"]]
            assert set(labels[: gene["start"] - 1].tolist()) <= {0} and set(labels[gene["end"] :].tolist()) <= {0}
        background = "".join(
            "".join(np.array(list(records[seqid]))[labels == 0]) for seqid, labels in classes.items()
        )
        gc = (background.count("G") + background.count("C")) / len(background)
        assert 0.36 <= gc <= 0.45, (split, gc)


def test_evidence_rows_are_parentless_splice_counts(splits):
    total = 0
    for records, _, rows in splits.values():
        evidence = [row for row in rows if row["source"] != "seqkit"]
        for row in evidence:
            assert row["source"] == "RNASeq_splice" and row["type"] == "intron"
            assert row["attributes"] == {} and row["phase"] == "."
            assert row["score"].isdigit() and int(row["score"]) >= 1
        total += len(evidence)
        assert len(evidence) < 0.5 * len(records)  # a few
    assert total >= 10
    # Most repeat an annotated intron; at least one does not, so a reader that used them would be wrong.
    _, _, rows = splits["train"]
    annotated = {(r["seqid"], r["start"], r["end"]) for r in rows if r["source"] == "seqkit" and r["type"] == "intron"}
    matches = [(r["seqid"], r["start"], r["end"]) in annotated for r in rows if r["source"] == "RNASeq_splice"]
    assert 0 < matches.count(False) < matches.count(True)


def test_validation_loci_differ_from_training_loci(splits):
    train, valid = splits["train"][0], splits["valid"][0]
    assert not set(train) & set(valid)
    assert not set(train.values()) & set(valid.values())
    k = 40
    train_kmers = {seq[i : i + k] for seq in train.values() for i in range(len(seq) - k + 1)}
    assert not any(seq[i : i + k] in train_kmers for seq in valid.values() for i in range(len(seq) - k + 1))
