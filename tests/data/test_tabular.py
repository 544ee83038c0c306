import pathlib

import pandas as pd
import pytest

from seqkit.data import tabular
from seqkit.data.conll import TaggedSentence
from seqkit.errors import UserInputError

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "ner"


def _error(path, **kwargs):
    with pytest.raises(UserInputError) as info:
        tabular.read_token_table(path, **kwargs)
    return info.value


def test_reads_gmb_style_csv_with_detected_columns():
    sentences = tabular.read_token_table(FIXTURES / "gmb_style.csv")
    assert sentences == [
        TaggedSentence(
            ["Maria", "Okafor", "visited", "Lagos"], ["B-per", "I-per", "O", "B-geo"], 2
        ),
        # "NA" is a token, not a missing value; quoted commas stay inside the token.
        TaggedSentence(["NA", "rose", "3,5"], ["B-org", "O", "O"], 6),
    ]


def test_reads_tsv_with_default_columns_and_repeated_ids(tmp_path):
    path = tmp_path / "tokens.tsv"
    path.write_text(
        'sentence_id\ttoken\ttag\n0\tAda\tI-PER\n0\t"\tO\n1\tLovelace\tI-PER\n1\tLab\tB-PER\n'
    )
    sentences = tabular.read_token_table(path)
    assert [(s.tokens, s.tags, s.line) for s in sentences] == [
        (["Ada", '"'], ["B-PER", "O"], 2),
        (["Lovelace", "Lab"], ["B-PER", "B-PER"], 4),
    ]


def test_reads_parquet_with_explicit_columns(tmp_path):
    path = tmp_path / "tokens.parquet"
    frame = pd.DataFrame(
        {
            "sid": [10, None, None, 11],
            "form": ["New", "York", "sleeps", "Oslo"],
            "ner": ["B-LOC", "E-LOC", "O", "S-LOC"],
        }
    )
    frame.to_parquet(path)
    sentences = tabular.read_token_table(
        path, sentence_column="SID", token_column="form", tag_column="ner"
    )
    assert [(s.tokens, s.tags, s.line) for s in sentences] == [
        (["New", "York", "sleeps"], ["B-LOC", "I-LOC", "O"], 1),
        (["Oslo"], ["B-LOC"], 4),
    ]


def test_missing_column_lists_columns_found(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("Sentence #,Word,POS\nSentence: 1,a,DT\n")
    error = _error(path)
    assert error.line is None
    assert error.problem == (
        "no tag column (tried 'tag', 'tags', 'ner', 'ner_tag', 'label'); "
        "columns found: 'Sentence #', 'Word', 'POS'"
    )
    error = _error(path, token_column="Form")
    assert error.problem.startswith("no token column (tried 'Form'); columns found:")


def test_missing_token_and_tag_give_row_lines(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("sentence_id,token,tag\n1,a,O\n,,O\n")
    error = _error(path)
    assert (error.line, error.problem) == (3, "missing token")
    path.write_text("sentence_id,token,tag\n1,a,O\n,b,\n")
    assert (_error(path).line, _error(path).problem) == (3, "missing tag")
    path.write_text("sentence_id,token,tag\n,a,O\n")
    assert _error(path).problem == "the first row has no sentence id"
    assert str(_error(path)) == f"{path}:2: the first row has no sentence id"


def test_unknown_tag_and_stray_i_tag(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("sentence_id,token,tag\n1,a,O\n2,b,B-X\n,c,PERSON\n")
    error = _error(path)
    assert error.line == 4
    assert "'PERSON' is not O or PREFIX-TYPE" in error.problem
    path.write_text("sentence_id,token,tag\n1,a,B-X\n2,b,O\n,c,I-Y\n")
    error = _error(path)
    assert error.line == 4
    assert "'I-Y' continues no Y entity" in error.problem


def test_file_errors(tmp_path):
    path = tmp_path / "t.xlsx"
    path.write_text("x")
    assert "unknown table extension '.xlsx'" in _error(path).problem
    path = tmp_path / "empty.csv"
    path.write_text("sentence_id,token,tag\n")
    assert _error(path).problem == "no rows found"
    path.write_bytes(b"sentence_id,token,tag\n1,caf\xe9,O\n")
    assert _error(path).problem.startswith("cannot decode the file as utf-8")
    assert tabular.read_token_table(path, encoding="latin-1")[0].tokens == ["caf\xe9"]
    assert "cannot read the table" in _error(tmp_path / "absent.csv").problem


def test_parquet_without_pyarrow_points_to_the_extra(tmp_path, monkeypatch):
    path = tmp_path / "tokens.parquet"
    path.write_bytes(b"PAR1")
    monkeypatch.setitem(__import__("sys").modules, "pyarrow", None)  # import pyarrow now raises ImportError
    with pytest.raises(UserInputError, match=r"pyarrow; install it with: pip install 'seqkit\[parquet\]'"):
        tabular.read_token_table(path)
