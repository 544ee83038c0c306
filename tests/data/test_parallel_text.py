import pytest

from seqkit.application.sources import Skipped
from seqkit.data.parallel_text import iter_parallel_text, parallel_files
from seqkit.errors import UserInputError


def _pairs(items):
    return [(item.source, item.target, item.line) for item in items if not isinstance(item, Skipped)]


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_aligned_files_by_prefix_and_language_codes(tmp_path):
    _write(tmp_path / "train.en", "A dog runs.\n\nTwo men.\n")
    _write(tmp_path / "train.de", "Ein Hund rennt.\n\nZwei Männer.\n")
    pairs = _pairs(iter_parallel_text(tmp_path / "train", source_lang="en", target_lang="de"))
    assert pairs == [("A dog runs.", "Ein Hund rennt.", 1), ("Two men.", "Zwei Männer.", 3)]
    # The other direction reads the same files the other way round.
    assert _pairs(iter_parallel_text(tmp_path / "train", source_lang="de", target_lang="en"))[0][0] == "Ein Hund rennt."


def test_files_of_different_line_counts_are_an_error_even_with_skip_bad_rows(tmp_path):
    _write(tmp_path / "train.en", "a\nb\nc\n")
    _write(tmp_path / "train.de", "x\ny\n")
    with pytest.raises(UserInputError, match=r"train\.en:3: train\.de has 2 lines but train\.en has more"):
        list(iter_parallel_text(tmp_path / "train", source_lang="en", target_lang="de", skip_bad_rows=True))


def test_one_sided_empty_line_is_reported_or_skipped(tmp_path):
    _write(tmp_path / "t.en", "a\n\nc\n")
    _write(tmp_path / "t.de", "x\ny\nz\n")
    with pytest.raises(UserInputError, match=r"t\.en:2: empty source sentence"):
        list(iter_parallel_text(tmp_path / "t", source_lang="en", target_lang="de"))
    items = list(iter_parallel_text(tmp_path / "t", source_lang="en", target_lang="de", skip_bad_rows=True))
    assert _pairs(items) == [("a", "x", 1), ("c", "z", 3)]
    (skipped,) = [item for item in items if isinstance(item, Skipped)]
    assert skipped.line == 2 and "empty source" in skipped.problem


def test_missing_aligned_file_names_both_files(tmp_path):
    _write(tmp_path / "train.en", "a\n")
    with pytest.raises(UserInputError, match=r"train\.de: file not found .*reads train\.en and train\.de"):
        parallel_files(tmp_path / "train", "en", "de")
    with pytest.raises(UserInputError, match="need --source-lang and --target-lang"):
        list(iter_parallel_text(tmp_path / "train"))
    with pytest.raises(UserInputError, match="same"):
        parallel_files(tmp_path / "train", "en", "en")


def test_tatoeba_layout_without_header_ignores_the_attribution(tmp_path):
    path = _write(tmp_path / "deu.txt", "Go.\tGeh.\tCC-BY 2.0 (France) #2877272\nHi.\tHallo!\tCC-BY 2.0 #380701\n")
    assert _pairs(iter_parallel_text(path)) == [("Go.", "Geh.", 1), ("Hi.", "Hallo!", 2)]
    # Quotes are text in a TSV (no quoting), as in Tatoeba.
    path = _write(tmp_path / "q.tsv", '"Run!" he said.\t„Lauf!", sagte er.\n')
    assert _pairs(iter_parallel_text(path)) == [('"Run!" he said.', "„Lauf!\", sagte er.", 1)]
    assert _pairs(iter_parallel_text(path, column_order=(1, 0)))[0][0] == "„Lauf!\", sagte er."


def test_header_by_names_or_language_codes(tmp_path):
    path = _write(tmp_path / "pairs.tsv", "id\tde\ten\n7\tHallo\tHello\n")
    assert _pairs(iter_parallel_text(path, source_lang="en", target_lang="de")) == [("Hello", "Hallo", 2)]
    path = _write(tmp_path / "pairs.csv", 'source,target\n"Hello, you","Hallo, du"\n"two\nlines",zwei\nlast,letzte\n')
    assert _pairs(iter_parallel_text(path)) == [("Hello, you", "Hallo, du", 2), ("two\nlines", "zwei", 3), ("last", "letzte", 5)]
    with pytest.raises(UserInputError, match=r"pairs\.csv:1: no column 'english'"):
        list(iter_parallel_text(path, source_column="english"))


def test_table_row_with_one_field_is_a_bad_pair(tmp_path):
    path = _write(tmp_path / "pairs.tsv", "Hello\tHallo\nlonely line\n")
    with pytest.raises(UserInputError, match=r"pairs\.tsv:2: expected a source and a target separated by a tab, found 1 field"):
        list(iter_parallel_text(path))
    assert _pairs(iter_parallel_text(path, skip_bad_rows=True)) == [("Hello", "Hallo", 1)]


def test_unusable_inputs(tmp_path):
    with pytest.raises(UserInputError, match="found a directory"):
        list(iter_parallel_text(tmp_path))
    with pytest.raises(UserInputError, match="unknown table extension '.json'"):
        list(iter_parallel_text(_write(tmp_path / "pairs.json", "{}")))
    with pytest.raises(UserInputError, match="the file is empty"):
        list(iter_parallel_text(_write(tmp_path / "blank.tsv", "\t\n\n")))
    with pytest.raises(UserInputError, match="no sentence pairs"):
        list(iter_parallel_text(_write(tmp_path / "header.tsv", "source\ttarget\n")))
    (tmp_path / "binary.tsv").write_bytes(b"\x00\x01\x02")
    with pytest.raises(UserInputError, match="binary"):
        list(iter_parallel_text(tmp_path / "binary.tsv"))
