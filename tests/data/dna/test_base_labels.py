import numpy as np
import pytest

from seqkit.data.dna.base_labels import (
    STRANDED_CLASSES,
    UNSTRANDED_CLASSES,
    BaseLabeler,
    bed_intervals_labeler,
    gene_structure_intervals,
)
from seqkit.data.dna.bed import BedInterval, iter_bed
from seqkit.data.dna.gff3 import iter_gff3
from seqkit.errors import UserInputError

# One character per class, lowercase for the - strand.
_CHARS = {"intergenic": ".", "utr": "U", "cds": "C", "intron": "I", "utr+": "U", "cds+": "C", "intron+": "I",
          "utr-": "u", "cds-": "c", "intron-": "i"}

# A + gene: 5'UTR, CDS, explicit intron, CDS, 3'UTR. A - gene with a short first transcript (no UTR rows: UTR is
# exon minus CDS, intron is the exon gap) and a longer second one. Plus rows that are not annotation.
TWO_GENES = [
    "##gff-version 3",
    "chr1|RefSeq|region|1|140|.|+|.|ID=chr1:1..140",
    "chr1|demo|gene|11|60|.|+|.|ID=g1",
    "chr1|demo|mRNA|11|60|.|+|.|ID=t1;Parent=g1",
    "chr1|demo|exon|11|30|.|+|.|Parent=t1",
    "chr1|demo|exon|41|60|.|+|.|Parent=t1",
    "chr1|demo|five_prime_UTR|11|15|.|+|.|Parent=t1",
    "chr1|demo|CDS|16|30|.|+|0|ID=cds1;Parent=t1",
    "chr1|demo|intron|31|40|.|+|.|Parent=t1",
    "chr1|demo|CDS|41|52|.|+|0|ID=cds1;Parent=t1",
    "chr1|demo|three_prime_UTR|53|60|.|+|.|Parent=t1",
    "chr1|RNASeq_splice|intron|62|79|25|+|.|Name=junction_1;score=25",
    "chr1|demo|repeat_region|61|70|.|+|.|ID=rep1",
    "chr1|demo|gene|81|130|.|-|.|ID=g2",
    "chr1|demo|mRNA|91|120|.|-|.|ID=t2a;Parent=g2",
    "chr1|demo|exon|91|100|.|-|.|Parent=t2a",
    "chr1|demo|exon|111|120|.|-|.|Parent=t2a",
    "chr1|demo|CDS|95|100|.|-|0|Parent=t2a",
    "chr1|demo|CDS|111|116|.|-|0|Parent=t2a",
    "chr1|demo|transcript|81|130|.|-|.|ID=t2b;Parent=g2",
    "chr1|demo|exon|81|100|.|-|.|Parent=t2b",
    "chr1|demo|exon|106|130|.|-|.|Parent=t2b",
    "chr1|demo|CDS|85|100|.|-|0|Parent=t2b",
    "chr1|demo|CDS|106|125|.|-|0|Parent=t2b",
    "chr1|demo|tRNA|131|135|.|-|.|ID=trna1",
]
LENGTH = 140
PLUS_GENE = "." * 10 + "U" * 5 + "C" * 15 + "I" * 10 + "C" * 12 + "U" * 8
FIRST_MINUS = "." * 30 + "u" * 4 + "c" * 6 + "i" * 10 + "c" * 6 + "u" * 4 + "." * 20
LONGEST_MINUS = "." * 20 + "u" * 4 + "c" * 16 + "i" * 5 + "c" * 20 + "u" * 5 + "." * 10


def _gff(tmp_path, rows, name="genes.gff3"):
    path = tmp_path / name
    path.write_text("".join(row.replace("|", "\t") + "\n" for row in rows))
    return path


def _chars(labeler, seqid="chr1", length=LENGTH):
    return "".join(_CHARS[labeler.classes[i]] for i in labeler.labels(seqid, 0, length))


def test_first_transcript_both_strands_gives_stranded_classes(tmp_path):
    labeler = gene_structure_intervals(iter_gff3(_gff(tmp_path, TWO_GENES)))
    assert labeler.classes == list(STRANDED_CLASSES)
    assert labeler.classes == ["intergenic", "utr+", "utr-", "cds+", "cds-", "intron+", "intron-"]
    assert _chars(labeler) == PLUS_GENE + FIRST_MINUS
    labels = labeler.labels("chr1", 0, LENGTH)
    assert labels.dtype == np.uint8 and labels.shape == (LENGTH,)
    summary = labeler.summary()
    assert summary["genes"] == 2 and summary["seqids"] == 1
    # The RNA-seq intron has no Parent, the repeat and the tRNA are other types, t2b was not chosen.
    assert summary["ignored_rows"] == {
        "CDS whose Parent is not a chosen transcript": 2,
        "exon whose Parent is not a chosen transcript": 2,
        "intron without Parent": 1,
        "region": 1,
        "repeat_region": 1,
        "tRNA": 1,
    }
    assert summary["bases"]["cds+"] == 27 and summary["bases"]["intergenic"] is None
    assert labeler.summary(lengths={"chr1": 200})["bases"]["intergenic"] == 200 - 50 - 30


def test_longest_transcript_and_path_input(tmp_path):
    labeler = gene_structure_intervals(_gff(tmp_path, TWO_GENES), transcript="longest")
    assert _chars(labeler) == PLUS_GENE + LONGEST_MINUS


def test_unstranded_names_when_asked_or_when_one_strand_is_labelled(tmp_path):
    features = list(iter_gff3(_gff(tmp_path, TWO_GENES)))
    both = gene_structure_intervals(features, stranded=False)
    assert both.classes == list(UNSTRANDED_CLASSES) == ["intergenic", "utr", "cds", "intron"]
    assert _chars(both) == (PLUS_GENE + FIRST_MINUS).upper()
    plus = gene_structure_intervals(features, strand="+")
    assert plus.classes == list(UNSTRANDED_CLASSES)
    assert _chars(plus) == PLUS_GENE + "." * 80
    assert plus.summary()["genes_on_other_strand"] == 1
    minus = gene_structure_intervals(features, strand="-", transcript="longest")
    assert _chars(minus) == "." * 60 + LONGEST_MINUS.upper()
    # All classes of the scheme are listed even when a strand has none.
    plus_stranded = gene_structure_intervals(features, strand="+", stranded=True)
    assert plus_stranded.classes == list(STRANDED_CLASSES)
    assert _chars(plus_stranded) == PLUS_GENE + "." * 80
    # One strand in the data: unstranded names unless asked.
    only_plus = [f for f in features if f.strand != "-"]
    assert gene_structure_intervals(only_plus).classes == list(UNSTRANDED_CLASSES)
    assert gene_structure_intervals(only_plus, stranded=True).classes == list(STRANDED_CLASSES)


def test_cds_wins_over_utr_and_intron_and_plus_over_minus(tmp_path):
    rows = [
        "c|d|gene|1|40|.|+|.|ID=g1",
        "c|d|mRNA|1|40|.|+|.|ID=t1;Parent=g1",
        "c|d|exon|1|10|.|+|.|Parent=t1",
        "c|d|exon|31|40|.|+|.|Parent=t1",
        "c|d|CDS|5|10|.|+|0|Parent=t1",
        "c|d|CDS|31|36|.|+|0|Parent=t1",
        # A - gene in the + gene's intron, overlapping its last exon by 2 bases; an exon listed in both mRNAs.
        "c|d|gene|15|32|.|-|.|ID=g2",
        "c|d|mRNA|15|32|.|-|.|ID=t2;Parent=g2",
        "c|d|exon|15|32|.|-|.|Parent=t2,t3",
        "c|d|CDS|19|32|.|-|0|Parent=t2",
    ]
    labeler = gene_structure_intervals(iter_gff3(_gff(tmp_path, rows)))
    expected = "UUUUCCCCCC" + "IIII" + "uuuu" + "cccccccccccc" + "CCCCCC" + "UUUU"
    assert _chars(labeler, "c", 40) == expected
    unstranded = gene_structure_intervals(iter_gff3(_gff(tmp_path, rows)), stranded=False)
    assert _chars(unstranded, "c", 40) == expected.upper()


def test_refseq_prokaryote_cds_under_gene(tmp_path):
    rows = [
        "##gff-version 3",
        "##sequence-region NC_000913.3 1 200",
        "NC_000913.3|RefSeq|region|1|200|.|+|.|ID=NC_000913.3:1..200;Is_circular=true",
        "NC_000913.3|RefSeq|gene|11|40|.|+|.|ID=gene-b0001;Name=thrL;gene_biotype=protein_coding",
        "NC_000913.3|Protein Homology|CDS|11|40|.|+|0|ID=cds-NP_1;Parent=gene-b0001;product=thr leader",
        "NC_000913.3|RefSeq|gene|51|80|.|-|.|ID=gene-b0002;gene_biotype=protein_coding",
        "NC_000913.3|Protein Homology|CDS|51|80|.|-|0|ID=cds-NP_2;Parent=gene-b0002",
        "NC_000913.3|RefSeq|gene|101|130|.|+|.|ID=gene-b0203;gene_biotype=tRNA",
        "NC_000913.3|tRNAscan-SE|tRNA|101|130|.|+|.|ID=rna-b0203;Parent=gene-b0203;product=tRNA-Ile",
        "NC_000913.3|tRNAscan-SE|exon|101|130|.|+|.|ID=exon-b0203-1;Parent=rna-b0203",
        # A CDS of two rows with one ID (ribosomal slippage), overlapping by a base.
        "NC_000913.3|RefSeq|gene|141|170|.|-|.|ID=gene-b0004",
        "NC_000913.3|Protein Homology|CDS|141|155|.|-|0|ID=cds-NP_4;Parent=gene-b0004",
        "NC_000913.3|Protein Homology|CDS|155|170|.|-|0|ID=cds-NP_4;Parent=gene-b0004",
        "pPLASMID|RefSeq|region|1|50|.|+|.|ID=pPLASMID:1..50",
    ]
    labeler = gene_structure_intervals(iter_gff3(_gff(tmp_path, rows)))
    assert labeler.classes == list(STRANDED_CLASSES)
    expected = "." * 10 + "C" * 30 + "." * 10 + "c" * 30 + "." * 60 + "c" * 30 + "." * 30
    assert _chars(labeler, "NC_000913.3", 200) == expected
    assert labeler.seqids == ["NC_000913.3", "pPLASMID"]
    assert not labeler.labels("pPLASMID", 0, 50).any() and not labeler.labels("unknown", 5, 9).any()
    summary = labeler.summary(lengths={"NC_000913.3": 200, "pPLASMID": 50})
    assert summary["bases"] == {"intergenic": 110 + 50, "utr+": 0, "utr-": 0, "cds+": 30, "cds-": 60,
                                "intron+": 0, "intron-": 0}
    assert summary["genes"] == 3 and summary["genes_without_transcript"] == 1
    assert summary["ignored_rows"]["tRNA"] == 1 and summary["ignored_rows"]["region"] == 2


def test_cds_only_mrna_gets_introns_between_its_cds(tmp_path):
    rows = [
        "c|d|gene|1|20|.|+|.|ID=g",
        "c|d|mRNA|1|20|.|+|.|ID=t;Parent=g",
        "c|d|CDS|1|5|.|+|0|Parent=t",
        "c|d|CDS|11|20|.|+|1|Parent=t",
        "c|d|five_prime_utr|21|22|.|+|.|Parent=t",  # types are compared case-insensitively
    ]
    labeler = gene_structure_intervals(iter_gff3(_gff(tmp_path, rows)))
    assert _chars(labeler, "c", 24) == "CCCCC" + "IIIII" + "C" * 10 + "UU" + ".."


def test_unknown_strand_genes(tmp_path):
    rows = [
        "c|d|gene|1|4|.|.|.|ID=g",
        "c|d|CDS|1|4|.|.|0|Parent=g",
        "c|d|gene|6|8|.|+|.|ID=h",
        "c|d|CDS|6|8|.|+|0|Parent=h",
    ]
    features = list(iter_gff3(_gff(tmp_path, rows)))
    assert _chars(gene_structure_intervals(features), "c", 9) == "CCCC.CCC."
    stranded = gene_structure_intervals(features, stranded=True)
    assert _chars(stranded, "c", 9) == ".....CCC."
    assert stranded.summary()["genes_without_strand"] == 1


def test_labels_of_windows_equal_slices_of_the_whole(tmp_path):
    labeler = gene_structure_intervals(iter_gff3(_gff(tmp_path, TWO_GENES)), transcript="longest")
    whole = labeler.labels("chr1", 0, 300)
    rng = np.random.default_rng(0)
    for _ in range(300):
        start = int(rng.integers(0, 300))
        end = int(rng.integers(start, 301))
        np.testing.assert_array_equal(labeler.labels("chr1", start, end), whole[start:end])
    assert labeler.labels("chr1", 7, 7).shape == (0,)
    with pytest.raises(ValueError, match="`start` must be non-negative. Received: start=-1"):
        labeler.labels("chr1", -1, 5)
    with pytest.raises(ValueError, match="`end` must be at least `start`"):
        labeler.labels("chr1", 5, 4)


def test_swap_strand_class_ids_reverse_complements_labels(tmp_path):
    forward = [
        "c|d|gene|3|12|.|+|.|ID=g",
        "c|d|mRNA|3|12|.|+|.|ID=t;Parent=g",
        "c|d|exon|3|6|.|+|.|Parent=t",
        "c|d|exon|9|12|.|+|.|Parent=t",
        "c|d|CDS|5|6|.|+|0|Parent=t",
        "c|d|CDS|9|10|.|+|0|Parent=t",
    ]
    # The same gene on the reverse complement of a 15-base sequence: position p becomes 16 - p.
    mirrored = []
    for row in forward:
        cells = row.split("|")
        cells[3], cells[4], cells[6] = str(16 - int(cells[4])), str(16 - int(cells[3])), "-"
        mirrored.append("|".join(cells))
    plus = gene_structure_intervals(iter_gff3(_gff(tmp_path, forward, "f.gff3")), stranded=True)
    minus = gene_structure_intervals(iter_gff3(_gff(tmp_path, mirrored, "m.gff3")), stranded=True)
    swap = plus.swap_strand_class_ids()
    assert swap.tolist() == [0, 2, 1, 4, 3, 6, 5]
    np.testing.assert_array_equal(swap[plus.labels("c", 0, 15)[::-1]], minus.labels("c", 0, 15))
    unstranded = gene_structure_intervals(iter_gff3(_gff(tmp_path, forward, "f.gff3")))
    assert unstranded.swap_strand_class_ids().tolist() == [0, 1, 2, 3]


def test_large_genome_is_labelled_window_by_window():
    # 4,000 genes of 3 exons over 4.6 Mb, labelled by 2 kb windows.
    from seqkit.data.dna.gff3 import GffFeature

    features = []
    for number in range(4000):
        base = 1 + number * 1150
        strand = "+-"[number % 2]
        gene, rna = f"g{number}", f"t{number}"
        features.append(GffFeature("chr", "d", "gene", base, base + 999, None, strand, None, {"ID": [gene]}))
        features.append(GffFeature("chr", "d", "mRNA", base, base + 999, None, strand, None,
                                   {"ID": [rna], "Parent": [gene]}))
        for offset in (0, 400, 800):
            features.append(GffFeature("chr", "d", "exon", base + offset, base + offset + 199, None, strand, None,
                                       {"Parent": [rna]}))
        for first, last in ((50, 199), (400, 599), (800, 949)):
            features.append(GffFeature("chr", "d", "CDS", base + first, base + last, None, strand, 0,
                                       {"Parent": [rna]}))
    labeler = gene_structure_intervals(features)
    whole = labeler.labels("chr", 0, 4_600_000)
    windows = np.concatenate([labeler.labels("chr", start, start + 2000) for start in range(0, 4_600_000, 2000)])
    np.testing.assert_array_equal(windows, whole)
    counts = labeler.summary()["bases"]
    assert counts["cds+"] == counts["cds-"] == 2000 * 500
    assert counts["utr+"] == 2000 * 100 and counts["intron+"] == 2000 * 400


def test_base_labeler_checks_its_arguments():
    with pytest.raises(ValueError, match="`classes` must be distinct"):
        BaseLabeler(["a", "a"], [])
    with pytest.raises(ValueError, match="`class_id` must be in"):
        BaseLabeler(["a", "b"], [("s", 0, 1, 2, 0)])
    with pytest.raises(ValueError, match="`transcript` must be one of .*Received: transcript='long'"):
        gene_structure_intervals([], transcript="long")
    with pytest.raises(ValueError, match="`strand` must be one of"):
        gene_structure_intervals([], strand="+-")
    with pytest.raises(ValueError, match="`stranded` must be None, True or False"):
        gene_structure_intervals([], stranded="yes")


# === BED ===


def _bed(tmp_path, text, name="labels.bed"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_bed_labels_later_rows_win(tmp_path):
    path = _bed(tmp_path, "track name=x\nchr1\t2\t8\texon\t0\t+\nchr1\t4\t6\tCpG\nchr1\t6\t10\tpromoter\t0\t-\n"
                          "chr2\t0\t3\texon\nchr1\t12\t12\tempty\n")
    labeler = bed_intervals_labeler(iter_bed(path))
    assert labeler.classes == ["intergenic", "CpG", "empty", "exon", "promoter"]
    assert labeler.labels("chr1", 0, 12).tolist() == [0, 0, 3, 3, 1, 1, 4, 4, 4, 4, 0, 0]
    assert labeler.labels("chr2", 0, 4).tolist() == [3, 3, 3, 0]
    assert labeler.seqids == ["chr1", "chr2"]
    assert labeler.summary()["empty_intervals"] == 1


def test_bed_priority_order_and_given_classes(tmp_path):
    path = _bed(tmp_path, "chr1\t2\t8\texon\nchr1\t4\t6\tCpG\nchr1\t6\t10\tpromoter\n")
    labeler = bed_intervals_labeler(path, classes=["exon", "promoter", "CpG", "enhancer"], overlap="priority",
                                    background="other")
    assert labeler.classes == ["other", "exon", "promoter", "CpG", "enhancer"]
    assert labeler.labels("chr1", 0, 11).tolist() == [0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 0]
    with pytest.raises(UserInputError, match=r"labels\.bed:2: label 'CpG' is not one of the classes \(exon\)"):
        bed_intervals_labeler(path, classes=["exon"])
    with pytest.raises(ValueError, match="`overlap` must be one of"):
        bed_intervals_labeler(path, overlap="first")


def test_bed_background_rows_paint_the_background(tmp_path):
    path = _bed(tmp_path, "chr1\t0\t10\tgene\nchr1\t3\t5\tintergenic\n")
    assert bed_intervals_labeler(path).labels("chr1", 0, 10).tolist() == [1, 1, 1, 0, 0, 1, 1, 1, 1, 1]


def test_bed_stranded_names(tmp_path):
    path = _bed(tmp_path, "chr1\t0\t4\tgene\t0\t+\nchr1\t6\t8\tgene\t0\t-\n")
    labeler = bed_intervals_labeler(path, stranded=True)
    assert labeler.classes == ["intergenic", "gene+", "gene-"]
    assert labeler.labels("chr1", 0, 9).tolist() == [1, 1, 1, 1, 0, 0, 2, 2, 0]
    assert labeler.swap_strand_class_ids().tolist() == [0, 2, 1]
    unstranded = _bed(tmp_path, "chr1\t0\t4\tgene\t0\t+\nchr1\t6\t8\tgene\t0\t.\n", "u.bed")
    with pytest.raises(UserInputError, match=r"u\.bed:2: the interval has no strand"):
        bed_intervals_labeler(unstranded, stranded=True)


def test_bed_without_names_is_an_error(tmp_path):
    path = _bed(tmp_path, "chr1\t0\t4\tgene\nchr1\t6\t8\n")
    with pytest.raises(UserInputError, match=r"labels\.bed:2: the interval has no name \(column 4\)"):
        bed_intervals_labeler(path)
    labeler = bed_intervals_labeler([BedInterval("c", 0, 2, "x")])
    assert labeler.labels("c", 0, 3).tolist() == [1, 1, 0]
