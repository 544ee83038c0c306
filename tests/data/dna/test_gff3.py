import gzip

import pytest

from seqkit.data.dna.gff3 import GffFeature, iter_gff3, iter_lines, parse_attributes
from seqkit.errors import UserInputError


def _write(path, rows):
    """Write `rows` (strings; columns of feature rows separated by `|`) as lines of a GFF3 file."""
    path.write_text("".join(row.replace("|", "\t") + "\n" for row in rows), encoding="utf-8")
    return path


def test_features_with_directives_comments_and_blank_lines_skipped(tmp_path):
    path = _write(tmp_path / "a.gff3", [
        "##gff-version 3",
        "##sequence-region chr1 1 100",
        "# a comment",
        "",
        "chr1|demo|gene|11|40|.|+|.|ID=g1;Name=abc",
        "###",
        "chr1|demo|CDS|11|40|3.5|+|2|ID=c1;Parent=g1",
    ])
    gene, cds = iter_gff3(path)
    assert gene == GffFeature("chr1", "demo", "gene", 11, 40, None, "+", None, {"ID": ["g1"], "Name": ["abc"]},
                              5, str(path))
    assert (cds.line, cds.score, cds.phase, cds.id, cds.parents, cds.length) == (7, 3.5, 2, "c1", ["g1"], 30)
    assert gene.parents == [] and gene.id == "g1"


def test_percent_decoding_of_columns_and_attributes(tmp_path):
    path = _write(tmp_path / "a.gff3", [
        "ctg%3B1|my%20tool|gene|1|5|.|-|.|ID=g%3D1;Note=a%2Cb,c%25; Alias=x%09y;Parent=p1;Parent=p2",
    ])
    (feature,) = iter_gff3(path)
    assert feature.seqid == "ctg;1" and feature.source == "my tool"
    assert feature.attributes == {"ID": ["g=1"], "Note": ["a,b", "c%"], "Alias": ["x\ty"], "Parent": ["p1", "p2"]}
    assert feature.parents == ["p1", "p2"]


def test_parse_attributes_edge_cases():
    assert parse_attributes(".") == {} and parse_attributes("") == {}
    assert parse_attributes("ID=a;;Note=;") == {"ID": ["a"], "Note": [""]}
    # "+" is not a space in GFF3 (percent-encoding only).
    assert parse_attributes("Name=a+b") == {"Name": ["a+b"]}


def test_eight_columns_mean_no_attributes(tmp_path):
    # The empty ninth column's trailing tab is lost when trailing whitespace is stripped.
    path = _write(tmp_path / "a.gff3", ["chr1|demo|region|1|100|.|.|.|"])
    (feature,) = iter_gff3(path)
    assert feature.attributes == {} and feature.strand == "."


def test_gzip_is_recognised_by_its_magic_bytes(tmp_path):
    text = "##gff-version 3\nchr1\tdemo\tgene\t1\t9\t.\t?\t.\tID=g\n"
    path = tmp_path / "genes.gff3"  # no .gz suffix
    path.write_bytes(gzip.compress(text.encode()))
    (feature,) = iter_gff3(path)
    assert (feature.type, feature.strand, feature.line) == ("gene", "?", 2)
    (tmp_path / "b.gff3.gz").write_bytes(gzip.compress(text.encode()))
    assert [f.id for f in iter_gff3(tmp_path / "b.gff3.gz")] == ["g"]


def test_fasta_section_ends_the_features(tmp_path):
    path = _write(tmp_path / "a.gff3", [
        "chr1|demo|gene|1|4|.|+|.|ID=g",
        "##FASTA",
        ">chr1",
        "ACGT",
    ])
    assert [f.id for f in iter_gff3(path)] == ["g"]
    path = _write(tmp_path / "b.gff3", ["chr1|demo|gene|1|4|.|+|.|ID=g", ">chr1", "ACGT"])
    assert [f.id for f in iter_gff3(path)] == ["g"]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("chr1|demo|gene|1|4|.|+", r"expected 9 tab-separated columns .*found 7"),
        ("chr1|demo|gene|1|4|.|+|.|ID=g|extra", r"found 10"),
        ("chr1 demo gene 1 4 . + . ID=g", r"found 1; the columns must be separated by tabs"),
        ("chr1|demo|gene|one|4|.|+|.|ID=g", r"start must be an integer; found 'one'"),
        ("chr1|demo|gene|1|4.5|.|+|.|ID=g", r"end must be an integer; found '4.5'"),
        ("chr1|demo|gene|9|4|.|+|.|ID=g", r"start 9 is after end 4"),
        ("chr1|demo|gene|0|4|.|+|.|ID=g", r"start must be at least 1 .*found 0"),
        ("chr1|demo|gene|-3|4|.|+|.|ID=g", r"start must be at least 1"),
        ("chr1|demo|gene|1|4|.|x|.|ID=g", r"strand must be one of \+ - \. \?; found 'x'"),
        ("chr1|demo|CDS|1|4|.|+|3|ID=g", r"phase must be 0, 1, 2 or '\.'; found '3'"),
        ("chr1|demo|gene|1|4|high|+|.|ID=g", r"score must be a number or '\.'; found 'high'"),
        ('chr1|demo|exon|1|4|.|+|.|gene_id "g1"; transcript_id "t1";', r"has no '='.*is this a GTF file"),
    ],
)
def test_bad_lines_name_the_file_and_line(tmp_path, row, message):
    path = _write(tmp_path / "bad.gff3", ["##gff-version 3", "chr1|demo|gene|1|4|.|+|.|ID=ok", row])
    with pytest.raises(UserInputError, match=r"bad\.gff3:3: .*" + message):
        list(iter_gff3(path))


def test_errors_are_raised_when_the_stream_reaches_them(tmp_path):
    path = _write(tmp_path / "bad.gff3", ["chr1|demo|gene|1|4|.|+|.|ID=ok", "chr1|demo|gene|1|4"])
    features = iter_gff3(path)
    assert next(features).id == "ok"
    with pytest.raises(UserInputError, match=":2:"):
        next(features)


def test_unreadable_files(tmp_path):
    with pytest.raises(UserInputError, match="file not found"):
        list(iter_gff3(tmp_path / "missing.gff3"))
    (tmp_path / "empty.gff3").write_text("")
    with pytest.raises(UserInputError, match="empty"):
        list(iter_gff3(tmp_path / "empty.gff3"))
    (tmp_path / "empty.gff3.gz").write_bytes(gzip.compress(b"\n\n"))
    with pytest.raises(UserInputError, match="empty"):
        list(iter_gff3(tmp_path / "empty.gff3.gz"))
    (tmp_path / "cut.gff3.gz").write_bytes(gzip.compress(b"chr1\tdemo\tgene\t1\t4\t.\t+\t.\tID=g\n" * 50)[:30])
    with pytest.raises(UserInputError, match="cannot decompress the gzip file"):
        list(iter_gff3(tmp_path / "cut.gff3.gz"))
    latin1 = b"##gff-version 3\nchr1\tdemo\tgene\t1\t4\t.\t+\t.\tNote=caf\xe9\n"
    (tmp_path / "latin1.gff3.gz").write_bytes(gzip.compress(latin1))
    with pytest.raises(UserInputError, match=r"latin1\.gff3\.gz:2: the decompressed file is not valid UTF-8"):
        list(iter_gff3(tmp_path / "latin1.gff3.gz"))


def test_iter_lines_strips_bom_and_line_breaks_of_gzip_files(tmp_path):
    path = tmp_path / "a.gz"
    path.write_bytes(gzip.compress("\ufeffone\r\ntwo  \n".encode()))
    assert list(iter_lines(path)) == [(1, "one"), (2, "two")]
