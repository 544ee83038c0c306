import pytest

# A C-major tune (pitch, start, end in quarter notes) and an A-minor one, written as MIDI and MusicXML.
TUNE = [
    (60, 0, 1),
    (62, 1, 2),
    (64, 2, 3),
    (65, 3, 4),
    (67, 4, 6),
    (67, 6, 8),
    (69, 8, 9),
    (67, 9, 10),
    (65, 10, 11),
    (64, 11, 12),
    (62, 12, 14),
    (60, 14, 16),
]
MINOR_TUNE = [(57, 0, 1), (60, 1, 2), (64, 2, 4), (62, 4, 5), (60, 5, 6), (59, 6, 7), (57, 7, 9)]


def write_midi(path, events, tempo=90.0, chords=False):
    import pretty_midi

    midi = pretty_midi.PrettyMIDI(initial_tempo=tempo)
    seconds = 60.0 / tempo
    melody = pretty_midi.Instrument(program=0)
    for pitch, start, end in events:
        melody.notes.append(pretty_midi.Note(velocity=90, pitch=pitch, start=start * seconds, end=end * seconds))
    midi.instruments.append(melody)
    if chords:
        accompaniment = pretty_midi.Instrument(program=0)
        for bar in range(4):
            for pitch in (48, 52, 55):
                accompaniment.notes.append(
                    pretty_midi.Note(velocity=60, pitch=pitch, start=bar * 4 * seconds, end=(bar + 1) * 4 * seconds)
                )
        midi.instruments.append(accompaniment)
    midi.write(str(path))
    return path


def write_musicxml(path, events):
    import music21

    part = music21.stream.Part()
    for pitch, start, end in events:
        part.insert(start, music21.note.Note(pitch, quarterLength=end - start))
    part.makeNotation().write("musicxml", fp=str(path))
    return path


@pytest.fixture(scope="module", autouse=True)
def seqkit_home(tmp_path_factory):
    """Keep the chorale cache (`$SEQKIT_HOME/data/music/`) out of the user's home during these tests."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SEQKIT_HOME", str(tmp_path_factory.getbasetemp() / "seqkit_home"))
        yield


@pytest.fixture(scope="session")
def tunes():
    """`(TUNE, MINOR_TUNE)`: the `(pitch, start, end)` quarter-note events written into `music_folder`."""
    return TUNE, MINOR_TUNE


@pytest.fixture(scope="session")
def music_folder(tmp_path_factory):
    """Two MIDI files (one with chords), one MusicXML file, a corrupt MIDI, an empty MIDI and a text file."""
    folder = tmp_path_factory.mktemp("music_folder")
    write_midi(folder / "tune.mid", TUNE)
    write_midi(folder / "tune_with_chords.midi", TUNE, chords=True)
    (folder / "nested").mkdir()
    write_musicxml(folder / "nested" / "minor.musicxml", MINOR_TUNE)
    (folder / "corrupt.mid").write_bytes(b"MThd\x00\x00\x00\x06garbage")
    (folder / "empty.mid").write_bytes(b"")
    (folder / "notes.txt").write_text("not music\n")
    return folder


@pytest.fixture(scope="session")
def trained_music_run(tmp_path_factory):
    """A tiny melody model trained through the CLI on 8 Bach chorales of music21's corpus."""
    from click.testing import CliRunner

    from seqkit.cli.main import cli

    out = tmp_path_factory.mktemp("runs") / "music"
    result = CliRunner().invoke(
        cli,
        [
            "music",
            "fit",
            "--out",
            str(out),
            "--preset",
            "tiny",
            "--max-pieces",
            "8",
            "--epochs",
            "10",
            "--batch-size",
            "4",
            "--seed",
            "1",
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    return out, result.output


@pytest.fixture
def eos_first_run(tmp_path):
    """A run whose model ignores its input and finds <EOS> most likely (10), then "n64" (3): `(run, note id)`."""
    import numpy as np

    from seqkit.apps.music.encoding import MusicVectorizer
    from seqkit.data.music_codec import MelodyCodec
    from seqkit.export.run_directory import RunDirectory
    from seqkit.tasks import language_model

    vectorizer = MusicVectorizer(MelodyCodec(min_pitch=60, max_pitch=72))
    vocabulary = vectorizer.vocabulary
    note = vocabulary.token_to_id("n64")
    model = language_model(len(vocabulary), embedding_dim=4, units=4)
    kernel, _ = model.get_layer("logits").get_weights()
    bias = np.zeros(len(vocabulary), "float32")
    bias[[vocabulary.eos_id, note]] = [10.0, 3.0]
    model.get_layer("logits").set_weights([np.zeros_like(kernel), bias])
    run = RunDirectory(tmp_path / "run").create()
    run.save_model(model)
    run.write_config({"app": "music", "vectorizer": vectorizer.settings()})
    return run, note
