"""Generates seqkit's embedded genome-like data: `train.fa`/`train.gff3` and `valid.fa`/`valid.gff3` beside this file.

A per-base gene-structure tagging task written for seqkit; no base comes from a real genome. Each locus is a
FASTA record (`locus1` ... `locus120` in train, `locus121` ... `locus140` in valid) of 400-1,200 bases holding
one protein-coding gene on the + strand:

    intergenic flank | 5' UTR | ATG ... exon 1 | intron | exon 2 | ... | ... stop | 3' UTR | intergenic flank

- Flanks and UTRs are drawn from an order-1 Markov chain with a GC content of about 0.40 and few CpG
  dinucleotides; introns from an AT-richer chain (GC about 0.34). The 5' UTR has no ATG, and its base three
  before the start codon is usually a purine (a Kozak-like context); most 3' UTRs carry an `AATAAA`
  polyadenylation signal 10-30 bases before their end.
- The coding sequence (CDS) starts with `ATG`, continues with codons drawn from a hand-written codon-usage
  table of the 61 sense codons (rounded per-thousand frequencies of a typical eukaryote), so there is no
  in-frame stop, and ends with `TAA`, `TAG` or `TGA`. It is cut into 1-4 exons at arbitrary bases, so the
  `CDS` rows have every phase.
- Introns are 40-150 bases: `GT` and a consensus-like `RAGT` after it, an AT-rich middle, a polypyrimidine
  tract of 8-15 bases and `YAG` at the end. UTRs are not spliced.

The GFF3 files follow WormBase's layout: `gene` (`ID=Gene:geneN`), `mRNA` (`ID=Transcript:geneN.1`,
`Parent=Gene:geneN`), and `exon`, `CDS` (with its phase, `ID=CDS:geneN.1`), `intron`, `five_prime_UTR`,
`three_prime_UTR` rows whose `Parent` is the transcript, all with source `seqkit`. A few rows of RNA-seq
evidence follow (source `RNASeq_splice`, type `intron`, the read count as score, no `Parent`): most repeat a
real intron, some are spurious. They are not annotation and readers must ignore them. Per-base classes come
out near intergenic 25 %, UTR 15 %, CDS 45 % and intron 15 %.

Everything is drawn from a `numpy.random.Generator` (PCG64) seeded with `--seed` (default 2026), using only
its uniform doubles (`Generator.random`), whose stream NumPy keeps stable, so `python
apps/dna/data/make_genome.py` rewrites the four files byte for byte, and `--check` verifies them
(`seqkit.data.generated_corpus`). Valid loci are drawn after the train loci from the same stream.
"""

import dataclasses
import pathlib

import numpy as np

from seqkit.data.generated_corpus import generator_main

HERE = pathlib.Path(__file__).resolve().parent
TRAIN_LOCI = 120
VALID_LOCI = 20
LOCUS_LENGTH = (400, 1200)  # inclusive
INTRON_LENGTH = (40, 150)  # inclusive
MAX_EXONS = 4
MIN_CODING_PER_EXON = 20  # bases of CDS in every exon
LINE_WIDTH = 60
BASES = "ACGT"

# === Base composition: order-1 Markov chains (row: previous base, columns: next base, order ACGT) ===
BACKGROUND_CHAIN = [  # intergenic and UTR: GC about 0.41, CpG at a third of its expected frequency
    [0.34, 0.17, 0.23, 0.26],
    [0.33, 0.25, 0.07, 0.35],
    [0.28, 0.21, 0.25, 0.26],
    [0.21, 0.19, 0.26, 0.34],
]
INTRON_CHAIN = [  # AT-rich: GC about 0.34
    [0.38, 0.14, 0.18, 0.30],
    [0.34, 0.22, 0.06, 0.38],
    [0.31, 0.18, 0.21, 0.30],
    [0.24, 0.15, 0.20, 0.41],
]
SPLICE_DONOR_TAIL = [  # the 4 bases after the intron's GT (positions +3..+6), order ACGT
    [0.60, 0.03, 0.33, 0.04],
    [0.70, 0.08, 0.10, 0.12],
    [0.08, 0.05, 0.80, 0.07],
    [0.16, 0.15, 0.19, 0.50],
]
PYRIMIDINE_TRACT = [0.07, 0.40, 0.05, 0.48]  # ACGT, each base of the tract before the acceptor
POLYPYRIMIDINE_LENGTH = (8, 15)  # inclusive

# === Codons: hand-written usage per thousand codons (sense codons only; no stop codon can be drawn) ===
CODON_USAGE = {
    "TTT": 17.6, "TTC": 20.3, "TTA": 7.7, "TTG": 12.9, "CTT": 13.2, "CTC": 19.6, "CTA": 7.2, "CTG": 39.6,
    "ATT": 16.0, "ATC": 20.8, "ATA": 7.5, "ATG": 22.0, "GTT": 11.0, "GTC": 14.5, "GTA": 7.1, "GTG": 28.1,
    "TCT": 15.2, "TCC": 17.7, "TCA": 12.2, "TCG": 4.4, "CCT": 17.5, "CCC": 19.8, "CCA": 16.9, "CCG": 6.9,
    "ACT": 13.1, "ACC": 18.9, "ACA": 15.1, "ACG": 6.1, "GCT": 18.4, "GCC": 27.7, "GCA": 15.8, "GCG": 7.4,
    "TAT": 12.2, "TAC": 15.3, "CAT": 10.9, "CAC": 15.1, "CAA": 12.3, "CAG": 34.2, "AAT": 17.0, "AAC": 19.1,
    "AAA": 24.4, "AAG": 31.9, "GAT": 21.8, "GAC": 25.1, "GAA": 29.0, "GAG": 39.6, "TGT": 10.6, "TGC": 12.6,
    "TGG": 13.2, "CGT": 4.5, "CGC": 10.4, "CGA": 6.2, "CGG": 11.4, "AGT": 12.1, "AGC": 19.5, "AGA": 12.2,
    "AGG": 12.0, "GGT": 10.8, "GGC": 22.2, "GGA": 16.5, "GGG": 16.5,
}
STOP_CODONS = {"TAA": 0.45, "TGA": 0.30, "TAG": 0.25}
POLY_A_SIGNAL = "AATAAA"


@dataclasses.dataclass
class Locus:
    """One generated locus: its record and its gene, in 1-based inclusive coordinates as in GFF3.

    Args:
        name: the FASTA record name (`locusN`).
        gene: the gene's name (`geneN`).
        sequence: the bases (`ACGT`).
        utr5, utr3: `(start, end)` of the UTRs.
        exons: `(start, end)` of each exon, 5' to 3'.
        cds: `(start, end, phase)` of the coding part of each exon.
        introns: `(start, end)` between consecutive exons.
        evidence: `(start, end, count)` of the `RNASeq_splice` rows.
    """

    name: str
    gene: str
    sequence: str
    utr5: tuple
    utr3: tuple
    exons: list
    cds: list
    introns: list
    evidence: list


# === Drawing with uniform doubles only ===
def _integer(rng, low, high):
    """A uniform integer in `[low, high]`."""
    return low + min(int(rng.random() * (high - low + 1)), high - low)


def _uniform(rng, low, high):
    return low + (high - low) * rng.random()


def _cumulative(weights):
    weights = np.asarray(weights, dtype=np.float64)
    return np.cumsum(weights / weights.sum(axis=-1, keepdims=True), axis=-1)


def _draw(rng, cumulative, count):
    """`count` indices drawn with the probabilities whose cumulative sums are `cumulative`."""
    return np.minimum(np.searchsorted(cumulative, rng.random(count), side="right"), len(cumulative) - 1)


def _bases(rng, distribution, count):
    return "".join(BASES[i] for i in _draw(rng, _cumulative(distribution), count))


def markov_bases(rng, chain, count, previous=None):
    """`count` bases from an order-1 Markov `chain` (4 x 4 rows ACGT), after `previous` (a base or None)."""
    if count <= 0:
        return ""
    cumulative = _cumulative(chain).tolist()
    uniforms = rng.random(count).tolist()
    state = BASES.index(previous) if previous else _draw(rng, _cumulative([1, 1, 1, 1]), 1)[0]
    out = []
    for u in uniforms:
        row = cumulative[state]
        state = 0 if u < row[0] else 1 if u < row[1] else 2 if u < row[2] else 3
        out.append(BASES[state])
    return "".join(out)


_CODONS = sorted(CODON_USAGE)
_CODON_CUMULATIVE = _cumulative([CODON_USAGE[codon] for codon in _CODONS])
_STOPS = sorted(STOP_CODONS)
_STOP_CUMULATIVE = _cumulative([STOP_CODONS[codon] for codon in _STOPS])


def coding_sequence(rng, num_codons):
    """`ATG`, `num_codons - 2` sense codons and a stop codon."""
    middle = "".join(_CODONS[i] for i in _draw(rng, _CODON_CUMULATIVE, num_codons - 2))
    return "ATG" + middle + _STOPS[_draw(rng, _STOP_CUMULATIVE, 1)[0]]


def intron_sequence(rng, length):
    """An intron of `length` bases: GT + donor tail, AT-rich middle, polypyrimidine tract, YAG."""
    donor = "GT" + "".join(_bases(rng, row, 1) for row in SPLICE_DONOR_TAIL)
    tract = _bases(rng, PYRIMIDINE_TRACT, _integer(rng, *POLYPYRIMIDINE_LENGTH))
    acceptor = _bases(rng, [0, 0.6, 0, 0.4], 1) + "AG"
    middle = markov_bases(rng, INTRON_CHAIN, length - len(donor) - len(tract) - len(acceptor), donor[-1])
    return donor + middle + tract + acceptor


def five_prime_utr(rng, length, previous):
    """A UTR without ATG whose base at -3 from the start codon is usually a purine."""
    while True:
        utr = markov_bases(rng, BACKGROUND_CHAIN, length, previous)
        if rng.random() < 0.7:
            utr = utr[:-3] + _bases(rng, [0.6, 0, 0.4, 0], 1) + utr[-2:]
        if "ATG" not in utr:  # the start codon (A, T, G) cannot complete an ATG begun in the UTR
            return utr


def three_prime_utr(rng, length, previous):
    utr = markov_bases(rng, BACKGROUND_CHAIN, length, previous)
    if rng.random() < 0.8 and length >= 40:
        at = length - _integer(rng, 10, 30) - len(POLY_A_SIGNAL)
        utr = utr[:at] + POLY_A_SIGNAL + utr[at + len(POLY_A_SIGNAL):]
    return utr


def _split(rng, total, parts, minimum):
    """`parts` positive lengths, each at least `minimum`, summing to `total`."""
    weights = [0.3 + rng.random() for _ in range(parts)]
    spare = total - parts * minimum
    lengths = [minimum + int(spare * w / sum(weights)) for w in weights]
    lengths[-1] += total - sum(lengths)
    return lengths


def make_locus(rng, number):
    """The locus `locus{number}` with the gene `gene{number}`."""
    length = _integer(rng, *LOCUS_LENGTH)
    flanks = round(length * _uniform(rng, 0.18, 0.32))
    left = max(20, round(flanks * _uniform(rng, 0.3, 0.7)))
    utr5_length = max(10, round(length * _uniform(rng, 0.04, 0.08)))
    utr3_length = max(15, round(length * _uniform(rng, 0.07, 0.11)))
    # Introns are added while they half fit in an intron budget of 4-25 % of the locus: 0-3 introns,
    # about 15 % of the bases on average whatever the locus length.
    budget = length * _uniform(rng, 0.04, 0.25)
    intron_lengths = []
    while len(intron_lengths) < MAX_EXONS - 1:
        intron = _integer(rng, *INTRON_LENGTH)
        if sum(intron_lengths) + intron / 2 > budget:
            break
        intron_lengths.append(intron)
    coding = length - flanks - utr5_length - utr3_length - sum(intron_lengths)
    while intron_lengths and coding < max(0.25 * length, 120):  # a short locus keeps fewer introns
        coding += intron_lengths.pop()
    coding -= coding % 3
    right = length - left - utr5_length - coding - sum(intron_lengths) - utr3_length
    assert right >= 20, (length, right)
    cds_pieces = _split(rng, coding, len(intron_lengths) + 1, MIN_CODING_PER_EXON)

    cds = coding_sequence(rng, coding // 3)
    parts = [markov_bases(rng, BACKGROUND_CHAIN, left)]
    parts.append(five_prime_utr(rng, utr5_length, parts[-1][-1]))
    position = left + utr5_length + 1  # 1-based start of the CDS
    used = 0
    cds_rows, exons, introns = [], [], []
    for index, piece in enumerate(cds_pieces):
        cds_rows.append((position, position + piece - 1, (3 - used % 3) % 3))
        parts.append(cds[used:used + piece])
        exons.append([position, position + piece - 1])
        position += piece
        used += piece
        if index < len(intron_lengths):
            parts.append(intron_sequence(rng, intron_lengths[index]))
            introns.append((position, position + intron_lengths[index] - 1))
            position += intron_lengths[index]
    parts.append(three_prime_utr(rng, utr3_length, parts[-1][-1]))
    parts.append(markov_bases(rng, BACKGROUND_CHAIN, right, parts[-1][-1]))
    sequence = "".join(parts)
    assert len(sequence) == length
    utr5 = (left + 1, left + utr5_length)
    utr3 = (position, position + utr3_length - 1)
    exons[0][0] = utr5[0]
    exons[-1][1] = utr3[1]

    evidence = [(start, end, _integer(rng, 2, 80)) for start, end in introns if rng.random() < 0.15]
    if rng.random() < 0.08:  # a spurious junction anywhere in the locus, with few reads
        start = _integer(rng, 1, length - 60)
        evidence.append((start, start + _integer(rng, 40, 59), _integer(rng, 1, 3)))
    return Locus(
        name=f"locus{number}",
        gene=f"gene{number}",
        sequence=sequence,
        utr5=utr5,
        utr3=utr3,
        exons=[tuple(exon) for exon in exons],
        cds=cds_rows,
        introns=introns,
        evidence=evidence,
    )


def make_splits(seed):
    """`(train_loci, valid_loci)`, lists of `Locus`; depends only on `seed`."""
    rng = np.random.default_rng(seed)
    loci = [make_locus(rng, number) for number in range(1, TRAIN_LOCI + VALID_LOCI + 1)]
    return loci[:TRAIN_LOCI], loci[TRAIN_LOCI:]


def to_fasta(loci):
    """The FASTA text of `loci`: `>locusN`, then the bases in lines of 60."""
    lines = []
    for locus in loci:
        lines.append(f">{locus.name}")
        lines += [locus.sequence[i:i + LINE_WIDTH] for i in range(0, len(locus.sequence), LINE_WIDTH)]
    return "\n".join(lines) + "\n"


def _gff_row(seqid, source, kind, start, end, attributes, score=".", phase="."):
    return f"{seqid}\t{source}\t{kind}\t{start}\t{end}\t{score}\t+\t{phase}\t{attributes}"


def to_gff3(loci):
    """The GFF3 text of `loci`: one gene model each (source `seqkit`), then its `RNASeq_splice` rows."""
    lines = ["##gff-version 3"]
    lines += [f"##sequence-region {locus.name} 1 {len(locus.sequence)}" for locus in loci]
    for locus in loci:
        gene, transcript = f"Gene:{locus.gene}", f"Transcript:{locus.gene}.1"
        part = f"Parent={transcript}"
        start, end = locus.utr5[0], locus.utr3[1]
        lines.append(
            _gff_row(locus.name, "seqkit", "gene", start, end, f"ID={gene};Name={locus.gene};biotype=protein_coding")
        )
        lines.append(
            _gff_row(locus.name, "seqkit", "mRNA", start, end, f"ID={transcript};Parent={gene};Name={locus.gene}.1")
        )
        # The parts in order of position; at one position: exon, five_prime_UTR, CDS, intron, three_prime_UTR.
        rows = [(locus.utr5[0], 1, _gff_row(locus.name, "seqkit", "five_prime_UTR", *locus.utr5, part))]
        rows += [(s, 0, _gff_row(locus.name, "seqkit", "exon", s, e, part)) for s, e in locus.exons]
        cds_attributes = f"ID=CDS:{locus.gene}.1;{part}"
        rows += [(s, 2, _gff_row(locus.name, "seqkit", "CDS", s, e, cds_attributes, phase=p)) for s, e, p in locus.cds]
        rows += [(s, 3, _gff_row(locus.name, "seqkit", "intron", s, e, part)) for s, e in locus.introns]
        rows.append((locus.utr3[0], 4, _gff_row(locus.name, "seqkit", "three_prime_UTR", *locus.utr3, part)))
        lines += [text for _, _, text in sorted(rows)]
        lines += [_gff_row(locus.name, "RNASeq_splice", "intron", s, e, ".", score=n) for s, e, n in locus.evidence]
    return "\n".join(lines) + "\n"


def generate(seed):
    """Returns `{file name: text}` for the four files."""
    train, valid = make_splits(seed)
    return {
        "train.fa": to_fasta(train),
        "train.gff3": to_gff3(train),
        "valid.fa": to_fasta(valid),
        "valid.gff3": to_gff3(valid),
    }


def main(argv=None):
    return generator_main(__doc__, generate, HERE, argv)


if __name__ == "__main__":
    raise SystemExit(main())
