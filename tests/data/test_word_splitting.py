import pytest

from seqkit.data.word_splitting import split_words, split_words_with_offsets, tf_split_words

SENTENCES = [
    "Angela Merkel visited Paris, France.",
    "Mr. Smith's firm paid $1,000 in the U.S. today.",
    "I don't know what they'll do.",
    "'Hello' she said: \"go!\" (quickly)",
    "Zürich, 10:30 — e-mail AT&T 3.5% ok...",
    "  leading and   trailing spaces  ",
    "Dr. No met Mrs. Robinson in St. Louis.",
    "EU rejects German call to boycott British lamb.",
    "",
    "Peter Blackburn",
    "non\u00a0breaking\u2003spaces stay inside words",
    "São Paulo's mayor, José, met Ms. Öztürk.",
]


@pytest.mark.parametrize(
    "text, words",
    [
        ("Angela Merkel visited Paris, France.", ["Angela", "Merkel", "visited", "Paris", ",", "France", "."]),
        ("the U.S. economy grew 3.5% in 2024", ["the", "U.S.", "economy", "grew", "3.5", "%", "in", "2024"]),
        ("Smith's $1,000 e-mail", ["Smith", "'s", "$", "1,000", "e-mail"]),
        ("They can't go.", ["They", "ca", "n't", "go", "."]),
        ("Mr. Jones (CEO) said: yes!", ["Mr.", "Jones", "(", "CEO", ")", "said", ":", "yes", "!"]),
        ("", []),
        ("   ", []),
    ],
)
def test_split_words(text, words):
    assert split_words(text) == words


@pytest.mark.parametrize("text", SENTENCES)
def test_offsets_point_at_the_words(text):
    for word, start, end in split_words_with_offsets(text):
        assert text[start:end] == word


def test_tensorflow_graph_splits_exactly_like_python():
    import tensorflow as tf

    graph_words = tf.function(tf_split_words)(tf.constant(SENTENCES)).to_list()
    assert [[w.decode("utf-8") for w in words] for words in graph_words] == [split_words(s) for s in SENTENCES]
