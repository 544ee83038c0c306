"""Readers of labelled texts (one text, one label) and the ordered label set of a classifier.

Two layouts are read:

- tables, one row per text, by extension: CSV (`.csv`), TSV (`.tsv`, `.tab`), JSON Lines (`.jsonl`,
  `.ndjson`) and Parquet (`.parquet`, `.pq`), through pandas (JSON Lines line by line, so every row keeps
  its line number). The text and label columns are configurable; when the default names (`text`, `label`)
  are absent, common names (`review`, `sentence`; `stars`, `rating`, `score`, `sentiment`, ...) are tried
  case-insensitively.
- folders of text files, one sub-folder per label (the IMDB layout: `pos/*.txt`, `neg/*.txt`; an `unsup/`
  folder of unlabelled texts is ignored). HTML line breaks (`<br />`) become spaces.

Bad rows (missing text or label, text that is not valid in the file's encoding, a label outside a given
label set) raise `UserInputError` naming the file and line, or with `skip_bad_rows=True` are left out and
counted in `LabelledTexts.skipped`.

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
        collector = _BadRows(skip_bad_rows, self.skipped, list(self.problems))
        for index, (label, (path, line)) in enumerate(zip(self.labels, self.origins)):
            if label in label_set:
                keep.append(index)
            else:
                collector.add(
                    f"label {label!r} is not one of the model's labels ({', '.join(label_set.labels)})", path, line
                )
        result = self.subset(keep)
        result.skipped, result.problems = collector.count, collector.problems
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
        distinct = sorted(set(labels))
        integers = [label for label in labels if _INTEGER.fullmatch(label)]
        if integers and len(integers) * 2 > len(labels):
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
    path = pathlib.Path(path)
    if path.is_dir():
        raise UserInputError("expected a file, found a directory", path=path)
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise UserInputError(
            f"unknown table extension {path.suffix!r} (expected one of {', '.join(TABLE_SUFFIXES)})", path=path
        )
    if suffix in _JSON_LINES:
        columns, rows = _json_lines(path, encoding)
    elif suffix in _PARQUET:
        columns, rows = _parquet(path)
    else:
        columns, rows = _delimited(path, encoding, _DELIMITERS[suffix], header)
    text_name = find_column("text", text_column, "text", TEXT_ALIASES, columns, path)
    label_name = find_column("label", label_column, "label", LABEL_ALIASES, columns, path)
    collector = _BadRows(skip_bad_rows)
    data = LabelledTexts([], [], [])
    for line, row in rows:
        if row is None:
            collector.add("not a JSON object", path, line)
            continue
        text, label = row.get(text_name), normalize_label(row.get(label_name))
        _add_row(data, collector, text, label, path, line)
    data.skipped, data.problems = collector.count, collector.problems
    if not data.texts:
        raise UserInputError("no usable rows found", path=path)
    return data


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
    root = pathlib.Path(root)
    folders = sorted(p for p in root.iterdir() if p.is_dir() and p.name != "unsup" and not p.name.startswith("."))
    folders = [folder for folder in folders if any(folder.glob("*.txt"))]
    if len(folders) < 2:
        raise UserInputError(
            "expected one sub-folder of .txt files per label (such as pos/ and neg/); "
            f"found {len(folders)} such folder(s)",
            path=root,
        )
    collector = _BadRows(skip_bad_rows)
    data = LabelledTexts([], [], [])
    for folder in folders:
        for file in sorted(folder.glob("*.txt")):
            raw = file.read_bytes()
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError as error:
                collector.add(f"cannot decode the file as {encoding}: {error.reason}", file, None)
                continue
            text = _HTML_BREAK.sub(" ", text)
            _add_row(data, collector, text, folder.name, file, None)
    data.skipped, data.problems = collector.count, collector.problems
    if not data.texts:
        raise UserInputError("no usable text files found", path=root)
    return data


# === Internals ===


class _BadRows:
    """Raises on the first bad row, or counts bad rows and keeps the first few messages."""

    _KEPT = 5

    def __init__(self, skip, count=0, problems=None):
        self.skip = skip
        self.count = count
        self.problems = problems if problems is not None else []

    def add(self, problem, path, line):
        error = UserInputError(problem, path=path, line=line)
        if not self.skip:
            raise error
        self.count += 1
        if len(self.problems) < self._KEPT:
            self.problems.append(str(error))


def _add_row(data, collector, text, label, path, line):
    if text is None or (isinstance(text, float) and math.isnan(text)):
        text = ""
    text = str(text)
    if _UNDECODABLE in text:
        collector.add("the text is not valid in the file's encoding", path, line)
    elif not text.strip():
        collector.add("missing text", path, line)
    elif not label:
        collector.add("missing label", path, line)
    else:
        data.texts.append(text.strip())
        data.labels.append(label)
        data.origins.append((str(path), line))




def _mark_undecodable(error):
    return _UNDECODABLE, error.end


codecs.register_error("seqkit-mark-undecodable", _mark_undecodable)


def _read_text(path, encoding):
    """The file's text; bytes invalid in `encoding` become `_UNDECODABLE` (flagged per row later)."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise UserInputError(f"cannot read the file ({error.strerror})", path=path) from None
    text = raw.decode(encoding, errors="seqkit-mark-undecodable")
    return text[1:] if text.startswith("\ufeff") else text


def _delimited(path, encoding, separator, header):
    import csv
    import io

    import numpy as np
    import pandas as pd

    text = _read_text(path, encoding)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=separator,
            dtype=str,
            keep_default_na=False,
            header=0 if header else None,
            quoting=csv.QUOTE_MINIMAL,
        )
    except (ValueError, OSError) as error:
        # pandas' parser errors (ParserError, EmptyDataError) are ValueErrors.
        problem = (str(error).strip() or type(error).__name__).splitlines()[0]
        found = re.search(r"Expected \d+ fields in line (\d+)", problem)
        line = int(found.group(1)) if found else None
        raise UserInputError(f"cannot read the table: {problem}", path=path, line=line) from None
    if not isinstance(frame.index, pd.RangeIndex):
        # pandas reads a first row with one field more than the header as an index column.
        raise UserInputError(
            "the first row has more fields than the header; quote texts that contain the separator",
            path=path,
            line=2 if header else 1,
        )
    frame.columns = [str(column) for column in frame.columns]
    if not len(frame):
        return list(frame.columns), []
    # A row starts one line after the previous one, plus the line breaks inside the previous row's cells.
    breaks = sum(frame[column].str.count("\n").to_numpy() for column in frame.columns)
    first = 2 if header else 1
    starts = first + np.arange(len(frame)) + np.concatenate([[0], np.cumsum(breaks)[:-1]])
    starts = [int(start) for start in starts]
    records = frame.to_dict("records")
    return list(frame.columns), zip(starts, records)


def _parquet(path):
    import pandas as pd

    try:
        frame = pd.read_parquet(path)
    except (ValueError, OSError, ImportError) as error:
        problem = (str(error).strip() or type(error).__name__).splitlines()[0]
        raise UserInputError(f"cannot read the Parquet file: {problem}", path=path) from None
    frame.columns = [str(column) for column in frame.columns]
    return list(frame.columns), enumerate(frame.to_dict("records"), start=1)


def _json_lines(path, encoding):
    rows = []
    columns = {}
    for number, line in enumerate(_read_text(path, encoding).split("\n"), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise UserInputError(f"invalid JSON: {error.msg}", path=path, line=number) from None
        if isinstance(row, dict):
            columns.update(dict.fromkeys(row))
            rows.append((number, row))
        else:
            rows.append((number, None))
    return list(columns), rows
