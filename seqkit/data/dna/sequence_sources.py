"""Read labelled DNA sequences: tables of sequences and labels, folders of one FASTA file per class, and
tables of sequences with a per-base tag string.

Three layouts are read, each as a stream of `SequenceExample`s:

- `iter_sequence_table`: a CSV or TSV table (`.csv`, `.tsv`, `.tab`) with a header, one sequence per row.
  Columns are found by name, case-insensitively: the sequence in `sequence`, `seq` or `dna`, the label in
  `label`, `class` or `y`, and an optional record name in `name` or `id`.
- `iter_fasta_folder`: a folder with one FASTA file per class (`.fa`, `.fasta`, `.fna`, `.fas`, each
  optionally gzip-compressed as `.gz`); the label is the file name without these extensions
  (`promoter.fa.gz` → `promoter`) and every record is an example.
- `iter_tag_string_table`: a CSV or TSV table with a sequence and a tag string of one character per base
  (`EEEEiiiiEE`), for per-base tagging; the label alphabet is the set of characters seen (`tag_alphabet`).

Whitespace inside a sequence or a tag string (a quoted cell wrapped over lines) is removed. The bases
themselves are not checked here: encoding them (`seqkit.data.dna.alphabet.encode_bases`) does, naming the
record and the position. Blank rows are passed over. A bad row (missing sequence or label, a tag string of
another length than its sequence, an empty FASTA record) raises `UserInputError` with the file and line, or
with `skip_bad_rows=True` is yielded as a `seqkit.application.Skipped` item in its place (the app counts
them). Line numbers are file lines: a table's header is line 1, a FASTA record's line is its `>` line.

Example:

>>> import pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "promoters.csv"
>>> _ = path.write_text("id,seq,class\\np1,TATAAT,promoter\\np2,ggcgcc,other\\n")
>>> [(e.name, e.sequence, e.label, e.line) for e in iter_sequence_table(path)]
[('p1', 'TATAAT', 'promoter', 2), ('p2', 'ggcgcc', 'other', 3)]
"""

import dataclasses
import pathlib

from seqkit.data.columns import find_column
from seqkit.errors import UserInputError

SEQUENCE_ALIASES = ("sequence", "seq", "dna")
LABEL_ALIASES = ("label", "class", "y")
NAME_ALIASES = ("name", "id")
TAGS_ALIASES = ("tags", "tag", "tag_string", "labels_per_base", "per_base")
FASTA_SUFFIXES = (".fa", ".fasta", ".fna", ".fas")
_COMMENT_PREFIXES = ("#", ";")


@dataclasses.dataclass(frozen=True)
class SequenceExample:
    """One DNA sequence with its label and where it came from.

    Args:
        name: the record name (the FASTA identifier, or the table's `name`/`id` cell), or None.
        sequence: the bases as written (case kept, whitespace removed).
        label: the class label, or for tag-string tables the tag string (one character per base).
        source: the file, as a string.
        line: the 1-based line of the row, or of the FASTA record's `>` line.
    """

    name: str | None
    sequence: str
    label: str
    source: str
    line: int | None = None


def iter_sequence_table(path, *, sequence_column=None, label_column=None, skip_bad_rows=False):
    """Stream the labelled sequences of a CSV or TSV table (see the module docstring).

    Args:
        path: the `.csv`, `.tsv` or `.tab` file, with a header row.
        sequence_column: the sequence column's name, or None for `sequence`, `seq` or `dna`.
        label_column: the label column's name, or None for `label`, `class` or `y`.
        skip_bad_rows: yield bad rows as `Skipped` items instead of raising.

    Yields:
        `SequenceExample`s (and `Skipped` items), in file order. Labels are normalized as in
        `seqkit.data.text_classification.normalize_label` (`"1.0"` → `"1"`).

    Raises:
        seqkit.errors.UserInputError: an unknown extension, a missing column (listing those found), a bad
            row (without `skip_bad_rows`), or no usable row.
    """
    from seqkit.data.text_classification import normalize_label

    path = pathlib.Path(path)
    rows, (sequence_name, label_name, name_name) = _table(path, sequence_column, ("label", label_column, LABEL_ALIASES))
    found = False
    for line, row in rows:
        if all(not str(cell).strip() for cell in row.values()):
            continue
        sequence, label = _squeeze(row[sequence_name]), normalize_label(row[label_name])
        if not sequence or not label:
            yield _bad("missing sequence" if not sequence else "missing label", path, line, skip_bad_rows)
            continue
        found = True
        yield SequenceExample(_name(row, name_name), sequence, label, str(path), line)
    if not found:
        raise UserInputError("no usable rows found", path=path)


def iter_tag_string_table(path, *, sequence_column=None, tags_column=None, skip_bad_rows=False):
    """Stream the sequences of a CSV or TSV table with a per-base tag string (see the module docstring).

    Args:
        path: the `.csv`, `.tsv` or `.tab` file, with a header row.
        sequence_column: the sequence column's name, or None for `sequence`, `seq` or `dna`.
        tags_column: the tag column's name, or None for `tags`, `tag`, `tag_string`, `labels_per_base` or
            `per_base`.
        skip_bad_rows: yield bad rows as `Skipped` items instead of raising.

    Yields:
        `SequenceExample`s whose `label` is the tag string (as long as `sequence`), and `Skipped` items.

    Raises:
        seqkit.errors.UserInputError: as `iter_sequence_table`, and a tag string whose length is not the
            sequence's.

    Example:

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "splice.tsv"
    >>> _ = path.write_text("sequence\\ttags\\nACGTTGCA\\tEEEiiiEE\\nACG\\tEEi\\n")
    >>> examples = list(iter_tag_string_table(path))
    >>> [(e.sequence, e.label, e.line) for e in examples], tag_alphabet(examples)
    ([('ACGTTGCA', 'EEEiiiEE', 2), ('ACG', 'EEi', 3)], ['E', 'i'])
    """
    path = pathlib.Path(path)
    rows, (sequence_name, tags_name, name_name) = _table(path, sequence_column, ("tag", tags_column, TAGS_ALIASES))
    found = False
    for line, row in rows:
        if all(not str(cell).strip() for cell in row.values()):
            continue
        sequence, tags = _squeeze(row[sequence_name]), _squeeze(row[tags_name])
        problem = None
        if not sequence:
            problem = "missing sequence"
        elif not tags:
            problem = "missing tag string"
        elif len(tags) != len(sequence):
            problem = (
                f"the tag string has {len(tags)} characters but the sequence has {len(sequence)} bases "
                "(one tag per base)"
            )
        if problem:
            yield _bad(problem, path, line, skip_bad_rows)
            continue
        found = True
        yield SequenceExample(_name(row, name_name), sequence, tags, str(path), line)
    if not found:
        raise UserInputError("no usable rows found", path=path)


def tag_alphabet(examples):
    """The sorted distinct tag characters of tag strings (or of the `label`s of `SequenceExample`s).

    Collect it over the training data once, so every example (and the validation data) uses the same ids.

    Example:

    >>> tag_alphabet(["EEiiEE", "EEnn"])
    ['E', 'i', 'n']
    """
    seen = set()
    for example in examples:
        if isinstance(example, SequenceExample):
            example = example.label
        if isinstance(example, str):
            seen.update(example)
    return sorted(seen)


def iter_fasta_folder(folder, *, skip_bad_rows=False):
    """Stream the records of a folder with one FASTA file per class, labelled by file name.

    Files are read in name order, each with Biopython's `SimpleFastaParser` (gzip recognised by its first
    bytes); other files and sub-folders are ignored.

    Args:
        folder: the folder (`promoter.fa`, `other.fasta.gz`, ...).
        skip_bad_rows: yield records without bases as `Skipped` items instead of raising.

    Yields:
        `SequenceExample`s whose `name` is the record identifier (the first word of its `>` line) and
        `label` the file's class, and `Skipped` items.

    Raises:
        seqkit.errors.UserInputError: not a folder, fewer than two class files, two files of one class
            (`a.fa` and `a.fasta`), a file without records or with text before its first `>` line, an empty
            record (without `skip_bad_rows`).
        seqkit.optional.MissingPackageError: Biopython is not installed (`pip install 'seqkit[dna]'`).

    Example:

    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "promoter.fa").write_text(">p1 sigma70\\nTTGACA\\nTATAAT\\n")
    >>> _ = (folder / "other.fasta").write_text(">o1\\nGGCC\\n>o2\\nAATT\\n")
    >>> [(e.label, e.name, e.sequence, e.line) for e in iter_fasta_folder(folder)]
    [('other', 'o1', 'GGCC', 1), ('other', 'o2', 'AATT', 3), ('promoter', 'p1', 'TTGACATATAAT', 1)]
    """
    from seqkit.optional import import_optional

    folder = pathlib.Path(folder)
    if not folder.is_dir():
        raise UserInputError("expected a folder with one FASTA file per class", path=folder)
    classes = {}
    for path in sorted(folder.iterdir()):
        label = fasta_class_name(path)
        if label is None or not path.is_file() or path.name.startswith("."):
            continue
        if label in classes:
            raise UserInputError(
                f"{classes[label].name} and {path.name} are both files of the class {label!r}; keep one", path=path
            )
        classes[label] = path
    if len(classes) < 2:
        raise UserInputError(
            f"expected one FASTA file ({', '.join(FASTA_SUFFIXES)}, optionally .gz) per class, at least 2; "
            f"found {len(classes)}",
            path=folder,
        )
    import_optional("Bio", "dna")
    for label, path in classes.items():
        records = 0
        for name, sequence, line in _fasta_records(path):
            records += 1
            if not sequence:
                yield _bad(f"record {name!r} has no bases", path, line, skip_bad_rows)
                continue
            yield SequenceExample(name, sequence, label, str(path), line)
        if not records:
            raise UserInputError("the file has no FASTA records (lines starting with '>')", path=path)


def fasta_class_name(path):
    """The class a FASTA file of a class folder stands for, or None when `path` is not a FASTA file name.

    Example:

    >>> fasta_class_name("data/promoter.fa.gz"), fasta_class_name("exon.FASTA"), fasta_class_name("notes.txt")
    ('promoter', 'exon', None)
    """
    name = pathlib.Path(path).name
    if name.lower().endswith(".gz"):
        name = name[:-3]
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem or f".{suffix.lower()}" not in FASTA_SUFFIXES:
        return None
    return stem


# === Internals ===


def _table(path, sequence_column, wanted):
    """The row stream of a table and its `(sequence, wanted, name or None)` column names."""
    from seqkit.data.text_classification import iter_table_rows

    path = pathlib.Path(path)
    if path.is_dir():
        raise UserInputError("expected a table file (.csv, .tsv), found a directory", path=path)
    if not path.is_file():
        raise UserInputError("file not found", path=path)
    rows = iter_table_rows(path)
    columns = next(rows)
    kind, requested, aliases = wanted
    sequence_name = find_column("sequence", sequence_column or "sequence", "sequence", SEQUENCE_ALIASES, columns, path)
    wanted_name = find_column(kind, requested or aliases[0], aliases[0], aliases, columns, path)
    lowered = {str(column).strip().lower(): column for column in columns}
    name_name = next((lowered[alias] for alias in NAME_ALIASES if alias in lowered), None)
    if name_name in (sequence_name, wanted_name):
        name_name = None
    return rows, (sequence_name, wanted_name, name_name)


def _squeeze(cell):
    """A cell with all whitespace removed ('' for a missing cell)."""
    return "".join(str(cell if cell is not None else "").split())


def _name(row, column):
    if column is None:
        return None
    return str(row[column]).strip() or None


def _fasta_records(path):
    """`(identifier, bases, line of the > line)` of each record of a plain or gzip FASTA file."""
    from Bio.SeqIO.FastaIO import SimpleFastaParser

    from seqkit.data.dna.gff3 import iter_lines

    headers = []

    def lines():
        for number, text in iter_lines(path):
            if text.startswith(">"):
                headers.append(number)
            elif not headers and text.strip() and not text.startswith(_COMMENT_PREFIXES):
                raise UserInputError("text before the first record: FASTA records start with a '>' line", path=path,
                                     line=number)
            yield text + "\n"

    for index, (title, sequence) in enumerate(SimpleFastaParser(lines())):
        words = title.split(None, 1)
        yield (words[0] if words else ""), sequence, headers[index]


def _bad(problem, path, line, skip_bad_rows):
    """The `Skipped` item of a bad row, or (without `skip_bad_rows`) its `UserInputError`."""
    from seqkit.application.sources import Skipped

    if not skip_bad_rows:
        raise UserInputError(problem + " (--skip-bad-rows leaves such rows out)", path=path, line=line)
    return Skipped(str(path), line, problem)
