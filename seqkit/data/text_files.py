"""Read a user's plain-text file, refusing binary or non-UTF-8 data with a `file:line` message.

TensorFlow-free; shared by every application that reads raw text (language models, sentiment, ...).

Example:

>>> import pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "names.txt"
>>> _ = path.write_bytes("Aldra\\r\\nBenn\\n".encode("utf-8"))
>>> read_text_lines(path)
['Aldra', 'Benn']
>>> next(iter_text_lines(path))
'Aldra'
"""

import pathlib
import re

from seqkit.errors import UserInputError

# Control bytes that never appear in text (NUL and the C0 codes other than tab, line breaks, vertical tab,
# form feed and escape); a file with any of them is treated as binary.
_BINARY_BYTE = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
# Bytes looked at for binary data before the first line is decoded.
_SNIFF_BYTES = 8192


def open_user_file(path, expected="a text file"):
    """Open a user's file for reading bytes, or raise `UserInputError` naming it (missing, a directory,
    unreadable).

    Args:
        path: a `pathlib.Path`.
        expected: what the file should be, for the message about a directory (`"a FASTA file"`).
    """
    if path.is_dir():
        raise UserInputError(f"expected {expected}, found a directory", path=path)
    try:
        return path.open("rb")
    except FileNotFoundError:
        raise UserInputError("file not found", path=path) from None
    except OSError as error:
        raise UserInputError(f"cannot read the file ({error.strerror})", path=path) from None


def read_text_file(path):
    """Return the text of a UTF-8 file, with a leading byte-order mark removed and line breaks as `"\\n"`.

    Args:
        path: the file to read.

    Returns:
        A `str`.

    Raises:
        seqkit.errors.UserInputError: the path is missing or a directory, the file is empty (or only
            whitespace), holds binary data (control bytes such as NUL), or is not valid UTF-8. The message
            names the file and, where there is one, the line.
    """
    path = pathlib.Path(path)
    if path.is_dir():
        raise UserInputError("expected a text file, found a directory", path=path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserInputError("file not found", path=path) from None
    except OSError as error:
        raise UserInputError(f"cannot read the file ({error.strerror})", path=path) from None
    binary = _BINARY_BYTE.search(data)
    if binary:
        line = data[: binary.start()].count(b"\n") + 1
        raise UserInputError(
            f"this looks like a binary file, not text (control byte 0x{data[binary.start()]:02x})", path=path, line=line
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise UserInputError("the file is not valid UTF-8 text", path=path, line=line) from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise UserInputError("the file is empty", path=path)
    return text


def read_text_lines(path):
    """The lines of a UTF-8 text file (see `read_text_file`), without line breaks, blank lines included.

    Trailing whitespace of each line is removed; a final line break does not make an extra line.
    """
    return list(iter_text_lines(path))


def iter_text_lines(path):
    """Stream the lines of a UTF-8 text file, reading it a line at a time (see `read_text_lines`).

    The checks and messages are those of `read_text_file`: a missing path or a directory, binary data,
    invalid UTF-8 (with the line), and, when the iteration ends, an empty file. A leading byte-order mark
    is removed, and `"\\r\\n"` and `"\\r"` end lines as `"\\n"` does. A problem further on in the file is
    raised when the iteration reaches its line, so a file with several problems reports the first one.

    Args:
        path: the file to read.

    Yields:
        Each line as a `str`, without its line break and trailing whitespace, blank lines included.

    Raises:
        seqkit.errors.UserInputError: as `read_text_file`.

    Example:

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "names.txt"
    >>> _ = path.write_bytes(b"Aldra \\r\\n\\nBenn")
    >>> list(iter_text_lines(path))
    ['Aldra', '', 'Benn']
    """
    path = pathlib.Path(path)
    file = open_user_file(path)
    blank = True
    with file:
        # A binary file (an image, an archive) is named as such even when its first bytes are not valid UTF-8.
        head = file.read(_SNIFF_BYTES)
        binary = _BINARY_BYTE.search(head)
        if binary:
            raise UserInputError(
                f"this looks like a binary file, not text (control byte 0x{head[binary.start()]:02x})",
                path=path,
                line=head[: binary.start()].count(b"\n") + 1,
            )
        file.seek(0)
        # Lines are numbered by "\n" as in `read_text_file`; UTF-8 never has a "\n" byte inside a character.
        for number, raw in enumerate(file, start=1):
            binary = _BINARY_BYTE.search(raw)
            if binary:
                raise UserInputError(
                    f"this looks like a binary file, not text (control byte 0x{raw[binary.start()]:02x})",
                    path=path,
                    line=number,
                )
            try:
                text = raw.removesuffix(b"\n").removesuffix(b"\r").decode("utf-8")
            except UnicodeDecodeError:
                raise UserInputError("the file is not valid UTF-8 text", path=path, line=number) from None
            if number == 1:
                text = text.removeprefix("\ufeff")
            for line in text.split("\r"):
                blank = blank and not line.strip()
                yield line.rstrip()
    if blank:
        raise UserInputError("the file is empty", path=path)
