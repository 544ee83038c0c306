"""Read GFF3 annotation files (plain or gzip) as a stream of `GffFeature` rows.

GFF3 in brief (https://github.com/The-Sequence-Ontology/Specifications/blob/master/gff3.md):

- one feature per line, 9 tab-separated columns: `seqid source type start end score strand phase attributes`;
  an undefined value is `.`.
- `start` and `end` are 1-based and inclusive (`start <= end`; a one-base feature has `start == end`), unlike
  BED's 0-based, end-exclusive coordinates.
- `strand` is `+`, `-`, `.` (not stranded) or `?` (unknown); `phase` (`0`, `1`, `2`, or `.`) is the number of
  bases to skip to reach the next codon, given on `CDS` rows.
- `attributes` are `tag=value` pairs separated by `;`; a value may list several items separated by `,`
  (`Parent=mRNA1,mRNA2`). `ID` names a feature, `Parent` links a part to its feature (exon → mRNA → gene).
  Tab, newline, `%`, control characters and the separators `;=,&` inside a value are percent-encoded (`%3B`
  for `;`); columns 1-3 too. The reader decodes them after splitting.
- lines starting with `##` are directives (`##gff-version 3`, `##sequence-region`, `###`), other lines
  starting with `#` are comments; both are passed over, as are blank lines. `##FASTA` (or a line starting
  with `>`) ends the annotation: the sequences that follow are not read here.

The reader is lenient where real files are: a line of 8 columns (an empty ninth column whose trailing tab
was lost) has no attributes, spaces around `;` are ignored, and a repeated tag adds to its list. A line with
another column count, a `start` or `end` that is not a positive integer, `start > end`, a strand or phase
outside the values above, a score that is not a number, or an attribute without `=` (a GTF file) raises
`UserInputError` with the file and line.

Example:

>>> import pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "genes.gff3"
>>> _ = path.write_text(
...     "##gff-version 3\\n"
...     "chr1\\tdemo\\tgene\\t11\\t40\\t.\\t+\\t.\\tID=g1;Note=kinase%2C putative\\n"
...     "chr1\\tdemo\\tCDS\\t11\\t40\\t0.9\\t+\\t0\\tID=c1;Parent=g1\\n"
... )
>>> gene, cds = iter_gff3(path)
>>> gene.type, gene.start, gene.end, gene.attributes["Note"], gene.line
('gene', 11, 40, ['kinase, putative'], 2)
>>> cds.parents, cds.score, cds.phase
(['g1'], 0.9, 0)
"""

import dataclasses
import gzip
import pathlib
import re
import urllib.parse
import zlib

from seqkit.errors import UserInputError

STRANDS = ("+", "-", ".", "?")
PHASES = {".": None, "0": 0, "1": 1, "2": 2}
_COLUMNS = 9
_GZIP_MAGIC = b"\x1f\x8b"
_INTEGER = re.compile(r"-?[0-9]+")


@dataclasses.dataclass(frozen=True)
class GffFeature:
    """One feature row of a GFF3 file, with its coordinates as written (1-based, inclusive).

    Args:
        seqid: the sequence (chromosome, contig) the feature is on; percent-decoded.
        source: the program or database that made it (column 2).
        type: the Sequence Ontology type (`gene`, `mRNA`, `exon`, `CDS`, ...).
        start: the first base, 1-based.
        end: the last base, 1-based and inclusive (`start <= end`).
        score: the score as a float, or None for `.`.
        strand: `"+"`, `"-"`, `"."` or `"?"`.
        phase: 0, 1 or 2 (CDS rows), or None for `.`.
        attributes: `{tag: [value, ...]}`, percent-decoded, in file order.
        line: the 1-based line in the file.
        path: the file, as a string (None for features made in code).
    """

    seqid: str
    source: str
    type: str
    start: int
    end: int
    score: float | None
    strand: str
    phase: int | None
    attributes: dict
    line: int | None = None
    path: str | None = None

    @property
    def id(self):
        """The `ID` attribute, or None."""
        values = self.attributes.get("ID")
        return values[0] if values else None

    @property
    def parents(self):
        """The `Parent` attribute's values (a list, empty when there is none)."""
        return list(self.attributes.get("Parent", ()))

    @property
    def length(self):
        """The number of bases, `end - start + 1`."""
        return self.end - self.start + 1


def iter_gff3(path):
    """Stream the features of a GFF3 file (plain or gzip-compressed), in file order.

    Comments, directives and blank lines are passed over; the features end at `##FASTA` or at a line
    starting with `>`. See the module docstring for the format and the checks.

    Args:
        path: the file; gzip compression is recognised by its first bytes, whatever the name.

    Yields:
        `GffFeature`s.

    Raises:
        seqkit.errors.UserInputError: a bad line (with its number), or a file that is missing, empty,
            binary or not UTF-8 (see `seqkit.data.text_files.iter_text_lines`).

    Example:

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "bad.gff3"
    >>> _ = path.write_text("chr1\\tdemo\\tgene\\t40\\t11\\t.\\t+\\t.\\tID=g1\\n")
    >>> list(iter_gff3(path))  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    seqkit.errors.UserInputError: .../bad.gff3:1: start 40 is after end 11 (GFF3 coordinates are ...)
    """
    path = pathlib.Path(path)
    for number, text in iter_lines(path):
        if not text.strip():
            continue
        if text.startswith("#"):
            if text.startswith("##FASTA"):
                return
            continue
        if text.startswith(">"):
            return
        yield _feature(text, str(path), number)


def is_gzip(path):
    """Whether `path` is gzip-compressed, by its first two bytes (`1f 8b`), whatever its name.

    A missing file or a directory is not gzip; reading it later reports the problem.
    """
    try:
        with open(path, "rb") as file:
            return file.read(2) == _GZIP_MAGIC
    except OSError:
        return False


def iter_lines(path):
    """Stream `(line number, line)` of a plain or gzip-compressed UTF-8 text file.

    Plain files are read by `seqkit.data.text_files.iter_text_lines` (its checks and messages: missing
    file, directory, binary data, invalid UTF-8 with the line, empty file). A gzip file is decompressed as
    it is read, with the same rules for its text: lines without their line break and trailing whitespace,
    a leading byte-order mark removed, invalid UTF-8 reported with the line, and "the file is empty" when
    no line has text; a corrupt or truncated archive raises `UserInputError` naming the file.

    Example:

    >>> import gzip, pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "notes.txt.gz"
    >>> _ = path.write_bytes(gzip.compress(b"first \\r\\n\\nthird\\n"))
    >>> list(iter_lines(path))
    [(1, 'first'), (2, ''), (3, 'third')]
    """
    path = pathlib.Path(path)
    if not is_gzip(path):
        from seqkit.data.text_files import iter_text_lines

        yield from enumerate(iter_text_lines(path), start=1)
        return
    blank = True
    number = 0
    try:
        with gzip.open(path, "rb") as file:
            for number, raw in enumerate(file, start=1):
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError:
                    raise UserInputError("the decompressed file is not valid UTF-8 text", path=path,
                                         line=number) from None
                if number == 1:
                    text = text.removeprefix("\ufeff")
                text = text.rstrip()
                blank = blank and not text
                yield number, text
    except (OSError, EOFError, zlib.error) as error:
        raise UserInputError(f"cannot decompress the gzip file ({error})", path=path, line=number + 1) from None
    if blank:
        raise UserInputError("the file is empty", path=path)


def parse_attributes(text, *, path=None, line=None):
    """The attributes column as `{tag: [value, ...]}`, split on `;`, `=` and `,`, then percent-decoded.

    Example:

    >>> parse_attributes("ID=e1;Parent=t1,t2; Note=a%3Bb;Dbxref=GeneID:1;")
    {'ID': ['e1'], 'Parent': ['t1', 't2'], 'Note': ['a;b'], 'Dbxref': ['GeneID:1']}
    """
    attributes = {}
    if text.strip() in ("", "."):
        return attributes
    for piece in text.split(";"):
        piece = piece.strip()
        if not piece:
            continue
        tag, equals, value = piece.partition("=")
        if not equals:
            hint = " (is this a GTF file?)" if " " in piece else ""
            raise UserInputError(
                f"attribute {piece!r} has no '=': GFF3 attributes are tag=value pairs separated by ';'{hint}",
                path=path,
                line=line,
            )
        values = attributes.setdefault(_decode(tag.strip()), [])
        values.extend(_decode(item) for item in value.split(","))
    return attributes


def _decode(text):
    return urllib.parse.unquote(text) if "%" in text else text


def _feature(text, path, line):
    """The `GffFeature` of a feature line (see the module docstring for the checks)."""
    cells = text.split("\t")
    if len(cells) == _COLUMNS - 1:
        cells.append("")
    if len(cells) != _COLUMNS:
        hint = "; the columns must be separated by tabs" if len(cells) == 1 and " " in text else ""
        raise UserInputError(
            f"expected 9 tab-separated columns (seqid source type start end score strand phase attributes), "
            f"found {len(cells)}{hint}",
            path=path,
            line=line,
        )
    seqid, source, type_, start, end, score, strand, phase, attributes = cells
    start, end = _position("start", start, path, line), _position("end", end, path, line)
    if start > end:
        raise UserInputError(
            f"start {start} is after end {end} (GFF3 coordinates are 1-based and inclusive, start <= end)",
            path=path,
            line=line,
        )
    strand = strand.strip()
    if strand not in STRANDS:
        raise UserInputError(f"strand must be one of + - . ?; found {strand!r}", path=path, line=line)
    phase = phase.strip()
    if phase not in PHASES:
        raise UserInputError(f"phase must be 0, 1, 2 or '.'; found {phase!r}", path=path, line=line)
    return GffFeature(
        seqid=_decode(seqid.strip()),
        source=_decode(source.strip()),
        type=_decode(type_.strip()),
        start=start,
        end=end,
        score=_score(score.strip(), path, line),
        strand=strand,
        phase=PHASES[phase],
        attributes=parse_attributes(attributes, path=path, line=line),
        line=line,
        path=path,
    )


def _position(name, text, path, line):
    text = text.strip()
    if not _INTEGER.fullmatch(text):
        raise UserInputError(f"{name} must be an integer; found {text!r}", path=path, line=line)
    value = int(text)
    if value < 1:
        raise UserInputError(f"{name} must be at least 1 (GFF3 positions are 1-based); found {value}", path=path,
                             line=line)
    return value


def _score(text, path, line):
    if text == ".":
        return None
    try:
        return float(text)
    except ValueError:
        raise UserInputError(f"score must be a number or '.'; found {text!r}", path=path, line=line) from None
