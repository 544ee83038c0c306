"""Raw text to word ids for many-to-one models, in Python for training and in TensorFlow ops for serving.

Words come from `seqkit.data.word_splitting` (punctuation stands apart, clitics such as "n't" split off,
"U.S." and "3.5" stay whole); with `lowercase` they are lowercased (`str.lower` in Python,
`tf.strings.lower(..., encoding="utf-8")` in graphs), then looked up in a `Vocabulary` (unknown words →
`<UNK>`, id 1; id 0 is padding). Texts longer than `max_length` words keep their first `max_length` words;
a text with no word at all is one `<UNK>`, so every text gives at least one step.

Example:

>>> encoder = WordIdEncoder.build(["Great phone!", "Bad phone."])
>>> encoder.words.tokens
['<PAD>', '<UNK>', 'phone', '!', '.', 'bad', 'great']
>>> encoder.encode("GREAT phone, really!").tolist()
[6, 2, 1, 1, 3]
"""

import pathlib

import numpy as np

from seqkit.data.vocabulary import UNK_ID, Vocabulary
from seqkit.data.word_splitting import split_words

WORDS_FILE = "words.txt"


class TokenIdEncoding:
    """Shared by the text encoders: ids of one text and padded batches, from `self.tokens(text)` and `self.words`."""

    def encode(self, text):
        """Token ids `(T,)` int32 of one text, T >= 1 (an empty text gives `[<UNK>]`)."""
        ids = self.words.encode(self.tokens(text)) or [UNK_ID]
        return np.asarray(ids, dtype=np.int32)

    def encode_batch(self, texts):
        """Token ids `(batch, longest)` int32 of several texts, padded with 0."""
        encoded = [self.encode(text) for text in texts]
        batch = np.zeros((len(encoded), max((len(ids) for ids in encoded), default=1)), dtype=np.int32)
        for row, ids in enumerate(encoded):
            batch[row, : len(ids)] = ids
        return batch


class WordIdEncoder(TokenIdEncoding):
    """Maps raw texts to word-id sequences with a fixed vocabulary.

    Args:
        words: the word `Vocabulary` (of lowercased words when `lowercase`).
        lowercase: whether words are lowercased before the lookup.
        max_length: the most words kept per text (the first ones), or None for all.
    """

    def __init__(self, words, lowercase=True, max_length=None):
        if max_length is not None and (
            isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 1
        ):
            raise ValueError(f"`max_length` must be None or a positive integer. Received: max_length={max_length!r}")
        self.words = words
        self.lowercase = bool(lowercase)
        self.max_length = max_length

    @classmethod
    def build(cls, texts, *, max_size=10_000, min_count=1, lowercase=True, max_length=None):
        """Count the words of `texts` and keep the `max_size` most frequent (specials included)."""
        probe = cls(Vocabulary(["<PAD>", "<UNK>"]), lowercase=lowercase, max_length=max_length)
        words = Vocabulary.build((probe.tokens(text) for text in texts), max_size=max_size, min_count=min_count)
        return cls(words, lowercase=lowercase, max_length=max_length)

    def tokens(self, text):
        """The words of `text` as looked up (lowercased when `lowercase`, truncated to `max_length`)."""
        words = split_words(text)
        if self.max_length is not None:
            words = words[: self.max_length]
        return [word.lower() for word in words] if self.lowercase else words

    def coverage(self, texts):
        """Fraction of the words of `texts` found in the vocabulary."""
        return self.words.coverage(self.tokens(text) for text in texts)

    # === Plain files in a run directory ===

    def save(self, directory):
        self.words.save(pathlib.Path(directory) / WORDS_FILE)

    def settings(self):
        """JSON settings stored in `config.json` beside `words.txt`."""
        return {"tokenizer": "word", "lowercase": self.lowercase, "max_length": self.max_length}

    @classmethod
    def load(cls, directory, settings):
        words = Vocabulary.load(pathlib.Path(directory) / WORDS_FILE)
        return cls(words, lowercase=settings["lowercase"], max_length=settings["max_length"])

    # === TensorFlow ops for serving graphs ===

    def tf_lookup_table(self):
        """A static hash table from words to ids (unknown → `<UNK>`), in plain TensorFlow."""
        import tensorflow as tf

        initializer = tf.lookup.KeyValueTensorInitializer(
            tf.constant(self.words.tokens, tf.string), tf.range(len(self.words), dtype=tf.int64)
        )
        return tf.lookup.StaticHashTable(initializer, default_value=UNK_ID)

    def tf_encode(self, texts, table):
        """Word ids `(batch, T)` int32 from a `(batch,)` string tensor, as `encode_batch` gives them."""
        import tensorflow as tf

        from seqkit.data.word_splitting import tf_split_words

        words = tf_split_words(texts)
        if self.max_length is not None:
            words = words[:, : self.max_length]
        if self.lowercase:
            words = tf.strings.lower(words, encoding="utf-8")
        ids = tf.cast(tf.ragged.map_flat_values(table.lookup, words), tf.int32)
        # A text without words is one <UNK>, as in Python.
        empty = tf.equal(ids.row_lengths(), 0)
        unk = tf.RaggedTensor.from_row_lengths(
            tf.fill([tf.reduce_sum(tf.cast(empty, tf.int32))], tf.constant(UNK_ID, tf.int32)),
            tf.cast(empty, tf.int64),
        )
        return tf.concat([ids, unk], axis=1).to_tensor(0)
