"""Write notes as MIDI (pretty_midi), MusicXML (music21) and a piano-roll PNG (matplotlib).

Every file is written under a temporary name beside its target and renamed when complete.
"""

import pathlib

from seqkit.optional import import_optional

DEFAULT_TEMPO = 100.0
VELOCITY = 80


def _atomic(path, write):
    from seqkit.data.atomic import atomic_path

    with atomic_path(path) as temporary:
        write(temporary)
    return pathlib.Path(path)


def write_midi(notes, path, steps_per_quarter, tempo=DEFAULT_TEMPO, program=0):
    """A one-track MIDI file (General MIDI `program`, default piano) of `notes` at `tempo` quarters a minute.

    Example:

    >>> from seqkit.data.music_codec import Note
    >>> write_midi([Note(60, 0, 4)], "/tmp/one_note.mid", steps_per_quarter=4).name
    'one_note.mid'
    """
    pretty_midi = import_optional("pretty_midi", "music")

    seconds_per_step = 60.0 / tempo / steps_per_quarter
    midi = pretty_midi.PrettyMIDI(initial_tempo=tempo)
    instrument = pretty_midi.Instrument(program=program)
    for note in sorted(notes):
        instrument.notes.append(
            pretty_midi.Note(
                velocity=VELOCITY,
                pitch=note.pitch,
                start=note.start * seconds_per_step,
                end=note.end * seconds_per_step,
            )
        )
    midi.instruments.append(instrument)
    return _atomic(path, midi.write)


def write_musicxml(notes, path, steps_per_quarter):
    """A MusicXML score of `notes` (music21 lays out measures, ties and voices)."""
    music21 = import_optional("music21", "music")

    stream = music21.stream.Stream()
    for note in sorted(notes):
        element = music21.note.Note(note.pitch, quarterLength=note.duration / steps_per_quarter)
        stream.insert(note.start / steps_per_quarter, element)
    score = stream.makeNotation()
    return _atomic(path, lambda target: score.write("musicxml", fp=target))


def write_piano_roll(notes, path, steps_per_quarter, title=None):
    """A piano-roll PNG: one bar per note, time in quarter notes across, MIDI pitch up."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(10, 4), dpi=100)
    axes = figure.add_subplot()
    for note in notes:
        axes.broken_barh([(note.start / steps_per_quarter, note.duration / steps_per_quarter)], (note.pitch - 0.4, 0.8))
    if notes:
        axes.set_ylim(min(n.pitch for n in notes) - 2, max(n.pitch for n in notes) + 2)
        axes.set_xlim(0, max(n.end for n in notes) / steps_per_quarter)
    axes.set_xlabel("time (quarter notes)")
    axes.set_ylabel("MIDI pitch")
    if title:
        axes.set_title(title)
    figure.tight_layout()
    return _atomic(path, lambda target: figure.savefig(target, format="png"))
