import pytest

from seqkit.data.text_files import read_text_file, read_text_lines
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
