import gzip

import pytest

from seqkit.application.sources import Skipped
from seqkit.data.dna.sequence_sources import (
    SequenceExample,
    fasta_class_name,
    iter_fasta_folder,
    iter_sequence_table,
    iter_tag_string_table,
    tag_alphabet,
)
from seqkit.errors import UserInputError


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def _examples(items):
    return [(e.name, e.sequence, e.label, e.line) for e in items if not isinstance(e, Skipped)]


# === Sequence tables ===


def test_table_columns_found_by_common_names(tmp_path):
    path = _write(tmp_path / "a.csv", 'ID,Seq,Class\np1,TATAAT,1.0\np2,"ggc\ngcc",0\np3, AC GT ,0\n')
    examples = list(iter_sequence_table(path))
    assert _examples(examples) == [("p1", "TATAAT", "1", 2), ("p2", "ggcgcc", "0", 3), ("p3", "ACGT", "0", 5)]
    assert examples[0] == SequenceExample("p1", "TATAAT", "1", str(path), 2)
    path = _write(tmp_path / "b.tsv", "dna\ty\nACGT\tpos\n")
    assert _examples(iter_sequence_table(path)) == [(None, "ACGT", "pos", 2)]


def test_table_explicit_columns(tmp_path):
    path = _write(tmp_path / "a.csv", "name,promoter_seq,is_promoter,label\nx,ACGT,yes,ignored\n")
    examples = iter_sequence_table(path, sequence_column="promoter_seq", label_column="is_promoter")
    assert _examples(examples) == [("x", "ACGT", "yes", 2)]
    with pytest.raises(UserInputError, match=r"a\.csv: no sequence column \(tried 'bases'\); columns found: 'name'"):
        list(iter_sequence_table(path, sequence_column="bases"))
    path = _write(tmp_path / "b.csv", "sequence,target\nACGT,1\n")
    with pytest.raises(UserInputError, match=r"no label column \(tried 'label', 'class', 'y'\)"):
        list(iter_sequence_table(path))


def test_table_bad_rows_raise_or_are_skipped(tmp_path):
    path = _write(tmp_path / "a.csv", "sequence,label\nACGT,a\n,b\nGGCC,\nTTAA,b\n")
    with pytest.raises(UserInputError, match=r"a\.csv:3: missing sequence \(--skip-bad-rows"):
        list(iter_sequence_table(path))
    items = list(iter_sequence_table(path, skip_bad_rows=True))
    assert _examples(items) == [(None, "ACGT", "a", 2), (None, "TTAA", "b", 5)]
    assert [(s.line, s.problem) for s in items if isinstance(s, Skipped)] == [(3, "missing sequence"),
                                                                                (4, "missing label")]
    path = _write(tmp_path / "b.csv", "sequence,label\n,a\n")
    with pytest.raises(UserInputError, match=r"b\.csv: no usable rows found"):
        list(iter_sequence_table(path, skip_bad_rows=True))
    with pytest.raises(UserInputError, match="unknown table extension '.txt'"):
        list(iter_sequence_table(_write(tmp_path / "c.txt", "sequence,label\n")))
    with pytest.raises(UserInputError, match="file not found"):
        list(iter_sequence_table(tmp_path / "missing.csv"))


# === Tag strings ===


def test_tag_string_table_and_alphabet(tmp_path):
    path = _write(tmp_path / "a.csv", "id,sequence,tags\nr1,ACGTAC,EEiiEE\nr2,acg,nnE\n")
    examples = list(iter_tag_string_table(path))
    assert _examples(examples) == [("r1", "ACGTAC", "EEiiEE", 2), ("r2", "acg", "nnE", 3)]
    assert tag_alphabet(examples) == ["E", "i", "n"]
    path = _write(tmp_path / "b.tsv", "seq\tper_base\nACGT\tXXYY\n")
    assert _examples(iter_tag_string_table(path)) == [(None, "ACGT", "XXYY", 2)]
    path = _write(tmp_path / "c.tsv", "bases\tcodes\nACGT\tXXYY\n")
    assert _examples(iter_tag_string_table(path, sequence_column="bases", tags_column="codes")) == [
        (None, "ACGT", "XXYY", 2)
    ]
    with pytest.raises(UserInputError, match=r"no tag column \(tried 'tags', 'tag'"):
        list(iter_tag_string_table(path, sequence_column="bases"))


def test_tag_string_length_must_match(tmp_path):
    path = _write(tmp_path / "a.csv", "sequence,tags\nACGT,EEEE\nACGTA,EEEE\nACG,\n")
    with pytest.raises(UserInputError, match=r"a\.csv:3: the tag string has 4 characters but the sequence has 5"):
        list(iter_tag_string_table(path))
    items = list(iter_tag_string_table(path, skip_bad_rows=True))
    assert _examples(items) == [(None, "ACGT", "EEEE", 2)]
    assert [(s.line, s.problem[:18]) for s in items if isinstance(s, Skipped)] == [
        (3, "the tag string has"), (4, "missing tag string")
    ]


# === FASTA folders ===


def test_fasta_folder_one_file_per_class(tmp_path):
    _write(tmp_path / "promoter.fa", ">p1 sigma70 box\nTTGACA\ntataat\n\n>p2\nGGGG\n")
    (tmp_path / "other.fasta.gz").write_bytes(gzip.compress(b"; old-style comment\n>o1\nAACC\n"))
    _write(tmp_path / "enhancer.FNA", ">e1\nCC GG\n")
    _write(tmp_path / "README.txt", "not a class\n")
    (tmp_path / "sub").mkdir()
    _write(tmp_path / "sub" / "x.fa", ">x\nA\n")
    examples = list(iter_fasta_folder(tmp_path))
    assert [(e.label, e.name, e.sequence, e.line) for e in examples] == [
        ("enhancer", "e1", "CCGG", 1),
        ("other", "o1", "AACC", 2),
        ("promoter", "p1", "TTGACAtataat", 1),
        ("promoter", "p2", "GGGG", 5),
    ]
    assert examples[1].source == str(tmp_path / "other.fasta.gz")


def test_fasta_class_names():
    assert fasta_class_name("a.b.fasta") == "a.b"
    assert fasta_class_name("x.fa.GZ") == "x"
    assert fasta_class_name("x.gz") is None and fasta_class_name(".fa") is None


def test_fasta_folder_errors(tmp_path):
    _write(tmp_path / "only.fa", ">a\nACGT\n")
    with pytest.raises(UserInputError, match=r"expected one FASTA file .* per class, at least 2; found 1"):
        list(iter_fasta_folder(tmp_path))
    with pytest.raises(UserInputError, match="expected a folder"):
        list(iter_fasta_folder(tmp_path / "only.fa"))
    _write(tmp_path / "only.fasta", ">b\nACGT\n")
    with pytest.raises(UserInputError, match=r"only\.fa and only\.fasta are both files of the class 'only'"):
        list(iter_fasta_folder(tmp_path))


def test_fasta_folder_bad_files(tmp_path):
    _write(tmp_path / "a.fa", ">a1\nACGT\n")
    _write(tmp_path / "b.fa", "# nothing here\n")
    with pytest.raises(UserInputError, match=r"b\.fa: the file has no FASTA records"):
        list(iter_fasta_folder(tmp_path))
    _write(tmp_path / "b.fa", "ACGT\n>b1\nAC\n")
    with pytest.raises(UserInputError, match=r"b\.fa:1: text before the first record"):
        list(iter_fasta_folder(tmp_path))
    _write(tmp_path / "b.fa", ">b1\n>b2\nAC\n")
    with pytest.raises(UserInputError, match=r"b\.fa:1: record 'b1' has no bases"):
        list(iter_fasta_folder(tmp_path))
    items = list(iter_fasta_folder(tmp_path, skip_bad_rows=True))
    assert [(e.label, e.name) for e in items if not isinstance(e, Skipped)] == [("a", "a1"), ("b", "b2")]
    _write(tmp_path / "b.fa", "")
    with pytest.raises(UserInputError, match=r"b\.fa: the file is empty"):
        list(iter_fasta_folder(tmp_path))
    (tmp_path / "b.fa").write_bytes(b">b1\nAC\xff\n")
    with pytest.raises(UserInputError, match=r"b\.fa:2: the file is not valid UTF-8"):
        list(iter_fasta_folder(tmp_path))
