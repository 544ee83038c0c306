"""Turn tagged sentences into model inputs, in Python for training and in TensorFlow ops for serving."""

import collections
import re

import numpy as np

from seqkit.data.atomic import atomic_write_text
from seqkit.data.vocabulary import UNK_ID, Vocabulary
from seqkit.errors import UserInputError

_DIGIT = re.compile(r"[0-9]")
WORDS_FILE = "words.txt"
CHARS_FILE = "chars.txt"
TAGS_FILE = "tags.txt"


class TaggingVectorizer:
    """Maps words to word ids and character ids, and tags to tag ids.

    Word ids are looked up on a normalised form of each word (lowercased when `lowercase`, every ASCII digit
    replaced by `0`), so "Paris", "PARIS" and "paris" share an embedding and numbers share a few. The character
    ids keep the original spelling, so the character encoder still sees capitals — the strongest single cue
    for names. Unknown words and characters map to `<UNK>` (id 1); id 0 is padding.

    Args:
        words: the word `Vocabulary` (of normalised words).
        tags: the list of tag strings; a tag's id is its index.
        chars: the character `Vocabulary`, or None for no character features.
        lowercase: whether words are lowercased before the word lookup.
        max_word_length: characters kept per word for the character encoder.
        singleton_start: the first word id of the words seen once in training (ids follow the counts, so
            every id from it on is such a word; `len(words)` when there are none), or None when unknown.
            Word dropout (`sequence_tagger(word_dropout_min_id=...)`) replaces those words by `<UNK>`.

    Example:

    >>> from seqkit.data.conll import TaggedSentence
    >>> corpus = [TaggedSentence(["Ann", "met", "Bob"], ["B-PER", "O", "B-PER"], line=1)]
    >>> vectorizer = TaggingVectorizer.build(corpus)
    >>> vectorizer.tags
    ['O', 'B-PER']
    >>> vectorizer.encode_tokens(["Bob", "met", "Zoe"])["token_ids"].tolist()
    [3, 4, 1]
    """

    def __init__(self, words, tags, chars=None, lowercase=True, max_word_length=30, singleton_start=None):
        if not tags:
            raise ValueError("`tags` must not be empty. Received: tags=[]")
        if max_word_length < 1:
            raise ValueError(f"`max_word_length` must be a positive integer. Received: max_word_length={max_word_length}")
        self.words = words
        self.chars = chars
        self.tags = list(tags)
        self.lowercase = lowercase
        self.max_word_length = max_word_length
        self.singleton_start = singleton_start
        self._tag_ids = {tag: index for index, tag in enumerate(self.tags)}

    @classmethod
    def build(cls, sentences, *, max_size=10_000, min_count=1, char_features=True, lowercase=True, max_word_length=30):
        """Build the vocabularies and tag list in one pass over training sentences (objects with `tokens` and
        `tags`; a generator over a large file is fine: only the counts are kept)."""
        probe = cls(Vocabulary(["<PAD>", "<UNK>"]), ["O"], lowercase=lowercase)
        word_counts, char_counts, tag_set = collections.Counter(), collections.Counter(), set()
        for sentence in sentences:
            word_counts.update(probe.normalize(token) for token in sentence.tokens)
            if char_features:
                for token in sentence.tokens:
                    char_counts.update(token)
            tag_set.update(sentence.tags)
        words = Vocabulary.build([word_counts], max_size=max_size, min_count=min_count)
        chars = Vocabulary.build([char_counts], max_size=None) if char_features else None
        tags = ["O"] + sorted(tag_set - {"O"}, key=lambda tag: (tag[2:], tag))
        tokens = words.tokens
        singleton_start = next((i for i in range(2, len(tokens)) if word_counts[tokens[i]] <= 1), len(tokens))
        return cls(
            words,
            tags,
            chars=chars,
            lowercase=lowercase,
            max_word_length=max_word_length,
            singleton_start=singleton_start,
        )

    @property
    def num_tags(self):
        return len(self.tags)

    def normalize(self, word):
        """The form of `word` used for the word lookup."""
        return _DIGIT.sub("0", word.lower() if self.lowercase else word)

    def encode_tokens(self, tokens):
        """Model inputs for one sentence: `token_ids` (T,) and, with characters, `char_ids` (T, max chars)."""
        features = {"token_ids": np.asarray(self.words.encode([self.normalize(t) for t in tokens]), dtype=np.int32)}
        if self.chars is not None:
            width = max([min(len(t), self.max_word_length) for t in tokens], default=1)
            char_ids = np.zeros((len(tokens), max(width, 1)), dtype=np.int32)
            for row, token in enumerate(tokens):
                ids = self.chars.encode(list(token[: self.max_word_length]))
                char_ids[row, : len(ids)] = ids
            features["char_ids"] = char_ids
        return features

    def encode_tags(self, tags, source=None):
        """Tag ids for one sentence; an unknown tag is a `UserInputError` naming `source` (path, line)."""
        try:
            return np.asarray([self._tag_ids[tag] for tag in tags], dtype=np.int32)
        except KeyError as error:
            path, line = source if source else (None, None)
            raise UserInputError(
                f"tag {error.args[0]!r} was not seen in the training data (known: {', '.join(self.tags)})",
                path=path,
                line=line,
            ) from None

    def decode_tags(self, tag_ids):
        return [self.tags[int(i)] for i in tag_ids]

    def example(self, sentence, source_path=None):
        """Features and `tags` for one `TaggedSentence`."""
        example = self.encode_tokens(sentence.tokens)
        example["tags"] = self.encode_tags(sentence.tags, source=(source_path, sentence.line))
        return example

    # === Plain files in a run directory ===

    def save(self, directory):
        directory = _as_path(directory)
        self.words.save(directory / WORDS_FILE)
        if self.chars is not None:
            self.chars.save(directory / CHARS_FILE)
        atomic_write_text(directory / TAGS_FILE, "".join(tag + "\n" for tag in self.tags))

    def settings(self):
        """JSON-serialisable settings stored in `config.json` beside the vocabulary files."""
        return {
            "lowercase": self.lowercase,
            "max_word_length": self.max_word_length,
            "char_features": self.chars is not None,
            "singleton_start": self.singleton_start,
        }

    @classmethod
    def load(cls, directory, settings):
        directory = _as_path(directory)
        words = Vocabulary.load(directory / WORDS_FILE)
        chars = Vocabulary.load(directory / CHARS_FILE) if settings["char_features"] else None
        tags_path = directory / TAGS_FILE
        try:
            tags = tags_path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            raise UserInputError("missing tags.txt; is this a run directory written by `fit`?", path=directory) from None
        return cls(
            words,
            tags,
            chars=chars,
            lowercase=settings["lowercase"],
            max_word_length=settings["max_word_length"],
            singleton_start=settings.get("singleton_start"),
        )

    # === TensorFlow ops for serving graphs ===

    def tf_lookup_tables(self):
        """Static hash tables (plain TensorFlow) for words, characters and tag names."""
        import tensorflow as tf

        def table(tokens, default):
            initializer = tf.lookup.KeyValueTensorInitializer(
                tf.constant(tokens, tf.string), tf.range(len(tokens), dtype=tf.int64)
            )
            return tf.lookup.StaticHashTable(initializer, default_value=default)

        tables = {"words": table(self.words.tokens, UNK_ID)}
        if self.chars is not None:
            tables["chars"] = table(self.chars.tokens, UNK_ID)
        return tables

    def tf_encode_words(self, words, tables):
        """Model inputs from a ragged `(batch, None)` string tensor of words, padded with 0."""
        import tensorflow as tf

        normalized = tf.strings.lower(words, encoding="utf-8") if self.lowercase else words
        normalized = tf.strings.regex_replace(normalized, "[0-9]", "0")
        token_ids = tf.ragged.map_flat_values(tables["words"].lookup, normalized)
        features = {"token_ids": tf.cast(token_ids.to_tensor(0), tf.int32)}
        if self.chars is not None:
            chars = tf.strings.unicode_split(words, "UTF-8")[:, :, : self.max_word_length]
            char_ids = tf.ragged.map_flat_values(tables["chars"].lookup, chars)
            features["char_ids"] = tf.cast(char_ids.to_tensor(0), tf.int32)
        return features


def _as_path(directory):
    import pathlib

    path = pathlib.Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    return path
