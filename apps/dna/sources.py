"""What `seqkit dna` reads: the task a source implies, and its examples.

| `--data` | task | examples |
|---|---|---|
| a folder of FASTA files, one per class | classification | one per record, label = file name |
| a CSV/TSV with a sequence and a label column | classification | one per row |
| a CSV/TSV with a sequence and a per-base tag string | tagging | one per row |
| FASTA (plain or gzip) + GFF3 or BED annotation | tagging | windows of `window` bases per record |

The annotation of a FASTA file is `--annotation` (`--valid-annotation` for `--valid`), else a file beside it with
the same stem (`genes.fa` → `genes.gff3`, `genes.gff`, `genes.bed`, also gzipped).
"""

import dataclasses
import pathlib

import numpy as np

from seqkit.errors import UserInputError

FASTA_SUFFIXES = (".fa", ".fasta", ".fna", ".fas")
TABLE_SUFFIXES = (".csv", ".tsv", ".tab")
ANNOTATION_SUFFIXES = (".gff3", ".gff", ".bed")
TAG_COLUMNS = ("tags", "tag_string", "labels_per_base", "per_base")
TAGGING, CLASSIFICATION = "tagging", "classification"


@dataclasses.dataclass
class TaggedSequence:
    """Bases with one class per base: a FASTA window or a table row.

    Args:
        name: the record (or row) name.
        start: 0-based offset of the first base in the record.
        codes: uint8 base codes (`seqkit.data.dna.alphabet`).
        labels: int class ids into `classes`, one per base.
        classes: the class names of `labels`.
        record_length: the record's length when known.
    """

    name: str
    start: int
    codes: np.ndarray
    labels: np.ndarray
    classes: tuple
    record_length: int | None = None


def _stem(path):
    name = path.name
    if name.lower().endswith(".gz"):
        name = name[:-3]
    return name.rsplit(".", 1)[0] if "." in name else name


def _suffix(path):
    """The suffix that tells the format, ignoring `.gz`."""
    suffixes = [s.lower() for s in pathlib.Path(path).suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes else ""


def annotation_beside(fasta):
    """The annotation file next to `fasta` with the same stem, or None."""
    fasta = pathlib.Path(fasta)
    for suffix in ANNOTATION_SUFFIXES:
        for candidate in (fasta.parent / (_stem(fasta) + suffix), fasta.parent / (_stem(fasta) + suffix + ".gz")):
            if candidate.is_file():
                return candidate
    return None


def task_of(source, *, tags_column=None):
    """`"tagging"` or `"classification"`: what the data at `source` trains."""
    path = pathlib.Path(source)
    if path.is_dir():
        return CLASSIFICATION
    if _suffix(path) in TABLE_SUFFIXES:
        return TAGGING if tags_column or _has_tag_column(path) else CLASSIFICATION
    return TAGGING


def _has_tag_column(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            header = handle.readline()
    except OSError:
        return False
    names = {name.strip().strip('"').lower() for name in header.replace("\t", ",").split(",")}
    return bool(names & set(TAG_COLUMNS))


def is_annotated_fasta(source, options=None):
    """Whether `source` is a FASTA file (tagged through an annotation), not a table or a folder."""
    path = pathlib.Path(source)
    return path.is_file() and task_of(path, tags_column=(options or {}).get("tags_column")) == TAGGING and (
        _suffix(path) not in TABLE_SUFFIXES
    )


def labeler_for(fasta, annotation, *, transcript="first", strand="both", background="intergenic"):
    """The `BaseLabeler` of `fasta`'s annotation (GFF3 or BED by suffix)."""
    annotation = pathlib.Path(annotation) if annotation is not None else annotation_beside(fasta)
    if annotation is None:
        raise UserInputError(
            "per-base tagging needs an annotation: give --annotation (GFF3 or BED), or put "
            f"{_stem(pathlib.Path(fasta))}.gff3 beside the FASTA file",
            path=fasta,
        )
    if not annotation.is_file():
        raise UserInputError("annotation file not found", path=annotation)
    if _suffix(annotation) == ".bed":
        from seqkit.data.dna.base_labels import bed_intervals_labeler
        from seqkit.data.dna.bed import iter_bed

        return bed_intervals_labeler(iter_bed(annotation), background=background)
    from seqkit.data.dna.base_labels import gene_structure_intervals
    from seqkit.data.dna.gff3 import iter_gff3

    return gene_structure_intervals(iter_gff3(annotation), transcript=transcript, strand=strand)


def iter_tagged_windows(fasta, labeler, *, window, stride=None):
    """`TaggedSequence` windows of every record of `fasta`, labelled by `labeler`, streamed from disk."""
    from seqkit.data.dna.fasta import iter_fasta_windows

    classes = tuple(labeler.classes)
    for piece in iter_fasta_windows(fasta, window=window, stride=stride or window):
        end = piece.start + len(piece.codes)
        labels = np.asarray(labeler.labels(piece.record, piece.start, end), dtype=np.int32)
        yield TaggedSequence(piece.record, piece.start, piece.codes, labels, classes, piece.record_length)


def iter_tag_strings(path, *, sequence_column=None, tags_column=None, skip_bad_rows=False):
    """`TaggedSequence`s of a table of sequences and per-base tag strings (one character per base)."""
    from seqkit.data.dna.alphabet import encode_bases
    from seqkit.data.dna.sequence_sources import iter_tag_string_table

    from seqkit.application.sources import Skipped

    rows = iter_tag_string_table(
        path, sequence_column=sequence_column, tags_column=tags_column, skip_bad_rows=skip_bad_rows
    )
    for row in rows:
        if isinstance(row, Skipped):
            yield row
            continue
        # Classes are per row (the characters it uses); `DnaVectorizer` maps them by name.
        classes = tuple(sorted(set(row.label)))
        index = {name: i for i, name in enumerate(classes)}
        labels = np.fromiter((index[c] for c in row.label), dtype=np.int32, count=len(row.label))
        codes = encode_bases(row.sequence, record=row.name, path=path)
        yield TaggedSequence(row.name, 0, codes, labels, classes, len(codes))


def read_examples(source, options, *, annotation=None, window=2000, stride=None):
    """The examples of one source: `SequenceExample`s (classification) or `TaggedSequence`s (tagging)."""
    path = pathlib.Path(source)
    if not path.exists():
        raise UserInputError("no such file or folder", path=path)
    columns = {"sequence_column": options.get("sequence_column")}
    if path.is_dir():
        from seqkit.data.dna.sequence_sources import iter_fasta_folder

        return iter_fasta_folder(path)
    if task_of(path, tags_column=options.get("tags_column")) == TAGGING:
        if _suffix(path) in TABLE_SUFFIXES:
            return iter_tag_strings(path, tags_column=options.get("tags_column"), **columns,
                                    skip_bad_rows=bool(options.get("skip_bad_rows")))
        labeler = labeler_for(
            path, annotation, transcript=options.get("transcript") or "first", strand=options.get("strand") or "both",
            background=options.get("background") or "intergenic",
        )
        return iter_tagged_windows(path, labeler, window=window, stride=stride)
    from seqkit.data.dna.sequence_sources import iter_sequence_table

    return iter_sequence_table(path, label_column=options.get("label_column"), **columns,
                               skip_bad_rows=bool(options.get("skip_bad_rows")))
