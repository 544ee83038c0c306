import keras
import numpy as np
import pytest

from seqkit.layers import NGramBag

TOKENS = np.array([[3, 4, 5, 0, 0], [6, 0, 0, 0, 0], [0, 0, 0, 0, 0], [2, 2, 7, 9, 1]], "int32")


def numpy_bag(tokens, unigram, bigram, buckets):
    """The layer's equation, written out position by position."""
    out = np.zeros((len(tokens), unigram.shape[1]))
    for row, ids in enumerate(tokens):
        words = [int(i) for i in ids if i > 0]
        pairs = [
            (int(a) * 1_000_003 + int(b) * 7_919) % buckets + 1 for a, b in zip(ids[:-1], ids[1:]) if a > 0 and b > 0
        ]
        if words:
            out[row] += unigram[words].sum(axis=0) / np.sqrt(len(words))
        if pairs:
            out[row] += bigram[pairs].sum(axis=0) / np.sqrt(len(pairs))
    return out


def random_bag(buckets=13, vocabulary_size=10, output_dim=3):
    bag = NGramBag(vocabulary_size, buckets, output_dim)
    bag.build((None, None))
    rng = np.random.default_rng(0)
    for weight in bag.weights:
        weight.assign(rng.normal(size=weight.shape).astype("float32"))
    return bag


def test_matches_numpy_and_ignores_padding():
    bag = random_bag()
    unigram, bigram = (w.numpy() for w in bag.weights)
    got = np.asarray(bag(TOKENS))
    np.testing.assert_allclose(got, numpy_bag(TOKENS, unigram, bigram, 13), rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(got[2], 0.0)  # all padding
    # More padding on the right changes nothing.
    wider = np.pad(TOKENS, ((0, 0), (0, 3)))
    np.testing.assert_allclose(np.asarray(bag(wider)), got, rtol=1e-6)


def test_bigram_ids_are_hashed_in_int64_and_skip_padding():
    bag = NGramBag(200_000, 50_000, 1)
    big = np.array([[199_999, 199_998, 0, 5]], "int32")  # a * 1000003 overflows int32
    ids = np.asarray(bag.bigram_ids(big))
    expected = (199_999 * 1_000_003 + 199_998 * 7_919) % 50_000 + 1
    np.testing.assert_array_equal(ids, [[expected, 0, 0]])


def test_words_only_and_zero_start():
    bag = NGramBag(10, 0, 2)
    assert np.abs(np.asarray(bag(TOKENS))).max() == 0.0
    assert [w.name for w in bag.weights] == ["unigram_weights"]


def test_l2_penalty_and_config_round_trip(tmp_path):
    inputs = keras.Input((None,), dtype="int32")
    model = keras.Model(inputs, NGramBag(10, 13, 3, l2=0.5, name="bag")(inputs))
    bag = model.get_layer("bag")
    for weight in bag.weights:
        weight.assign(np.ones(weight.shape, "float32"))
    assert float(sum(model.losses)) == pytest.approx(0.5 * (10 * 3 + 14 * 3))
    path = tmp_path / "bag.keras"
    model.save(path)
    restored = keras.saving.load_model(path)
    np.testing.assert_allclose(np.asarray(restored(TOKENS)), np.asarray(model(TOKENS)))
    assert restored.get_layer("bag").get_config() == bag.get_config()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"vocabulary_size": 0}, "`vocabulary_size` must be an integer >= 1. Received: vocabulary_size=0"),
        ({"buckets": -1}, "`buckets` must be an integer >= 0. Received: buckets=-1"),
        ({"output_dim": 0}, "`output_dim` must be a positive integer. Received: output_dim=0"),
        ({"l2": -1.0}, "`l2` must be a non-negative number. Received: l2=-1.0"),
    ],
)
def test_argument_errors(kwargs, message):
    arguments = {"vocabulary_size": 10, "buckets": 5, "output_dim": 2, **kwargs}
    with pytest.raises(ValueError) as info:
        NGramBag(**arguments)
    assert str(info.value) == message
