"""Token vocabularies: counting, id mapping, plain-text files, Keras lookups.

This module does not import TensorFlow or Keras at import time; only
`Vocabulary.lookup_layer()` and `Vocabulary.inverse_lookup_layer()` do, so
readers and vectorizers that only need ids load fast.
"""

import collections
import operator
from pathlib import Path

from seqkit.data.atomic import atomic_write_text
from seqkit.errors import UserInputError

PAD = "<PAD>"
UNK = "<UNK>"
BOS = "<BOS>"
EOS = "<EOS>"

PAD_ID = 0
UNK_ID = 1

_DEFAULT_MAX_SIZE = 10_000


def _check_token(token):
    if not isinstance(token, str):
        raise TypeError(
            "Tokens must be strings. "
            f"Received: token={token!r} of type {type(token).__name__}"
        )
    if token == "" or "\n" in token or "\r" in token:
        raise ValueError(
            "Tokens must be non-empty and contain no line breaks. "
            f"Received: token={token!r}"
        )


class Vocabulary:
    """A fixed mapping between string tokens and integer ids.

    Ids are dense and start at 0. The first ids are reserved:

    - `<PAD>` is id 0 (padding; also what Keras masking treats as "no token"),
    - `<UNK>` is id 1 (every token not in the vocabulary),
    - `<BOS>` and `<EOS>` are ids 2 and 3 when the vocabulary was built with
      `bos_eos=True`.

    The remaining tokens follow in a deterministic order: most frequent
    first, ties broken by the token's string order. Tokens are arbitrary
    non-empty strings without line breaks (`"\\n"`, `"\\r"`); spaces and
    any other characters are allowed and stored verbatim.

    Most code builds a vocabulary with `Vocabulary.build()` or reads one with
    `Vocabulary.load()`; the constructor takes the complete token list,
    specials included, exactly as `tokens` returns it.

    Args:
        tokens: the full token list in id order. It must start with
            `"<PAD>", "<UNK>"`; if the next two are `"<BOS>", "<EOS>"` the
            vocabulary has `bos_eos=True`.

    Example:

    >>> vocab = Vocabulary.build([["the", "cat"], ["the", "dog"]])
    >>> vocab.tokens
    ['<PAD>', '<UNK>', 'the', 'cat', 'dog']
    >>> vocab.encode(["the", "bird"])
    [2, 1]
    >>> vocab.decode([2, 4])
    ['the', 'dog']
    """

    def __init__(self, tokens):
        tokens = list(tokens)
        if tokens[:2] != [PAD, UNK]:
            raise ValueError(
                f"`tokens` must start with {PAD!r}, {UNK!r}. "
                f"Received: tokens[:2]={tokens[:2]!r}"
            )
        index = {}
        for i, token in enumerate(tokens):
            _check_token(token)
            if token in index:
                raise ValueError(
                    "`tokens` must not contain duplicates. "
                    f"Received: token={token!r} at ids {index[token]} and {i}"
                )
            index[token] = i
        self._tokens = tokens
        self._index = index
        self._bos_eos = tokens[2:4] == [BOS, EOS]

    @classmethod
    def build(
        cls,
        sequences,
        max_size=_DEFAULT_MAX_SIZE,
        min_count=1,
        bos_eos=False,
    ):
        """Count tokens in `sequences` and keep the most frequent ones.

        `sequences` is consumed once, one sequence at a time (a generator
        over a large corpus is fine); only the counts are held in memory.

        Args:
            sequences: an iterable of token sequences, e.g. a list of
                sentences, each a list of words. A sequence that is a `str`
                is a sequence of characters (handy for character
                vocabularies).
            max_size: the largest number of ids, the reserved tokens
                included; `None` keeps every token seen at least
                `min_count` times. Defaults to 10,000.
            min_count: tokens seen fewer times are left out (they become
                `<UNK>`). Defaults to 1.
            bos_eos: whether to reserve ids 2 and 3 for `<BOS>` and `<EOS>`.

        Returns:
            A `Vocabulary`.

        Example:

        >>> corpus = [list("abracadabra")]
        >>> Vocabulary.build(corpus, max_size=5, bos_eos=True).tokens
        ['<PAD>', '<UNK>', '<BOS>', '<EOS>', 'a']
        >>> Vocabulary.build(corpus, min_count=2).tokens
        ['<PAD>', '<UNK>', 'a', 'b', 'r']
        """
        specials = [PAD, UNK] + ([BOS, EOS] if bos_eos else [])
        if max_size is not None and (
            isinstance(max_size, bool)
            or not isinstance(max_size, int)
            or max_size < len(specials)
        ):
            raise ValueError(
                "`max_size` must be None or an integer of at least "
                f"{len(specials)} (the reserved tokens). "
                f"Received: max_size={max_size!r}"
            )
        if (
            isinstance(min_count, bool)
            or not isinstance(min_count, int)
            or min_count < 1
        ):
            raise ValueError(
                "`min_count` must be a positive integer. "
                f"Received: min_count={min_count!r}"
            )
        counts = collections.Counter()
        for sequence in sequences:
            counts.update(sequence)
        for token in specials:
            counts.pop(token, None)
        for token in counts:
            _check_token(token)
        kept = sorted(
            (item for item in counts.items() if item[1] >= min_count),
            key=lambda item: (-item[1], item[0]),
        )
        if max_size is not None:
            kept = kept[: max_size - len(specials)]
        return cls(specials + [token for token, _ in kept])

    @classmethod
    def load(cls, path):
        """Read a vocabulary saved by `save()`: one token per line, UTF-8.

        Args:
            path: the vocabulary file.

        Returns:
            A `Vocabulary`.

        Raises:
            seqkit.errors.UserInputError: the file is missing, unreadable,
                empty, not UTF-8, lacks the `<PAD>`/`<UNK>` header, or
                contains an empty line or a duplicate token (the message
                names the file and the line).

        Example:

        >>> import pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "vocab.txt"
        >>> Vocabulary.build([["a", "b"]]).save(path)
        >>> Vocabulary.load(path).tokens
        ['<PAD>', '<UNK>', 'a', 'b']
        """
        path = Path(path)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise UserInputError(
                "vocabulary file not found", path=path
            ) from None
        except OSError as error:
            raise UserInputError(
                f"cannot read vocabulary file ({error.strerror})", path=path
            ) from None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise UserInputError(
                "vocabulary file is not valid UTF-8", path=path, line=line
            ) from None
        if text.startswith("\ufeff"):
            text = text[1:]
        if text.endswith("\n"):
            text = text[:-1]
        if not text:
            raise UserInputError("vocabulary file is empty", path=path)
        lines = [line.removesuffix("\r") for line in text.split("\n")]
        for i, expected in enumerate([PAD, UNK]):
            if i >= len(lines) or lines[i] != expected:
                found = lines[i] if i < len(lines) else "end of file"
                raise UserInputError(
                    f"expected the reserved token {expected!r}, "
                    f"found {found!r}",
                    path=path,
                    line=i + 1,
                )
        first_line = {}
        for number, token in enumerate(lines, start=1):
            if token == "":
                raise UserInputError(
                    "empty line in vocabulary file", path=path, line=number
                )
            if "\r" in token:
                raise UserInputError(
                    "token contains a carriage return", path=path, line=number
                )
            if token in first_line:
                raise UserInputError(
                    f"duplicate token {token!r} "
                    f"(first seen on line {first_line[token]})",
                    path=path,
                    line=number,
                )
            first_line[token] = number
        return cls(lines)

    def save(self, path):
        """Write the tokens to `path`, one per line in id order (atomically).

        Args:
            path: destination file; parent folders are created.
        """
        atomic_write_text(path, "".join(t + "\n" for t in self._tokens))

    @property
    def tokens(self):
        """All tokens in id order, reserved tokens first (a new list)."""
        return list(self._tokens)

    @property
    def bos_eos(self):
        """Whether ids 2 and 3 are `<BOS>` and `<EOS>`."""
        return self._bos_eos

    @property
    def pad_id(self):
        """The id of `<PAD>` (always 0)."""
        return PAD_ID

    @property
    def unk_id(self):
        """The id of `<UNK>` (always 1)."""
        return UNK_ID

    @property
    def bos_id(self):
        """The id of `<BOS>`, or `None` without `bos_eos`."""
        return 2 if self._bos_eos else None

    @property
    def eos_id(self):
        """The id of `<EOS>`, or `None` without `bos_eos`."""
        return 3 if self._bos_eos else None

    def __len__(self):
        return len(self._tokens)

    def __contains__(self, token):
        return token in self._index

    def __eq__(self, other):
        if not isinstance(other, Vocabulary):
            return NotImplemented
        return self._tokens == other._tokens

    def __hash__(self):
        return hash(tuple(self._tokens))

    def __repr__(self):
        return f"Vocabulary(size={len(self)}, bos_eos={self._bos_eos})"

    def token_to_id(self, token):
        """The id of `token`; unknown tokens get the `<UNK>` id (1)."""
        return self._index.get(token, UNK_ID)

    def id_to_token(self, token_id):
        """The token with id `token_id`.

        Raises:
            ValueError: `token_id` is not in `[0, len(self))`.
        """
        try:
            index = operator.index(token_id)
        except TypeError:
            index = None
        if isinstance(token_id, bool) or index is None or not (
            0 <= index < len(self._tokens)
        ):
            raise ValueError(
                f"`token_id` must be an integer in [0, {len(self._tokens)}). "
                f"Received: token_id={token_id!r}"
            )
        return self._tokens[index]

    def encode(self, tokens, add_bos_eos=False):
        """Map tokens to ids; unknown tokens become `<UNK>` (1).

        Args:
            tokens: a sequence of string tokens.
            add_bos_eos: wrap the ids in `<BOS>` ... `<EOS>`; requires a
                vocabulary built with `bos_eos=True`.

        Returns:
            A `list` of `int`.
        """
        index = self._index
        ids = [index.get(token, UNK_ID) for token in tokens]
        if add_bos_eos:
            if not self._bos_eos:
                raise ValueError(
                    "`add_bos_eos=True` needs a vocabulary built with "
                    "`bos_eos=True`. Received: add_bos_eos=True"
                )
            ids = [2] + ids + [3]
        return ids

    def decode(self, ids):
        """Map ids back to tokens.

        Args:
            ids: a sequence of integer ids (Python or NumPy integers).

        Returns:
            A `list` of `str`.

        Raises:
            ValueError: an id is out of range.
        """
        return [self.id_to_token(i) for i in ids]

    def coverage(self, sequences):
        """The fraction of token occurrences in `sequences` that are known.

        A token is known when it maps to an id other than `<UNK>`.

        Args:
            sequences: an iterable of token sequences (consumed once).

        Returns:
            A `float` in `[0, 1]`.

        Raises:
            ValueError: `sequences` holds no tokens at all.

        Example:

        >>> vocab = Vocabulary.build([["a", "b"]])
        >>> vocab.coverage([["a", "b", "c", "a"]])
        0.75
        """
        total = known = 0
        index = self._index
        for sequence in sequences:
            for token in sequence:
                total += 1
                known += index.get(token, UNK_ID) != UNK_ID
        if total == 0:
            raise ValueError(
                "`sequences` must contain at least one token. "
                "Received: no tokens"
            )
        return known / total

    def lookup_layer(self, name=None):
        """A `keras.layers.StringLookup` giving the same ids as `encode()`.

        The vocabulary is passed inline, so the layer carries it in its
        config and in any SavedModel it is traced into. `<PAD>` maps to 0,
        every unknown string to 1 (`<UNK>`), and the other tokens to their
        ids. The output is an `int64` tensor of ids (no one-hot), with the
        input's shape.

        Args:
            name: optional layer name.

        Returns:
            A `keras.layers.StringLookup`.

        Example:

        >>> vocab = Vocabulary.build([["the", "cat"], ["the"]])
        >>> layer = vocab.lookup_layer()
        >>> layer([["the", "dog"]]).numpy().tolist()
        [[2, 1]]
        """
        import keras

        # StringLookup numbers the mask token 0 and its single OOV bucket 1,
        # then the vocabulary; a list that starts with exactly those two
        # tokens is accepted as already including them.
        return keras.layers.StringLookup(
            vocabulary=self.tokens,
            mask_token=PAD,
            num_oov_indices=1,
            oov_token=UNK,
            output_mode="int",
            name=name,
        )

    def inverse_lookup_layer(self, name=None):
        """A `keras.layers.StringLookup` mapping ids back to tokens.

        Id 0 gives `<PAD>`, id 1 and ids outside `[0, len(self))` give
        `<UNK>`, every other id its token, as `decode()` does for valid ids.

        Args:
            name: optional layer name.

        Returns:
            A `keras.layers.StringLookup` with `invert=True`.

        Example:

        >>> vocab = Vocabulary.build([["the", "cat"], ["the"]])
        >>> layer = vocab.inverse_lookup_layer()
        >>> [t.decode() for t in layer([2, 3, 0]).numpy()]
        ['the', 'cat', '<PAD>']
        """
        import keras

        return keras.layers.StringLookup(
            vocabulary=self.tokens,
            mask_token=PAD,
            num_oov_indices=1,
            oov_token=UNK,
            output_mode="int",
            invert=True,
            name=name,
        )
