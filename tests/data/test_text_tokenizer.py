import random

import pytest

from seqkit.data.text_tokenizer import entities_from_tags, tokenize_with_offsets


def _tokens(text):
    return [token for token, _, _ in tokenize_with_offsets(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
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
    ],
)
def test_tokens(text, expected):
    assert _tokens(text) == expected


def test_combining_marks_stay_inside_words():
    decomposed = "Cafe\u0301 Mu\u0308ller"  # e + combining acute, u + combining diaeresis
    assert _tokens(decomposed) == ["Cafe\u0301", "Mu\u0308ller"]
    assert _tokens("हिन्दी भाषा") == ["हिन्दी", "भाषा"]


def test_offsets_cover_every_non_space_character():
    rng = random.Random(3)
    alphabet = "ab Z.,'-&:/$%é\u0301n't U.S. 3.5 1,000 Mr. ()\"\n"
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        result = tokenize_with_offsets(text)
        covered = []
        previous_end = 0
        for token, start, end in result:
            assert text[start:end] == token
            assert start >= previous_end and end > start
            assert text[previous_end:start].strip() == ""
            assert token.strip() == token
            covered.append(token)
            previous_end = end
        assert text[previous_end:].strip() == ""
        assert "".join(covered) == "".join(text.split())


def test_entities_from_tags():
    text = "Ada Lovelace met Charles  Babbage in London's fog."
    offsets = tokenize_with_offsets(text)
    assert [t for t, _, _ in offsets] == [
        "Ada",
        "Lovelace",
        "met",
        "Charles",
        "Babbage",
        "in",
        "London",
        "'s",
        "fog",
        ".",
    ]
    tags = ["B-PER", "I-PER", "O", "B-PER", "I-PER", "O", "B-LOC", "O", "O", "O"]
    assert entities_from_tags(text, offsets, tags) == [
        {"text": "Ada Lovelace", "type": "PER", "start": 0, "end": 12},
        {"text": "Charles  Babbage", "type": "PER", "start": 17, "end": 33},
        {"text": "London", "type": "LOC", "start": 37, "end": 43},
    ]
    # (start, end) pairs and other schemes work too; a stray I- starts an entity.
    pairs = [(start, end) for _, start, end in offsets]
    bioes = ["B-PER", "E-PER", "O", "O", "O", "O", "S-LOC", "O", "O", "O"]
    assert [e["text"] for e in entities_from_tags(text, pairs, bioes, scheme="bioes")] == [
        "Ada Lovelace",
        "London",
    ]
    stray = ["O", "I-PER", "O", "O", "O", "O", "O", "O", "O", "O"]
    assert entities_from_tags(text, pairs, stray) == [
        {"text": "Lovelace", "type": "PER", "start": 4, "end": 12}
    ]


def test_errors():
    with pytest.raises(ValueError, match="Received: 1 offsets and 2 tags"):
        entities_from_tags("a", [("a", 0, 1)], ["O", "O"])
    with pytest.raises(TypeError, match="`text` must be a str"):
        tokenize_with_offsets(b"bytes")
