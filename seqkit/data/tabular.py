"""Reader for token tables: one row per token in CSV, TSV or Parquet files.

This is the shape of the GMB-style `ner_dataset.csv`: a sentence column that is filled
only on the first token of each sentence (empty below it and forward-filled here), a
token column and a tag column, plus any other columns (which are ignored). Consecutive
rows with the same sentence id form one sentence.

When the default column names are absent they are looked up case-insensitively among
common names (`"Sentence #"`, `"Word"`, `"Tag"`, ...).

Row numbers in errors and in `TaggedSentence.line` are file lines for CSV and TSV (the
header is line 1, so the first data row is line 2) and 1-based row numbers for Parquet.

Example:

>>> import pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "ner_dataset.csv"
>>> _ = path.write_text(
...     "Sentence #,Word,POS,Tag\\n"
...     "Sentence: 1,Ada,NNP,B-per\\n,spoke,VBD,O\\n"
...     "Sentence: 2,Rome,NNP,B-geo\\n"
... )
>>> [(s.tokens, s.tags, s.line) for s in read_token_table(path)]
[(['Ada', 'spoke'], ['B-per', 'O'], 2), (['Rome'], ['B-geo'], 4)]
"""

import csv
import math
import pathlib

from seqkit.data import tagging_schemes
from seqkit.data.columns import find_column
from seqkit.data.conll import tagged_sentence
from seqkit.errors import UserInputError

_DELIMITERS = {".csv": ",", ".tsv": "\t", ".tab": "\t"}
_PARQUET = (".parquet", ".pq")

# Names tried, case-insensitively, when a default column name is absent.
_ALIASES = {
    "sentence_column": ("sentence_id", "sentence #", "sentence", "sentence_idx", "sent_id"),
    "token_column": ("token", "word", "words", "tokens"),
    "tag_column": ("tag", "tags", "ner", "ner_tag", "label"),
}
_DEFAULTS = {"sentence_column": "sentence_id", "token_column": "token", "tag_column": "tag"}


def _resolve_column(argument, requested, columns, path):
    kind = argument.split("_")[0]
    return find_column(kind, requested, _DEFAULTS[argument], _ALIASES[argument], columns, path)


def _load(path, encoding):
    import pandas as pd

    suffix = path.suffix.lower()
    try:
        if suffix in _PARQUET:
            from seqkit.optional import import_optional

            import_optional("pyarrow", "parquet")  # pandas' own message would ask for fastparquet
            frame = pd.read_parquet(path)
            return frame, 1
        if suffix in _DELIMITERS:
            frame = pd.read_csv(
                path,
                sep=_DELIMITERS[suffix],
                dtype=str,
                keep_default_na=False,
                encoding=encoding,
                quoting=csv.QUOTE_MINIMAL if suffix == ".csv" else csv.QUOTE_NONE,
            )
            return frame, 2
    except UnicodeDecodeError as error:
        raise UserInputError(
            f"cannot decode the file as {encoding}: {error.reason}", path=path
        ) from None
    except (ValueError, OSError) as error:
        # pandas' parser errors (ParserError, EmptyDataError) are ValueErrors.
        problem = (str(error).strip() or type(error).__name__).splitlines()[0]
        raise UserInputError(f"cannot read the table: {problem}", path=path) from None
    raise UserInputError(
        f"unknown table extension {path.suffix!r} (expected .csv, .tsv, .tab, .parquet or .pq)",
        path=path,
    )


def _cell(value):
    """Returns a cell as a stripped string, or '' for a missing value."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):  # missing in Parquet
        return ""
    return str(value).strip()


def read_token_table(
    path,
    *,
    sentence_column="sentence_id",
    token_column="token",
    tag_column="tag",
    scheme="auto",
    encoding="utf-8",
):
    """Reads a one-row-per-token table (CSV, TSV or Parquet, chosen by extension).

    Args:
        path: a `.csv`, `.tsv`/`.tab` or `.parquet`/`.pq` file.
        sentence_column: the sentence id column; empty cells take the id above them.
        token_column: the token column.
        tag_column: the tag column.
        scheme: `"auto"`, `"iob1"`, `"iob2"` or `"bioes"`: the scheme of the tags.
        encoding: the text encoding of CSV/TSV files (GMB's file is `"latin-1"`).

    Returns:
        A list of `TaggedSentence` with IOB2 tags, in file order.

    Raises:
        UserInputError: for a missing column (listing the columns found), a row with no
            token or tag, a first row with no sentence id, a tag outside the scheme or
            one that continues no entity, or a table with no rows.

    Example:

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "tokens.tsv"
    >>> _ = path.write_text("sentence_id\\ttoken\\ttag\\n7\\tOslo\\tS-LOC\\n")
    >>> read_token_table(path)[0].tags
    ['B-LOC']
    """
    choices = ("auto",) + tagging_schemes.SCHEMES
    if scheme not in choices:
        raise ValueError(
            f"`scheme` must be one of {', '.join(choices)}. Received: scheme={scheme!r}"
        )
    path = pathlib.Path(path)
    frame, first_line = _load(path, encoding)
    columns = list(frame.columns)
    names = {}
    for argument, requested in (
        ("sentence_column", sentence_column),
        ("token_column", token_column),
        ("tag_column", tag_column),
    ):
        names[argument] = _resolve_column(argument, requested, columns, path)

    raw = []
    current_id = None
    sentence_ids = frame[names["sentence_column"]].map(_cell).tolist()
    tokens = frame[names["token_column"]].map(_cell).tolist()
    tags = frame[names["tag_column"]].map(_cell).tolist()
    for row, (sentence_id, token, tag) in enumerate(zip(sentence_ids, tokens, tags)):
        line = row + first_line
        if not sentence_id and current_id is None:
            raise UserInputError("the first row has no sentence id", path=path, line=line)
        if not token:
            raise UserInputError("missing token", path=path, line=line)
        if not tag:
            raise UserInputError("missing tag", path=path, line=line)
        if sentence_id and sentence_id != current_id:
            current_id = sentence_id
            raw.append(([], [], line))
        raw[-1][0].append(token)
        raw[-1][1].append(tag)
    if not raw:
        raise UserInputError("no rows found", path=path)

    if scheme == "auto":
        scheme = tagging_schemes.detect_scheme(sentence_tags for _, sentence_tags, _ in raw)
    return [
        tagged_sentence(sentence_tokens, sentence_tags, line, scheme=scheme, path=path)
        for sentence_tokens, sentence_tags, line in raw
    ]
