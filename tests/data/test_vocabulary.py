import subprocess
import sys

import numpy as np
import pytest

from seqkit.data.vocabulary import Vocabulary
from seqkit.errors import UserInputError

CORPUS = [
    ["the", "cat", "sat"],
    ["the", "dog", "sat"],
    ["a", "cat", "the"],
]


def test_build_orders_by_count_then_token():
    vocab = Vocabulary.build(CORPUS)
    # the: 3, cat: 2, sat: 2, a: 1, dog: 1
    assert vocab.tokens == ["<PAD>", "<UNK>", "the", "cat", "sat", "a", "dog"]
    assert len(vocab) == 7
    assert (vocab.pad_id, vocab.unk_id) == (0, 1)
    assert vocab.bos_id is None and vocab.eos_id is None


def test_build_with_bos_eos_reserves_ids_2_and_3():
    vocab = Vocabulary.build(CORPUS, bos_eos=True)
    assert vocab.tokens[:5] == ["<PAD>", "<UNK>", "<BOS>", "<EOS>", "the"]
    assert (vocab.bos_id, vocab.eos_id) == (2, 3)
    assert vocab.encode(["the", "zebra"], add_bos_eos=True) == [2, 4, 1, 3]


def test_max_size_counts_the_specials():
    assert Vocabulary.build(CORPUS, max_size=4).tokens == [
        "<PAD>", "<UNK>", "the", "cat",
    ]
    assert len(Vocabulary.build(CORPUS, max_size=4, bos_eos=True)) == 4
    assert len(Vocabulary.build(CORPUS, max_size=None)) == 7
    assert len(Vocabulary.build(CORPUS, max_size=1000)) == 7


def test_min_count_drops_rare_tokens():
    vocab = Vocabulary.build(CORPUS, min_count=2)
    assert vocab.tokens == ["<PAD>", "<UNK>", "the", "cat", "sat"]
    assert vocab.encode(["dog"]) == [1]


def test_special_tokens_in_corpus_are_not_duplicated():
    vocab = Vocabulary.build([["<PAD>", "<UNK>", "<UNK>", "x"]])
    assert vocab.tokens == ["<PAD>", "<UNK>", "x"]


def test_build_consumes_a_generator_once():
    consumed = []

    def sentences():
        for sentence in CORPUS:
            consumed.append(sentence)
            yield iter(sentence)

    vocab = Vocabulary.build(sentences())
    assert len(consumed) == 3
    assert vocab == Vocabulary.build(CORPUS)


def test_string_sequences_build_a_character_vocabulary():
    vocab = Vocabulary.build(["abba", "cab"])
    assert vocab.tokens == ["<PAD>", "<UNK>", "a", "b", "c"]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"max_size": 1}, "`max_size` must be None or an integer of at least 2"),
        ({"max_size": 3, "bos_eos": True}, "at least 4"),
        ({"max_size": 2.5}, "Received: max_size=2.5"),
        ({"min_count": 0}, "`min_count` must be a positive integer. "
                           "Received: min_count=0"),
    ],
)
def test_build_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Vocabulary.build(CORPUS, **kwargs)


@pytest.mark.parametrize("token", ["", "a\nb", "a\rb"])
def test_build_rejects_tokens_that_cannot_be_saved(token):
    with pytest.raises(ValueError, match="non-empty and contain no line breaks"):
        Vocabulary.build([["ok", token]])


def test_constructor_validates_header_and_duplicates():
    with pytest.raises(ValueError, match="must start with"):
        Vocabulary(["a", "<UNK>"])
    with pytest.raises(ValueError, match="duplicates.*ids 2 and 3"):
        Vocabulary(["<PAD>", "<UNK>", "a", "a"])


def test_encode_decode_and_single_token_mapping():
    vocab = Vocabulary.build(CORPUS)
    assert vocab.encode(["the", "zebra", "dog", "<PAD>"]) == [2, 1, 6, 0]
    assert vocab.decode([2, 1, 6, 0]) == ["the", "<UNK>", "dog", "<PAD>"]
    assert vocab.decode(np.array([3, 4])) == ["cat", "sat"]
    assert vocab.token_to_id("cat") == 3
    assert vocab.token_to_id("zebra") == 1
    assert vocab.id_to_token(np.int64(5)) == "a"
    assert "cat" in vocab and "zebra" not in vocab
    for bad in (7, -1, 2.0, True):
        with pytest.raises(ValueError, match=r"must be an integer in \[0, 7\)"):
            vocab.id_to_token(bad)
    with pytest.raises(ValueError, match="bos_eos=True"):
        vocab.encode(["the"], add_bos_eos=True)


def test_coverage_counts_known_occurrences():
    vocab = Vocabulary.build(CORPUS, min_count=2)  # the, cat, sat
    assert vocab.coverage([["the", "dog"], ["cat", "cat", "x", "<UNK>"]]) == 0.5
    assert vocab.coverage(CORPUS) == pytest.approx(7 / 9)
    with pytest.raises(ValueError, match="at least one token"):
        vocab.coverage([[], []])


def test_save_load_round_trip_with_unusual_tokens(tmp_path):
    corpus = [["New York", "naïve", "日本", "tab\there", "#"], ["naïve"]]
    vocab = Vocabulary.build(corpus, bos_eos=True)
    path = tmp_path / "assets" / "vocab.txt"
    vocab.save(path)
    assert path.read_bytes() == (
        "<PAD>\n<UNK>\n<BOS>\n<EOS>\nnaïve\n#\nNew York\ntab\there\n日本\n"
    ).encode()
    loaded = Vocabulary.load(path)
    assert loaded == vocab
    assert loaded.bos_eos
    assert loaded.encode(["New York", "?"]) == [6, 1]


def test_load_accepts_crlf_and_missing_final_newline(tmp_path):
    path = tmp_path / "v.txt"
    path.write_bytes(b"<PAD>\r\n<UNK>\r\nx")
    assert Vocabulary.load(path).tokens == ["<PAD>", "<UNK>", "x"]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", r"v\.txt: vocabulary file is empty"),
        (b"\n", r"v\.txt: vocabulary file is empty"),
        (b"<PAD>\n<UNK>\na\nb\na\n", r"v\.txt:5: duplicate token 'a' "
                                     r"\(first seen on line 3\)"),
        (b"<PAD>\n<UNK>\na\n\nb\n", r"v\.txt:4: empty line"),
        (b"the\ncat\n", r"v\.txt:1: expected the reserved token '<PAD>'"),
        (b"<PAD>\n", r"v\.txt:2: expected the reserved token '<UNK>', "
                     r"found 'end of file'"),
        (b"<PAD>\n<UNK>\n\xff\n", r"v\.txt:3: vocabulary file is not valid UTF-8"),
    ],
)
def test_load_reports_bad_files(tmp_path, content, message):
    path = tmp_path / "v.txt"
    path.write_bytes(content)
    with pytest.raises(UserInputError, match=message):
        Vocabulary.load(path)


def test_load_missing_file(tmp_path):
    with pytest.raises(UserInputError, match=r"nope\.txt: vocabulary file not found"):
        Vocabulary.load(tmp_path / "nope.txt")


def test_import_does_not_load_tensorflow():
    code = (
        "import sys, seqkit.data.vocabulary;"
        "print(sorted(m for m in ('tensorflow', 'keras') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("bos_eos", [False, True])
def test_lookup_layer_gives_the_same_ids_as_encode(bos_eos):
    vocab = Vocabulary.build(CORPUS, bos_eos=bos_eos)
    batch = [
        ["the", "zebra", "cat", "<PAD>"],
        ["<UNK>", "dog", "a", "The"],
        ["<BOS>", "<EOS>", "sat", ""],
    ]
    ids = vocab.lookup_layer()(batch).numpy()
    assert ids.dtype == np.int64
    assert ids.tolist() == [vocab.encode(row) for row in batch]


def test_inverse_lookup_layer_matches_decode():
    vocab = Vocabulary.build(CORPUS, bos_eos=True)
    ids = np.arange(len(vocab))[None, :]
    tokens = vocab.inverse_lookup_layer()(ids).numpy()
    assert [t.decode() for t in tokens[0]] == vocab.decode(ids[0])
    out_of_range = vocab.inverse_lookup_layer()([len(vocab), 99]).numpy()
    assert out_of_range.tolist() == [b"<UNK>", b"<UNK>"]


def test_lookup_layer_config_round_trip_keeps_ids():
    import keras

    vocab = Vocabulary.build(CORPUS)
    layer = vocab.lookup_layer(name="token_lookup")
    clone = keras.layers.StringLookup.from_config(layer.get_config())
    assert clone.name == "token_lookup"
    assert clone.get_config() == layer.get_config()
    tokens = [["dog", "zebra", "the"]]
    assert clone(tokens).numpy().tolist() == layer(tokens).numpy().tolist()


def test_lookup_layers_work_inside_a_saved_model(tmp_path):
    import tensorflow as tf

    vocab = Vocabulary.build(CORPUS)

    class Module(tf.Module):
        def __init__(self):
            super().__init__()
            self.lookup = vocab.lookup_layer()
            self.inverse = vocab.inverse_lookup_layer()

        @tf.function(input_signature=[tf.TensorSpec([None, None], tf.string)])
        def __call__(self, tokens):
            ids = self.lookup(tokens)
            return {"ids": ids, "tokens": self.inverse(ids)}

    tf.saved_model.save(Module(), str(tmp_path / "sm"))
    del Module
    restored = tf.saved_model.load(str(tmp_path / "sm"))
    out = restored(tf.constant([["the", "zebra", "dog"]]))
    assert out["ids"].numpy().tolist() == [[2, 1, 6]]
    assert out["tokens"].numpy().tolist() == [[b"the", b"<UNK>", b"dog"]]


def test_100k_vocabulary_looks_up_without_one_hot():
    import tensorflow as tf

    size = 100_000
    corpus = ([f"w{i}"] * (1 + (i % 3)) for i in range(size - 2))
    vocab = Vocabulary.build(corpus, max_size=None)
    assert len(vocab) == size
    layer = vocab.lookup_layer()
    tokens = [["w0", "w99997", "unknown"], ["w1", "w2", "<PAD>"]]

    @tf.function(input_signature=[tf.TensorSpec([None, None], tf.string)])
    def lookup(batch):
        return layer(batch)

    ids = lookup(tf.constant(tokens))
    assert ids.shape == (2, 3)
    assert ids.numpy().tolist() == [vocab.encode(row) for row in tokens]
    graph = lookup.get_concrete_function().graph
    op_types = {op.type for op in graph.get_operations()}
    assert "OneHot" not in op_types
    # The largest tensor produced is the (batch, time) id matrix.
    for op in graph.get_operations():
        for output in op.outputs:
            if output.shape.rank is not None and output.shape.rank >= 2:
                assert size not in output.shape.as_list()
