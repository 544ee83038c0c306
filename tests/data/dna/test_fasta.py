import gzip
import tracemalloc

import numpy as np
import pytest

from seqkit.data.dna import fasta
from seqkit.data.dna.alphabet import encode_bases
from seqkit.data.dna.fasta import FastaRecord, Window, iter_fasta, iter_fasta_windows
from seqkit.data.dna.windows import stitch, window_starts
from seqkit.errors import UserInputError

GENOME = (
    ">chr1 Homo sapiens chromosome 1\n"
    "ACGTACGTAC\n"
    "gtacgtNNRY\n"
    "\n"
    "ACG\n"
    ">chrM  mitochondrion \n"
    "TTAG\n"
    ">plasmid\n"
    "A C G T\r\n"
)
SEQUENCES = {"chr1": "ACGTACGTACgtacgtNNRYACG", "chrM": "TTAG", "plasmid": "ACGT"}


def _write(tmp_path, text, name="genome.fa", compress=False):
    path = tmp_path / name
    data = text.encode("utf-8") if isinstance(text, str) else text
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


# gzip is recognised by its first bytes: a compressed file named .fa, a plain one named .fa.gz.
@pytest.fixture(params=[("genome.fa", False), ("genome.fa.gz", False), ("genome.fa", True), ("g.txt", True)],
                ids=["plain", "plain-named-gz", "gzip-named-fa", "gzip-named-txt"])
def write(request, tmp_path):
    name, compress = request.param
    return lambda text: _write(tmp_path, text, name=name, compress=compress)


def test_records(write):
    records = list(iter_fasta(write(GENOME)))
    assert all(isinstance(record, FastaRecord) for record in records)
    assert [(r.name, r.description, r.sequence, r.line) for r in records] == [
        ("chr1", "Homo sapiens chromosome 1", SEQUENCES["chr1"], 1),
        ("chrM", "mitochondrion", "TTAG", 6),
        ("plasmid", "", "ACGT", 8),
    ]


def test_encoded_records(write):
    records = list(iter_fasta(write(GENOME), encode=True))
    for record in records:
        assert record.sequence.dtype == np.uint8
        np.testing.assert_array_equal(record.sequence, encode_bases(SEQUENCES[record.name]))
    np.testing.assert_array_equal(records[1].sequence, [4, 4, 1, 3])


def test_blank_lines_before_the_first_header_bom_and_crlf(tmp_path):
    path = _write(tmp_path, b"\xef\xbb\xbf\n  \r\n>a x\r\nAC\r\nGT\r\n>b\r\nN")
    assert [(r.name, r.description, r.sequence, r.line) for r in iter_fasta(path)] == [
        ("a", "x", "ACGT", 3), ("b", "", "N", 6)
    ]
    windows = list(iter_fasta_windows(path, window=3, stride=1))
    assert [(w.record, w.start, w.codes.tolist()) for w in windows] == [
        ("a", 0, [1, 2, 3]), ("a", 1, [2, 3, 4]), ("b", 0, [5])
    ]


READERS = {
    "iter_fasta": lambda path: list(iter_fasta(path)),
    "iter_fasta_encoded": lambda path: list(iter_fasta(path, encode=True)),
    "iter_fasta_windows": lambda path: list(iter_fasta_windows(path, window=4, stride=2)),
}


@pytest.fixture(params=sorted(READERS))
def read(request):
    return READERS[request.param]


@pytest.mark.parametrize(
    "text, line, message",
    [
        ("ACGT\n>a\nAC\n", 1, "this is not a FASTA file: its first line that is not blank must be a header "
                              "starting with '>' (found 'ACGT')"),
        ("\n\n  \n;comment\n>a\nAC\n", 4, "header starting with '>' (found ';comment')"),
        ("@read1\nACGT\n+\nIIII\n", 1, "(found '@read1')"),
        (">a\nACGT\n>b desc\n\n>c\nA\n", 3, "record b has no sequence"),
        (">a\nACGT\n>b\n", 3, "record b has no sequence"),
        (">a\nAC\n>b\nGT\n>a again\nTT\n", 5,
         "duplicate record name a (its first record starts at line 1); record names must be unique"),
        (">a\nAC\n>\nGT\n", 3, "the header line has no record name after '>'"),
        (">a\nAC\n>  \nGT\n", 3, "the header line has no record name after '>'"),
        (">a\nAC\xff\n", 2, "the file is not valid UTF-8 text"),
    ],
)
def test_file_errors_name_path_and_line(tmp_path, read, text, line, message):
    data = text.encode("latin-1")
    for compress in (False, True):
        path = _write(tmp_path, data, compress=compress)
        if b"\xff" in data and read is READERS["iter_fasta_windows"]:
            message = "unexpected non-ASCII byte 0xff"  # sequence lines are read as bytes
        with pytest.raises(UserInputError) as caught:
            read(path)
        assert caught.value.path == str(path)
        assert caught.value.line == line
        assert message in str(caught.value)
        assert str(caught.value).startswith(f"{path}:{line}: ")


@pytest.mark.parametrize("text", ["", "\n\n   \n", "\ufeff"])
def test_no_records(tmp_path, read, text):
    for compress in (False, True):
        path = _write(tmp_path, text, compress=compress)
        with pytest.raises(UserInputError) as caught:
            read(path)
        assert str(caught.value) == f"{path}: no FASTA records (a record starts with a header line '>name')"


def test_missing_file_directory_and_damaged_gzip(tmp_path, read):
    with pytest.raises(UserInputError, match="file not found"):
        read(tmp_path / "missing.fa")
    with pytest.raises(UserInputError, match="expected a FASTA file, found a directory"):
        read(tmp_path)
    data = gzip.compress((">a\n" + "ACGT" * 20_000 + "\n").encode())
    path = _write(tmp_path, data[: len(data) // 2])
    with pytest.raises(UserInputError, match="cannot decompress the gzip file") as caught:
        read(path)
    assert caught.value.path == str(path)


BAD = ">chr1 x\nACGTACGTAC\nACGTAC\n\nXCGT\n>chr2\nAC GT\nAXG\n"


@pytest.mark.parametrize(
    "text, message",
    [
        # The X is base 17 of chr1, on line 5 (a blank line before it).
        (BAD, "genome.fa:5: record chr1, position 17: unexpected character 'X' "
              "(expected A, C, G, T or an IUPAC code)"),
        (BAD.replace("XCGT", "ACGT"), "genome.fa:8: record chr2, position 6: unexpected character 'X'"),
        (">r\nACGTU\n", "genome.fa:2: record r, position 5: unexpected character 'U'"),
        (">r\nAC\tGT\n", "genome.fa:2: record r, position 3: unexpected character '\\t'"),
        (">r\nAC\nGT-\n", "genome.fa:3: record r, position 5: unexpected character '-'"),
    ],
)
def test_character_errors_name_line_record_and_position(tmp_path, text, message):
    for compress in (False, True):
        path = _write(tmp_path, text, compress=compress)
        for reader in (lambda: list(iter_fasta(path, encode=True)),
                       lambda: list(iter_fasta_windows(path, window=3, stride=2)),
                       lambda: list(iter_fasta_windows(path, window=50, stride=50))):
            with pytest.raises(UserInputError) as caught:
                reader()
            assert str(caught.value).startswith(f"{tmp_path}/{message}")
            assert caught.value.line == int(message.split(":")[1])
    # Without `encode`, characters are not checked.
    assert [r.sequence for r in iter_fasta(_write(tmp_path, ">r\nACGTU\n"))] == ["ACGTU"]


def test_non_ascii_character_in_iter_fasta(tmp_path):
    path = _write(tmp_path, ">r\nACé\n")
    with pytest.raises(UserInputError, match=r"genome.fa:2: record r, position 3: unexpected character 'é'"):
        list(iter_fasta(path, encode=True))


def _random_genome(rng, lengths, line_width=7):
    letters = np.array(list("ACGTNRYSWKMBDHVacgtn"))
    sequences = {f"r{i}": "".join(rng.choice(letters, size=n)) for i, n in enumerate(lengths)}
    text = "".join(
        f">{name} d\n" + "".join(seq[i : i + line_width] + "\n" for i in range(0, len(seq), line_width))
        for name, seq in sequences.items()
    )
    return sequences, text


@pytest.mark.parametrize("compress", [False, True])
def test_windows_match_window_starts_and_encode_bases(tmp_path, compress):
    rng = np.random.default_rng(0)
    lengths = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 13, 16, 17, 31, 64]
    sequences, text = _random_genome(rng, lengths)
    path = _write(tmp_path, text, compress=compress)
    for window in (1, 2, 3, 4, 8, 16):
        for stride in sorted({1, 2, 3, window // 2 or 1, window}):
            if stride > window:
                continue
            windows = list(iter_fasta_windows(path, window=window, stride=stride))
            assert all(isinstance(w, Window) for w in windows)
            got = [(w.record, w.start, w.codes.tolist(), w.record_length, w.is_last) for w in windows]
            expected = []
            for name, seq in sequences.items():
                codes = encode_bases(seq)
                starts = window_starts(len(seq), window=window, stride=stride)
                for i, start in enumerate(starts):
                    last = i == len(starts) - 1
                    expected.append((name, start, codes[start : start + window].tolist(),
                                     len(seq) if last else None, last))
            assert got == expected, (window, stride)
            # Full-length windows except the one window of a record shorter than the window.
            assert all(len(w.codes) == window or (w.start == 0 and w.is_last) for w in windows)


def test_window_codes_are_read_only_and_stitch_back(tmp_path):
    rng = np.random.default_rng(1)
    sequences, text = _random_genome(rng, [250, 3, 97], line_width=60)
    path = _write(tmp_path, text)
    by_record = {}
    for w in iter_fasta_windows(path, window=20, stride=7):
        assert w.codes.dtype == np.uint8 and not w.codes.flags.writeable and w.end == w.start + len(w.codes)
        by_record.setdefault(w.record, []).append(w)
    for name, windows in by_record.items():
        length = windows[-1].record_length
        assert length == len(sequences[name])
        stitched = stitch(windows, [w.codes for w in windows], record_length=length)
        np.testing.assert_array_equal(stitched, encode_bases(sequences[name]))


@pytest.mark.parametrize("piece_bytes", [4, 5, 64])
def test_long_lines_are_read_in_pieces(tmp_path, monkeypatch, piece_bytes):
    monkeypatch.setattr(fasta, "_PIECE_BYTES", piece_bytes)
    sequence = "ACGTNacgtnRYSWKMBDHV" * 5 + "A  C\t\r"  # spaces anywhere, trailing whitespace at the end
    text = f">{'long_name_' * 3} a long description\n{sequence}\n\n>b\nGG\nTT"
    path = _write(tmp_path, text)
    clean = sequence.replace(" ", "").rstrip()
    windows = list(iter_fasta_windows(path, window=9, stride=4))
    assert windows[0].record == "long_name_long_name_long_name_"
    first = [w for w in windows if w.record == windows[0].record]
    assert [w.start for w in first] == window_starts(len(clean), window=9, stride=4)
    np.testing.assert_array_equal(stitch(first, [w.codes for w in first], len(clean)), encode_bases(clean))
    assert [(w.record, w.codes.tolist(), w.record_length) for w in windows[len(first):]] == [("b", [3, 3, 4, 4], 4)]
    bad = _write(tmp_path, ">r\n" + "ACGT" * 10 + "X\n", name="bad.fa")
    with pytest.raises(UserInputError, match=r"bad.fa:2: record r, position 41: unexpected character 'X'"):
        list(iter_fasta_windows(bad, window=9, stride=4))
    # A tab inside a line is a bad character even where a piece ends with it.
    tab = _write(tmp_path, ">r\nACG\tTT\n", name="tab.fa")
    with pytest.raises(UserInputError, match=r"tab.fa:2: record r, position 4: unexpected character '\\t'"):
        list(iter_fasta_windows(tab, window=9, stride=4))


def test_windows_do_not_hold_a_whole_record(tmp_path):
    rng = np.random.default_rng(2)
    length = 3_000_000
    codes = rng.integers(1, 5, size=length).astype(np.uint8)
    sequence = np.frombuffer(b"-ACGT", np.uint8)[codes].tobytes()
    lines = b"\n".join(sequence[i : i + 80] for i in range(0, length, 80))
    path = _write(tmp_path, b">big\n" + lines + b"\n", compress=True)
    count = 0
    tracemalloc.start()
    try:
        for w in iter_fasta_windows(path, window=1000, stride=500):
            if count % 997 == 0:
                np.testing.assert_array_equal(w.codes, codes[w.start : w.end])
            count += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == len(window_starts(length, window=1000, stride=500))
    assert w.is_last and w.record_length == length
    assert peak < 1_000_000  # the record is 3 MB


def test_window_arguments_are_checked_at_once(tmp_path):
    with pytest.raises(UserInputError, match=r"`stride` must be an integer from 1 to window \(4\). Received: stride=5"):
        iter_fasta_windows(tmp_path / "not-read.fa", window=4, stride=5)
    with pytest.raises(UserInputError, match="`window` must be a positive integer. Received: window=0"):
        iter_fasta_windows(tmp_path / "not-read.fa", window=0, stride=1)
