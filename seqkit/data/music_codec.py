"""Notes ⇄ tokens: the music codecs, separate from any model and from any file format.

A piece is a list of `Note(pitch, start, duration)` with MIDI pitches and times in integer steps of a grid
(`steps_per_quarter` steps per quarter note). Two codecs turn such lists into string tokens and back:

- `MelodyCodec`: one monophonic line as note-on pitch and duration tokens, rests as a rest and a duration token
  (`"n60", "d4", "r", "d2", "n62", "d2"`). The end of a piece is the vocabulary's `<EOS>`.
- `PolyphonicCodec`: any number of simultaneous notes as events (`"on60"`, `"off60"`, `"t4"` = time shift of
  four steps), after the event vocabulary of Performance RNN, on the step grid.

Transposition (`transpose`, `key_transposition`, `estimate_key`) works on notes; transposing by `-k` is the
inverse of transposing by `k`. Nothing here imports TensorFlow or a music library.

Example:

>>> codec = MelodyCodec(min_pitch=48, max_pitch=84)
>>> notes = [Note(60, 0, 4), Note(62, 6, 2)]
>>> codec.encode(notes)
['n60', 'd4', 'r', 'd2', 'n62', 'd2']
>>> codec.decode(codec.encode(notes)) == notes
True
"""

import dataclasses
import numbers

MIDI_PITCHES = (0, 127)

# Krumhansl–Kessler key profiles (probe-tone ratings), index 0 = tonic.
_MAJOR_PROFILE = (6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88)
_MINOR_PROFILE = (6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17)
PITCH_CLASS_NAMES = ("C", "C#", "D", "E-", "E", "F", "F#", "G", "A-", "A", "B-", "B")


@dataclasses.dataclass(frozen=True, order=True)
class Note:
    """One note: MIDI `pitch`, `start` step and `duration` in steps (at least 1).

    Example:

    >>> Note(60, 0, 4).end
    4
    """

    start: int
    pitch: int
    duration: int

    def __init__(self, pitch, start, duration):
        object.__setattr__(self, "pitch", int(pitch))
        object.__setattr__(self, "start", int(start))
        object.__setattr__(self, "duration", int(duration))

    @property
    def end(self):
        return self.start + self.duration

    def __repr__(self):
        return f"Note(pitch={self.pitch}, start={self.start}, duration={self.duration})"


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _check_int(name, value, low, high=None):
    limit = f"between {low} and {high}" if high is not None else f"at least {low}"
    if not _is_int(value) or value < low or (high is not None and value > high):
        raise ValueError(f"`{name}` must be an integer {limit}. Received: {name}={value!r}")


def _check_pitch_range(min_pitch, max_pitch):
    _check_int("min_pitch", min_pitch, *MIDI_PITCHES)
    _check_int("max_pitch", max_pitch, *MIDI_PITCHES)
    if min_pitch > max_pitch:
        raise ValueError(
            f"`min_pitch` must not be above `max_pitch`. Received: min_pitch={min_pitch}, max_pitch={max_pitch}"
        )


def quantize(events, steps_per_quarter):
    """Notes on the step grid from `(pitch, start, end)` triples in quarter notes.

    Starts and ends are rounded to the nearest step; a note shorter than a step keeps one step. The result is
    sorted by start, then pitch, and shifted so that the first note starts at step 0.

    Example:

    >>> quantize([(60, 1.0, 1.5), (64, 1.49, 2.0)], steps_per_quarter=4)
    [Note(pitch=60, start=0, duration=2), Note(pitch=64, start=2, duration=2)]
    """
    _check_int("steps_per_quarter", steps_per_quarter, 1, 96)
    notes = []
    for pitch, start, end in events:
        first = int(round(start * steps_per_quarter))
        last = int(round(end * steps_per_quarter))
        notes.append(Note(pitch, first, max(1, last - first)))
    if not notes:
        return []
    origin = min(note.start for note in notes)
    return sorted(Note(n.pitch, n.start - origin, n.duration) for n in notes)


def transpose(notes, semitones):
    """The notes moved by `semitones` (negative = down); `transpose(transpose(x, k), -k) == x`.

    Example:

    >>> transpose([Note(60, 0, 2)], 3)
    [Note(pitch=63, start=0, duration=2)]
    """
    if not _is_int(semitones):
        raise ValueError(f"`semitones` must be an integer. Received: semitones={semitones!r}")
    return [Note(note.pitch + semitones, note.start, note.duration) for note in notes]


def pitch_class_histogram(notes, weighted=True):
    """Twelve pitch-class weights (summing to 1, or all 0 for no notes), by duration when `weighted`."""
    counts = [0.0] * 12
    for note in notes:
        counts[note.pitch % 12] += note.duration if weighted else 1.0
    total = sum(counts)
    return [count / total for count in counts] if total else counts


def _correlation(a, b):
    mean_a, mean_b = sum(a) / len(a), sum(b) / len(b)
    da = [x - mean_a for x in a]
    db = [x - mean_b for x in b]
    norm = (sum(x * x for x in da) * sum(x * x for x in db)) ** 0.5
    return sum(x * y for x, y in zip(da, db)) / norm if norm else 0.0


def estimate_key(notes):
    """The most likely key: `(tonic pitch class, "major" | "minor")` (Krumhansl–Schmuckler).

    The duration-weighted pitch-class histogram is correlated with the Krumhansl–Kessler profile of each of
    the 24 keys.

    Example:

    >>> c_major_scale = [Note(p, i, 1) for i, p in enumerate([60, 62, 64, 65, 67, 69, 71, 72, 67, 64, 60])]
    >>> estimate_key(c_major_scale)
    (0, 'major')
    """
    histogram = pitch_class_histogram(notes)
    best = (-2.0, 0, "major")
    for mode, profile in (("major", _MAJOR_PROFILE), ("minor", _MINOR_PROFILE)):
        for tonic in range(12):
            rotated = [profile[(pc - tonic) % 12] for pc in range(12)]
            value = _correlation(histogram, rotated)
            if value > best[0]:
                best = (value, tonic, mode)
    return best[1], best[2]


def key_transposition(key):
    """Semitones (in -6..5) that move `key` to C major or A minor, whichever mode it has.

    Example:

    >>> key_transposition((7, "major")), key_transposition((2, "minor"))
    (5, -5)
    """
    tonic, mode = key
    target = 0 if mode == "major" else 9
    shift = (target - tonic) % 12
    return shift - 12 if shift > 5 else shift


def scale_pitch_classes(key):
    """The seven pitch classes of `key`'s scale (natural minor for minor keys)."""
    tonic, mode = key
    steps = (0, 2, 4, 5, 7, 9, 11) if mode == "major" else (0, 2, 3, 5, 7, 8, 10)
    return {(tonic + step) % 12 for step in steps}


def melody_line(notes):
    """The top line of `notes` (skyline): a note belongs to it when nothing higher sounds at its onset.

    At each onset the highest starting note is taken, unless the line's current note is still sounding and is
    at least as high (a held soprano note is not cut by a moving bass). A higher note cuts the sounding one.

    Example:

    >>> melody_line([Note(48, 0, 8), Note(64, 0, 4), Note(67, 4, 4), Note(50, 6, 2)])
    [Note(pitch=64, start=0, duration=4), Note(pitch=67, start=4, duration=4)]
    """
    highest = {}
    for note in notes:
        if note.start not in highest or note.pitch > highest[note.start].pitch:
            highest[note.start] = note
    line = []
    for start in sorted(highest):
        note = highest[start]
        if line and line[-1].end > start:
            if line[-1].pitch >= note.pitch:
                continue
            held = line[-1]
            line[-1] = Note(held.pitch, held.start, start - held.start)
        line.append(note)
    return line


class _Codec:
    """Pitch range and step grid shared by both codecs."""

    name = None

    def __init__(self, min_pitch, max_pitch, steps_per_quarter):
        _check_pitch_range(min_pitch, max_pitch)
        _check_int("steps_per_quarter", steps_per_quarter, 1, 96)
        self.min_pitch = min_pitch
        self.max_pitch = max_pitch
        self.steps_per_quarter = steps_per_quarter

    def check_range(self, notes, source=None):
        """Raises `ValueError` naming the limit and the value if a pitch is outside the codec's range."""
        for index, note in enumerate(notes):
            if not self.min_pitch <= note.pitch <= self.max_pitch:
                side, limit = ("below `min_pitch`", self.min_pitch)
                if note.pitch > self.max_pitch:
                    side, limit = ("above `max_pitch`", self.max_pitch)
                where = f" in {source}" if source else ""
                raise ValueError(
                    f"pitch {note.pitch} of note {index} (step {note.start}){where} is {side}={limit}; "
                    f"the codec's range is {self.min_pitch}..{self.max_pitch}"
                )

    def in_range(self, notes):
        return all(self.min_pitch <= note.pitch <= self.max_pitch for note in notes)

    def transpositions(self, notes, semitones=range(-6, 6)):
        """The shifts among `semitones` that keep every note of `notes` inside the pitch range."""
        if not notes:
            return []
        low = min(note.pitch for note in notes)
        high = max(note.pitch for note in notes)
        return [k for k in semitones if self.min_pitch <= low + k and high + k <= self.max_pitch]

    def pitches(self):
        return range(self.min_pitch, self.max_pitch + 1)

    def get_config(self):
        raise NotImplementedError

    def __eq__(self, other):
        return type(self) is type(other) and self.get_config() == other.get_config()

    def __repr__(self):
        arguments = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items() if k != "encoding")
        return f"{type(self).__name__}({arguments})"


class MelodyCodec(_Codec):
    """A monophonic line as note-on pitch, duration and rest tokens.

    Tokens: `"n<pitch>"` for each pitch in the range, `"r"` (rest) and `"d<k>"` for durations of 1 to
    `max_duration` steps; each note or rest is two tokens. Silence longer than `max_duration` becomes several
    rests; a note longer than `max_duration` keeps `max_duration` steps and is followed by a rest for the
    remainder, so every later note keeps its start. Silence before the first note is dropped.

    Args:
        min_pitch: lowest MIDI pitch (0–127).
        max_pitch: highest MIDI pitch (0–127, not below `min_pitch`).
        steps_per_quarter: grid steps per quarter note (1–96).
        max_duration: longest note or rest token, in steps.

    Example:

    >>> codec = MelodyCodec(min_pitch=60, max_pitch=72, max_duration=4)
    >>> codec.encode([Note(60, 0, 6)])
    ['n60', 'd4', 'r', 'd2']
    >>> codec.decode(['n60', 'd4', 'r', 'd2', 'n64', 'd1'])
    [Note(pitch=60, start=0, duration=4), Note(pitch=64, start=6, duration=1)]
    """

    name = "melody"
    REST = "r"

    def __init__(self, min_pitch=36, max_pitch=96, steps_per_quarter=4, max_duration=32):
        super().__init__(min_pitch, max_pitch, steps_per_quarter)
        _check_int("max_duration", max_duration, 1, 1024)
        self.max_duration = max_duration

    def tokens(self):
        """Every token the codec can produce, in a fixed order."""
        return [f"n{p}" for p in self.pitches()] + [self.REST] + [f"d{k}" for k in range(1, self.max_duration + 1)]

    def _durations(self, steps):
        while steps > 0:
            chunk = min(steps, self.max_duration)
            yield f"d{chunk}"
            steps -= chunk

    def encode(self, notes, source=None):
        """Tokens of a monophonic line; raises `ValueError` for overlapping notes or pitches out of range."""
        notes = sorted(notes)
        self.check_range(notes, source)
        tokens = []
        time = notes[0].start if notes else 0
        for index, note in enumerate(notes):
            if note.start < time:
                raise ValueError(
                    f"MelodyCodec encodes one line, but note {index} (pitch {note.pitch}) starts at step "
                    f"{note.start}, before the previous note ends at step {time}; use `melody_line` first"
                )
            for duration in self._durations(note.start - time):
                tokens += [self.REST, duration]
            head = min(note.duration, self.max_duration)
            tokens += [f"n{note.pitch}", f"d{head}"]
            for duration in self._durations(note.duration - head):
                tokens += [self.REST, duration]
            time = note.end
        return tokens

    def decode(self, tokens):
        """Notes from tokens; stops at `<EOS>`, skips tokens that do not fit the note/duration pattern."""
        notes = []
        time = 0
        pending = None
        for token in tokens:
            if token == "<EOS>":
                break
            if token == self.REST or (token.startswith("n") and token[1:].isdigit()):
                pending = token
            elif token.startswith("d") and token[1:].isdigit() and pending is not None:
                duration = int(token[1:])
                if pending != self.REST:
                    notes.append(Note(int(pending[1:]), time, duration))
                time += duration
                pending = None
        return notes

    def get_config(self):
        return {
            "encoding": self.name,
            "min_pitch": self.min_pitch,
            "max_pitch": self.max_pitch,
            "steps_per_quarter": self.steps_per_quarter,
            "max_duration": self.max_duration,
        }


class PolyphonicCodec(_Codec):
    """Simultaneous notes as note-on, note-off and time-shift events on the step grid.

    Tokens: `"on<pitch>"`, `"off<pitch>"` for each pitch in the range and `"t<k>"` for a time shift of 1 to
    `max_shift` steps (longer waits are several shifts). At each step note-offs come first, then note-ons, each
    in pitch order. Unison doublings (the same pitch sounding twice at once) are merged into one note.

    Args:
        min_pitch: lowest MIDI pitch (0–127).
        max_pitch: highest MIDI pitch (0–127, not below `min_pitch`).
        steps_per_quarter: grid steps per quarter note (1–96).
        max_shift: longest time-shift token, in steps.

    Example:

    >>> codec = PolyphonicCodec(min_pitch=48, max_pitch=72, max_shift=8)
    >>> chord = [Note(60, 0, 4), Note(64, 0, 4), Note(67, 2, 2)]
    >>> codec.encode(chord)
    ['on60', 'on64', 't2', 'on67', 't2', 'off60', 'off64', 'off67']
    >>> codec.decode(codec.encode(chord)) == sorted(chord)
    True
    """

    name = "polyphonic"

    def __init__(self, min_pitch=36, max_pitch=96, steps_per_quarter=4, max_shift=16):
        super().__init__(min_pitch, max_pitch, steps_per_quarter)
        _check_int("max_shift", max_shift, 1, 1024)
        self.max_shift = max_shift

    def tokens(self):
        """Every token the codec can produce, in a fixed order."""
        pitches = self.pitches()
        return (
            [f"on{p}" for p in pitches] + [f"off{p}" for p in pitches] + [f"t{k}" for k in range(1, self.max_shift + 1)]
        )

    @staticmethod
    def _merge_unisons(notes):
        merged = []
        sounding = {}
        for note in sorted(notes):
            previous = sounding.get(note.pitch)
            if previous is not None and note.start < merged[previous].end:
                kept = merged[previous]
                merged[previous] = Note(kept.pitch, kept.start, max(kept.end, note.end) - kept.start)
                continue
            sounding[note.pitch] = len(merged)
            merged.append(note)
        return merged

    def encode(self, notes, source=None):
        """Event tokens of any set of notes; raises `ValueError` for pitches out of range."""
        self.check_range(notes, source)
        events = []
        for note in self._merge_unisons(notes):
            events.append((note.start, 1, note.pitch, f"on{note.pitch}"))
            events.append((note.end, 0, note.pitch, f"off{note.pitch}"))
        events.sort()
        tokens = []
        time = events[0][0] if events else 0
        for step, _, _, token in events:
            wait = step - time
            while wait > 0:
                shift = min(wait, self.max_shift)
                tokens.append(f"t{shift}")
                wait -= shift
            time = step
            tokens.append(token)
        return tokens

    def decode(self, tokens):
        """Notes from event tokens; stops at `<EOS>`.

        A note-on of a sounding pitch ends the sounding note first; a note-off of a silent pitch is ignored;
        notes still sounding at the end stop there (or after one step if no time passed).
        """
        notes = []
        sounding = {}
        time = 0
        for token in tokens:
            if token == "<EOS>":
                break
            if token.startswith("on") and token[2:].isdigit():
                pitch = int(token[2:])
                if pitch in sounding:
                    notes.append(Note(pitch, sounding[pitch], max(1, time - sounding[pitch])))
                sounding[pitch] = time
            elif token.startswith("off") and token[3:].isdigit():
                pitch = int(token[3:])
                if pitch in sounding:
                    start = sounding.pop(pitch)
                    notes.append(Note(pitch, start, max(1, time - start)))
            elif token.startswith("t") and token[1:].isdigit():
                time += int(token[1:])
        for pitch, start in sounding.items():
            notes.append(Note(pitch, start, max(1, time - start)))
        return sorted(notes)

    def get_config(self):
        return {
            "encoding": self.name,
            "min_pitch": self.min_pitch,
            "max_pitch": self.max_pitch,
            "steps_per_quarter": self.steps_per_quarter,
            "max_shift": self.max_shift,
        }


CODECS = {"melody": MelodyCodec, "polyphonic": PolyphonicCodec}


def get_codec(config):
    """A codec from `get_config()` output or from an encoding name (`"melody"`, `"polyphonic"`).

    Example:

    >>> get_codec({"encoding": "melody", "min_pitch": 40, "max_pitch": 80}).max_pitch
    80
    """
    if isinstance(config, str):
        config = {"encoding": config}
    config = dict(config)
    encoding = config.pop("encoding", None)
    if encoding not in CODECS:
        raise ValueError(f"`encoding` must be one of {', '.join(map(repr, CODECS))}. Received: encoding={encoding!r}")
    return CODECS[encoding](**config)
