import numpy as np
import pytest

from seqkit.data.conll import TaggedSentence
from seqkit.data.tagging import TaggingVectorizer
from seqkit.errors import UserInputError

CORPUS = [
    TaggedSentence(["Anna", "visited", "Zürich", "in", "2024"], ["B-PER", "O", "B-LOC", "O", "O"], line=1),
    TaggedSentence(["ÉCOLE", "Berg", "Paris"], ["B-ORG", "B-PER", "B-LOC"], line=7),
]


def test_words_are_lowercased_with_digits_folded_and_chars_keep_case():
    vectorizer = TaggingVectorizer.build(CORPUS)
    assert vectorizer.normalize("Zürich") == "zürich"
    assert vectorizer.normalize("ÉCOLE") == "école"
    assert vectorizer.normalize("1,999") == "0,000"
    features = vectorizer.encode_tokens(["ANNA", "1999"])
    assert features["token_ids"].tolist() == [vectorizer.words.token_to_id("anna"), vectorizer.words.token_to_id("0000")]
    # Characters keep their case: "N" was never seen (only "n"), so it is unknown.
    assert vectorizer.chars.decode(features["char_ids"][0].tolist()) == ["A", "<UNK>", "<UNK>", "A"]
    assert vectorizer.tags == ["O", "B-LOC", "B-ORG", "B-PER"]


def test_graph_encoding_equals_python_encoding():
    import tensorflow as tf

    vectorizer = TaggingVectorizer.build(CORPUS, max_word_length=4)
    sentences = [["Anna", "ZÜRICH", "unknownword", "2031"], ["École"]]
    tables = vectorizer.tf_lookup_tables()
    graph = vectorizer.tf_encode_words(tf.ragged.constant(sentences), tables)
    for row, tokens in enumerate(sentences):
        expected = vectorizer.encode_tokens(tokens)
        np.testing.assert_array_equal(graph["token_ids"].numpy()[row, : len(tokens)], expected["token_ids"])
        chars = graph["char_ids"].numpy()[row, : len(tokens)]
        width = expected["char_ids"].shape[1]
        np.testing.assert_array_equal(chars[:, :width], expected["char_ids"])
        assert not chars[:, width:].any()


def test_save_and_load_round_trip(tmp_path):
    vectorizer = TaggingVectorizer.build(CORPUS, char_features=False, lowercase=False)
    vectorizer.save(tmp_path)
    loaded = TaggingVectorizer.load(tmp_path, vectorizer.settings())
    assert loaded.words == vectorizer.words and loaded.tags == vectorizer.tags and loaded.chars is None
    assert loaded.encode_tokens(["Paris"])["token_ids"].tolist() == vectorizer.encode_tokens(["Paris"])["token_ids"].tolist()


def test_unknown_tag_names_the_source_line():
    vectorizer = TaggingVectorizer.build(CORPUS)
    with pytest.raises(UserInputError, match=r"valid.txt:3: tag 'B-GPE' was not seen"):
        vectorizer.example(TaggedSentence(["Rome"], ["B-GPE"], line=3), source_path="valid.txt")


def test_singleton_start_is_the_first_id_of_the_words_seen_once(tmp_path):
    corpus = CORPUS + [TaggedSentence(["Anna", "visited", "Paris"], ["B-PER", "O", "B-LOC"], line=9)]
    vectorizer = TaggingVectorizer.build(corpus)
    tokens = vectorizer.words.tokens
    start = vectorizer.singleton_start
    # "anna", "visited", "paris" twice; every id from `start` on is a word seen once.
    assert sorted(tokens[2:start]) == ["anna", "paris", "visited"]
    assert set(tokens[start:]) == {"zürich", "in", "0000", "école", "berg"}
    vectorizer.save(tmp_path)
    assert TaggingVectorizer.load(tmp_path, vectorizer.settings()).singleton_start == start
    # No singletons: the end of the vocabulary; `min_count=2` keeps none of them.
    assert TaggingVectorizer.build(corpus, min_count=2).singleton_start == 5
    # Runs written before the setting existed load without it.
    settings = {key: value for key, value in vectorizer.settings().items() if key != "singleton_start"}
    assert TaggingVectorizer.load(tmp_path, settings).singleton_start is None
