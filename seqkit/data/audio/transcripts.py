"""Normalise transcripts the same way for training and scoring, and list the characters a model spells with.

A `TextNormalizer` applies, in this order:

1. Unicode NFC composition (always), so `é` is one character however the file wrote it;
2. `lowercase`: `str.lower`;
3. `digits="words"`: every ASCII digit becomes its English word, digit by digit, as a separate word
   (`"42"` → `"four two"`, `"R2D2"` → `"r two d two"`, `"3.5"` → `"three five"` once punctuation is removed);
   the words are lowercase even without `lowercase`. `digits="keep"` leaves digits alone;
4. `strip_punctuation`: punctuation and symbols (Unicode categories `P*` and `S*`) become spaces, except an
   apostrophe between two letters or digits, which is kept as `'` (`don't`, `don’t` → `don't`; but
   `'tis` → `tis`, `dogs'` → `dogs`);
5. `collapse_spaces`: runs of whitespace become one space, and the ends are trimmed.

Its `settings()` are a JSON-serialisable dict, saved with a model so that `from_settings` rebuilds the very
normaliser that scoring must use.

Example:

>>> normalize = TextNormalizer()
>>> normalize("Don't stop: 42 times!")
"don't stop four two times"
>>> character_vocabulary(["yes", "no go"])
[' ', 'e', 'g', 'n', 'o', 's', 'y']
"""

import dataclasses
import re
import unicodedata

DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
DIGIT_MODES = ("words", "keep")
_APOSTROPHES = "'\u2019"
_DIGIT = re.compile(r"[0-9]")
_SPACES = re.compile(r"\s+")


@dataclasses.dataclass(frozen=True)
class TextNormalizer:
    """A transcript normaliser (see the module docstring for the steps and their order).

    Args:
        lowercase: lowercase the text.
        strip_punctuation: replace punctuation and symbols with spaces, keeping apostrophes inside words.
        digits: `"words"` to spell every digit as an English word (`"42"` → `"four two"`), or `"keep"`.
        collapse_spaces: turn whitespace runs into one space and trim the ends.

    Call arguments:
        text: a transcript (`str`).

    Returns:
        The normalised transcript.

    Example:

    >>> normalize = TextNormalizer(digits="keep", strip_punctuation=False)
    >>> normalize("  Room   101, PLEASE. ")
    'room 101, please.'
    >>> TextNormalizer.from_settings(normalize.settings()) == normalize
    True
    """

    lowercase: bool = True
    strip_punctuation: bool = True
    digits: str = "words"
    collapse_spaces: bool = True

    def __post_init__(self):
        for name in ("lowercase", "strip_punctuation", "collapse_spaces"):
            value = getattr(self, name)
            if not isinstance(value, bool):
                raise ValueError(f"`{name}` must be True or False. Received: {name}={value!r}")
        if self.digits not in DIGIT_MODES:
            raise ValueError(f"`digits` must be 'words' or 'keep'. Received: digits={self.digits!r}")

    def __call__(self, text):
        if not isinstance(text, str):
            raise TypeError(f"`text` must be a str. Received: text of type {type(text).__name__}")
        text = unicodedata.normalize("NFC", text)
        if self.lowercase:
            text = text.lower()
        if self.digits == "words":
            text = _DIGIT.sub(lambda match: f" {DIGIT_WORDS[int(match.group())]} ", text)
        if self.strip_punctuation:
            text = _strip_punctuation(text)
        if self.collapse_spaces:
            text = _SPACES.sub(" ", text).strip()
        return text

    def settings(self):
        """The constructor arguments as a JSON-serialisable dict.

        Example:

        >>> TextNormalizer(digits="keep").settings()
        {'lowercase': True, 'strip_punctuation': True, 'digits': 'keep', 'collapse_spaces': True}
        """
        return dataclasses.asdict(self)

    @classmethod
    def from_settings(cls, settings):
        """The normaliser of a `settings()` dict (missing keys take their defaults).

        Raises:
            ValueError: an unknown key or a bad value.

        Example:

        >>> TextNormalizer.from_settings({"lowercase": False})("Hi 5")
        'Hi five'
        """
        known = {field.name for field in dataclasses.fields(cls)}
        unknown = sorted(set(settings) - known)
        if unknown:
            raise ValueError(
                f"`settings` must only have the keys {sorted(known)}. Received: unknown keys {unknown}"
            )
        return cls(**settings)


def character_vocabulary(transcripts):
    """The sorted distinct characters of (normalised) transcripts; the space is always among them.

    The space separates words, so it is in the vocabulary even when every training transcript is one word.
    Collect it over the training transcripts once, so every clip (and the validation data) uses the same ids.

    Args:
        transcripts: an iterable of strings; `seqkit.application.sources.Skipped` items are passed over.

    Returns:
        A sorted list of one-character strings.

    Example:

    >>> character_vocabulary(["no", "on", "off"])
    [' ', 'f', 'n', 'o']
    """
    from seqkit.application.sources import Skipped

    seen = {" "}
    for transcript in transcripts:
        if isinstance(transcript, Skipped):
            continue
        if not isinstance(transcript, str):
            raise TypeError(
                "`transcripts` must be strings. "
                f"Received: an item of type {type(transcript).__name__}"
            )
        seen.update(transcript)
    return sorted(seen)


def _strip_punctuation(text):
    """Punctuation and symbols replaced by spaces; apostrophes between word characters kept as `'`."""
    characters = []
    last = len(text) - 1
    for index, character in enumerate(text):
        if character in _APOSTROPHES:
            inside = 0 < index < last and text[index - 1].isalnum() and text[index + 1].isalnum()
            characters.append("'" if inside else " ")
        elif unicodedata.category(character)[0] in "PS":
            characters.append(" ")
        else:
            characters.append(character)
    return "".join(characters)
