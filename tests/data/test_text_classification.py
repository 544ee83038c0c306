import json

import pandas as pd
import pytest

from seqkit.data.text_classification import LabelSet, normalize_label, read_labelled_data, read_labelled_table
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
