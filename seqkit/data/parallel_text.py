"""Read parallel text (sentence pairs) as a stream: aligned files per language, TSV or CSV tables.

Two layouts are read:

- aligned plain-text files named by a prefix and language codes, one sentence per line (the Multi30k, WMT and
  fairseq layout): `train.en` and `train.de` for the prefix `train` with languages `en` and `de`; line `i` of
  one is the translation of line `i` of the other. Files of different line counts are an error (the files are
  misaligned from some line on, so no pair after it can be trusted); a line empty on one side only is a bad
  pair.
- a table: `.tsv`/`.tab`/`.txt` (tab-separated, one pair per line, no quoting: the Tatoeba and Anki
  `sentence<TAB>translation<TAB>attribution` layout, where the third column is ignored) or `.csv` (RFC 4180
  quoting, read by pandas in chunks). The first row is a header when it names the source and target columns
  (`source`/`target`, `src`/`tgt`, or the language codes, e.g. `en`/`de`); otherwise the first two columns
  are the source and the target and every row is a pair.

Blank lines (and pairs blank on both sides) are passed over. With `skip_bad_rows`, bad pairs are yielded as
`Skipped` items in their place (the recipe counts them); without it the first raises `UserInputError` with
the file and line.

Example:

>>> import pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "pairs.tsv").write_text("Hello.\\tHallo.\\tCC-BY 2.0 (France) Attribution: tatoeba.org\\n")
>>> [(pair.source, pair.target, pair.line) for pair in iter_parallel_text(folder / "pairs.tsv")]
[('Hello.', 'Hallo.', 1)]
"""

import dataclasses
import pathlib

from seqkit.errors import UserInputError

TAB_SUFFIXES = (".tsv", ".tab", ".txt")
CSV_SUFFIXES = (".csv",)
SOURCE_NAMES = ("source", "src")
TARGET_NAMES = ("target", "tgt", "translation")


@dataclasses.dataclass(frozen=True)
class SentencePair:
    """A source sentence and its translation.

    Args:
        source: the source sentence.
        target: its translation.
        path: the file it came from (the source file of aligned files).
        line: its 1-based line (of both aligned files, or of the table).
    """

    source: str
    target: str
    path: object = None
    line: int | None = None


def parallel_files(prefix, source_lang, target_lang):
    """The aligned files `<prefix>.<source_lang>` and `<prefix>.<target_lang>`, checked to exist.

    Example:

    >>> parallel_files("multi30k/train", "en", "de")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    seqkit.errors.UserInputError: multi30k/train.en: file not found (aligned files <prefix>.<lang>: ...)
    """
    for name, value in (("source_lang", source_lang), ("target_lang", target_lang)):
        if not value or not isinstance(value, str) or "/" in value or "." in value:
            raise UserInputError(f"`{name}` must be a language code such as en or de. Received: {name}={value!r}")
    if source_lang == target_lang:
        raise UserInputError(f"the source and target languages are the same ({source_lang!r})")
    prefix = str(prefix)
    paths = pathlib.Path(f"{prefix}.{source_lang}"), pathlib.Path(f"{prefix}.{target_lang}")
    for path in paths:
        if not path.is_file():
            raise UserInputError(
                f"file not found (aligned files <prefix>.<lang>: --data {prefix} with --source-lang {source_lang} "
                f"--target-lang {target_lang} reads {paths[0].name} and {paths[1].name})",
                path=path,
            )
    return paths


def is_table(path):
    """Whether `path` is read as a table (an existing file with a table suffix) rather than a prefix."""
    path = pathlib.Path(path)
    return path.is_file() and path.suffix.lower() in TAB_SUFFIXES + CSV_SUFFIXES


def iter_parallel_text(data, *, source_lang=None, target_lang=None, source_column=None, target_column=None,
                       skip_bad_rows=False, column_order=(0, 1)):
    """Stream the `SentencePair`s of `data`: a table file, or the prefix of aligned files.

    Args:
        data: a `.tsv`/`.tab`/`.txt`/`.csv` file, or a prefix such as `multi30k/train`.
        source_lang, target_lang: language codes; needed for aligned files, and used to find table columns.
        source_column, target_column: table column names (default: see the module docstring).
        skip_bad_rows: yield bad pairs as `Skipped` items instead of raising.
        column_order: the source and target column indices of a table without a header.

    Yields:
        `SentencePair`s (and `Skipped` items), in file order.
    """
    if is_table(data):
        yield from iter_parallel_table(
            data,
            source_column=source_column,
            target_column=target_column,
            languages=(source_lang, target_lang),
            skip_bad_rows=skip_bad_rows,
            column_order=column_order,
        )
        return
    path = pathlib.Path(data)
    if path.is_dir():
        raise UserInputError("expected a table file (.tsv, .csv) or the prefix of aligned files, found a directory",
                             path=path)
    if path.is_file():
        raise UserInputError(
            f"unknown table extension {path.suffix!r} (expected .tsv, .tab, .txt or .csv); for aligned files "
            "give their prefix (train for train.en and train.de)",
            path=path,
        )
    if source_lang is None or target_lang is None:
        raise UserInputError(
            f"{data} is not a file: aligned files <prefix>.<lang> need --source-lang and --target-lang", path=data
        )
    yield from iter_parallel_files(*parallel_files(data, source_lang, target_lang), skip_bad_rows=skip_bad_rows)


def iter_parallel_files(source_path, target_path, *, skip_bad_rows=False):
    """Stream the pairs of two aligned files, line by line (see the module docstring)."""
    from seqkit.data.text_files import iter_text_lines

    sources, targets = iter_text_lines(source_path), iter_text_lines(target_path)
    number = 0
    end = object()
    while True:
        source, target = next(sources, end), next(targets, end)
        number += 1
        if source is end and target is end:
            return
        if source is end or target is end:
            shorter, longer = (source_path, target_path) if source is end else (target_path, source_path)
            raise UserInputError(
                f"{pathlib.Path(shorter).name} has {number - 1} lines but {pathlib.Path(longer).name} has more: "
                "aligned files must have the same number of lines",
                path=longer,
                line=number,
            )
        item = _pair(source, target, source_path, number, skip_bad_rows)
        if item is not None:
            yield item


def iter_parallel_table(path, *, source_column=None, target_column=None, languages=(None, None),
                        skip_bad_rows=False, column_order=(0, 1)):
    """Stream the pairs of a TSV or CSV table (see the module docstring).

    Args:
        path: the table file.
        source_column, target_column: header names that must be found (case-insensitive), or None to look
            for `source`/`src`, `target`/`tgt`/`translation` or the `languages` codes.
        languages: `(source_lang, target_lang)` codes, also accepted as header names.
        skip_bad_rows: yield bad pairs as `Skipped` items instead of raising.
        column_order: the source and target column indices when the first row is not a header.
    """
    path = pathlib.Path(path)
    rows = _tab_rows(path) if path.suffix.lower() in TAB_SUFFIXES else _csv_rows(path)
    first = next(rows, None)
    if first is None:
        raise UserInputError("the file has no sentence pairs", path=path)
    source_names = (source_column,) if source_column else SOURCE_NAMES + tuple(filter(None, languages[:1]))
    target_names = (target_column,) if target_column else TARGET_NAMES + tuple(filter(None, languages[1:]))
    header = _header_columns(first[1], source_names, target_names)
    if header is None and (source_column or target_column):
        wanted = ", ".join(repr(name) for name in (source_column, target_column) if name)
        raise UserInputError(f"no column {wanted} in the first row (found {first[1]})", path=path, line=first[0])
    columns, pending = (header, []) if header is not None else (tuple(column_order), [first])
    found = False
    for line, cells in _chain(pending, rows):
        if all(not cell.strip() for cell in cells):
            continue
        if len(cells) <= max(columns):
            fields = f"{len(cells)} field" + ("s" if len(cells) != 1 else "")
            item = _bad(f"expected a source and a target separated by {_separator(path)}, found {fields}", path,
                        line, skip_bad_rows)
        else:
            item = _pair(cells[columns[0]], cells[columns[1]], path, line, skip_bad_rows)
        if item is not None:
            found = True
            yield item
    if not found:
        raise UserInputError("the file has no sentence pairs", path=path)


def _chain(first, rest):
    yield from first
    yield from rest


def _separator(path):
    return "a tab" if path.suffix.lower() in TAB_SUFFIXES else "a comma"


def _named(name, cells):
    lowered = [cell.strip().lower() for cell in cells]
    return lowered.index(name.lower()) if name.lower() in lowered else None


def _header_columns(cells, source_names, target_names):
    """The `(source, target)` column indices when `cells` is a header row naming both; else None."""
    source = next((i for i in map(lambda n: _named(n, cells), source_names) if i is not None), None)
    target = next((i for i in map(lambda n: _named(n, cells), target_names) if i is not None), None)
    if source is None or target is None or source == target:
        return None
    return source, target


def _pair(source, target, path, line, skip_bad_rows):
    """A `SentencePair`, None for a blank pair, or the bad-pair `Skipped` item (or error)."""
    source, target = source.strip(), target.strip()
    if not source and not target:
        return None
    if not source or not target:
        side = "source" if not source else "target"
        return _bad(f"empty {side} sentence (the other side is not empty)", path, line, skip_bad_rows)
    return SentencePair(source, target, str(path), line)


def _bad(problem, path, line, skip_bad_rows):
    from seqkit.application.sources import Skipped

    if not skip_bad_rows:
        raise UserInputError(problem + " (--skip-bad-rows leaves such pairs out)", path=path, line=line)
    return Skipped(str(path), line, problem)


def _tab_rows(path):
    """`(line, cells)` of a tab-separated file, a line at a time (no quoting)."""
    from seqkit.data.text_files import iter_text_lines

    for number, text in enumerate(iter_text_lines(path), start=1):
        yield number, text.split("\t")


def _csv_rows(path):
    """`(line, cells)` of a CSV file, read by pandas in chunks; lines count the breaks inside quoted cells."""
    from seqkit.data.text_classification import iter_table_rows

    rows = iter_table_rows(path, header=False)
    next(rows)  # the column names (0, 1, ...) of a table read without a header
    for line, row in rows:
        yield line, [str(value) for value in row.values()]
