"""`SpeechVectorizer`: transcripts ⇄ character ids, and clips → waveforms, for CTC.

Id 0 is the CTC blank; characters (space included) take ids 1..V in sorted order. Transcripts are normalised
(`seqkit.data.audio.transcripts.TextNormalizer`, stored with the model) before they are encoded and before
they are scored, so training, evaluation and prediction agree on case, punctuation and digits.

Example:

>>> from seqkit.data.audio.transcripts import TextNormalizer
>>> vectorizer = SpeechVectorizer(TextNormalizer(), ["a", "b", " "])
>>> vectorizer.characters
[' ', 'a', 'b']
>>> vectorizer.encode_text("B a").tolist(), vectorizer.decode_ids([3, 1, 2])
([3, 1, 2], 'b a')
"""

import json
import pathlib

import numpy as np

from seqkit.errors import UserInputError

SETTINGS_FILE = "speech.json"


class SpeechVectorizer:
    """Encodes utterances for a CTC recognizer.

    Args:
        normalizer: the `TextNormalizer` of transcripts.
        characters: the output characters (sorted and deduplicated here).
        sample_rate: the rate clips are resampled to.
        max_seconds: longest clip accepted, or None.
    """

    def __init__(self, normalizer, characters, *, sample_rate=16_000, max_seconds=None):
        self.normalizer = normalizer
        self.characters = sorted(set(characters))
        self.index = {c: i + 1 for i, c in enumerate(self.characters)}
        self.sample_rate = int(sample_rate)
        self.max_seconds = max_seconds

    @property
    def vocabulary_size(self):
        """Output ids of the model: the blank and every character."""
        return len(self.characters) + 1

    @classmethod
    def build(cls, utterances, normalizer, **settings):
        """Learn the characters from the normalised transcripts of the training utterances."""
        characters = set()
        count = 0
        for utterance in utterances:
            characters.update(normalizer(utterance.transcript))
            count += 1
        if not count:
            raise UserInputError("the training data holds no utterances")
        characters.discard("")
        if not characters - {" "}:
            raise UserInputError("the training transcripts are empty after normalisation")
        return cls(normalizer, characters, **settings)

    # === Text ===

    def encode_text(self, transcript, *, path=None, line=None):
        text = self.normalizer(transcript)
        unknown = sorted(set(text) - set(self.index))
        if unknown:
            raise UserInputError(
                f"transcript {transcript!r} has characters the model does not know: {unknown}", path=path, line=line
            )
        return np.asarray([self.index[c] for c in text], dtype=np.int32)

    def decode_ids(self, ids):
        """Characters of label ids (blanks and unknown ids dropped; no collapsing — ids are already decoded)."""
        return "".join(self.characters[i - 1] for i in ids if 0 < i <= len(self.characters))

    # === Audio ===

    def waveform(self, path):
        from seqkit.data.audio.waveforms import read_audio

        return read_audio(path, sample_rate=self.sample_rate, max_seconds=self.max_seconds)

    def encode(self, utterance):
        """`{"waveforms", "lengths", "labels"}` of one utterance."""
        labels = self.encode_text(utterance.transcript, path=utterance.source, line=utterance.line)
        if not len(labels):
            raise UserInputError(f"empty transcript for {utterance.path}", path=utterance.source, line=utterance.line)
        samples = self.waveform(utterance.path)
        return {"waveforms": samples.astype(np.float32), "lengths": np.int32(len(samples)), "labels": labels}

    # === Files ===

    def settings(self):
        return {
            "characters": self.characters,
            "normalizer": self.normalizer.settings(),
            "sample_rate": self.sample_rate,
            "max_seconds": self.max_seconds,
            "file": SETTINGS_FILE,
        }

    def save(self, directory):
        from seqkit.data.atomic import atomic_write_json

        atomic_write_json(pathlib.Path(directory) / SETTINGS_FILE, self.settings())

    @classmethod
    def load(cls, directory):
        from seqkit.data.audio.transcripts import TextNormalizer

        stored = json.loads((pathlib.Path(directory) / SETTINGS_FILE).read_text(encoding="utf-8"))
        return cls(
            TextNormalizer.from_settings(stored["normalizer"]), stored["characters"],
            sample_rate=stored["sample_rate"], max_seconds=stored["max_seconds"],
        )
