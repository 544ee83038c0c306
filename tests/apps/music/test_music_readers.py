"""MIDI/MusicXML folder reading, the embedded chorales, and the vectorizer (notes ⇄ ids, key shifts)."""

import pytest

from seqkit.apps.music import readers
from seqkit.apps.music.encoding import MusicVectorizer
from seqkit.data.music_codec import MelodyCodec, Note, PolyphonicCodec
from seqkit.errors import UserInputError


def grid(events, steps_per_quarter=4):
    return [Note(p, int(s * steps_per_quarter), int((e - s) * steps_per_quarter)) for p, s, e in events]


def test_folder_reader_reads_midi_and_musicxml_and_skips_bad_files_by_name(music_folder, tunes):
    TUNE, MINOR_TUNE = tunes
    corpus = readers.read_folder(music_folder, steps_per_quarter=4, workers=1)
    by_name = {piece.name: piece for piece in corpus.pieces}
    assert sorted(by_name) == ["minor", "tune", "tune_with_chords"]
    assert by_name["tune"].notes == grid(TUNE)
    assert by_name["minor"].notes == grid(MINOR_TUNE)
    assert len(by_name["tune_with_chords"].notes) == len(TUNE) + 12
    skipped = dict(corpus.skipped)
    assert sorted(skipped) == [str(music_folder / "corrupt.mid"), str(music_folder / "empty.mid")]
    assert "unreadable file" in skipped[str(music_folder / "corrupt.mid")]
    assert corpus.report().splitlines()[-1] == "2 file(s) skipped, 3 read"


def test_a_folder_without_usable_files_is_a_user_error(tmp_path):
    (tmp_path / "bad.mid").write_bytes(b"not midi")
    with pytest.raises(UserInputError, match=r"no usable MIDI or MusicXML file .*1 skipped: .*bad.mid"):
        readers.read_folder(tmp_path)
    with pytest.raises(UserInputError, match="no such file or folder"):
        readers.read_folder(tmp_path / "missing")


def test_single_files_and_max_pieces(music_folder):
    assert [p.name for p in readers.read_folder(music_folder / "tune.mid").pieces] == ["tune"]
    # Sorted paths: corrupt.mid, empty.mid, nested/minor.musicxml, tune.mid, ...
    assert [p.name for p in readers.read_folder(music_folder, max_pieces=3, workers=1).pieces] == ["minor"]


def test_embedded_bach_chorales_need_no_download():
    corpus = readers.bach_chorales(steps_per_quarter=4, max_pieces=2, workers=1)
    assert [piece.name for piece in corpus.pieces] == ["bwv1.6", "bwv10.7"]
    assert corpus.skipped == []
    notes = corpus.pieces[0].notes
    assert notes[0].start == 0 and all(36 <= n.pitch <= 84 for n in notes)
    assert len(readers.chorale_paths()) > 350


def test_chorales_are_parsed_once_then_read_from_the_cache(monkeypatch):
    first = readers.bach_chorales(steps_per_quarter=2, max_pieces=2, workers=1)
    cache = readers._cache_path(2)
    assert cache.is_file()

    def no_parsing(*args, **kwargs):
        raise AssertionError("parsed again")

    monkeypatch.setattr(readers, "read_file", no_parsing)
    again = readers.bach_chorales(steps_per_quarter=2, max_pieces=2, workers=1)
    assert [(p.name, p.notes) for p in again.pieces] == [(p.name, p.notes) for p in first.pieces]
    assert readers.bach_chorales(steps_per_quarter=2, max_pieces=1, workers=1).pieces[0].notes == first.pieces[0].notes


def test_held_out_split_is_a_fixed_function_of_the_name():
    names = [p.stem for p in readers.chorale_paths()]
    held_out = [name for name in names if readers.is_held_out(name)]
    assert held_out == [name for name in names if readers.is_held_out(name)]
    assert 0.05 < len(held_out) / len(names) < 0.15


def test_vectorizer_moves_pieces_to_c_and_decodes_its_ids(tunes):
    TUNE, MINOR_TUNE = tunes
    vectorizer = MusicVectorizer(MelodyCodec(min_pitch=36, max_pitch=96), transpose="key")
    minor = grid(MINOR_TUNE)
    prepared, shift = vectorizer.prepare(minor)
    assert shift == 0  # already A minor
    d_major = [Note(n.pitch + 2, n.start, n.duration) for n in grid(TUNE)]
    prepared, shift = vectorizer.prepare(d_major)
    assert shift == -2 and prepared == grid(TUNE)
    (ids,) = vectorizer.encode(d_major)
    vocabulary = vectorizer.vocabulary
    assert ids[0] == vocabulary.bos_id and ids[-1] == vocabulary.eos_id and len(ids) == 2 + 2 * len(TUNE)
    assert vectorizer.decode(ids) == grid(TUNE)


def test_all_keys_augmentation_keeps_every_transposition_in_range(tunes):
    TUNE = tunes[0]
    vectorizer = MusicVectorizer(PolyphonicCodec(min_pitch=57, max_pitch=72), transpose="all")
    notes = grid(TUNE)  # 60..69: shifts -3..+3 fit in 57..72
    sequences = vectorizer.encode(notes, augment=True)
    assert len(sequences) == 7
    assert len(vectorizer.encode(notes, augment=False)) == 1
    lowest = sorted(min(n.pitch for n in vectorizer.decode(ids)) for ids in sequences)
    assert lowest == [57, 58, 59, 60, 61, 62, 63]


def test_vectorizer_settings_round_trip():
    vectorizer = MusicVectorizer(PolyphonicCodec(max_shift=8), transpose="none")
    again = MusicVectorizer.from_settings(vectorizer.settings())
    assert again.codec == vectorizer.codec and again.vocabulary == vectorizer.vocabulary
    with pytest.raises(ValueError, match="`transpose` must be one of 'none', 'key', 'all'. Received: transpose='up'"):
        MusicVectorizer(vectorizer.codec, transpose="up")
