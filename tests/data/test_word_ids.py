import numpy as np
import tensorflow as tf

from seqkit.data.word_ids import WordIdEncoder

TEXTS = [
    "Great phone!! Really GREAT.",
    "",
    "   ",
    "Mr. Smith's café isn't NAÏVE: 1,000 stars (really)...",
    "word " * 12,
]


def test_python_and_graph_encodings_agree():
    encoder = WordIdEncoder.build(TEXTS + ["naïve café"], max_length=8)
    python_ids = encoder.encode_batch(TEXTS)
    graph_ids = encoder.tf_encode(tf.constant(TEXTS), encoder.tf_lookup_table()).numpy()
    np.testing.assert_array_equal(graph_ids, python_ids)
    assert python_ids.shape == (5, 8)
    # An empty text is one <UNK>; lowercasing maps "NAÏVE" onto "naïve".
    assert python_ids[1].tolist() == [1] + [0] * 7
    assert encoder.words.token_to_id("naïve") in python_ids[3]


def test_vocabulary_size_lowercasing_and_round_trip(tmp_path):
    encoder = WordIdEncoder.build(["b a a", "c a b"], max_size=4, lowercase=False)
    assert encoder.words.tokens == ["<PAD>", "<UNK>", "a", "b"]
    assert encoder.encode("a c B").tolist() == [2, 1, 1]
    encoder.save(tmp_path)
    loaded = WordIdEncoder.load(tmp_path, encoder.settings())
    assert loaded.words == encoder.words and loaded.settings() == {
        "tokenizer": "word",
        "lowercase": False,
        "max_length": None,
    }
