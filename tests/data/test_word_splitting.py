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


CONVENTION_CASES = [
    ("Smith's car.", ["Smith", "'s", "car", "."]),
    (
        "They're here, we've left; I'd go",
        ["They", "'re", "here", ",", "we", "'ve", "left", ";", "I", "'d", "go"],
    ),
    ("don't CAN'T won’t", ["do", "n't", "CA", "N'T", "wo", "n’t"]),
    ("O'Neil's mother-in-law", ["O'Neil", "'s", "mother-in-law"]),
    ("the U.S. and U.K., e.g. today", ["the", "U.S.", "and", "U.K.", ",", "e.g.", "today"]),
    (
        "Mr. and Mrs. Lee of Acme Inc. met Dr. Wu.",
        ["Mr.", "and", "Mrs.", "Lee", "of", "Acme", "Inc.", "met", "Dr.", "Wu", "."],
    ),
    ("J. R. Tolkien wrote", ["J.", "R.", "Tolkien", "wrote"]),
    ("rose 3.5% to 1,000,000 at 10:30", ["rose", "3.5", "%", "to", "1,000,000", "at", "10:30"]),
    ("$12.50 (about 1/2)", ["$", "12.50", "(", "about", "1/2", ")"]),
    ("the 1990s, 3rd COVID-19 wave", ["the", "1990s", ",", "3rd", "COVID-19", "wave"]),
    ("AT&T and R&D", ["AT&T", "and", "R&D"]),
    ('"Quoted," she said...', ['"', "Quoted", ",", '"', "she", "said", "..."]),
    ("wait -- no", ["wait", "--", "no"]),
    (
        "Write to jo.doe+news@mail.example.org.",
        ["Write", "to", "jo.doe+news@mail.example.org", "."],
    ),
    (
        "See https://example.com/a?b=1&c=2, or www.example.org.",
        ["See", "https://example.com/a?b=1&c=2", ",", "or", "www.example.org", "."],
    ),
    ("Zürich, São Paulo and Łódź", ["Zürich", ",", "São", "Paulo", "and", "Łódź"]),
    ("東京都 «Kyiv» “smart”", ["東京都", "«", "Kyiv", "»", "“", "smart", "”"]),
    ("Zinc. Co.", ["Zinc", ".", "Co."]),
    ("", []),
    ("  \n\t ", []),
]


@pytest.mark.parametrize("text, words", CONVENTION_CASES)
def test_split_words_conventions(text, words):
    assert split_words(text) == words


def test_combining_marks_and_virama_stay_inside_words():
    assert split_words("Cafe\u0301 Mu\u0308ller") == ["Cafe\u0301", "Mu\u0308ller"]
    assert split_words("\u0939\u093f\u0928\u094d\u0926\u0940 \u092d\u093e\u0937\u093e") == [
        "\u0939\u093f\u0928\u094d\u0926\u0940", "\u092d\u093e\u0937\u093e"]


@pytest.mark.parametrize("text", SENTENCES)
def test_offsets_point_at_the_words(text):
    for word, start, end in split_words_with_offsets(text):
        assert text[start:end] == word


def test_tensorflow_graph_splits_exactly_like_python():
    import tensorflow as tf

    texts = SENTENCES + [case[0] for case in CONVENTION_CASES]
    graph_words = tf.function(tf_split_words)(tf.constant(texts)).to_list()
    assert [[w.decode("utf-8") for w in words] for words in graph_words] == [split_words(t) for t in texts]
