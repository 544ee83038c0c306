"""Read BED interval files (BED3 to BED12, plain or gzip) as a stream of `BedInterval` rows.

BED in brief (https://genome.ucsc.edu/FAQ/FAQformat.html#format1, https://samtools.github.io/hts-specs/BEDv1.pdf):

- one interval per line: `chrom start end` (BED3), then optionally `name score strand` (BED6) and
  `thickStart thickEnd itemRgb blockCount blockSizes blockStarts` (BED12). Only the first 6 columns are read;
  any further columns (BED12, or the extra columns of BED6+4 formats such as narrowPeak) are ignored.
- `start` is 0-based and `end` exclusive: the first 100 bases of `chr1` are `chr1 0 100`, which GFF3 writes
  `chr1 ... 1 100`. `start == end` is an empty interval (an insertion point).
- columns are separated by tabs; a line without a tab is split on runs of whitespace (files written by hand
  or by tools that pad with spaces). With tabs, a name may contain spaces.
- `track` and `browser` lines (UCSC custom tracks), `#` comments and blank lines are passed over.
- an undefined name, score or strand is `.`.

A line with fewer than 3 columns, a start or end that is not a non-negative integer, `start > end`, a score
that is not a number, or a strand other than `+`, `-` and `.` raises `UserInputError` with the file and line.

Example:

>>> import pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "peaks.bed"
>>> _ = path.write_text("track name=peaks\\nchr1\\t0\\t100\\tpromoter\\t960\\t+\\nchr1 150 180\\n")
>>> [(i.chrom, i.start, i.end, i.name, i.score, i.strand, i.line) for i in iter_bed(path)]
[('chr1', 0, 100, 'promoter', 960.0, '+', 2), ('chr1', 150, 180, None, None, '.', 3)]
"""

import dataclasses
import pathlib
import re

from seqkit.data.dna.gff3 import iter_lines
from seqkit.errors import UserInputError

STRANDS = ("+", "-", ".")
_INTEGER = re.compile(r"-?[0-9]+")
_SKIPPED_PREFIXES = ("#", "track", "browser")


@dataclasses.dataclass(frozen=True)
class BedInterval:
    """One interval of a BED file, 0-based and end-exclusive as in the file.

    Args:
        chrom: the sequence (chromosome, contig) name.
        start: the first base, 0-based.
        end: one past the last base (`start <= end`; `end - start` bases).
        name: column 4, or None (BED3, or `.`).
        score: column 5 as a float, or None (absent or `.`).
        strand: `"+"`, `"-"`, or `"."` (absent or not stranded).
        line: the 1-based line in the file.
        path: the file, as a string (None for intervals made in code).
    """

    chrom: str
    start: int
    end: int
    name: str | None = None
    score: float | None = None
    strand: str = "."
    line: int | None = None
    path: str | None = None

    @property
    def length(self):
        """The number of bases, `end - start`."""
        return self.end - self.start


def iter_bed(path):
    """Stream the intervals of a BED file (plain or gzip-compressed), in file order.

    See the module docstring for the format and the checks.

    Args:
        path: the file; gzip compression is recognised by its first bytes, whatever the name.

    Yields:
        `BedInterval`s.

    Raises:
        seqkit.errors.UserInputError: a bad line (with its number), or a file that is missing, empty, binary
            or not UTF-8.

    Example:

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "bad.bed"
    >>> _ = path.write_text("chr1\\t10\\n")
    >>> list(iter_bed(path))  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    seqkit.errors.UserInputError: .../bad.bed:1: expected at least 3 columns (chrom start end), found 2
    """
    path = pathlib.Path(path)
    for number, text in iter_lines(path):
        stripped = text.strip()
        if not stripped or _skipped(stripped):
            continue
        yield _interval(text, str(path), number)


def _skipped(text):
    """Whether a (non-blank, stripped) line is a comment, `track` or `browser` line."""
    if text.startswith("#"):
        return True
    first = text.split(None, 1)[0]
    return first in ("track", "browser")


def _interval(text, path, line):
    cells = [cell.strip() for cell in text.split("\t")] if "\t" in text else text.split()
    if len(cells) < 3:
        raise UserInputError(f"expected at least 3 columns (chrom start end), found {len(cells)}", path=path,
                             line=line)
    chrom = cells[0]
    if not chrom:
        raise UserInputError("the chrom column (1) is empty", path=path, line=line)
    start, end = _coordinate("start", cells[1], path, line), _coordinate("end", cells[2], path, line)
    if start > end:
        raise UserInputError(
            f"start {start} is after end {end} (BED coordinates are 0-based, end-exclusive, start <= end)",
            path=path,
            line=line,
        )
    name = cells[3] if len(cells) > 3 and cells[3] not in ("", ".") else None
    score = _score(cells[4], path, line) if len(cells) > 4 else None
    strand = cells[5] if len(cells) > 5 and cells[5] else "."
    if strand not in STRANDS:
        raise UserInputError(f"strand (column 6) must be +, - or '.'; found {strand!r}", path=path, line=line)
    return BedInterval(chrom, start, end, name, score, strand, line, path)


def _coordinate(name, text, path, line):
    if not _INTEGER.fullmatch(text):
        hint = " (a header line? BED files have none; start it with #)" if not any(c.isdigit() for c in text) else ""
        raise UserInputError(f"{name} must be an integer; found {text!r}{hint}", path=path, line=line)
    value = int(text)
    if value < 0:
        raise UserInputError(f"{name} must not be negative (BED positions are 0-based); found {value}", path=path,
                             line=line)
    return value


def _score(text, path, line):
    if text in ("", "."):
        return None
    try:
        return float(text)
    except ValueError:
        raise UserInputError(f"score (column 5) must be a number or '.'; found {text!r}", path=path,
                             line=line) from None
