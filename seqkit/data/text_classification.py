"""Readers of labelled texts (one text, one label) and the ordered label set of a classifier.

Two layouts are read:

- tables, one row per text, by extension: CSV (`.csv`), TSV (`.tsv`, `.tab`), JSON Lines (`.jsonl`,
  `.ndjson`) and Parquet (`.parquet`, `.pq`). The text and label columns are configurable; when the default
  names (`text`, `label`) are absent, common names (`review`, `sentence`; `stars`, `rating`, `score`,
  `sentiment`, ...) are tried case-insensitively.
- folders of text files, one sub-folder per label (the IMDB layout: `pos/*.txt`, `neg/*.txt`; an `unsup/`
  folder of unlabelled texts is ignored). HTML line breaks (`<br />`) become spaces.

`iter_labelled_table` and `iter_labelled_folders` stream the rows as `LabelledText` items (CSV and TSV in
chunks of rows, JSON Lines line by line, Parquet a batch of rows at a time, folders a file at a time), so
memory does not grow with the data; `read_labelled_table` and `read_labelled_folders` gather them into one
`LabelledTexts`.

Bad rows (missing text or label, text that is not valid in the file's encoding, a label outside a given
label set) raise `UserInputError` naming the file and line, or with `skip_bad_rows=True` are left out and
counted (in `LabelledTexts.skipped`, or in a `BadRowCounter` given to a streaming reader).

Row numbers are file lines for CSV, TSV and JSON Lines (the header of a table is line 1, so its first row
is line 2) and 1-based row numbers for Parquet.

Example:

>>> import pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "reviews.csv"
>>> _ = path.write_text("text,stars\\nGreat!,5\\nMeh.,2\\n")
>>> data = read_labelled_table(path)
>>> data.texts, data.labels, data.lines
(['Great!', 'Meh.'], ['5', '2'], [2, 3])
>>> LabelSet.detect(data.labels).labels
['1', '2', '3', '4', '5']
"""

import codecs
import collections
import contextlib
import dataclasses
import json
import math
import numbers
import pathlib
import re

from seqkit.data.atomic import atomic_write_text
from seqkit.data.columns import find_column
from seqkit.errors import UserInputError

TABLE_SUFFIXES = (".csv", ".tsv", ".tab", ".jsonl", ".ndjson", ".parquet", ".pq")
_DELIMITERS = {".csv": ",", ".tsv": "\t", ".tab": "\t"}
_JSON_LINES = (".jsonl", ".ndjson")
_PARQUET = (".parquet", ".pq")

TEXT_ALIASES = ("text", "review", "review_text", "reviewtext", "sentence", "content", "body", "verified_reviews")
LABEL_ALIASES = ("label", "stars", "star_rating", "rating", "score", "overall", "class", "sentiment", "polarity")

# Label words in their natural order, for label sets that are not numbers.
_WORD_ORDER = (
    "very negative",
    "negative",
    "neg",
    "neutral",
    "mixed",
    "positive",
    "pos",
    "very positive",
)
_INTEGER = re.compile(r"[+-]?[0-9]+(\.0*)?")
_HTML_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_MAX_INTEGER_CLASSES = 100
# Replaces bytes that are invalid in the file's encoding (a private-use code point no real text uses).
_UNDECODABLE = "\U0010fffd"
_DEFAULT_STARS = 5
# Rows parsed at a time from CSV, TSV and Parquet files.
_CHUNK_ROWS = 1000


@dataclasses.dataclass(frozen=True)
class LabelledText:
    """One text with its label and where it came from: an item of the streaming readers.

    Args:
        text: the text, stripped.
        label: the label, as a string (see `normalize_label`).
        path: the file, as a string.
        line: the line (or Parquet row) number in `path`; None for one-file-per-text folders.
    """

    text: str
    label: str
    path: str
    line: int | None = None


class BadRowCounter:
    """Counts the bad rows a reader left out (with `skip_bad_rows=True`) and keeps the first few messages.

    Args:
        count: bad rows counted so far.
        problems: their first messages (`path:line: problem`), at most 5 are kept.

    Example:

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "reviews.csv"
    >>> _ = path.write_text("text,label\\nGreat!,pos\\n,neg\\nDull.,neg\\n")
    >>> bad_rows = BadRowCounter()
    >>> [row.text for row in iter_labelled_table(path, skip_bad_rows=True, bad_rows=bad_rows)]
    ['Great!', 'Dull.']
    >>> bad_rows.count, bad_rows.problems
    (1, ['...reviews.csv:3: missing text'])
    """

    _KEPT = 5

    def __init__(self, count=0, problems=None):
        self.count = count
        self.problems = problems if problems is not None else []

    def add(self, error):
        """Counts one bad row, given its `UserInputError`."""
        self.count += 1
        if len(self.problems) < self._KEPT:
            self.problems.append(str(error))

    def __repr__(self):
        return f"BadRowCounter(count={self.count}, problems={self.problems!r})"


@dataclasses.dataclass
class LabelledTexts:
    """Texts with their labels and where each came from.

    Args:
        texts: the texts.
        labels: the labels, as strings (integers written without a fraction: `5`, not `5.0`).
        origins: `(path, line)` of each text; `line` is None for one-file-per-text folders.
        skipped: how many bad rows were left out (with `skip_bad_rows=True`).
        problems: the first few bad rows' messages (`path:line: problem`).
    """

    texts: list
    labels: list
    origins: list
    skipped: int = 0
    problems: list = dataclasses.field(default_factory=list)

    def __len__(self):
        return len(self.texts)

    @property
    def lines(self):
        """The line (or row) number of each text; None for files of a folder."""
        return [line for _, line in self.origins]

    def subset(self, indices):
        """A `LabelledTexts` with the rows at `indices` (same `skipped` count)."""
        indices = list(indices)
        return LabelledTexts(
            [self.texts[i] for i in indices],
            [self.labels[i] for i in indices],
            [self.origins[i] for i in indices],
            self.skipped,
            list(self.problems),
        )

    def with_labels_in(self, label_set, skip_bad_rows=False):
        """Checks every label against `label_set`; bad rows raise, or are dropped and counted.

        Returns:
            A new `LabelledTexts` holding only rows whose label is in `label_set`.
        """
        keep = []
        bad_rows = BadRowCounter(self.skipped, list(self.problems))
        for index, (label, (path, line)) in enumerate(zip(self.labels, self.origins)):
            if label in label_set:
                keep.append(index)
            else:
                problem = f"label {label!r} is not one of the model's labels ({', '.join(label_set.labels)})"
                _bad_row(problem, path, line, skip_bad_rows, bad_rows)
        result = self.subset(keep)
        result.skipped, result.problems = bad_rows.count, bad_rows.problems
        return result


class LabelSet:
    """The ordered labels of a classifier, and their numeric values for distance metrics.

    Integer labels (star ratings) are ordered by value; other labels by the usual order of sentiment words
    (`negative < neutral < positive`, `neg < pos`), then alphabetically. `values` are the integers for
    integer labels and the ranks 0, 1, ... otherwise, so "mean absolute error" is in stars for ratings and
    in steps of the scale otherwise.

    Args:
        labels: the label strings, in order.

    Example:

    >>> LabelSet.detect(["pos", "neg", "pos"]).labels
    ['neg', 'pos']
    >>> labels = LabelSet.detect(["7", "10", "1"])
    >>> labels.labels[:3], len(labels), labels.values[-1]
    (['1', '2', '3'], 10, 10.0)
    >>> labels.index("7")
    6
    """

    def __init__(self, labels):
        labels = [str(label) for label in labels]
        if len(labels) < 2:
            raise ValueError(f"`labels` must hold at least 2 labels. Received: labels={labels!r}")
        if len(set(labels)) != len(labels):
            raise ValueError(f"`labels` must not repeat a label. Received: labels={labels!r}")
        for label in labels:
            if not label or "\n" in label or "\r" in label:
                raise ValueError(f"Labels must be non-empty single-line strings. Received: label={label!r}")
        self.labels = labels
        self._index = {label: index for index, label in enumerate(labels)}
        self.numeric = all(_INTEGER.fullmatch(label) for label in labels)
        self.values = [float(label) if self.numeric else float(i) for i, label in enumerate(labels)]

    @classmethod
    def detect(cls, labels):
        """The label set of training labels.

        Integer labels give every integer from the smallest to the largest seen; labels that all lie in
        1–5 give the full 1–5 star scale even when a rating is missing from the data. When most labels are
        integers, the others are left out of the set (they become bad rows). Otherwise every distinct label
        is a class.

        Raises:
            UserInputError: fewer than two distinct labels, or more than 100 integer classes.
        """
        return cls.detect_counts(collections.Counter(labels))

    @classmethod
    def detect_counts(cls, counts):
        """`detect` from `{label: number of training texts}` (a streaming pass keeps only the counts).

        Example:

        >>> LabelSet.detect_counts({"5": 10, "2": 3, "n/a": 1}).labels
        ['1', '2', '3', '4', '5']
        """
        distinct = sorted(counts)
        integers = [label for label in distinct if _INTEGER.fullmatch(label)]
        if integers and sum(counts[label] for label in integers) * 2 > sum(counts.values()):
            values = sorted({int(float(label)) for label in integers})
            low, high = values[0], values[-1]
            if 1 <= low and high <= _DEFAULT_STARS:
                low, high = 1, _DEFAULT_STARS
            if high - low + 1 > _MAX_INTEGER_CLASSES:
                raise UserInputError(
                    f"integer labels from {low} to {high} would make {high - low + 1} classes "
                    f"(at most {_MAX_INTEGER_CLASSES}); is the label column right?"
                )
            if low == high:
                raise UserInputError(f"every label is {low}; a classifier needs at least two labels")
            return cls([str(value) for value in range(low, high + 1)])
        if len(distinct) < 2:
            raise UserInputError(
                f"found {len(distinct)} distinct label(s) {distinct!r}; a classifier needs at least two"
            )
        rank = {word: i for i, word in enumerate(_WORD_ORDER)}
        return cls(sorted(distinct, key=lambda label: (rank.get(label.lower(), len(rank)), label)))

    def __len__(self):
        return len(self.labels)

    def __contains__(self, label):
        return label in self._index

    def __eq__(self, other):
        return isinstance(other, LabelSet) and other.labels == self.labels

    def __repr__(self):
        return f"LabelSet({self.labels!r})"

    def index(self, label):
        """The class id of `label`."""
        return self._index[label]

    def encode(self, labels):
        """Class ids of `labels` (all must be in the set)."""
        return [self._index[label] for label in labels]

    def save(self, path):
        """Write the labels one per line (atomically)."""
        atomic_write_text(path, "".join(label + "\n" for label in self.labels))

    @classmethod
    def load(cls, path):
        """Read labels written by `save`."""
        try:
            text = pathlib.Path(path).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise UserInputError("missing label file; is this a run directory written by `fit`?", path=path) from None
        return cls(text.splitlines())


def normalize_label(value):
    """A label cell as a string: stripped, integers without fraction (`5.0` → `"5"`), '' when missing.

    Example:

    >>> [normalize_label(v) for v in (5, 4.0, " 3 ", "pos", None, float("nan"), "2.0")]
    ['5', '4', '3', 'pos', '', '', '2']
    """
    if value is None or isinstance(value, bool):
        return "" if value is None else str(value)
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        if math.isnan(value):
            return ""
        return str(int(value)) if float(value).is_integer() else str(value)
    text = str(value).strip()
    if _INTEGER.fullmatch(text):
        return str(int(float(text)))
    return text


def read_labelled_data(path, *, text_column="text", label_column="label", skip_bad_rows=False, encoding="utf-8"):
    """Read a table or a folder of label sub-folders (chosen by what `path` is).

    Args:
        path: a table file (see `read_labelled_table`) or a folder (see `read_labelled_folders`).
        text_column, label_column: column names for tables.
        skip_bad_rows: leave bad rows out (counted) instead of raising.
        encoding: text encoding of CSV/TSV/JSON Lines files and folder files.

    Returns:
        A `LabelledTexts`.
    """
    path = pathlib.Path(path)
    if path.is_dir():
        return read_labelled_folders(path, skip_bad_rows=skip_bad_rows, encoding=encoding)
    return read_labelled_table(
        path, text_column=text_column, label_column=label_column, skip_bad_rows=skip_bad_rows, encoding=encoding
    )


def read_labelled_table(
    path,
    *,
    text_column="text",
    label_column="label",
    skip_bad_rows=False,
    encoding="utf-8",
    header=True,
):
    """Read one text and one label per row from a CSV, TSV, JSON Lines or Parquet file.

    Args:
        path: the file; its extension chooses the format.
        text_column: the text column (default `text`, else a common name such as `review`).
        label_column: the label column (default `label`, else `stars`, `rating`, `score`, ...).
        skip_bad_rows: leave bad rows out (counted in `skipped`) instead of raising.
        encoding: the encoding of text formats.
        header: whether a CSV/TSV file starts with a header row; without one, the column names are
            `text_column` and `label_column` given as column numbers (`"0"`, `"1"`, ...).

    Returns:
        A `LabelledTexts`.

    Raises:
        UserInputError: unknown extension, unreadable file, missing column (listing the columns found),
            no rows, or a bad row (without `skip_bad_rows`).
    """
    bad_rows = BadRowCounter()
    rows = iter_labelled_table(
        path,
        text_column=text_column,
        label_column=label_column,
        skip_bad_rows=skip_bad_rows,
        encoding=encoding,
        header=header,
        bad_rows=bad_rows,
    )
    return _gather(rows, bad_rows)


def iter_labelled_table(
    path,
    *,
    text_column="text",
    label_column="label",
    skip_bad_rows=False,
    encoding="utf-8",
    header=True,
    bad_rows=None,
):
    """Stream the rows of a CSV, TSV, JSON Lines or Parquet file as `LabelledText` items.

    The file is read a part at a time (CSV and TSV in chunks of rows, JSON Lines line by line, Parquet in
    batches of rows), so memory does not grow with its size. The rows, their line numbers, the checks and
    the messages are those of `read_labelled_table`; a problem further on in the file is raised when the
    iteration reaches it, and "no usable rows found" when it ends without a row.

    Args:
        path: the file; its extension chooses the format.
        text_column: the text column (default `text`, else a common name such as `review`).
        label_column: the label column (default `label`, else `stars`, `rating`, `score`, ...).
        skip_bad_rows: leave bad rows out instead of raising.
        encoding: the encoding of text formats.
        header: whether a CSV/TSV file starts with a header row (see `read_labelled_table`).
        bad_rows: a `BadRowCounter` that counts the rows left out with `skip_bad_rows`, or None.

    Yields:
        `LabelledText` items, in file order.

    Raises:
        UserInputError: as `read_labelled_table`.

    Example:

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "reviews.jsonl"
    >>> _ = path.write_text('{"text": "Great!", "stars": 5}\\n\\n{"text": "Meh.", "stars": 2.0}\\n')
    >>> for row in iter_labelled_table(path):
    ...     print(row.text, row.label, row.line)
    Great! 5 1
    Meh. 2 3
    """
    path = pathlib.Path(path)
    if path.is_dir():
        raise UserInputError("expected a file, found a directory", path=path)
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise UserInputError(
            f"unknown table extension {path.suffix!r} (expected one of {', '.join(TABLE_SUFFIXES)})", path=path
        )
    if suffix in _JSON_LINES:
        rows = _json_lines(path, encoding, (text_column, label_column))
    elif suffix in _PARQUET:
        rows = _parquet(path)
    else:
        rows = _delimited(path, encoding, _DELIMITERS[suffix], header)
    columns = next(rows)
    text_name = find_column("text", text_column, "text", TEXT_ALIASES, columns, path)
    label_name = find_column("label", label_column, "label", LABEL_ALIASES, columns, path)
    found = False
    for line, row in rows:
        if row is None:
            _bad_row("not a JSON object", path, line, skip_bad_rows, bad_rows)
            continue
        item = _labelled_text(
            row.get(text_name), normalize_label(row.get(label_name)), path, line, skip_bad_rows, bad_rows
        )
        if item is not None:
            found = True
            yield item
    if not found:
        raise UserInputError("no usable rows found", path=path)


def iter_table_rows(path, *, header=True, encoding="utf-8"):
    """Stream a CSV or TSV table: first its column names, then `(line, {column: cell})` for every row.

    Cells are strings (missing ones `""`); lines count blank lines and the line breaks inside quoted cells,
    and blank lines (rows whose cells are all empty) are left out. Read by pandas
    a chunk of rows at a time; a file pandas cannot parse is a `UserInputError` naming it.

    Example:

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "pairs.csv"
    >>> _ = path.write_text('source,target\\n"Hi, you",Salut\\n')
    >>> list(iter_table_rows(path))
    [['source', 'target'], (2, {'source': 'Hi, you', 'target': 'Salut'})]
    """
    path = pathlib.Path(path)
    suffix = path.suffix.lower()
    if suffix not in _DELIMITERS:
        raise UserInputError(f"unknown table extension {path.suffix!r} (expected .csv, .tsv or .tab)", path=path)
    return _delimited(path, encoding, _DELIMITERS[suffix], header)


def read_labelled_folders(root, *, skip_bad_rows=False, encoding="utf-8"):
    """Read a folder with one sub-folder of `.txt` files per label (`pos/`, `neg/`; `unsup/` is ignored).

    Args:
        root: the folder.
        skip_bad_rows: leave unreadable or empty files out (counted) instead of raising.
        encoding: the files' encoding.

    Returns:
        A `LabelledTexts` (sub-folders in name order, files in name order), whose origins are the files.

    Example:

    >>> import pathlib, tempfile
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> for label, text in (("pos", "Loved it.<br />Again!"), ("neg", "Dull.")):
    ...     (root / label).mkdir()
    ...     _ = (root / label / "0_9.txt").write_text(text)
    >>> data = read_labelled_folders(root)
    >>> data.texts, data.labels
    (['Dull.', 'Loved it. Again!'], ['neg', 'pos'])
    """
    bad_rows = BadRowCounter()
    files = iter_labelled_folders(root, skip_bad_rows=skip_bad_rows, encoding=encoding, bad_rows=bad_rows)
    return _gather(files, bad_rows)


def iter_labelled_folders(root, *, skip_bad_rows=False, encoding="utf-8", bad_rows=None):
    """Stream the texts of a folder of label sub-folders (see `read_labelled_folders`), a file at a time.

    Args:
        root: the folder.
        skip_bad_rows: leave unreadable or empty files out instead of raising.
        encoding: the files' encoding.
        bad_rows: a `BadRowCounter` that counts the files left out with `skip_bad_rows`, or None.

    Yields:
        `LabelledText` items (sub-folders in name order, files in name order) whose `line` is None.

    Raises:
        UserInputError: fewer than two label sub-folders, a bad file (without `skip_bad_rows`), or, when
            the iteration ends, no usable file.

    Example:

    >>> import pathlib, tempfile
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> for label, text in (("pos", "Loved it."), ("neg", "Dull.")):
    ...     (root / label).mkdir()
    ...     _ = (root / label / "0_9.txt").write_text(text)
    >>> [(item.label, item.text) for item in iter_labelled_folders(root)]
    [('neg', 'Dull.'), ('pos', 'Loved it.')]
    """
    root = pathlib.Path(root)
    folders = sorted(p for p in root.iterdir() if p.is_dir() and p.name != "unsup" and not p.name.startswith("."))
    folders = [folder for folder in folders if any(folder.glob("*.txt"))]
    if len(folders) < 2:
        raise UserInputError(
            "expected one sub-folder of .txt files per label (such as pos/ and neg/); "
            f"found {len(folders)} such folder(s)",
            path=root,
        )
    found = False
    for folder in folders:
        for file in sorted(folder.glob("*.txt")):
            raw = file.read_bytes()
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError as error:
                _bad_row(f"cannot decode the file as {encoding}: {error.reason}", file, None, skip_bad_rows, bad_rows)
                continue
            item = _labelled_text(_HTML_BREAK.sub(" ", text), folder.name, file, None, skip_bad_rows, bad_rows)
            if item is not None:
                found = True
                yield item
    if not found:
        raise UserInputError("no usable text files found", path=root)


# === Internals ===


def _bad_row(problem, path, line, skip, bad_rows):
    """Raises the row's `UserInputError`, or with `skip` counts it in `bad_rows` (when there is one)."""
    error = UserInputError(problem, path=path, line=line)
    if not skip:
        raise error
    if bad_rows is not None:
        bad_rows.add(error)


def _labelled_text(text, label, path, line, skip, bad_rows):
    """The row as a `LabelledText`, or None when it is bad (see `_bad_row`)."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        text = ""
    text = str(text)
    if _UNDECODABLE in text:
        problem = "the text is not valid in the file's encoding"
    elif not text.strip():
        problem = "missing text"
    elif not label:
        problem = "missing label"
    else:
        return LabelledText(text.strip(), label, str(path), line)
    _bad_row(problem, path, line, skip, bad_rows)
    return None


def _gather(items, bad_rows):
    """A `LabelledTexts` of `LabelledText` items, with the count and messages of `bad_rows`."""
    data = LabelledTexts([], [], [])
    for item in items:
        data.texts.append(item.text)
        data.labels.append(item.label)
        data.origins.append((item.path, item.line))
    data.skipped, data.problems = bad_rows.count, bad_rows.problems
    return data


def _mark_undecodable(error):
    return _UNDECODABLE, error.end


codecs.register_error("seqkit-mark-undecodable", _mark_undecodable)


def _open_text(path, encoding):
    """`path` opened as text, past a byte-order mark; bytes invalid in `encoding` read as `_UNDECODABLE`.

    Lines end only at `"\\n"`, and line breaks are not translated.
    """
    try:
        file = open(path, encoding=encoding, errors="seqkit-mark-undecodable", newline="\n")
    except OSError as error:
        raise UserInputError(f"cannot read the file ({error.strerror})", path=path) from None
    if file.read(1) != "\ufeff":
        file.seek(0)
    return file


def _cannot_read(what, error, path):
    """The `UserInputError` for a pandas or pyarrow reading error (with pandas' line number, if any)."""
    problem = (str(error).strip() or type(error).__name__).splitlines()[0]
    found = re.search(r"Expected \d+ fields in line (\d+)", problem)
    line = int(found.group(1)) if found else None
    return UserInputError(f"cannot read the {what}: {problem}", path=path, line=line)


def _delimited(path, encoding, separator, header):
    """Yields the column names, then `(line, row)` for every row, parsing `_CHUNK_ROWS` rows at a time."""
    import pandas as pd

    line = 2 if header else 1  # where the next row starts
    for index, chunk in enumerate(_delimited_chunks(path, encoding, separator, header)):
        if not isinstance(chunk.index, pd.RangeIndex):
            # pandas reads a first row with one field more than the header as an index column.
            raise UserInputError(
                "the first row has more fields than the header; quote texts that contain the separator",
                path=path,
                line=2 if header else 1,
            )
        if index == 0:
            yield list(chunk.columns)
        # A row starts one line after the previous one, plus the line breaks inside the previous row's cells.
        breaks = sum(chunk[column].str.count("\n").to_numpy() for column in chunk.columns)
        for row, row_breaks in zip(chunk.to_dict("records"), breaks):
            if any(cell != "" for cell in row.values()):  # a blank line is not a row
                yield line, row
            line += 1 + int(row_breaks)


def _delimited_chunks(path, encoding, separator, header):
    """The table as data frames of string cells, `_CHUNK_ROWS` rows each (a table of no rows gives one)."""
    import csv

    import pandas as pd

    with _open_text(path, encoding) as file:
        try:
            # Blank lines are kept as rows of empty cells so that line numbers stay right (`_delimited` skips them).
            options = dict(
                dtype=str, keep_default_na=False, header=0 if header else None, quoting=csv.QUOTE_MINIMAL,
                skip_blank_lines=False,
            )
            with pd.read_csv(file, sep=separator, chunksize=_CHUNK_ROWS, **options) as chunks:
                for chunk in chunks:
                    chunk.columns = [str(column) for column in chunk.columns]
                    yield chunk
        except (ValueError, OSError) as error:
            # pandas' parser errors (ParserError, EmptyDataError) are ValueErrors.
            raise _cannot_read("table", error, path) from None


def _parquet(path):
    """Yields the column names, then `(row number, row)` for every row, reading a batch of rows at a time."""
    from seqkit.optional import import_optional

    pq = import_optional("pyarrow.parquet", "parquet")
    try:
        with pq.ParquetFile(path) as file:
            # The columns pandas shows (a stored pandas index is not one).
            yield [str(column) for column in file.schema_arrow.empty_table().to_pandas().columns]
            number = 0
            for batch in file.iter_batches(batch_size=_CHUNK_ROWS):
                frame = batch.to_pandas()
                frame.columns = [str(column) for column in frame.columns]
                for row in frame.to_dict("records"):
                    number += 1
                    yield number, row
    except (ValueError, OSError) as error:
        raise _cannot_read("Parquet file", error, path) from None


def _json_lines(path, encoding, wanted):
    """Yields the keys of the file's objects, then `(line, object or None)` for every non-blank line.

    The keys are all those of the file, read first in a pass that stops early once every name in `wanted`
    is seen (an exact column name always wins, so the rest cannot change the columns chosen).
    """
    columns = {}
    with contextlib.closing(_json_objects(path, encoding)) as objects:
        for _, row in objects:
            if row is not None:
                columns.update(dict.fromkeys(row))
                if all(name in columns for name in wanted):
                    break
    yield list(columns)
    yield from _json_objects(path, encoding)


def _json_objects(path, encoding):
    """Yields `(line, object or None)` for every non-blank line of a JSON Lines file."""
    with _open_text(path, encoding) as file:
        for number, line in enumerate(file, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                raise UserInputError(f"invalid JSON: {error.msg}", path=path, line=number) from None
            yield number, row if isinstance(row, dict) else None
