import time

import numpy as np
import pytest

from seqkit.data.dna.alphabet import (
    BASE_DISTRIBUTIONS,
    CODE_SYMBOLS,
    COMPLEMENT_CODES,
    NUM_CODES,
    decode_bases,
    encode_bases,
    reverse_complement,
    reverse_complement_codes,
    tf_encode_bases,
)
from seqkit.errors import UserInputError

# Independent statement of IUPAC: the bases each symbol stands for, and complements.
IUPAC = {
    "A": "A", "C": "C", "G": "G", "T": "T", "N": "ACGT",
    "R": "AG", "Y": "CT", "S": "CG", "W": "AT", "K": "GT", "M": "AC",
    "B": "CGT", "D": "AGT", "H": "ACT", "V": "ACG",
}  # fmt: skip
COMPLEMENT = {"A": "T", "C": "G", "G": "C", "T": "A"}
SYMBOLS = "ACGTNRYSWKMBDHV"


def test_codes_and_symbols():
    assert CODE_SYMBOLS == "-ACGTNRYSWKMBDHV"
    assert NUM_CODES == len(CODE_SYMBOLS) == 16
    np.testing.assert_array_equal(encode_bases(SYMBOLS), np.arange(1, 16))
    np.testing.assert_array_equal(encode_bases(SYMBOLS.lower()), np.arange(1, 16))
    assert encode_bases(SYMBOLS).dtype == np.uint8
    assert decode_bases(np.arange(16)) == CODE_SYMBOLS
    assert decode_bases(encode_bases("acgtnRyswkmbdhv")) == "ACGTNRYSWKMBDHV"
    assert encode_bases("").shape == (0,) and decode_bases([]) == ""


def test_base_distributions():
    assert BASE_DISTRIBUTIONS.shape == (16, 4) and BASE_DISTRIBUTIONS.dtype == np.float32
    np.testing.assert_array_equal(BASE_DISTRIBUTIONS[0], [0, 0, 0, 0])
    for code, symbol in enumerate(SYMBOLS, start=1):
        expected = np.array([1.0 / len(IUPAC[symbol]) if base in IUPAC[symbol] else 0.0 for base in "ACGT"])
        np.testing.assert_allclose(BASE_DISTRIBUTIONS[code], expected, rtol=1e-7, err_msg=symbol)
    np.testing.assert_allclose(BASE_DISTRIBUTIONS[encode_bases("NRB")], [
        [0.25, 0.25, 0.25, 0.25], [0.5, 0, 0.5, 0], [0, 1 / 3, 1 / 3, 1 / 3]
    ], rtol=1e-7)
    np.testing.assert_allclose(BASE_DISTRIBUTIONS[1:].sum(axis=1), 1.0, rtol=1e-6)
    assert not BASE_DISTRIBUTIONS.flags.writeable


def test_complement_codes():
    for symbol in SYMBOLS:
        complement = "".join(sorted(COMPLEMENT[base] for base in IUPAC[symbol]))
        partner = next(s for s in SYMBOLS if "".join(sorted(IUPAC[s])) == complement)
        assert CODE_SYMBOLS[COMPLEMENT_CODES[CODE_SYMBOLS.index(symbol)]] == partner, symbol
    assert COMPLEMENT_CODES[0] == 0
    np.testing.assert_array_equal(COMPLEMENT_CODES[COMPLEMENT_CODES], np.arange(16))
    assert decode_bases(COMPLEMENT_CODES) == "-TGCANYRSWMKVHDB"
    # Complementing a code reverses its distribution over A, C, G, T (A<->T, C<->G).
    np.testing.assert_array_equal(BASE_DISTRIBUTIONS[COMPLEMENT_CODES], BASE_DISTRIBUTIONS[:, ::-1])


def test_encode_error_names_path_record_position_and_character():
    with pytest.raises(UserInputError) as caught:
        encode_bases("ACGTACGTACGTACGTXAC", record="chr1", path="genes.fa")
    assert str(caught.value) == (
        "genes.fa: record chr1, position 17: unexpected character 'X' (expected A, C, G, T or an IUPAC code)"
    )
    assert caught.value.path == "genes.fa" and caught.value.line is None

    with pytest.raises(UserInputError) as caught:
        encode_bases("AC-T", record="r2", path="x.fa", offset=100, line=12)
    assert str(caught.value) == (
        "x.fa:12: record r2, position 103: unexpected character '-' (expected A, C, G, T or an IUPAC code)"
    )
    assert caught.value.line == 12


@pytest.mark.parametrize(
    "sequence, position, shown",
    [
        ("ACGU", 4, "character 'U'"),
        ("AC GT", 3, "character ' '"),
        ("A\tC", 2, "character '\\t'"),
        ("1ACG", 1, "character '1'"),
        ("ACé", 3, "character 'é'"),
        ("ACGT\x00", 5, "character '\\x00'"),
        ("AC?G", 3, "character '?'"),
        (b"AC\xc3\xa9", 3, "non-ASCII byte 0xc3"),
        (b"ACX", 3, "character 'X'"),
    ],
)
def test_every_other_character_is_an_error(sequence, position, shown):
    with pytest.raises(UserInputError, match="expected A, C, G, T or an IUPAC code") as caught:
        encode_bases(sequence)
    assert str(caught.value).startswith(f"position {position}: unexpected {shown} ")


def test_first_bad_character_is_reported():
    with pytest.raises(UserInputError, match=r"^position 3: unexpected character 'x'"):
        encode_bases("ACxyzé")


def test_bytes_input_and_type_error():
    np.testing.assert_array_equal(encode_bases(b"acgN"), [1, 2, 3, 5])
    with pytest.raises(TypeError, match="Received: sequence=5"):
        encode_bases(5)


def test_encode_is_vectorised_over_a_genome():
    rng = np.random.default_rng(0)
    letters = np.array(list(SYMBOLS + SYMBOLS.lower()))
    choice = rng.integers(0, len(letters), size=4_600_000)
    genome = "".join(letters[choice])
    began = time.perf_counter()
    codes = encode_bases(genome)
    assert time.perf_counter() - began < 1.0
    np.testing.assert_array_equal(codes, choice % 15 + 1)
    bad = genome[:4_000_000] + "X" + genome[4_000_001:]
    with pytest.raises(UserInputError, match="record chrom, position 4000001: unexpected character 'X'"):
        encode_bases(bad, record="chrom")


def test_decode_rejects_bad_codes():
    with pytest.raises(ValueError, match="codes from 0 to 15. Received: codes with values from 1 to 16"):
        decode_bases([1, 16])
    with pytest.raises(ValueError, match="must be 1-D"):
        decode_bases([[1]])
    with pytest.raises(ValueError, match="integer array"):
        decode_bases([1.0])


def _reverse_complement_text(text):
    pairs = dict(zip("ACGTNRYSWKMBDHV", "TGCANYRSWMKVHDB"))
    pairs.update({k.lower(): v.lower() for k, v in pairs.items()})
    return "".join(pairs[c] for c in reversed(text))


def test_reverse_complement_of_text_and_codes():
    text = "AACGTnryswkmBDHVacgt"
    assert reverse_complement(text) == _reverse_complement_text(text)
    assert reverse_complement("ACGTac") == "gtACGT"
    codes = encode_bases(text)
    assert decode_bases(reverse_complement_codes(codes)) == _reverse_complement_text(text).upper()
    np.testing.assert_array_equal(reverse_complement_codes(reverse_complement_codes(codes)), codes)
    assert reverse_complement_codes(codes).dtype == np.uint8
    with pytest.raises(UserInputError, match="^position 3: unexpected character 'X'"):
        reverse_complement("ACX")


def test_reverse_complement_of_a_padded_batch():
    rng = np.random.default_rng(1)
    lengths = np.array([5, 1, 0, 7, 3])
    batch = np.zeros((5, 7), np.int32)
    for row, length in enumerate(lengths):
        batch[row, :length] = rng.integers(1, 16, size=length)
    expected = np.zeros_like(batch)
    for row, length in enumerate(lengths):
        expected[row, :length] = COMPLEMENT_CODES[batch[row, :length][::-1]]
    result = reverse_complement_codes(batch, lengths)
    np.testing.assert_array_equal(result, expected)
    assert result.dtype == np.int32
    # Without lengths, a row ends after its last non-padding code.
    np.testing.assert_array_equal(reverse_complement_codes(batch), expected)
    np.testing.assert_array_equal(reverse_complement_codes([[1, 2, 0], [3, 3, 3]]), [[3, 4, 0], [2, 2, 2]])


def test_reverse_complement_codes_errors():
    with pytest.raises(ValueError, match="only for a 2-D batch"):
        reverse_complement_codes([1, 2], lengths=[2])
    with pytest.raises(ValueError, match=r"shape \(batch,\) = \(2,\)"):
        reverse_complement_codes([[1], [2]], lengths=[1])
    with pytest.raises(ValueError, match="from 0 to the time dimension"):
        reverse_complement_codes([[1], [2]], lengths=[1, 2])
    with pytest.raises(ValueError, match="1-D or 2-D"):
        reverse_complement_codes(np.ones((1, 1, 1), int))
    with pytest.raises(ValueError, match="from 0 to 15"):
        reverse_complement_codes([1, 99])


def test_tf_encode_bases_matches_encode_bases():
    rng = np.random.default_rng(2)
    letters = list(SYMBOLS + SYMBOLS.lower())
    strings = ["".join(rng.choice(letters, size=n)) for n in (7, 0, 1, 30, 12)]
    codes, lengths = tf_encode_bases(strings)
    assert codes.dtype.name == "int32" and lengths.dtype.name == "int32"
    assert tuple(codes.shape) == (5, 30)
    np.testing.assert_array_equal(lengths.numpy(), [7, 0, 1, 30, 12])
    expected = np.zeros((5, 30), np.int32)
    for row, text in enumerate(strings):
        expected[row, : len(text)] = encode_bases(text)
    np.testing.assert_array_equal(codes.numpy(), expected)


def test_tf_encode_bases_maps_unknown_characters_to_n_in_a_serving_function():
    import tensorflow as tf

    serve = tf.function(tf_encode_bases, input_signature=[tf.TensorSpec((None,), tf.string)])
    codes, lengths = serve(tf.constant(["aXc-", "é\x00G", "U"]))
    np.testing.assert_array_equal(codes.numpy(), [[1, 5, 2, 5], [5, 5, 3, 0], [5, 0, 0, 0]])
    np.testing.assert_array_equal(lengths.numpy(), [4, 3, 1])
    codes, lengths = serve(tf.constant([b"A\xffC"]))  # invalid UTF-8
    np.testing.assert_array_equal(codes.numpy(), [[1, 5, 2]])
    codes, lengths = serve(tf.constant(["", ""]))
    assert tuple(codes.shape) == (2, 0) and lengths.numpy().tolist() == [0, 0]
    with pytest.raises(ValueError, match="1-D batch"):
        tf_encode_bases([["ACGT"]])
