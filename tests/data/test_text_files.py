import pytest

from seqkit.data.text_files import iter_text_lines, read_text_file, read_text_lines
from seqkit.errors import UserInputError


def test_bom_and_line_breaks_are_normalised(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes("\ufeffone\r\ntwo  \rthree\n".encode("utf-8"))
    assert read_text_file(path) == "one\ntwo  \nthree\n"
    assert read_text_lines(path) == ["one", "two", "three"]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "a.txt: the file is empty"),
        (b" \n\t\n", "a.txt: the file is empty"),
        (b"line\nline\n\x00\x01", "a.txt:3: this looks like a binary file, not text (control byte 0x00)"),
        (b"ok\n\xff\xfe", "a.txt:2: the file is not valid UTF-8 text"),
    ],
)
def test_bad_files_name_the_file_and_line(tmp_path, content, message):
    path = tmp_path / "a.txt"
    path.write_bytes(content)
    with pytest.raises(UserInputError) as error:
        read_text_file(path)
    assert str(error.value).endswith(message)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(UserInputError, match="file not found"):
        read_text_file(tmp_path / "none.txt")
    with pytest.raises(UserInputError, match="found a directory"):
        read_text_file(tmp_path)


@pytest.mark.parametrize(
    "content, lines",
    [
        ("\ufeffone\r\ntwo  \rthree\n".encode("utf-8"), ["one", "two", "three"]),
        (b"a\r\r\n\nb\r", ["a", "", "", "b"]),
        ("caf\u00e9 \n\n  x".encode("utf-8"), ["caf\u00e9", "", "  x"]),
    ],
)
def test_streamed_lines_are_the_lines_read(tmp_path, content, lines):
    path = tmp_path / "a.txt"
    path.write_bytes(content)
    assert list(iter_text_lines(path)) == read_text_lines(path) == lines


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "a.txt: the file is empty"),
        (b" \n\t\r\n", "a.txt: the file is empty"),
        (b"line\nline\n\x00\x01", "a.txt:3: this looks like a binary file, not text (control byte 0x00)"),
        (b"ok\r\n\xff\xfe", "a.txt:2: the file is not valid UTF-8 text"),
    ],
)
def test_streamed_lines_raise_the_errors_of_the_file_reader(tmp_path, content, message):
    path = tmp_path / "a.txt"
    path.write_bytes(content)
    for read in (read_text_file, read_text_lines, lambda path: list(iter_text_lines(path))):
        with pytest.raises(UserInputError) as error:
            read(path)
        assert str(error.value).endswith(message)
    with pytest.raises(UserInputError, match="file not found"):
        next(iter_text_lines(tmp_path / "none.txt"))
    with pytest.raises(UserInputError, match="found a directory"):
        next(iter_text_lines(tmp_path))


def test_a_binary_head_is_named_even_when_it_is_not_utf8(tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(UserInputError, match=r"image.txt:2: this looks like a binary file"):
        list(iter_text_lines(path))


def test_lines_are_read_a_line_at_a_time(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"first\n" + b"more\n" * 1000 + b"bad \xff\n")
    lines = iter_text_lines(path)
    assert next(lines) == "first"
    with pytest.raises(UserInputError, match=r"a.txt:1002: the file is not valid UTF-8 text"):
        list(lines)
