"""Raw text to WordPiece ids, in Python for training and in plain TensorFlow ops for serving.

Texts are split into words by `seqkit.data.word_splitting` (and lowercased with `lowercase`), as for word
models; each word is then cut into the longest pieces found in a WordPiece vocabulary, left to right: the
first piece as it is, the following ones with the `##` prefix ("unhappily" → "un", "##happi", "##ly"). A word
that cannot be cut that way, or is longer than `max_word_chars` characters, becomes `<UNK>`. The vocabulary is
learned from the training texts by keras-hub's `compute_word_piece_vocabulary`; the cutting is written here
twice, in Python and in plain TensorFlow ops (a `tf.while_loop` over piece positions, all distinct words of a
batch at once), so a SavedModel needs neither keras-hub nor tensorflow-text, and both give the same ids.
`max_length` keeps the first pieces of a long text; a text without words is one `<UNK>`.

Example:

>>> from seqkit.data.vocabulary import Vocabulary
>>> encoder = WordPieceEncoder(Vocabulary(["<PAD>", "<UNK>", "un", "happ", "##happ", "##y", "##ily", "!"]))
>>> encoder.tokens("Unhappily happy!")
['un', '##happ', '##ily', 'happ', '##y', '!']
"""

import pathlib

from seqkit.data.vocabulary import PAD, UNK, UNK_ID, Vocabulary
from seqkit.data.word_ids import TokenIdEncoding
from seqkit.data.word_splitting import split_whitespace, split_words

PIECES_FILE = "word_pieces.txt"
PREFIX = "##"
PRE_SPLITS = ("words", "whitespace")


class WordPieceEncoder(TokenIdEncoding):
    """Maps raw texts to WordPiece-id sequences with a fixed piece vocabulary.

    Args:
        words: the piece `Vocabulary` (continuation pieces start with `##`); called `words` like
            `WordIdEncoder.words`, so both encoders can be used alike.
        lowercase: whether words are lowercased before they are cut.
        max_length: the most pieces kept per text (the first ones), or None for all.
        max_word_chars: longer words become `<UNK>` without being cut.
        pre_split: `"words"` (words and punctuation apart, `seqkit.data.word_splitting`) or `"whitespace"`
            (whitespace-separated chunks are cut as they are, so pieces such as `"##."` keep the spacing of
            the text and `seqkit.data.text_tokenizers` can restore it exactly).
    """

    def __init__(self, words, lowercase=True, max_length=None, max_word_chars=50, pre_split="words"):
        if max_length is not None and (
            isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 1
        ):
            raise ValueError(f"`max_length` must be None or a positive integer. Received: max_length={max_length!r}")
        if not isinstance(max_word_chars, int) or max_word_chars < 1:
            raise ValueError(
                f"`max_word_chars` must be a positive integer. Received: max_word_chars={max_word_chars!r}"
            )
        if pre_split not in PRE_SPLITS:
            raise ValueError(f"`pre_split` must be one of {PRE_SPLITS}. Received: pre_split={pre_split!r}")
        self.pre_split = pre_split
        self.words = words
        self.lowercase = bool(lowercase)
        self.max_length = max_length
        self.max_word_chars = max_word_chars
        pieces = [token for token in words.tokens[2:]]
        self.max_piece_chars = max((len(p.removeprefix(PREFIX)) for p in pieces), default=1)

    @classmethod
    def build(cls, texts, *, max_size=10_000, lowercase=True, max_length=None, pre_split="words",
              reserved_tokens=(PAD, UNK), max_word_chars=50):
        """Learn a vocabulary of at most `max_size` pieces (`reserved_tokens` first, included) from `texts` (any
        iterable, read once) with keras-hub."""
        import tensorflow as tf
        from keras_hub.tokenizers import compute_word_piece_vocabulary

        probe = cls(Vocabulary([PAD, UNK]), lowercase=lowercase, pre_split=pre_split)
        # One streaming pass: keras-hub counts the words of the dataset as it reads it.
        seen = [0]

        def words():
            for text in texts:
                for word in probe._words(text):
                    seen[0] += 1
                    yield word

        dataset = tf.data.Dataset.from_generator(words, output_signature=tf.TensorSpec([], tf.string)).batch(4096)
        pieces = compute_word_piece_vocabulary(
            dataset, max_size, lowercase=False, strip_accents=False, split=False, reserved_tokens=list(reserved_tokens)
        )
        if not seen[0]:
            raise ValueError("`texts` must contain at least one word. Received: no words")
        return cls(
            Vocabulary(pieces), lowercase=lowercase, max_length=max_length, pre_split=pre_split,
            max_word_chars=max_word_chars,
        )

    def _words(self, text):
        words = split_whitespace(text) if self.pre_split == "whitespace" else split_words(text)
        return [word.lower() for word in words] if self.lowercase else words

    def cut(self, word):
        """The pieces of one word (`["<UNK>"]` when it cannot be cut)."""
        if len(word) > self.max_word_chars:
            return [UNK]
        pieces, start = [], 0
        while start < len(word):
            for end in range(min(len(word), start + self.max_piece_chars), start, -1):
                piece = word[start:end] if start == 0 else PREFIX + word[start:end]
                if piece in self.words:
                    pieces.append(piece)
                    start = end
                    break
            else:
                return [UNK]
        return pieces

    def tokens(self, text):
        """The pieces of `text`, truncated to `max_length`."""
        pieces = [piece for word in self._words(text) for piece in self.cut(word)]
        return pieces[: self.max_length] if self.max_length is not None else pieces

    # === Plain files in a run directory ===

    def save(self, directory):
        self.words.save(pathlib.Path(directory) / PIECES_FILE)

    def settings(self):
        """JSON settings stored in `config.json` beside `word_pieces.txt`."""
        return {
            "tokenizer": "wordpiece",
            "lowercase": self.lowercase,
            "max_length": self.max_length,
            "max_word_chars": self.max_word_chars,
            "pre_split": self.pre_split,
        }

    @classmethod
    def load(cls, directory, settings):
        words = Vocabulary.load(pathlib.Path(directory) / PIECES_FILE)
        return cls(
            words,
            lowercase=settings["lowercase"],
            max_length=settings["max_length"],
            max_word_chars=settings["max_word_chars"],
            pre_split=settings.get("pre_split", "words"),
        )

    # === TensorFlow ops for serving graphs ===

    def tf_lookup_table(self):
        """A static hash table from pieces to ids (-1 when absent), in plain TensorFlow."""
        import tensorflow as tf

        initializer = tf.lookup.KeyValueTensorInitializer(
            tf.constant(self.words.tokens, tf.string), tf.range(len(self.words), dtype=tf.int64)
        )
        return tf.lookup.StaticHashTable(initializer, default_value=-1)

    def tf_encode(self, texts, table):
        """Piece ids `(batch, T)` int32 from a `(batch,)` string tensor, as `encode_batch` gives them."""
        import tensorflow as tf

        per_text = self.tf_encode_ragged(texts, table)
        empty = tf.equal(per_text.row_lengths(), 0)
        unk = tf.RaggedTensor.from_row_lengths(
            tf.fill([tf.reduce_sum(tf.cast(empty, tf.int32))], tf.constant(UNK_ID, tf.int32)),
            tf.cast(empty, tf.int64),
        )
        return tf.concat([per_text, unk], axis=1).to_tensor(0)

    def tf_encode_ragged(self, texts, table):
        """Piece ids of a `(batch,)` string tensor as a ragged int32 `(batch, None)` tensor (`tokens`' ids)."""
        import tensorflow as tf

        from seqkit.data.word_splitting import tf_split_words

        words = tf.strings.split(texts) if self.pre_split == "whitespace" else tf_split_words(texts)
        if self.lowercase:
            words = tf.strings.lower(words, encoding="utf-8")
        distinct, index = tf.unique(words.flat_values)
        pieces = self._tf_cut(distinct, table)  # ragged (distinct words, pieces)
        per_word = tf.gather(pieces, index)  # ragged (words, pieces)
        per_text = tf.RaggedTensor.from_row_lengths(per_word, words.row_lengths()).merge_dims(1, 2)
        if self.max_length is not None:
            per_text = per_text[:, : self.max_length]
        return per_text

    def _tf_cut(self, words, table):
        """Greedy longest-match pieces of every word: a ragged int32 `(words, pieces)` tensor."""
        import tensorflow as tf

        lengths = tf.strings.length(words, unit="UTF8_CHAR")
        count = tf.shape(words)[0]
        sizes = tf.range(self.max_piece_chars, 0, -1)  # longest candidate first
        tiled = tf.tile(words[:, tf.newaxis], [1, self.max_piece_chars])

        def step(position, failed, steps, emitted):
            active = (position < lengths) & ~failed
            starts = tf.tile(position[:, tf.newaxis], [1, self.max_piece_chars])
            sizes_2d = tf.broadcast_to(sizes[tf.newaxis, :], tf.shape(starts))
            candidates = tf.strings.substr(tiled, starts, sizes_2d, unit="UTF8_CHAR")
            keys = tf.where(starts > 0, PREFIX + candidates, candidates)
            ids = tf.cast(table.lookup(keys), tf.int32)
            fits = (starts + sizes_2d <= lengths[:, tf.newaxis]) & (ids >= 0)
            # The first fitting candidate is the longest one.
            best = tf.argmax(tf.cast(fits, tf.int32), axis=1, output_type=tf.int32)
            found = tf.reduce_any(fits, axis=1)
            piece = tf.gather(ids, best, batch_dims=1)
            size = tf.gather(sizes, best)
            take = active & found
            emitted = emitted.write(steps, tf.where(take, piece, -1))
            failed = failed | (active & ~found)
            position = tf.where(take, position + size, position)
            return position, failed, steps + 1, emitted

        def running(position, failed, steps, emitted):
            return tf.reduce_any((position < lengths) & ~failed)

        _, failed, steps, emitted = tf.while_loop(
            running,
            step,
            (
                tf.zeros([count], tf.int32),
                lengths > self.max_word_chars,
                tf.constant(0),
                tf.TensorArray(tf.int32, size=0, dynamic_size=True, element_shape=[None]),
            ),
        )
        stacked = tf.transpose(tf.reshape(emitted.stack(), [steps, count]))  # (words, steps), -1 = no piece
        # A word that could not be cut is one <UNK>, even if some of its pieces were found.
        kept = tf.ragged.boolean_mask(stacked, (stacked >= 0) & ~failed[:, tf.newaxis])
        unknown = tf.RaggedTensor.from_row_lengths(
            tf.fill([tf.reduce_sum(tf.cast(failed, tf.int32))], tf.constant(UNK_ID, tf.int32)),
            tf.cast(failed, tf.int64),
        )
        return tf.concat([unknown, kept], axis=1)
