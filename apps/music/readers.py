"""Read MIDI and MusicXML files (and the Bach chorales of music21's corpus) as quantized notes.

Library choice: MIDI files are read with pretty_midi (fast: about 10 ms a file, exact tick times, which become
quarter notes through the file's resolution); MusicXML (`.mxl`, `.musicxml`, `.xml`) with music21, the
well-kept reader of notated scores, which also ships the Bach chorales used as the default corpus. Ties are
merged (`stripTies`); grace notes (no duration) and drum tracks are skipped. Nothing here imports TensorFlow.

Example:

>>> pieces = bach_chorales(steps_per_quarter=4, max_pieces=2).pieces   # doctest: +SKIP
>>> pieces[0].name, pieces[0].notes[0]                                 # doctest: +SKIP
('bwv1.6', Note(pitch=53, start=0, duration=4))
"""

import concurrent.futures
import dataclasses
import json
import multiprocessing
import os
import pathlib
import warnings
import zlib

from seqkit.data.atomic import atomic_write_json
from seqkit.data.music_codec import Note, quantize
from seqkit.errors import UserInputError
from seqkit.optional import MissingPackageError, import_optional

MIDI_SUFFIXES = (".mid", ".midi")
MUSICXML_SUFFIXES = (".mxl", ".musicxml", ".xml")
SUFFIXES = MIDI_SUFFIXES + MUSICXML_SUFFIXES
# Chorale files of music21's `bach` corpus folder that are not four-part chorales.
_NOT_CHORALES = ("bwv846",)
_PARALLEL_FROM = 24


@dataclasses.dataclass
class Piece:
    """One piece of music: a name, the file it came from, and its notes on the step grid."""

    name: str
    path: str
    notes: list


@dataclasses.dataclass
class Corpus:
    """What a reader produced: the usable pieces and the skipped files as `(path, reason)` pairs."""

    pieces: list
    skipped: list

    def report(self):
        """One line per skipped file, then a count."""
        lines = [f"skipped {path}: {reason}" for path, reason in self.skipped]
        if self.skipped:
            lines.append(f"{len(self.skipped)} file(s) skipped, {len(self.pieces)} read")
        return "\n".join(lines)


def _midi_events(path):
    pretty_midi = import_optional("pretty_midi", "music")

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        midi = pretty_midi.PrettyMIDI(str(path))
    resolution = float(midi.resolution)
    return [
        (note.pitch, midi.time_to_tick(note.start) / resolution, midi.time_to_tick(note.end) / resolution)
        for instrument in midi.instruments
        if not instrument.is_drum
        for note in instrument.notes
    ]


def _musicxml_events(path):
    music21 = import_optional("music21", "music")

    score = music21.converter.parse(str(path))
    score = score.stripTies()
    events = []
    for element in score.flatten().notes:
        length = float(element.quarterLength)
        if length <= 0:
            continue
        start = float(element.offset)
        events.extend((pitch.midi, start, start + length) for pitch in element.pitches)
    return events


def read_file(path, steps_per_quarter=4):
    """The quantized notes of one MIDI or MusicXML file.

    Raises:
        UserInputError: the file type is unknown or the file cannot be parsed.
    """
    path = pathlib.Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UserInputError(f"unknown file type {suffix!r}; expected one of {', '.join(SUFFIXES)}", path=path)
    # A missing music package is not a corrupt file: check for it before parsing.
    import_optional("pretty_midi" if suffix in MIDI_SUFFIXES else "music21", "music")
    try:
        events = _midi_events(path) if suffix in MIDI_SUFFIXES else _musicxml_events(path)
    except Exception as error:  # any parser failure means a corrupt file, reported by name
        lines = str(error).strip().splitlines()
        reason = lines[0][:200] if lines else "no details"
        raise UserInputError(f"unreadable file ({type(error).__name__}: {reason})", path=path) from None
    return quantize(events, steps_per_quarter)


def _read_one(path, steps_per_quarter):
    """`(path, notes, None)` or `(path, None, reason)`: never raises for a bad file."""
    try:
        notes = read_file(path, steps_per_quarter)
    except MissingPackageError:
        raise
    except UserInputError as error:
        return str(path), None, error.problem
    if not notes:
        return str(path), None, "no notes"
    return str(path), notes, None


def _read_many(paths, steps_per_quarter, workers):
    if workers is None:
        workers = min(os.cpu_count() or 1, 8)
    if workers <= 1 or len(paths) < _PARALLEL_FROM:
        return [_read_one(path, steps_per_quarter) for path in paths]
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
        return list(pool.map(_read_one, paths, [steps_per_quarter] * len(paths), chunksize=4))


def _corpus(paths, steps_per_quarter, workers, names=None):
    pieces, skipped = [], []
    for index, (path, notes, reason) in enumerate(_read_many(paths, steps_per_quarter, workers)):
        if notes is None:
            skipped.append((path, reason))
        else:
            name = names[index] if names else pathlib.Path(path).stem
            pieces.append(Piece(name=name, path=path, notes=notes))
    return Corpus(pieces=pieces, skipped=skipped)


def music_files(path):
    """The MIDI and MusicXML files of a folder (recursively, sorted), or `[path]` for one file."""
    path = pathlib.Path(path)
    if not path.exists():
        raise UserInputError("no such file or folder", path=path)
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)


def read_folder(path, steps_per_quarter=4, max_pieces=None, workers=None):
    """Read every MIDI/MusicXML file under `path` (a folder or one file) into a `Corpus`.

    Corrupt or empty files are skipped and listed in `Corpus.skipped` with the reason.

    Args:
        path: a folder (searched recursively) or a single file.
        steps_per_quarter: grid steps per quarter note.
        max_pieces: read at most this many files (the first ones by name), or all.
        workers: reader processes for large folders (default: the CPU count, at most 8).

    Raises:
        UserInputError: the path is missing, or no file in it gave any note.
    """
    files = music_files(path)
    if max_pieces is not None:
        files = files[:max_pieces]
    corpus = _corpus(files, steps_per_quarter, workers)
    if not corpus.pieces:
        details = (
            f" ({len(corpus.skipped)} skipped: {corpus.skipped[0][0]}: {corpus.skipped[0][1]} ...)"
            if corpus.skipped
            else ""
        )
        raise UserInputError(f"no usable MIDI or MusicXML file ({', '.join(SUFFIXES)}){details}", path=path)
    return corpus


def chorale_paths():
    """The Bach chorale MusicXML files shipped in music21's corpus, sorted by name."""
    from music21 import corpus

    paths = corpus.getComposer("bach", fileExtensions=("mxl", "xml"))
    return sorted(p for p in paths if not p.stem.startswith(_NOT_CHORALES))


def is_held_out(name, valid_fraction=0.1):
    """Whether piece `name` belongs to the fixed validation split (a CRC-32 hash of the name)."""
    return zlib.crc32(name.encode("utf-8")) % 1000 < valid_fraction * 1000


def _cache_path(steps_per_quarter):
    music21 = import_optional("music21", "music")

    from seqkit.data.downloads import default_cache_dir

    name = f"bach_chorales-music21_{music21.__version__}-{steps_per_quarter}spq.json"
    return default_cache_dir() / "music" / name


def _read_cache(path):
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {name: [Note(*values) for values in notes] for name, notes in stored.get("pieces", {}).items()}


def bach_chorales(steps_per_quarter=4, max_pieces=None, workers=None, cache=True):
    """The Bach chorales of music21's corpus as a `Corpus` (no download; `max_pieces` takes the first ones).

    Parsing all 400-odd MusicXML files takes minutes, so the quantized notes are cached as JSON under
    `$SEQKIT_HOME/data/music/` (one file per music21 version and grid) unless `cache` is False.
    """
    paths = chorale_paths()
    if max_pieces is not None:
        paths = paths[:max_pieces]
    cache_path = _cache_path(steps_per_quarter) if cache else None
    known = _read_cache(cache_path) if cache else {}
    missing = [path for path in paths if path.stem not in known]
    corpus = _corpus(missing, steps_per_quarter, workers)
    if cache and corpus.pieces:
        known.update({piece.name: piece.notes for piece in corpus.pieces})
        pieces = {name: [[n.pitch, n.start, n.duration] for n in notes] for name, notes in sorted(known.items())}
        cache_path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_json(cache_path, {"steps_per_quarter": steps_per_quarter, "pieces": pieces}, indent=None)
    read = {piece.name: piece.notes for piece in corpus.pieces}
    pieces = [
        Piece(name=path.stem, path=str(path), notes=known.get(path.stem) or read[path.stem])
        for path in paths
        if path.stem in known or path.stem in read
    ]
    return Corpus(pieces=pieces, skipped=corpus.skipped)
