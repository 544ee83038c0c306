import itertools
import json

import pandas as pd
import pytest

from seqkit.data import text_classification
from seqkit.data.text_classification import (
    BadRowCounter,
    LabelledText,
    LabelSet,
    iter_labelled_folders,
    iter_labelled_table,
    normalize_label,
    read_labelled_data,
    read_labelled_folders,
    read_labelled_table,
)
from seqkit.errors import UserInputError


def test_csv_rows_keep_their_file_lines_across_multiline_cells(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text('text,stars\n"two\nlines",5\nok,4.0\n"three\n\nlines",1\nlast,2\n', encoding="utf-8")
    data = read_labelled_table(path)
    assert data.texts == ["two\nlines", "ok", "three\n\nlines", "last"]
    assert data.labels == ["5", "4", "1", "2"]
    assert data.lines == [2, 4, 5, 8]


@pytest.mark.parametrize("suffix", [".tsv", ".jsonl", ".parquet"])
def test_other_formats_and_column_aliases(tmp_path, suffix):
    path = tmp_path / f"r{suffix}"
    frame = pd.DataFrame({"Review": ["Good.", "Bad."], "Rating": [5, 1]})
    if suffix == ".tsv":
        frame.to_csv(path, sep="\t", index=False)
    elif suffix == ".jsonl":
        path.write_text("\n".join(json.dumps(row) for row in frame.to_dict("records")) + "\n")
    else:
        frame.to_parquet(path)
    data = read_labelled_data(path)
    assert (data.texts, data.labels) == (["Good.", "Bad."], ["5", "1"])
    expected_lines = {".tsv": [2, 3], ".jsonl": [1, 2], ".parquet": [1, 2]}[suffix]
    assert data.lines == expected_lines


def test_explicit_columns_and_headerless_tables(tmp_path):
    path = tmp_path / "yelp.csv"
    path.write_text('"5","Loved it"\n"1","Hated it"\n', encoding="utf-8")
    data = read_labelled_table(path, header=False, text_column="1", label_column="0")
    assert (data.texts, data.labels, data.lines) == (["Loved it", "Hated it"], ["5", "1"], [1, 2])
    with pytest.raises(UserInputError, match=r"no label column \(tried 'grade'\); columns found: '0', '1'"):
        read_labelled_table(path, header=False, text_column="1", label_column="grade")


def test_bad_rows_raise_with_line_or_are_counted(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b'text,label\nfine,pos\n,neg\n"caf\xe9",pos\nno label,\nalso fine,neg\n')
    with pytest.raises(UserInputError, match=r"bad.csv:3: missing text"):
        read_labelled_table(path)
    data = read_labelled_table(path, skip_bad_rows=True)
    assert data.texts == ["fine", "also fine"] and data.skipped == 3
    assert [p.split(": ", 1)[1] for p in data.problems] == [
        "missing text",
        "the text is not valid in the file's encoding",
        "missing label",
    ]
    assert data.problems[1].endswith("bad.csv:4: the text is not valid in the file's encoding")
    assert read_labelled_table(path, encoding="latin-1", skip_bad_rows=True).texts[1] == "café"


def test_labels_outside_a_set(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("text,label\na,1\nb,6\nc,5\n", encoding="utf-8")
    data = read_labelled_table(path)
    stars = LabelSet([str(i) for i in range(1, 6)])
    with pytest.raises(UserInputError, match=r"r.csv:3: label '6' is not one of the model's labels \(1, 2, 3, 4, 5\)"):
        data.with_labels_in(stars)
    kept = data.with_labels_in(stars, skip_bad_rows=True)
    assert kept.texts == ["a", "c"] and kept.skipped == 1


def test_imdb_folders(tmp_path):
    for label, texts in (("pos", ["Great!<br /><br />Yes.", "Fine"]), ("neg", ["Dull"]), ("unsup", ["?"])):
        (tmp_path / label).mkdir()
        for i, text in enumerate(texts):
            (tmp_path / label / f"{i}_7.txt").write_text(text, encoding="utf-8")
    (tmp_path / "neg" / "bad_1.txt").write_bytes(b"\xff\xfe\xfa")
    with pytest.raises(UserInputError, match=r"bad_1.txt: cannot decode"):
        read_labelled_data(tmp_path)
    data = read_labelled_data(tmp_path, skip_bad_rows=True)
    assert data.labels == ["neg", "pos", "pos"] and data.skipped == 1
    assert data.texts[1] == "Great!  Yes."
    assert data.origins[0] == (str(tmp_path / "neg" / "0_7.txt"), None)


def test_label_set_detection():
    assert LabelSet.detect(["5", "3", "5"]).labels == ["1", "2", "3", "4", "5"]
    assert LabelSet.detect(["1", "10", "4"]).labels == [str(i) for i in range(1, 11)]
    assert LabelSet.detect(["0", "2"]).labels == ["0", "1", "2"]
    assert LabelSet.detect(["positive", "neutral", "negative"]).labels == ["negative", "neutral", "positive"]
    assert LabelSet.detect(["pos", "neg"]).labels == ["neg", "pos"]
    assert LabelSet.detect(["b", "a", "c"]).labels == ["a", "b", "c"]
    # Mostly integers: the odd label is not a class (it becomes a bad row).
    assert "five" not in LabelSet.detect(["1", "2", "4", "five"])
    with pytest.raises(UserInputError, match="at least two"):
        LabelSet.detect(["pos", "pos"])
    with pytest.raises(UserInputError, match="1000 classes"):
        LabelSet.detect(["1", "1000"])


def test_label_set_values_and_file_round_trip(tmp_path):
    words = LabelSet(["neg", "pos"])
    assert (words.numeric, words.values) == (False, [0.0, 1.0])
    assert LabelSet(["1", "2"]).values == [1.0, 2.0]
    words.save(tmp_path / "labels.txt")
    assert LabelSet.load(tmp_path / "labels.txt") == words
    with pytest.raises(ValueError, match="must not repeat"):
        LabelSet(["a", "a"])
    assert [normalize_label(v) for v in (3.0, "04", None, 2.5)] == ["3", "4", "", "2.5"]


# === Streaming readers ===

STREAM_TABLES = {
    "multiline.csv": 'text,stars\n"two\nlines",5\nok,4.0\n"three\n\nlines",1\nlast,2\n',
    "crlf.csv": '\ufefftext,label\r\na,1\r\n"b\r\nc",2\r\nd,3\r\n',
    "reviews.tsv": 'Review\tRating\nGood.\t5\n"Bad\tand\nsad."\t1\nOK.\t3\n',
    "reviews.jsonl": '{"Review": "Good.", "Rating": 5}\n\n[1]\n{"Review": "", "Rating": 1}\n{"Review": "Bad."}\n',
    "bad.csv": b'text,label\nfine,pos\n,neg\n"caf\xe9",pos\nno label,\nalso fine,neg\n',
}


def _write(path, content):
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return path


def _stream(path, **options):
    """`(items, BadRowCounter)` of `iter_labelled_table` with `skip_bad_rows=True`."""
    bad_rows = BadRowCounter()
    items = list(iter_labelled_table(path, skip_bad_rows=True, bad_rows=bad_rows, **options))
    return items, bad_rows


def _assert_same(items, bad_rows, data):
    assert all(isinstance(item, LabelledText) for item in items)
    assert [item.text for item in items] == data.texts
    assert [item.label for item in items] == data.labels
    assert [(item.path, item.line) for item in items] == data.origins
    assert (bad_rows.count, bad_rows.problems) == (data.skipped, data.problems)


@pytest.mark.parametrize("name", sorted(STREAM_TABLES))
def test_streamed_rows_are_the_rows_read(tmp_path, name):
    path = _write(tmp_path / name, STREAM_TABLES[name])
    items, bad_rows = _stream(path)
    _assert_same(items, bad_rows, read_labelled_table(path, skip_bad_rows=True))
    expected_lines = {
        "multiline.csv": [2, 4, 5, 8],
        "crlf.csv": [2, 3, 5],
        "reviews.tsv": [2, 3, 5],
        "reviews.jsonl": [1],
        "bad.csv": [2, 6],
    }[name]
    assert [item.line for item in items] == expected_lines


def test_streamed_parquet_and_headerless_rows_are_the_rows_read(tmp_path):
    path = tmp_path / "r.parquet"
    pd.DataFrame({"Review": ["Good.", None, "Bad."], "Rating": [5, 3, None]}, index=[7, 8, 9]).to_parquet(path)
    items, bad_rows = _stream(path)
    _assert_same(items, bad_rows, read_labelled_table(path, skip_bad_rows=True))
    assert [(item.text, item.label, item.line) for item in items] == [("Good.", "5", 1)]
    assert bad_rows.problems[1].endswith("r.parquet:3: missing label")
    path = _write(tmp_path / "yelp.csv", '"5","Loved it"\n"1","Hated it"\n')
    items, bad_rows = _stream(path, header=False, text_column="1", label_column="0")
    _assert_same(items, bad_rows, read_labelled_table(path, header=False, text_column="1", label_column="0"))


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("bad.csv", STREAM_TABLES["bad.csv"], r"bad.csv:3: missing text"),
        ("cols.csv", "a,b\n1,2\n", r"cols.csv: no text column \(tried 'text', 'review'"),
        ("wide.csv", "text,label\na,1,2\n", r"wide.csv:2: the first row has more fields than the header"),
        ("late.csv", "text,label\na,1\nb,2,3\n", r"late.csv:3: cannot read the table: .*Expected 2 fields in line 3"),
        ("empty.csv", "", r"empty.csv: cannot read the table: No columns to parse from file"),
        ("header.csv", "text,label\n", r"header.csv: no usable rows found"),
        ("bad.jsonl", '{"text": "a", "label": 1}\n{oops\n', r"bad.jsonl:2: invalid JSON: Expecting property name"),
        ("list.jsonl", '{"text": "a", "label": 1}\n[1]\n', r"list.jsonl:2: not a JSON object"),
        ("r.txt", "x", r"r.txt: unknown table extension '.txt'"),
    ],
)
def test_streamed_tables_raise_the_errors_of_the_list_reader(tmp_path, name, content, message):
    path = _write(tmp_path / name, content)
    with pytest.raises(UserInputError, match=message):
        read_labelled_table(path)
    with pytest.raises(UserInputError, match=message):
        list(iter_labelled_table(path))


def test_no_usable_rows_is_raised_when_the_stream_ends(tmp_path):
    path = _write(tmp_path / "r.csv", "text,label\n,1\nx,\n")
    rows = iter_labelled_table(path, skip_bad_rows=True)
    with pytest.raises(UserInputError, match=r"r.csv: no usable rows found"):
        next(rows)


def test_bad_row_counter_keeps_the_first_five_messages(tmp_path):
    path = _write(tmp_path / "r.csv", "text,label\n" + ",1\n" * 7 + "ok,1\n")
    items, bad_rows = _stream(path)
    assert [item.line for item in items] == [9]
    assert bad_rows.count == 7 and len(bad_rows.problems) == 5
    assert bad_rows.problems[4].endswith("r.csv:6: missing text")


def test_streamed_folders_are_the_folders_read(tmp_path):
    for label, texts in (("pos", ["Great!<br />Yes.", " "]), ("neg", ["Dull"]), ("unsup", ["?"])):
        (tmp_path / label).mkdir()
        for i, text in enumerate(texts):
            (tmp_path / label / f"{i}_7.txt").write_text(text, encoding="utf-8")
    (tmp_path / "neg" / "bad_1.txt").write_bytes(b"\xff\xfe\xfa")
    bad_rows = BadRowCounter()
    items = list(iter_labelled_folders(tmp_path, skip_bad_rows=True, bad_rows=bad_rows))
    _assert_same(items, bad_rows, read_labelled_folders(tmp_path, skip_bad_rows=True))
    assert [(item.label, item.text, item.line) for item in items] == [
        ("neg", "Dull", None),
        ("pos", "Great! Yes.", None),
    ]
    assert bad_rows.count == 2
    for read in (read_labelled_folders, lambda root: list(iter_labelled_folders(root))):
        with pytest.raises(UserInputError, match=r"bad_1.txt: cannot decode the file as utf-8"):
            read(tmp_path)


def test_csv_is_parsed_a_chunk_at_a_time(tmp_path, monkeypatch):
    monkeypatch.setattr(text_classification, "_CHUNK_ROWS", 2)
    # Multi-line cells on both sides of chunk boundaries; the last row is malformed.
    path = _write(tmp_path / "r.csv", 'text,label\n"a\nb",1\nc,2\n"d\n\ne",3\nf,4\n"g\nh",5\nbroken,row,6\n')
    rows = iter_labelled_table(path)
    assert next(rows) == LabelledText("a\nb", "1", str(path), 2)
    assert [row.line for row in itertools.islice(rows, 3)] == [4, 5, 8]
    with pytest.raises(UserInputError, match=r"r.csv:\d+: cannot read the table: .*Expected 2 fields"):
        next(rows)


def test_json_lines_are_parsed_a_line_at_a_time(tmp_path):
    path = _write(tmp_path / "r.jsonl", '{"text": "a", "label": 1}\n' * 3 + "{not json\n")
    assert next(iter_labelled_table(path)) == LabelledText("a", "1", str(path), 1)
    with pytest.raises(UserInputError, match=r"r.jsonl:4: invalid JSON"):
        list(iter_labelled_table(path))


def test_parquet_is_read_a_batch_at_a_time(tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    read = []
    iter_batches = pq.ParquetFile.iter_batches

    def counted_iter_batches(self, *args, **kwargs):
        for batch in iter_batches(self, *args, **kwargs):
            read.append(batch.num_rows)
            yield batch

    monkeypatch.setattr(pq.ParquetFile, "iter_batches", counted_iter_batches)
    monkeypatch.setattr(text_classification, "_CHUNK_ROWS", 2)
    path = tmp_path / "r.parquet"
    pd.DataFrame({"text": ["a", "b", "c", "d", None], "label": [1, 2, 3, 4, 5]}).to_parquet(path, row_group_size=2)
    rows = iter_labelled_table(path)
    assert next(rows) == LabelledText("a", "1", str(path), 1)
    assert read == [2]
    with pytest.raises(UserInputError, match=r"r.parquet:5: missing text"):
        list(rows)
    assert read == [2, 2, 1]


def test_folders_are_read_a_file_at_a_time(tmp_path):
    for label in ("neg", "pos"):
        (tmp_path / label).mkdir()
        (tmp_path / label / "0.txt").write_text(f"{label} text", encoding="utf-8")
    (tmp_path / "pos" / "1.txt").write_bytes(b"\xff")
    assert next(iter_labelled_folders(tmp_path)) == LabelledText("neg text", "neg", str(tmp_path / "neg" / "0.txt"))
    with pytest.raises(UserInputError, match=r"1.txt: cannot decode"):
        list(iter_labelled_folders(tmp_path))


def test_table_rows_keep_their_line_numbers_across_blank_lines(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text('a,b\n1,2\n\n3,4\n"x\ny",5\n\n\n6,7\n', encoding="utf-8")
    rows = list(text_classification.iter_table_rows(path))
    assert rows[0] == ["a", "b"]
    assert [(line, row["a"]) for line, row in rows[1:]] == [(2, "1"), (4, "3"), (5, "x\ny"), (9, "6")]


def test_parquet_without_pyarrow_points_to_the_extra(tmp_path, monkeypatch):
    path = tmp_path / "reviews.parquet"
    path.write_bytes(b"PAR1")
    monkeypatch.setitem(__import__("sys").modules, "pyarrow.parquet", None)
    with pytest.raises(UserInputError, match=r"install it with: pip install 'seqkit\[parquet\]'"):
        list(read_labelled_table(path))
