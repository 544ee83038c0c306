import pathlib
import subprocess
import sys

import pytest

from seqkit.data import conll
from seqkit.errors import UserInputError

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "ner"


def _write(tmp_path, text, name="data.txt"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def _error(path, **kwargs):
    with pytest.raises(UserInputError) as info:
        conll.read_conll(path, **kwargs)
    return info.value


def test_reads_iob1_four_column_file_as_iob2():
    sentences = conll.read_conll(FIXTURES / "iob1_4col.txt")
    assert [s.tokens for s in sentences] == [
        ["Maria", "Okafor", "flew", "to", "Lagos", "Ghana", "."],
        ["Brightwater", "Mills", "hired", "Dutch", "engineers"],
    ]
    assert [s.tags for s in sentences] == [
        ["B-PER", "I-PER", "O", "O", "B-LOC", "B-LOC", "O"],
        ["B-ORG", "I-ORG", "O", "B-MISC", "O"],
    ]
    assert [s.line for s in sentences] == [3, 11]


def test_reads_other_columns():
    sentences = conll.read_conll(FIXTURES / "iob1_4col.txt", tag_column=2, token_column=1)
    assert sentences[0].tokens[:3] == ["NNP", "NNP", "VBD"]
    assert sentences[0].tags[:3] == ["B-NP", "I-NP", "B-VP"]


def test_reads_bioes():
    sentences = conll.read_conll(FIXTURES / "bioes.txt")
    assert sentences[0].tags == ["B-PER", "B-PER", "O", "B-LOC", "I-LOC", "I-LOC"]
    assert sentences[1] == conll.TaggedSentence(["No", "entities", "here"], ["O"] * 3, 8)


def test_iter_conll_matches_read_conll():
    for name in ("iob1_4col.txt", "bioes.txt"):
        assert list(conll.iter_conll(FIXTURES / name)) == conll.read_conll(FIXTURES / name)


def test_blank_lines_crlf_and_bom(tmp_path):
    path = _write(tmp_path, "\ufeffa O\r\n\r\n\r\n  \nb B-X\r\nc I-X\r\n\r\n")
    sentences = conll.read_conll(path)
    assert [(s.tokens, s.tags, s.line) for s in sentences] == [
        (["a"], ["O"], 1),
        (["b", "c"], ["B-X", "I-X"], 5),
    ]


def test_write_then_read_round_trip(tmp_path):
    original = conll.read_conll(FIXTURES / "iob1_4col.txt")
    for scheme in ("iob1", "iob2", "bioes"):
        path = conll.write_conll(tmp_path / f"{scheme}.txt", original, scheme=scheme)
        again = conll.read_conll(path, scheme=scheme)
        assert [(s.tokens, s.tags) for s in again] == [(s.tokens, s.tags) for s in original]
        assert conll.read_conll(path) == again  # detection finds the written scheme
    text = (tmp_path / "bioes.txt").read_text()
    assert text.startswith("Maria B-PER\nOkafor E-PER\n")
    assert "\n\nBrightwater B-ORG\n" in text


def test_write_rejects_bad_sentences(tmp_path):
    with pytest.raises(ValueError, match="no whitespace. Received: token='a b'"):
        conll.write_conll(tmp_path / "x.txt", [(["a b"], ["O"])])
    with pytest.raises(ValueError, match="Received: 2 tokens and 1 tags"):
        conll.write_conll(tmp_path / "x.txt", [(["a", "b"], ["O"])])
    assert not (tmp_path / "x.txt").exists()


def test_wrong_column_count(tmp_path):
    path = _write(tmp_path, "-DOCSTART- O\n\na X O\nb Y O\n\nc O\n")
    error = _error(path)
    assert (error.line, error.problem) == (6, "expected 3 columns like line 3, found 2")
    assert str(error) == f"{path}:6: expected 3 columns like line 3, found 2"


def test_single_column_file(tmp_path):
    error = _error(_write(tmp_path, "alone\n"))
    assert (error.line, error.problem) == (1, "expected a token and a tag column, found 1 column")


def test_column_out_of_range(tmp_path):
    error = _error(_write(tmp_path, "a O\n"), tag_column=4)
    assert error.line == 1
    assert "`tag_column`=4 is out of range for a line with 2 columns" in error.problem


def test_tag_outside_scheme(tmp_path):
    path = _write(tmp_path, "a O\n\nb B-PER\nc E-PER\n")
    error = _error(path, scheme="iob2")
    assert error.line == 4
    assert "'E-PER' is not valid in iob2" in error.problem
    error = _error(_write(tmp_path, "a O\nb PERSON\n"))
    assert error.line == 2
    assert "'PERSON' is not O or PREFIX-TYPE" in error.problem


def test_i_tag_with_no_entity_in_iob2(tmp_path):
    path = _write(tmp_path, "a B-PER\nb I-PER\n\nc O\nd I-LOC\n")
    for kwargs in ({}, {"scheme": "iob2"}):
        error = _error(path, **kwargs)
        assert error.line == 5
        assert "'I-LOC' continues no LOC entity" in error.problem
    # Read as IOB1, the B- that starts an entity is the error instead.
    error = _error(path, scheme="iob1")
    assert error.line == 1
    assert "'B-PER' does not follow a PER entity" in error.problem
    # A well-formed IOB1 file reads fine.
    path = _write(tmp_path, "a I-PER\nb I-PER\n\nc O\nd I-LOC\n")
    assert conll.read_conll(path, scheme="iob1")[1].tags == ["O", "B-LOC"]


def test_empty_file(tmp_path):
    for text in ("", "\n\n", "-DOCSTART- -X- O\n\n"):
        path = _write(tmp_path, text)
        error = _error(path)
        assert (error.line, error.problem) == (None, "no sentences found")
        with pytest.raises(UserInputError, match="no sentences found"):
            list(conll.iter_conll(path))


def test_undecodable_bytes_report_their_line(tmp_path):
    path = _write(tmp_path, b"a O\n\nb O\nc\xff\xfe O\n")
    error = _error(path)
    assert error.line == 4
    assert error.problem == "cannot decode byte 0xff at byte 2 of the line as utf-8"
    with pytest.raises(UserInputError) as info:
        list(conll.iter_conll(path))
    assert info.value.line == 4
    # The same bytes are fine in Latin-1.
    assert conll.read_conll(path, encoding="latin-1")[1].tokens == ["b", "c\xff\xfe"]


def test_truncated_multibyte_character_at_end(tmp_path):
    error = _error(_write(tmp_path, "a O\nb O\n\xe9".encode()[:-1]))
    assert error.line == 3
    assert "ends inside a multi-byte utf-8 character" in error.problem


def test_iter_conll_streams_before_an_error(tmp_path):
    path = _write(tmp_path, "a O\n\nb O\n\nc O X\n")
    stream = conll.iter_conll(path, scheme="iob2")
    assert next(stream).tokens == ["a"]
    assert next(stream).tokens == ["b"]
    with pytest.raises(UserInputError, match="expected 2 columns like line 1, found 3"):
        next(stream)


def test_argument_errors(tmp_path):
    path = _write(tmp_path, "a O\n")
    with pytest.raises(ValueError, match="`scheme` must be one of auto, iob1, iob2, bioes"):
        conll.read_conll(path, scheme="bilou")
    with pytest.raises(TypeError, match="`tag_column` must be an integer"):
        conll.read_conll(path, tag_column="tag")
    with pytest.raises(ValueError, match="Received: scheme='bilou'"):
        conll.iter_conll(path, scheme="bilou")  # raised before iteration starts
    with pytest.raises(ValueError, match="`encoding` must name a text encoding"):
        conll.read_conll(path, encoding="utf-99")


def test_embedded_ner_corpus():
    corpus = pathlib.Path(__file__).resolve().parents[2] / "apps" / "ner" / "data"
    train = conll.read_conll(corpus / "train.txt", scheme="iob2")
    valid = conll.read_conll(corpus / "valid.txt", scheme="iob2")
    assert (len(train), len(valid)) == (1500, 300)
    assert conll.read_conll(corpus / "valid.txt") == valid  # detected as IOB2
    types = {tag[2:] for sentence in train + valid for tag in sentence.tags if tag != "O"}
    assert types == {"PER", "LOC", "ORG", "MISC"}
    size = (corpus / "train.txt").stat().st_size + (corpus / "valid.txt").stat().st_size
    assert size < 400_000

    def entity_words(sentences):
        return {w for s in sentences for w, t in zip(s.tokens, s.tags) if t != "O"}

    # Validation holds names that training never shows.
    unseen = entity_words(valid) - entity_words(train)
    assert len(unseen) > 0.2 * len(entity_words(valid))


def test_embedded_ner_corpus_matches_its_generator():
    script = (
        pathlib.Path(__file__).resolve().parents[2] / "apps" / "ner" / "data" / "make_corpus.py"
    )
    result = subprocess.run(
        [sys.executable, str(script), "--check"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "corpus files match the generator" in result.stdout
