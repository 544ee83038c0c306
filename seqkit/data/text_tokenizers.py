"""Reversible tokenisers for generated text: characters, words or sub-words, in Python and in TensorFlow ops.

A model that writes text (a translation) needs its tokens turned back into text with the spacing of the
language. These tokenisers keep the spacing in the tokens themselves, so detokenisation is exact (up to runs
of whitespace, which become one space):

- `"char"`: one token per character, the space included;
- `"word"`: words and punctuation apart (`seqkit.data.word_splitting`), a token glued to the one before it
  (no space between them in the text) marked with a leading `##`: "Hello, world." → `Hello`, `##,`, `world`,
  `##.`; rare words become `<UNK>`;
- `"subword"`: WordPiece pieces learned from the training texts (keras-hub's learner) over whitespace-separated
  chunks, so continuation pieces (`##`) carry both the inside of words and the punctuation glued to them.

Every tokeniser owns a `Vocabulary` with `<PAD>`, `<UNK>`, `<BOS>` and `<EOS>`, encodes in Python
(`encode`, for training) and in plain TensorFlow ops (`tf_module()`, for SavedModels) with the same ids, and
decodes ids back to text.

Example:

>>> tokenizer = WordTokenizer.build(["Hello, world.", "Hello again!"])
>>> tokenizer.tokens("Hello, world.")
['Hello', '##,', 'world', '##.']
>>> tokenizer.decode(tokenizer.encode("Hello, world!"))
'Hello, world!'
"""

import pathlib
import re

from seqkit.data.vocabulary import BOS, EOS, PAD, UNK, Vocabulary

GLUE = "##"
KINDS = ("char", "word", "subword")
_SPACE_RUN = r"[ \t\n\r\f\v]+"


def normalize_spaces(text):
    """`text` with runs of ASCII whitespace as one space, stripped (as `tf_normalize_spaces` does)."""
    return re.sub(_SPACE_RUN, " ", text).strip(" ")


def tf_normalize_spaces(texts):
    import tensorflow as tf

    return tf.strings.strip(tf.strings.regex_replace(texts, _SPACE_RUN, " "))


def join_glued(tokens):
    """Text from tokens where a leading `##` means "no space before".

    Example:

    >>> join_glued(["Hello", "##,", "world", "##."])
    'Hello, world.'
    """
    parts = []
    for token in tokens:
        if token.startswith(GLUE) and len(token) > len(GLUE):
            parts.append(token[len(GLUE):])
        else:
            parts.append((" " if parts else "") + token)
    return "".join(parts)


def tf_join_glued(tokens):
    """`join_glued` of every row of a `(batch, T)` string tensor (`""` is padding) in plain TensorFlow ops."""
    import tensorflow as tf

    glued = tf.strings.regex_full_match(tokens, GLUE + ".+")
    body = tf.strings.regex_replace(tokens, "^" + GLUE, "")
    spaced = tf.where(glued | tf.equal(tokens, ""), body, " " + body)
    return tf.strings.regex_replace(tf.strings.reduce_join(spaced, axis=-1), "^ ", "")


class TextTokenizer:
    """Base class: a vocabulary, tokens of a text, ids, and the way back.

    Args:
        vocabulary: a `Vocabulary` with `<BOS>`/`<EOS>` (`bos_eos=True`).
        lowercase: whether texts are lowercased first.
    """

    kind = None

    def __init__(self, vocabulary, lowercase=False):
        if not vocabulary.bos_eos:
            raise ValueError("`vocabulary` must have <BOS> and <EOS>. Received: a vocabulary without them")
        self.vocabulary = vocabulary
        self.lowercase = bool(lowercase)

    def __len__(self):
        return len(self.vocabulary)

    @classmethod
    def build(cls, texts, *, max_size=10_000, min_count=1, lowercase=False):
        """Learn the vocabulary from `texts` (any iterable, read once): the `max_size` most frequent tokens
        (specials included) seen at least `min_count` times."""
        probe = cls(Vocabulary([PAD, UNK, BOS, EOS]), lowercase=lowercase)
        vocabulary = Vocabulary.build(
            (probe.tokens(text) for text in texts), max_size=max_size, min_count=min_count, bos_eos=True
        )
        return cls(vocabulary, lowercase=lowercase)

    # === Python ===

    def _prepare(self, text):
        text = normalize_spaces(text)
        return text.lower() if self.lowercase else text

    def tokens(self, text):
        """The tokens of `text` (strings; unknown ones as they are)."""
        raise NotImplementedError

    def encode(self, text):
        """The ids of `text`'s tokens (`<UNK>` for unknown ones), without `<BOS>`/`<EOS>`."""
        return self.vocabulary.encode(self.tokens(text))

    def detokenize(self, tokens):
        """The text of a token list."""
        return join_glued(tokens)

    def decode(self, ids):
        """The text of ids: up to the first `<EOS>`, without `<PAD>` and `<BOS>`."""
        ids = [int(i) for i in ids]
        if self.vocabulary.eos_id in ids:
            ids = ids[: ids.index(self.vocabulary.eos_id)]
        skip = (self.vocabulary.pad_id, self.vocabulary.bos_id)
        return self.detokenize(self.vocabulary.decode([i for i in ids if i not in skip]))

    # === Plain files ===

    def save(self, path):
        """Write the vocabulary (one token per line) to `path`."""
        self.vocabulary.save(path)

    def settings(self):
        """JSON settings that, with the vocabulary file, rebuild the tokeniser (`load_tokenizer`)."""
        return {"kind": self.kind, "lowercase": self.lowercase}

    # === TensorFlow ===

    def tf_tokens(self, texts):
        """The tokens of a `(batch,)` string tensor as a ragged `(batch, None)` string tensor."""
        raise NotImplementedError

    def tf_detokenize(self, tokens):
        """Texts `(batch,)` of a `(batch, T)` string tensor of tokens, `""` padded."""
        return tf_join_glued(tokens)

    def tf_module(self):
        """A `tf.Module` with `encode(texts) -> ragged int32 ids` and `decode(ids (batch, T)) -> texts`, whose
        lookup tables a SavedModel tracks; plain TensorFlow ops only."""
        return _TokenizerModule(self)


class CharTokenizer(TextTokenizer):
    """One token per character (spaces included).

    Example:

    >>> tokenizer = CharTokenizer.build(["3 May 2021"])
    >>> tokenizer.tokens("3 May")
    ['3', ' ', 'M', 'a', 'y']
    >>> tokenizer.decode(tokenizer.encode("2 May"))
    '2 May'
    """

    kind = "char"

    def tokens(self, text):
        return list(self._prepare(text))

    def detokenize(self, tokens):
        return "".join(tokens)

    def tf_tokens(self, texts):
        import tensorflow as tf

        texts = tf_normalize_spaces(texts)
        if self.lowercase:
            texts = tf.strings.lower(texts, encoding="utf-8")
        return tf.strings.unicode_split(texts, "UTF-8")

    def tf_detokenize(self, tokens):
        import tensorflow as tf

        return tf.strings.reduce_join(tokens, axis=-1)


class WordTokenizer(TextTokenizer):
    """Words and punctuation apart, `##` marking a token with no space before it (see the module docstring)."""

    kind = "word"

    def tokens(self, text):
        from seqkit.data.word_splitting import split_chunks

        return [
            (GLUE + word if position else word)
            for chunk in split_chunks(self._prepare(text))
            for position, word in enumerate(chunk)
        ]

    def tf_tokens(self, texts):
        import tensorflow as tf

        from seqkit.data.word_splitting import tf_split_chunks

        texts = tf_normalize_spaces(texts)
        if self.lowercase:
            texts = tf.strings.lower(texts, encoding="utf-8")
        chunks = tf_split_chunks(texts)  # (batch, chunks, words)
        words = chunks.values  # (chunks, words)
        glued = tf.ragged.map_flat_values(tf.greater, tf.ragged.range(words.row_lengths()), 0)
        marked = tf.ragged.map_flat_values(
            lambda w, g: tf.where(g, GLUE + w, w), words, glued
        )
        return chunks.with_values(marked).merge_dims(1, 2)


class SubwordTokenizer(TextTokenizer):
    """WordPiece pieces of whitespace-separated chunks (see the module docstring).

    Args:
        vocabulary: the piece `Vocabulary` (with `<BOS>`/`<EOS>`).
        lowercase: whether texts are lowercased first.
        max_chunk_chars: longer chunks (a URL, a run of symbols) become one `<UNK>`.
    """

    kind = "subword"

    def __init__(self, vocabulary, lowercase=False, max_chunk_chars=100):
        from seqkit.data.word_pieces import WordPieceEncoder

        super().__init__(vocabulary, lowercase)
        self.pieces = WordPieceEncoder(
            vocabulary, lowercase=lowercase, max_word_chars=max_chunk_chars, pre_split="whitespace"
        )

    @classmethod
    def build(cls, texts, *, max_size=8000, min_count=1, lowercase=False, max_chunk_chars=100):
        from seqkit.data.word_pieces import WordPieceEncoder

        encoder = WordPieceEncoder.build(
            (normalize_spaces(text) for text in texts),
            max_size=max_size,
            lowercase=lowercase,
            pre_split="whitespace",
            reserved_tokens=(PAD, UNK, BOS, EOS),
            max_word_chars=max_chunk_chars,
        )
        return cls(encoder.words, lowercase=lowercase, max_chunk_chars=max_chunk_chars)

    def tokens(self, text):
        return self.pieces.tokens(normalize_spaces(text))

    def settings(self):
        return {**super().settings(), "max_chunk_chars": self.pieces.max_word_chars}

    def tf_tokens(self, texts):
        import tensorflow as tf

        table = _piece_table(self.vocabulary)
        ids = self.pieces.tf_encode_ragged(tf_normalize_spaces(texts), table)
        return tf.ragged.map_flat_values(tf.gather, tf.constant(self.vocabulary.tokens), ids)


def _piece_table(vocabulary):
    import tensorflow as tf

    initializer = tf.lookup.KeyValueTensorInitializer(
        tf.constant(vocabulary.tokens, tf.string), tf.range(len(vocabulary), dtype=tf.int64)
    )
    return tf.lookup.StaticHashTable(initializer, default_value=-1)


_CLASSES = {"char": CharTokenizer, "word": WordTokenizer, "subword": SubwordTokenizer}


def build_tokenizer(kind, texts, *, max_size, min_count=1, lowercase=False):
    """A tokeniser of `kind` learned from `texts` (any iterable, read once).

    Example:

    >>> build_tokenizer("char", ["ab", "ba"], max_size=10).vocabulary.tokens
    ['<PAD>', '<UNK>', '<BOS>', '<EOS>', 'a', 'b']
    """
    if kind not in _CLASSES:
        raise ValueError(f"`kind` must be one of {KINDS}. Received: kind={kind!r}")
    if kind == "subword":
        return SubwordTokenizer.build(texts, max_size=max_size, lowercase=lowercase)
    return _CLASSES[kind].build(texts, max_size=max_size, min_count=min_count, lowercase=lowercase)


def load_tokenizer(path, settings):
    """The tokeniser of a vocabulary file and its `settings()`."""
    kind = settings["kind"]
    if kind not in _CLASSES:
        raise ValueError(f"`settings['kind']` must be one of {KINDS}. Received: kind={kind!r}")
    vocabulary = Vocabulary.load(pathlib.Path(path))
    extra = {"max_chunk_chars": settings.get("max_chunk_chars", 100)} if kind == "subword" else {}
    return _CLASSES[kind](vocabulary, lowercase=settings.get("lowercase", False), **extra)


class _TokenizerModule:
    """Built lazily as a `tf.Module` subclass (this file imports no TensorFlow at import time)."""

    def __new__(cls, tokenizer):
        import tensorflow as tf

        class TokenizerModule(tf.Module):
            def __init__(self):
                super().__init__(name=f"{tokenizer.kind}_tokenizer")
                vocabulary = tokenizer.vocabulary
                self.token_names = tf.constant(vocabulary.tokens, tf.string)
                initializer = tf.lookup.KeyValueTensorInitializer(
                    self.token_names, tf.range(len(vocabulary), dtype=tf.int64)
                )
                self.table = tf.lookup.StaticHashTable(initializer, default_value=vocabulary.unk_id)
                if isinstance(tokenizer, SubwordTokenizer):
                    self.piece_table = tf.lookup.StaticHashTable(initializer, default_value=-1)
                self.eos_id, self.pad_id, self.bos_id = vocabulary.eos_id, vocabulary.pad_id, vocabulary.bos_id

            def encode(self, texts):
                if isinstance(tokenizer, SubwordTokenizer):
                    return tokenizer.pieces.tf_encode_ragged(tf_normalize_spaces(texts), self.piece_table)
                pieces = tokenizer.tf_tokens(texts)
                return tf.cast(tf.ragged.map_flat_values(self.table.lookup, pieces), tf.int32)

            def decode(self, ids):
                ids = tf.cast(ids, tf.int32)
                before_eos = tf.equal(tf.cumsum(tf.cast(tf.equal(ids, self.eos_id), tf.int32), axis=1), 0)
                keep = before_eos & tf.not_equal(ids, self.pad_id) & tf.not_equal(ids, self.bos_id)
                names = tf.where(keep, tf.gather(self.token_names, ids), "")
                return tokenizer.tf_detokenize(names)

        return TokenizerModule()
