import numpy as np
import pytest
import tensorflow as tf

from seqkit.data.text_tokenizers import (
    CharTokenizer,
    SubwordTokenizer,
    WordTokenizer,
    build_tokenizer,
    join_glued,
    load_tokenizer,
)

TEXTS = [
    "Two young, White males are outside near many bushes.",
    'A man\'s "red" hat (big)!',
    "Zwei  Männer sind im Freien, nicht drinnen.",
    "Ein Mädchen – 3,5 Jahre alt – spielt.",
    "L'homme porte un chapeau : il fait beau.",
]


@pytest.mark.parametrize("kind", ["char", "word", "subword"])
def test_decode_of_encode_restores_the_text_with_its_spacing(kind):
    tokenizer = build_tokenizer(kind, TEXTS * 5, max_size=400)
    for text in TEXTS:
        expected = " ".join(text.split())  # runs of spaces become one
        assert tokenizer.decode(tokenizer.encode(text)) == expected
        assert tokenizer.detokenize(tokenizer.tokens(text)) == expected


@pytest.mark.parametrize("kind", ["char", "word", "subword"])
def test_tensorflow_ops_give_the_python_ids_and_texts(kind):
    tokenizer = build_tokenizer(kind, TEXTS[:3] * 5, max_size=60)  # small: unknown tokens and pieces
    module = tokenizer.tf_module()
    ids = module.encode(tf.constant(TEXTS + ["", "   "]))
    assert ids.to_list() == [tokenizer.encode(text) for text in TEXTS + ["", "   "]]
    vocabulary = tokenizer.vocabulary
    # Decoding stops at <EOS> and drops <PAD>/<BOS>, as in Python.
    rows = [[vocabulary.bos_id] + tokenizer.encode(text) + [vocabulary.eos_id, 5, 6] for text in TEXTS]
    width = max(map(len, rows))
    padded = np.array([row + [0] * (width - len(row)) for row in rows], np.int32)
    texts = [text.decode("utf-8") for text in module.decode(tf.constant(padded)).numpy()]
    assert texts == [tokenizer.decode(row) for row in padded]


def test_word_tokens_mark_what_is_glued_to_the_previous_token():
    tokenizer = WordTokenizer.build(TEXTS)
    assert tokenizer.tokens("Hello, world.") == ["Hello", "##,", "world", "##."]
    assert tokenizer.tokens("(big)!") == ["(", "##big", "##)", "##!"]
    assert join_glued(["##x", "y"]) == "x y"
    unknown = tokenizer.encode("Zebras, too.")
    assert unknown[0] == tokenizer.vocabulary.unk_id and tokenizer.decode(unknown) == "<UNK>, <UNK>."


def test_char_tokens_keep_spaces_and_lowercase_is_applied_in_both_paths():
    tokenizer = CharTokenizer.build(["3 Mai 2021"], lowercase=True)
    assert tokenizer.tokens("3  MAI") == ["3", " ", "m", "a", "i"]
    assert tokenizer.tf_module().encode(tf.constant(["3  MAI"])).to_list() == [tokenizer.encode("3  MAI")]


def test_subword_pieces_continue_inside_chunks():
    tokenizer = SubwordTokenizer.build(["playing played plays player."] * 30 + ["runs running"] * 30, max_size=40)
    pieces = tokenizer.tokens("playing running.")
    # A piece without `##` starts each of the two chunks; the rest continue them (the full stop included).
    assert [piece.startswith("##") for piece in pieces].count(False) == 2 and len(pieces) > 2
    assert tokenizer.detokenize(pieces) == "playing running."
    assert len(tokenizer.vocabulary) <= 40


@pytest.mark.parametrize("kind", ["char", "word", "subword"])
def test_save_and_load_round_trip(kind, tmp_path):
    tokenizer = build_tokenizer(kind, TEXTS, max_size=300, lowercase=True)
    tokenizer.save(tmp_path / "vocabulary.txt")
    loaded = load_tokenizer(tmp_path / "vocabulary.txt", tokenizer.settings())
    assert type(loaded) is type(tokenizer) and loaded.lowercase
    assert [loaded.encode(text) for text in TEXTS] == [tokenizer.encode(text) for text in TEXTS]


def test_bad_arguments():
    with pytest.raises(ValueError, match="`kind` must be one of"):
        build_tokenizer("bpe", TEXTS, max_size=10)
    from seqkit.data.vocabulary import Vocabulary

    with pytest.raises(ValueError, match="must have <BOS> and <EOS>"):
        CharTokenizer(Vocabulary(["<PAD>", "<UNK>", "a"]))
