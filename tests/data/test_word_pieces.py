import numpy as np
import tensorflow as tf

from seqkit.data.vocabulary import Vocabulary
from seqkit.data.word_pieces import WordPieceEncoder

PIECES = Vocabulary(["<PAD>", "<UNK>", "un", "happ", "##happ", "##y", "##ily", "!", "a", "##a", "é", "##té"])
TEXTS = ["Unhappily happy!", "", "xyz happ", "HAPPY unhappy!!", "a" * 12, "Été !"]


def test_greedy_longest_match_in_python():
    encoder = WordPieceEncoder(PIECES, max_word_chars=10)
    assert encoder.cut("unhappily") == ["un", "##happ", "##ily"]
    assert encoder.cut("happyx") == ["<UNK>"]  # "x" is no piece: the whole word is unknown
    assert encoder.cut("a" * 11) == ["<UNK>"]  # longer than max_word_chars
    assert encoder.tokens("Été !") == ["é", "##té", "!"]


def test_graph_cutting_matches_python():
    encoder = WordPieceEncoder(PIECES, max_length=5, max_word_chars=10)
    python_ids = encoder.encode_batch(TEXTS)
    graph_ids = encoder.tf_encode(tf.constant(TEXTS), encoder.tf_lookup_table()).numpy()
    np.testing.assert_array_equal(graph_ids, python_ids)
    assert python_ids[0].tolist() == [2, 4, 6, 3, 5]
    assert python_ids[1].tolist() == [1, 0, 0, 0, 0]
    only_empty = encoder.tf_encode(tf.constant(["", " "]), encoder.tf_lookup_table()).numpy()
    assert only_empty.tolist() == [[1], [1]]


def test_learned_vocabulary_and_round_trip(tmp_path):
    texts = ["the battery is unbelievable", "believable story", "the batteries died", "unbelievably good"] * 5
    encoder = WordPieceEncoder.build(texts, max_size=60, max_length=None)
    assert encoder.words.tokens[:2] == ["<PAD>", "<UNK>"] and len(encoder.words) <= 60
    assert any(token.startswith("##") for token in encoder.words.tokens)
    assert "<UNK>" not in encoder.tokens("unbelievable batteries")
    graph = encoder.tf_encode(tf.constant(texts[:4]), encoder.tf_lookup_table()).numpy()
    np.testing.assert_array_equal(graph, encoder.encode_batch(texts[:4]))
    encoder.save(tmp_path)
    loaded = WordPieceEncoder.load(tmp_path, encoder.settings())
    assert (
        loaded.words == encoder.words and loaded.encode("good story").tolist() == encoder.encode("good story").tolist()
    )
