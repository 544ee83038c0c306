"""Tokenisation at character and word level, file reading and bad files."""

import pytest

from seqkit.apps.lm import encoding
from seqkit.apps.lm.text import detokenize, iter_sentences, iter_sequences, read_sequences, split_sentences, tokenize
from seqkit.errors import UserInputError


def test_char_level_keeps_inner_spaces_and_strips_the_ends():
    assert tokenize("  Ann Lee \n", "char") == ["A", "n", "n", " ", "L", "e", "e"]
    assert tokenize("Zoë", "char") == ["Z", "o", "ë"]


def test_word_level_splits_punctuation_and_detokenizes_back():
    tokens = tokenize("Speak, speak! Isn't it (quite) late?", "word")
    assert tokens == ["Speak", ",", "speak", "!", "Is", "n't", "it", "(", "quite", ")", "late", "?"]
    assert detokenize(tokens, "word") == "Speak, speak! Isn't it (quite) late?"
    assert detokenize(list("Ann Lee"), "char") == "Ann Lee"


def test_running_text_is_split_into_sentences_across_lines_and_paragraphs():
    lines = ["First Citizen:", "Before we proceed any further, hear", "me speak. All: Speak", "", "Resolved"]
    assert split_sentences(lines) == [
        ["First", "Citizen", ":", "Before", "we", "proceed", "any", "further", ",", "hear", "me", "speak", "."],
        ["All", ":", "Speak"],
        ["Resolved"],
    ]


def test_files_are_read_one_name_per_line_or_as_sentences(write_text):
    path = write_text("names.txt", "Aldra\r\n\n  Benn  \nCo Ra\n")
    assert read_sequences(path, "char") == [list("Aldra"), list("Benn"), list("Co Ra")]
    path = write_text("text.txt", "The cat sat. The dog\nran!\n")
    assert read_sequences(path, "word") == [["The", "cat", "sat", "."], ["The", "dog", "ran", "!"]]


@pytest.mark.parametrize(
    "content, level, message",
    [
        ("", "char", r"empty\.txt: the file is empty"),
        ("\n  \n", "word", r"empty\.txt: the file is empty"),
        (b"ok\nPK\x03\x04\x00\x00", "char", r"empty\.txt:2: this looks like a binary file"),
        (b"caf\xe9\n", "char", r"empty\.txt:1: the file is not valid UTF-8"),
        ("... !!\n-- ?\n", "word", r"no sentence with a word .* at --level word"),
    ],
)
def test_bad_files_are_user_errors_naming_the_file(write_text, content, level, message):
    with pytest.raises(UserInputError, match=message):
        read_sequences(write_text("empty.txt", content), level)
    with pytest.raises(UserInputError, match=message):
        list(iter_sequences(write_text("empty.txt", content), level))


@pytest.mark.parametrize("level", ["char", "word"])
def test_streamed_sequences_are_the_sequences_read(write_text, level):
    path = write_text("text.txt", "\ufeffThe cat  sat. The dog\r\n\nran!\rBig Ben\n\n")
    assert list(iter_sequences(path, level)) == read_sequences(path, level)
    assert len(read_sequences(path, level)) == {"char": 3, "word": 4}[level]


def test_sentences_are_yielded_as_the_lines_arrive():
    def lines():
        yield "One. Two"
        raise AssertionError("read past the first sentence")

    assert next(iter_sentences(lines())) == ["One", "."]
    long_line = " ".join(["w"] * 450)
    assert [len(sentence) for sentence in iter_sentences([long_line, "", "x"])] == [200, 200, 50, 1]
    assert split_sentences([long_line]) == list(iter_sentences([long_line]))


@pytest.mark.parametrize("level", ["char", "word"])
def test_sequences_are_read_a_line_at_a_time(write_text, level):
    path = write_text("text.txt", b"Aldra.\n" + b"Benn.\n" * 2000 + b"PK\x03\x04\x00\n")
    sequences = iter_sequences(path, level)
    assert next(sequences) == (list("Aldra.") if level == "char" else ["Aldra", "."])
    with pytest.raises(UserInputError, match=r"text\.txt:2002: this looks like a binary file"):
        list(sequences)


def test_sequences_are_framed_with_bos_and_eos_and_rare_tokens_become_unk():
    vocabulary = encoding.build_vocabulary([list("aab"), list("ac")], vocab_size=6, min_count=1)
    assert vocabulary.tokens == ["<PAD>", "<UNK>", "<BOS>", "<EOS>", "a", "b"]
    ids = encoding.encode(vocabulary, list("acb"))
    assert ids == [2, 4, 1, 5, 3]
    example = encoding.training_example(ids)
    assert example["token_ids"].tolist() == [2, 4, 1, 5]
    assert example["targets"].tolist() == [4, 1, 5, 3]
    with pytest.raises(UserInputError, match="no token is seen at least 3 times"):
        encoding.build_vocabulary([list("ab")], vocab_size=10, min_count=3)


def test_output_layer_memory_is_reported_for_a_100k_vocabulary():
    size = encoding.output_layer_size(100_000, 256, batch_size=32)
    assert size["parameters"] == 257 * 100_000
    assert size["weights_mib"] == pytest.approx(257 * 100_000 * 4 / 2**20, abs=0.01)
    assert size["logits_per_step_mib"] == pytest.approx(32 * 100_000 * 4 / 2**20, abs=0.01)
