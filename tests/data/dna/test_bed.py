import gzip

import pytest

from seqkit.data.dna.bed import BedInterval, iter_bed
from seqkit.errors import UserInputError


def _rows(path):
    return [(i.chrom, i.start, i.end, i.name, i.score, i.strand, i.line) for i in iter_bed(path)]


def test_bed3_to_bed12_and_skipped_lines(tmp_path):
    path = tmp_path / "a.bed"
    path.write_text(
        "browser position chr1:1-1000\n"
        'track name="genes" description="demo"\n'
        "# a comment\n"
        "\n"
        "chr1\t0\t100\n"
        "chr1\t5\t50\tpeak 1\t0.5\n"
        "chr2\t10\t20\tg1\t960\t-\t12\t18\t255,0,0\t2\t3,4\t0,6\n"
        "chr2\t20\t20\tinsertion\t.\t.\n"
    )
    assert _rows(path) == [
        ("chr1", 0, 100, None, None, ".", 5),
        ("chr1", 5, 50, "peak 1", 0.5, ".", 6),
        ("chr2", 10, 20, "g1", 960.0, "-", 7),
        ("chr2", 20, 20, "insertion", None, ".", 8),
    ]
    first = next(iter_bed(path))
    assert first == BedInterval("chr1", 0, 100, line=5, path=str(path)) and first.length == 100


def test_whitespace_separated_and_gzip(tmp_path):
    path = tmp_path / "a.bed"
    path.write_bytes(gzip.compress(b"chr1   3  9 exon 0 +\n"))
    assert _rows(path) == [("chr1", 3, 9, "exon", 0.0, "+", 1)]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("chr1\t10", r"expected at least 3 columns \(chrom start end\), found 2"),
        ("chr1\tten\t20", r"start must be an integer; found 'ten'"),
        ("chrom\tstart\tend", r"start must be an integer; found 'start' \(a header line\?"),
        ("chr1\t-1\t20", r"start must not be negative"),
        ("chr1\t10\t2.5", r"end must be an integer"),
        ("chr1\t30\t20", r"start 30 is after end 20"),
        ("chr1\t10\t20\tx\t.\t*", r"strand \(column 6\) must be \+, - or '\.'; found '\*'"),
        ("chr1\t10\t20\tx\thigh", r"score \(column 5\) must be a number"),
    ],
)
def test_bad_lines_name_the_file_and_line(tmp_path, row, message):
    path = tmp_path / "bad.bed"
    path.write_text("track name=x\nchr1\t0\t5\n" + row + "\n")
    with pytest.raises(UserInputError, match=r"bad\.bed:3: " + message):
        list(iter_bed(path))
