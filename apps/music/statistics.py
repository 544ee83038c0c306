"""Musical statistics of a set of pieces, and distances between two sets (generated vs training corpus).

- pitch-class histogram (duration weighted, all pieces together) and its total-variation distance,
- fraction of notes in each piece's estimated key (Krumhansl–Schmuckler; natural minor scale), averaged,
- note-duration histogram over `DURATION_BINS` steps and its total-variation distance,
- repetition: the fraction of 4-note pitch patterns of a piece that already occurred earlier in it.

Example:

>>> from seqkit.data.music_codec import Note
>>> scale = [Note(p, 2 * i, 2) for i, p in enumerate([60, 62, 64, 65, 67, 69, 71, 72])]
>>> stats = music_statistics([scale])
>>> stats["in_key_fraction"], stats["repetition"]
(1.0, 0.0)
>>> compare_statistics(stats, stats)["pitch_class_distance"]
0.0
"""

from seqkit.data import music_codec

DURATION_BINS = (1, 2, 3, 4, 6, 8, 12, 16)
PATTERN_LENGTH = 4


def _duration_bin(duration):
    for index, limit in enumerate(DURATION_BINS):
        if duration <= limit:
            return index
    return len(DURATION_BINS)


def _normalise(counts):
    total = sum(counts)
    return [c / total for c in counts] if total else [0.0] * len(counts)


def _repetition(notes):
    pitches = [note.pitch for note in sorted(notes)]
    patterns = [tuple(pitches[i : i + PATTERN_LENGTH]) for i in range(len(pitches) - PATTERN_LENGTH + 1)]
    if not patterns:
        return 0.0
    seen, repeated = set(), 0
    for pattern in patterns:
        repeated += pattern in seen
        seen.add(pattern)
    return repeated / len(patterns)


def music_statistics(pieces):
    """Statistics of a list of pieces (each a list of `Note`); empty pieces are ignored."""
    pieces = [notes for notes in pieces if notes]
    pitch_classes = [0.0] * 12
    durations = [0] * (len(DURATION_BINS) + 1)
    in_key, repetition = [], []
    for notes in pieces:
        for note in notes:
            pitch_classes[note.pitch % 12] += note.duration
            durations[_duration_bin(note.duration)] += 1
        scale = music_codec.scale_pitch_classes(music_codec.estimate_key(notes))
        in_key.append(sum(note.pitch % 12 in scale for note in notes) / len(notes))
        repetition.append(_repetition(notes))
    count = len(pieces)
    return {
        "pieces": count,
        "notes_per_piece": sum(len(notes) for notes in pieces) / count if count else 0.0,
        "pitch_class_histogram": _normalise(pitch_classes),
        "duration_histogram": _normalise(durations),
        "in_key_fraction": sum(in_key) / count if count else 0.0,
        "repetition": sum(repetition) / count if count else 0.0,
    }


def _total_variation(a, b):
    return 0.5 * sum(abs(x - y) for x, y in zip(a, b))


def compare_statistics(generated, reference):
    """Distances (0 = same, 1 = disjoint) and differences between two `music_statistics` results."""
    return {
        "pitch_class_distance": _total_variation(
            generated["pitch_class_histogram"], reference["pitch_class_histogram"]
        ),
        "duration_distance": _total_variation(generated["duration_histogram"], reference["duration_histogram"]),
        "in_key_fraction": {"generated": generated["in_key_fraction"], "reference": reference["in_key_fraction"]},
        "repetition": {"generated": generated["repetition"], "reference": reference["repetition"]},
        "notes_per_piece": {"generated": generated["notes_per_piece"], "reference": reference["notes_per_piece"]},
    }
