"""Read FASTA files (plain or gzip-compressed) as whole records or as a stream of sliding windows.

A FASTA file is a series of records, each a header line `>name description` followed by lines of bases;
blank lines are allowed, and spaces and trailing whitespace in sequence lines are ignored. A gzip file is
recognised by its first bytes, whatever its name. The record name is the first word of the header and
must be unique in the file.

- `iter_fasta` yields whole `FastaRecord`s (read by Biopython's `SimpleFastaParser`), as text or, with
  `encode=True`, as base codes (`seqkit.data.dna.alphabet`), checking every character.
- `iter_fasta_windows` yields the `Window`s of every record (see `seqkit.data.dna.windows` for where they
  start) without holding a whole record: it keeps at most `window` bases of a record, plus the line being
  read (a line is read in pieces of at most 1 MiB, so a genome on one line is fine too).

Problems are raised as `seqkit.errors.UserInputError` with the file and line: a first line that is not
blank and not a header, a file without records, a header without a name, a record without bases, a
duplicate record name, invalid UTF-8, a damaged gzip file, and (when encoding) a character that is not a
base, with its record and 1-based position in the record.

Example:

>>> import pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "genome.fa"
>>> _ = path.write_text(">chr1 first chromosome\\nACGTac\\ngtN\\n>chrM\\nTTA\\n")
>>> [(r.name, r.description, r.sequence, r.line) for r in iter_fasta(path)]
[('chr1', 'first chromosome', 'ACGTacgtN', 1), ('chrM', '', 'TTA', 4)]
>>> [(w.record, w.start, w.codes.tolist(), w.is_last) for w in iter_fasta_windows(path, window=4, stride=3)]
... # doctest: +NORMALIZE_WHITESPACE
[('chr1', 0, [1, 2, 3, 4], False), ('chr1', 3, [4, 1, 2, 3], False), ('chr1', 5, [2, 3, 4, 5], True),
 ('chrM', 0, [4, 4, 1], True)]
"""

import bisect
import collections
import dataclasses
import gzip
import pathlib
import zlib

import numpy as np

from seqkit.data.dna.alphabet import _bad_character_error, _lookup, encode_bases
from seqkit.data.dna.windows import check_window
from seqkit.errors import UserInputError
from seqkit.optional import import_optional

_GZIP_MAGIC = b"\x1f\x8b"
_BOM = b"\xef\xbb\xbf"
# The most bytes of a line `iter_fasta_windows` reads at once.
_PIECE_BYTES = 1 << 20


@dataclasses.dataclass(frozen=True, eq=False)
class FastaRecord:
    """One FASTA record.

    Args:
        name: the first word of the header (after `>`).
        description: the rest of the header, stripped (`""` when there is none).
        sequence: the bases as read (case kept, whitespace removed), or, from `iter_fasta(...,
            encode=True)`, their codes as a 1-D `np.uint8` array.
        line: the 1-based line of the header.
    """

    name: str
    description: str
    sequence: object
    line: int


@dataclasses.dataclass(frozen=True, eq=False)
class Window:
    """A window of a record, from `iter_fasta_windows`.

    Args:
        record: the record name.
        start: the 0-based record position of `codes[0]`.
        codes: the base codes, a read-only 1-D `np.uint8` array (copy it to change it); `window` long except
            for the only window of a record shorter than `window`.
        record_length: the record length, given with the record's last window only (`None` before: it is not
            known until the record has been read).
        is_last: whether this is the record's last window (it ends at the record's end).
    """

    record: str
    start: int
    codes: np.ndarray
    record_length: int | None = None
    is_last: bool = False

    @property
    def end(self):
        """The record position after the window's last base."""
        return self.start + len(self.codes)


def iter_fasta(path, *, encode=False):
    """Stream the records of a FASTA file (plain or gzip), one whole record at a time.

    Args:
        path: the FASTA file.
        encode: yield each sequence as base codes (`encode_bases`), checking its characters; without it,
            sequences are yielded as read and their characters are not checked.

    Yields:
        `FastaRecord`s in file order.

    Raises:
        seqkit.errors.UserInputError: see the module docstring; a bad character is reported with its line,
            record and position, e.g. "genes.fa:3: record chr1, position 17: unexpected character 'X'
            (expected A, C, G, T or an IUPAC code)".

    Example:

    >>> import gzip, pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "reads"
    >>> _ = path.write_bytes(gzip.compress(b">r1\\nACGT\\n>r2\\nacNR\\n"))
    >>> [(r.name, r.sequence.tolist()) for r in iter_fasta(path, encode=True)]
    [('r1', [1, 2, 3, 4]), ('r2', [1, 2, 5, 6])]
    """
    import_optional("Bio", "dna")
    from Bio.SeqIO.FastaIO import SimpleFastaParser

    path = pathlib.Path(path)
    # One entry per header read, oldest first: (header line, sequence line numbers, cumulative lengths).
    # The parser reads the next header before it yields a record, so the oldest entry is the yielded record's.
    headers = collections.deque()
    names = {}
    for title, sequence in SimpleFastaParser(_fasta_text_lines(path, headers, track=encode)):
        header_line, numbers, ends = headers.popleft()
        name, description = _parse_header(title, path, header_line, names)
        if not sequence:
            raise UserInputError(f"record {name} has no sequence", path=path, line=header_line)
        if encode:
            codes, bad = _lookup(sequence)
            if bad >= 0:
                line = numbers[bisect.bisect_right(ends, bad)]
                raise _bad_character_error(sequence, bad, record=name, path=path, line=line)
            sequence = codes
        yield FastaRecord(name=name, description=description, sequence=sequence, line=header_line)
    if not names:
        raise UserInputError("no FASTA records (a record starts with a header line '>name')", path=path)


def iter_fasta_windows(path, *, window, stride):
    """Stream the windows of every record of a FASTA file (plain or gzip), never holding a whole record.

    Windows start at `0, stride, 2 * stride, ...` while they end before the record's end; the last window
    of a record ends exactly at the record's end (it starts at `length - window`, so it may overlap the
    window before it by more than `window - stride`). So every window is `window` bases long, except the
    one window of a record shorter than `window`, which is the whole record. The record length is only
    known at its last window, which carries it (`Window.record_length`).

    Args:
        path: the FASTA file.
        window: the window length, a positive integer.
        stride: the distance between window starts, from 1 to `window`.

    Returns:
        An iterator of `Window`s, record by record, in order of their starts.

    Raises:
        seqkit.errors.UserInputError: a bad `window` or `stride` (at once), or a problem of the file (see
            the module docstring) when the iteration reaches it. A bad character is reported with its line,
            record and position in the record.

    Example:

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "short.fa"
    >>> _ = path.write_text(">s\\nACGTA\\n")
    >>> [(w.start, w.end, w.record_length) for w in iter_fasta_windows(path, window=3, stride=3)]
    [(0, 3, None), (2, 5, 5)]
    """
    check_window(window, stride)
    return _iter_windows(pathlib.Path(path), int(window), int(stride))


def _iter_windows(path, window, stride):
    names = {}
    name = None
    carry = b""
    for number, piece, first, last in _raw_pieces(path, _PIECE_BYTES):
        if first and piece[:1] == b">":
            if name is not None:
                yield _last_window(name, buffer, total, header_line, path)
            name, _ = _parse_header(_decode(piece, path, number)[1:].rstrip(), path, number, names)
            header_line = number
            buffer, buffer_start, total, next_start = np.empty(0, np.uint8), 0, 0, 0
            continue
        # As SimpleFastaParser: spaces and "\r" anywhere, and the trailing whitespace of a line, are dropped.
        # Whitespace at the end of a piece that does not end its line waits for the next piece: it is
        # dropped if the line ends with it, and is an unexpected character if bases follow it.
        data = carry + piece.replace(b" ", b"").replace(b"\r", b"")
        stripped = data.rstrip()
        carry = b"" if last else data[len(stripped) :]
        data = stripped
        if name is None:
            if data.strip():
                raise _not_fasta(piece, path, number)
            continue
        if not data:
            continue
        codes = encode_bases(data, record=name, path=path, offset=total, line=number)
        buffer = np.concatenate([buffer, codes]) if len(buffer) else codes
        total += len(codes)
        # A window that ends before the last base read is not the record's last.
        while next_start + window < total:
            yield _window(name, next_start, buffer[next_start - buffer_start : next_start - buffer_start + window])
            next_start += stride
        # Keep the last `window` bases: the next window starts there or later, and the last window is them.
        keep = max(buffer_start, total - window)
        buffer, buffer_start = buffer[keep - buffer_start :], keep
    if name is None:
        raise UserInputError("no FASTA records (a record starts with a header line '>name')", path=path)
    yield _last_window(name, buffer, total, header_line, path)


def _window(name, start, codes, record_length=None):
    codes = codes.view()
    codes.flags.writeable = False
    return Window(record=name, start=start, codes=codes, record_length=record_length,
                  is_last=record_length is not None)


def _last_window(name, buffer, total, header_line, path):
    if total == 0:
        raise UserInputError(f"record {name} has no sequence", path=path, line=header_line)
    # `buffer` holds the record's last min(total, window) bases.
    return _window(name, total - len(buffer), buffer, record_length=total)


def _parse_header(title, path, line, names):
    """`(name, description)` of a header's text after `>`, checking that the name is there and new."""
    words = title.split(None, 1)
    if not words:
        raise UserInputError("the header line has no record name after '>'", path=path, line=line)
    name = words[0]
    if name in names:
        raise UserInputError(
            f"duplicate record name {name} (its first record starts at line {names[name]}); record names must "
            "be unique",
            path=path,
            line=line,
        )
    names[name] = line
    return name, words[1].strip() if len(words) > 1 else ""


def _decode(raw, path, line):
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UserInputError("the file is not valid UTF-8 text", path=path, line=line) from None


def _not_fasta(raw, path, line):
    text = raw.decode("utf-8", "replace").strip()
    shown = repr(text[:20]) + ("..." if len(text) > 20 else "")
    return UserInputError(
        f"this is not a FASTA file: its first line that is not blank must be a header starting with '>' "
        f"(found {shown})",
        path=path,
        line=line,
    )


def _fasta_text_lines(path, headers, *, track):
    """The decoded lines of a FASTA file from its first header on, for `SimpleFastaParser`.

    Appends `(line, [], [])` to `headers` at each header; with `track`, also the number and the
    cumulative base count (as the parser counts bases) of each sequence line, to find a bad base's line.
    """
    started = False
    for number, raw, _, _ in _raw_pieces(path):
        if raw[:1] == b">":
            started = True
            headers.append((number, [], []))
        elif not started:
            if raw.strip():
                raise _not_fasta(raw, path, number)
            continue
        text = _decode(raw, path, number)
        if track and raw[:1] != b">":
            _, numbers, ends = headers[-1]
            numbers.append(number)
            ends.append((ends[-1] if ends else 0) + len(text.rstrip().replace(" ", "").replace("\r", "")))
        yield text


def _raw_pieces(path, piece_bytes=-1):
    """Stream a plain or gzip file as `(line number, piece, first, last)`.

    A piece is a whole line with its line break, or, with `piece_bytes`, at most that many bytes of it
    (`first` and `last` say whether it starts or ends its line). A header line (`>` first) is always one
    piece. A leading UTF-8 byte-order mark is removed.
    """
    from seqkit.data.text_files import open_user_file

    file = open_user_file(path, "a FASTA file")
    number = 0
    with file:
        compressed = file.read(2) == _GZIP_MAGIC
        file.seek(0)
        stream = gzip.GzipFile(fileobj=file, mode="rb") if compressed else file

        def read():
            try:
                return stream.readline(piece_bytes)
            except (OSError, EOFError, zlib.error) as error:
                what = "decompress the gzip file" if compressed else "read the file"
                problem = f"cannot {what} ({error})"
                raise UserInputError(problem, path=path, line=number + 1) from None

        with stream:
            piece = read()
            if piece.startswith(_BOM):
                piece = piece[len(_BOM) :] or read()
            first = True
            while piece:
                if first:
                    number += 1
                    if piece[:1] == b">" and not piece.endswith(b"\n"):
                        parts = [piece]
                        while not parts[-1].endswith(b"\n"):
                            more = read()
                            if not more:
                                break
                            parts.append(more)
                        piece = b"".join(parts)
                following = read()
                last = piece.endswith(b"\n") or not following
                yield number, piece, first, last
                first, piece = last, following
