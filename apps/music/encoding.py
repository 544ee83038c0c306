"""Pieces ⇄ token ids for the music model: a codec, a fixed vocabulary and a transposition policy."""

import numpy as np

from seqkit.data import music_codec
from seqkit.data.vocabulary import BOS, EOS, PAD, UNK, Vocabulary

TRANSPOSE_MODES = ("none", "key", "all")
SEQUENCES_FILE = "train_sequences.txt"


class MusicVectorizer:
    """Turns notes into the model's token ids and back.

    The vocabulary is fixed by the codec (every token it can produce, after `<PAD>`, `<UNK>`, `<BOS>`,
    `<EOS>`), so ids never depend on the training data. A sequence is `<BOS>`, the codec's tokens, `<EOS>`.

    Args:
        codec: a `MelodyCodec` (pieces are reduced to their top line first) or a `PolyphonicCodec`.
        transpose: `"none"`; `"key"`: every piece is moved to C major or A minor (`prepare` returns the shift,
            and the inverse shift moves generated music back); `"all"`: training pieces are also augmented with
            every transposition from -6 to +5 semitones that fits the pitch range.

    Example:

    >>> from seqkit.data.music_codec import MelodyCodec, Note
    >>> vectorizer = MusicVectorizer(MelodyCodec(min_pitch=48, max_pitch=84), transpose="key")
    >>> notes, shift = vectorizer.prepare([Note(67, 0, 4), Note(71, 4, 4), Note(74, 8, 4)])   # G major
    >>> shift, notes[0].pitch
    (5, 72)
    """

    def __init__(self, codec, transpose="key"):
        if transpose not in TRANSPOSE_MODES:
            raise ValueError(
                f"`transpose` must be one of {', '.join(map(repr, TRANSPOSE_MODES))}. Received: transpose={transpose!r}"
            )
        self.codec = codec
        self.transpose = transpose
        self.vocabulary = Vocabulary([PAD, UNK, BOS, EOS, *codec.tokens()])

    @property
    def monophonic(self):
        return isinstance(self.codec, music_codec.MelodyCodec)

    def prepare(self, notes):
        """`(notes in model space, shift)`: the top line for melodies, moved to C/A minor in `"key"` mode.

        The shift is chosen within -6..5; if that leaves the pitch range, the nearest octave that fits is used.
        """
        if self.monophonic:
            notes = music_codec.melody_line(notes)
        if self.transpose != "key" or not notes:
            return notes, 0
        shift = music_codec.key_transposition(music_codec.estimate_key(notes))
        if not self.codec.transpositions(notes, [shift]):
            fitting = self.codec.transpositions(notes, [shift - 12, shift + 12])
            shift = fitting[0] if fitting else shift
        return music_codec.transpose(notes, shift), shift

    def encode(self, notes, source=None, augment=False, close=True):
        """Id sequences of one piece: one, or one per fitting transposition when `augment` in `"all"` mode.

        Raises:
            ValueError: a pitch is outside the codec's range (the message names the limit and the value).
        """
        notes, _ = self.prepare(notes)
        shifts = [0]
        if augment and self.transpose == "all":
            shifts = self.codec.transpositions(notes) or [0]
        sequences = []
        for shift in shifts:
            tokens = self.codec.encode(music_codec.transpose(notes, shift), source=source)
            ids = [self.vocabulary.bos_id, *self.vocabulary.encode(tokens)]
            sequences.append(ids + [self.vocabulary.eos_id] if close else ids)
        return sequences

    def decode(self, ids):
        """Notes of an id sequence (specials and padding are skipped; decoding stops at `<EOS>`)."""
        tokens = []
        for token_id in ids:
            token_id = int(token_id)
            if token_id == self.vocabulary.eos_id:
                break
            if token_id > self.vocabulary.eos_id:
                tokens.append(self.vocabulary.id_to_token(token_id))
        return self.codec.decode(tokens)

    def settings(self):
        return {"codec": self.codec.get_config(), "transpose": self.transpose}

    @classmethod
    def from_settings(cls, settings):
        return cls(music_codec.get_codec(settings["codec"]), transpose=settings["transpose"])


def windows(ids, window):
    """Training examples of one id sequence: slices of `window + 1` ids as `token_ids` (inputs) and `labels`
    (next ids).

    Example:

    >>> [(e["token_ids"].tolist(), e["labels"].tolist()) for e in windows([2, 5, 6, 7, 3], 2)]
    [([2, 5], [5, 6]), ([6, 7], [7, 3])]
    """
    examples = []
    for begin in range(0, max(len(ids) - 1, 1), window):
        chunk = np.asarray(ids[begin : begin + window + 1], np.int32)
        if len(chunk) >= 2:
            examples.append({"token_ids": chunk[:-1], "labels": chunk[1:]})
    return examples


def write_sequences(path, sequences):
    """Training id sequences, one per line (the n-gram baselines are fitted on them at evaluation)."""
    from seqkit.data.atomic import atomic_write_text

    atomic_write_text(path, "".join(" ".join(map(str, ids)) + "\n" for ids in sequences))


def read_sequences(path):
    with open(path, encoding="utf-8") as lines:
        return [[int(token) for token in line.split()] for line in lines if line.strip()]
