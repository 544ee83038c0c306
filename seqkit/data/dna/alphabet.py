"""Base codes: DNA text (A, C, G, T, N and the IUPAC ambiguity codes) as small integers and back.

Code 0 is padding; 1 to 4 are A, C, G, T; 5 is N; 6 to 15 are the IUPAC codes R, Y, S, W, K, M, B, D, H, V
(`CODE_SYMBOLS`). Lowercase letters (soft-masked repeats) encode as their uppercase code. Every code has a
distribution over A, C, G, T (`BASE_DISTRIBUTIONS`): one-hot for A, C, G, T, uniform over the bases an
ambiguity code stands for, and zeros for padding, which is what `seqkit.layers.BaseOneHot` feeds a model.

TensorFlow-free except `tf_encode_bases`, which imports it when called.

Example:

>>> codes = encode_bases("ACgtNR")
>>> codes
array([1, 2, 3, 4, 5, 6], dtype=uint8)
>>> decode_bases(reverse_complement_codes(codes)), reverse_complement("ACgtNR")
('YNACGT', 'YNacGT')
>>> BASE_DISTRIBUTIONS[codes[-1]]  # R is A or G
array([0.5, 0. , 0.5, 0. ], dtype=float32)
"""

import numpy as np

from seqkit.errors import UserInputError

CODE_SYMBOLS = "-ACGTNRYSWKMBDHV"
NUM_CODES = 16
PAD_CODE = 0
N_CODE = 5

# The bases (a subset of "ACGT") that each code stands for; padding stands for none.
_MEANINGS = {
    "A": "A", "C": "C", "G": "G", "T": "T", "N": "ACGT",
    "R": "AG", "Y": "CT", "S": "CG", "W": "AT", "K": "GT", "M": "AC",
    "B": "CGT", "D": "AGT", "H": "ACT", "V": "ACG",
}  # fmt: skip
_COMPLEMENT_SYMBOLS = {
    "-": "-", "A": "T", "C": "G", "G": "C", "T": "A", "N": "N",
    "R": "Y", "Y": "R", "S": "S", "W": "W", "K": "M", "M": "K",
    "B": "V", "V": "B", "D": "H", "H": "D",
}  # fmt: skip


def _distributions():
    table = np.zeros((NUM_CODES, 4), np.float32)
    for code, symbol in enumerate(CODE_SYMBOLS[1:], start=1):
        bases = _MEANINGS[symbol]
        for base in bases:
            table[code, "ACGT".index(base)] = 1.0 / len(bases)
    return table


BASE_DISTRIBUTIONS = _distributions()
BASE_DISTRIBUTIONS.setflags(write=False)
COMPLEMENT_CODES = np.array([CODE_SYMBOLS.index(_COMPLEMENT_SYMBOLS[s]) for s in CODE_SYMBOLS], np.uint8)
COMPLEMENT_CODES.setflags(write=False)

# Byte -> code; `_INVALID` marks a byte that is not a base (NUL, "-", digits, non-ASCII bytes, ...).
_INVALID = 255
_BYTE_CODES = np.full(256, _INVALID, np.uint8)
for _code, _symbol in enumerate(CODE_SYMBOLS[1:], start=1):
    _BYTE_CODES[ord(_symbol)] = _code
    _BYTE_CODES[ord(_symbol.lower())] = _code
_BYTE_CODES.setflags(write=False)
# The same table for serving: every byte that is not a base maps to N, so no character can fail a request.
_SERVING_CODES = np.where(_BYTE_CODES == _INVALID, N_CODE, _BYTE_CODES).astype(np.int32)
_SYMBOL_BYTES = np.frombuffer(CODE_SYMBOLS.encode("ascii"), np.uint8)
_COMPLEMENT_TEXT = str.maketrans(
    {**_COMPLEMENT_SYMBOLS, **{s.lower(): c.lower() for s, c in _COMPLEMENT_SYMBOLS.items()}}
)
_EXPECTED = "expected A, C, G, T or an IUPAC code"


def _lookup(sequence):
    """`(codes, index)`: the codes of `sequence` (str or bytes), and the index of its first bad character or -1."""
    if isinstance(sequence, str):
        # "replace" keeps one byte per character ("?" for a non-ASCII one), so indices stay character indices.
        data = sequence.encode("ascii", "replace")
    elif isinstance(sequence, (bytes, bytearray, memoryview)):
        data = sequence
    else:
        raise TypeError(f"`sequence` must be a str or bytes. Received: sequence={sequence!r:.60}")
    codes = _BYTE_CODES[np.frombuffer(data, np.uint8)]
    bad = codes == _INVALID
    return codes, int(bad.argmax()) if bad.any() else -1


def _character(sequence, index):
    """How a bad character is named in a message: `'X'`, or `byte 0xc3` for a non-ASCII byte of bytes."""
    if isinstance(sequence, str):
        return f"character {sequence[index]!r}"
    value = bytes(sequence[index : index + 1])[0]
    return f"character {chr(value)!r}" if value < 128 else f"non-ASCII byte 0x{value:02x}"


def _bad_character_error(sequence, index, *, record=None, path=None, offset=0, line=None):
    where = [] if record is None else [f"record {record}"]
    where.append(f"position {offset + index + 1}")
    return UserInputError(
        f"{', '.join(where)}: unexpected {_character(sequence, index)} ({_EXPECTED})", path=path, line=line
    )


def encode_bases(sequence, *, record=None, path=None, offset=0, line=None):
    """The base codes of a DNA sequence (see the module docstring), checking every character.

    Upper and lower case (soft-masked) letters are accepted; anything else (a gap `-`, a digit, a space,
    `U`, `X`, a non-ASCII character) is an error naming its 1-based position. The work is one NumPy table
    lookup, so a whole chromosome encodes in milliseconds.

    Args:
        sequence: a `str` (or ASCII `bytes`) of bases.
        record: the record name, for the error message.
        path: the file the sequence was read from, for the error message.
        offset: the record position of `sequence[0]` when `sequence` is a piece of a record (0-based), so
            that the message gives the position in the record (`offset + index + 1`).
        line: the 1-based file line of the bad character, when known, for the error message.

    Returns:
        A 1-D `np.uint8` array of codes in 1 to 15, of the length of `sequence`.

    Raises:
        seqkit.errors.UserInputError: a character is not a base, e.g. "genes.fa: record chr1, position 17:
            unexpected character 'X' (expected A, C, G, T or an IUPAC code)".

    Example:

    >>> encode_bases("acgtN")
    array([1, 2, 3, 4, 5], dtype=uint8)
    >>> encode_bases("ACXT", record="chr1", path="genes.fa", offset=15)  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    seqkit.errors.UserInputError: genes.fa: record chr1, position 18: unexpected character 'X' (...)
    """
    codes, bad = _lookup(sequence)
    if bad >= 0:
        raise _bad_character_error(sequence, bad, record=record, path=path, offset=offset, line=line)
    return codes


def _check_codes(codes):
    codes = np.asarray(codes)
    if codes.size == 0 and not np.issubdtype(codes.dtype, np.integer):
        codes = codes.astype(np.uint8)  # `[]` is float64 to NumPy
    if not np.issubdtype(codes.dtype, np.integer):
        raise ValueError(f"`codes` must be an integer array of base codes. Received: codes.dtype={codes.dtype}")
    if codes.size and (codes.min() < 0 or codes.max() >= NUM_CODES):
        raise ValueError(
            f"`codes` must hold base codes from 0 to {NUM_CODES - 1}. "
            f"Received: codes with values from {codes.min()} to {codes.max()}"
        )
    return codes


def decode_bases(codes):
    """The uppercase text of base codes (padding, code 0, is written `-`).

    Example:

    >>> decode_bases([1, 2, 3, 4, 5, 12, 0])
    'ACGTNB-'
    """
    codes = _check_codes(codes)
    if codes.ndim != 1:
        raise ValueError(f"`codes` must be 1-D. Received: codes.shape={codes.shape}")
    return _SYMBOL_BYTES[codes].tobytes().decode("ascii")


def reverse_complement_codes(codes, lengths=None):
    """The reverse complement of base codes: of one sequence, or of each row of a padded batch.

    For a 1-D array the whole array is reversed and complemented (A and T, C and G, R and Y, K and M, B and
    V, D and H swap; S, W, N and padding stay). For a 2-D batch `(batch, time)` padded at the end, only the
    first `lengths[i]` positions of row `i` are reversed, so the padding stays at the end.

    Args:
        codes: integer array `(time,)` or `(batch, time)` of codes 0 to 15.
        lengths: for a batch, the number of real positions of each row, `(batch,)`. When omitted, a row ends
            after its last non-zero (non-padding) code.

    Returns:
        An array of the shape and dtype of `codes`.

    Example:

    >>> reverse_complement_codes([1, 1, 2])  # AAC -> GTT
    array([3, 4, 4])
    >>> reverse_complement_codes([[1, 1, 2, 0], [3, 0, 0, 0]], lengths=[3, 1])
    array([[3, 4, 4, 0],
           [2, 0, 0, 0]])
    """
    codes = _check_codes(codes)
    if codes.ndim == 1:
        if lengths is not None:
            raise ValueError("`lengths` is only for a 2-D batch. Received: a 1-D `codes` with lengths")
        return COMPLEMENT_CODES[codes[::-1]].astype(codes.dtype)
    if codes.ndim != 2:
        raise ValueError(f"`codes` must be 1-D or 2-D (batch, time). Received: codes.shape={codes.shape}")
    batch, time = codes.shape
    if lengths is None:
        steps = np.arange(1, time + 1)
        lengths = np.where(codes != PAD_CODE, steps, 0).max(axis=1, initial=0)
    lengths = np.asarray(lengths)
    if lengths.shape != (batch,) or not np.issubdtype(lengths.dtype, np.integer):
        raise ValueError(
            f"`lengths` must be integers of shape (batch,) = ({batch},). Received: lengths.shape={lengths.shape}"
        )
    if batch and (lengths.min() < 0 or lengths.max() > time):
        raise ValueError(f"`lengths` must be from 0 to the time dimension ({time}). Received: lengths={lengths}")
    steps = np.arange(time)[None, :]
    index = np.where(steps < lengths[:, None], lengths[:, None] - 1 - steps, steps)
    return COMPLEMENT_CODES[np.take_along_axis(codes, index, axis=1)].astype(codes.dtype)


def reverse_complement(text):
    """The reverse complement of DNA text, keeping each letter's case (soft-masking).

    Raises:
        seqkit.errors.UserInputError: a character is not a base (as `encode_bases`, with its position in
            `text`).

    Example:

    >>> reverse_complement("AACgtn")
    'nacGTT'
    """
    _, bad = _lookup(text)
    if bad >= 0:
        raise _bad_character_error(text, bad)
    return text.translate(_COMPLEMENT_TEXT)[::-1]


def tf_encode_bases(strings):
    """TensorFlow op: a batch of DNA strings to padded base codes, for a serving signature.

    Upper and lower case letters encode as `encode_bases` does. A serving signature cannot reject one bad
    character of one request, so here every character that is not a base (including a non-ASCII character
    and invalid UTF-8) encodes as N (code 5) instead of raising. Positions are characters (UTF-8 decoded),
    as in `encode_bases` of the same text.

    Args:
        strings: a 1-D `tf.string` tensor (or a list of `str`), `(batch,)`.

    Returns:
        `(codes, lengths)`: an `int32` tensor `(batch, max_length)` of codes padded with 0 after each
        sequence, and the `int32` lengths `(batch,)`.

    Example:

    >>> codes, lengths = tf_encode_bases(["ACgt", "nX"])
    >>> codes.numpy().tolist(), lengths.numpy().tolist()
    ([[1, 2, 3, 4], [5, 5, 0, 0]], [4, 2])
    """
    import tensorflow as tf

    strings = tf.convert_to_tensor(strings, dtype=tf.string)
    if strings.shape.rank is not None and strings.shape.rank != 1:
        raise ValueError(f"`strings` must be a 1-D batch of strings. Received: strings.shape={strings.shape}")
    characters = tf.strings.unicode_decode(strings, "UTF-8", errors="replace", replacement_char=ord("N"))
    # Code points above 255 are not bases; the table's last entry (byte 255) is N.
    points = tf.minimum(characters.values, 255)
    codes = characters.with_values(tf.gather(tf.constant(_SERVING_CODES), points))
    lengths = tf.cast(characters.row_lengths(), tf.int32)
    return codes.to_tensor(default_value=PAD_CODE), lengths
