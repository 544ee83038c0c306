"""Finding a speech corpus's clips and transcripts: manifests, LibriSpeech folders and clips named by a rule."""

import pathlib

import numpy as np
import pytest

from seqkit.application.sources import Skipped
from seqkit.data.audio.manifests import Utterance, iter_utterances, name_fields, speaker_of
from seqkit.data.audio.waveforms import write_wav
from seqkit.errors import UserInputError


def clip(path):
    """A 10 ms 16 kHz WAV file at `path` (parents created)."""
    return write_wav(path, np.zeros(160), 16_000)


def pairs(utterances):
    return [(u.path, u.transcript, u.line) for u in utterances]


# === Manifests ===


def test_csv_manifest_with_paths_relative_to_its_folder(tmp_path):
    clip(tmp_path / "corpus" / "audio" / "a.wav")
    clip(tmp_path / "corpus" / "b.wav")
    manifest = tmp_path / "corpus" / "train.csv"
    manifest.write_text('path,transcript\naudio/a.wav,"Hello, there."\n./b.wav, yes \n')
    utterances = list(iter_utterances(manifest))
    assert pairs(utterances) == [
        (tmp_path / "corpus" / "audio" / "a.wav", "Hello, there.", 2),
        (tmp_path / "corpus" / "b.wav", "yes", 3),
    ]
    assert all(u.path.is_absolute() and u.source == str(manifest) and u.duration is None for u in utterances)


def test_paths_are_absolute_even_for_a_relative_manifest(tmp_path, monkeypatch):
    clip(tmp_path / "a.wav")
    (tmp_path / "m.csv").write_text("file,text\na.wav,one\n")
    monkeypatch.chdir(tmp_path)
    [utterance] = iter_utterances("m.csv")
    assert utterance.path == tmp_path / "a.wav"


def test_tsv_manifest_with_common_voice_columns_and_clips_folder(tmp_path):
    clip(tmp_path / "clips" / "common_voice_en_1.wav")
    clip(tmp_path / "clips" / "common_voice_en_2.wav")
    (tmp_path / "train.tsv").write_text(
        "client_id\tpath\tsentence\tup_votes\n"
        "x1\tcommon_voice_en_1.wav\tIt's fine.\t2\n"
        "x2\tclips/common_voice_en_2.wav\tNo\t1\n"
    )
    assert [(u.path.name, u.transcript) for u in iter_utterances(tmp_path / "train.tsv")] == [
        ("common_voice_en_1.wav", "It's fine."),
        ("common_voice_en_2.wav", "No"),
    ]


@pytest.mark.parametrize("path_column, transcript_column", [("file", "text"), ("Audio", "Sentence"), ("wav", "text")])
def test_column_aliases(tmp_path, path_column, transcript_column):
    clip(tmp_path / "a.wav")
    (tmp_path / "m.csv").write_text(f"{path_column},{transcript_column}\na.wav,hi\n")
    assert [u.transcript for u in iter_utterances(tmp_path / "m.csv")] == ["hi"]


def test_absolute_paths_and_durations(tmp_path):
    audio = clip(tmp_path / "elsewhere" / "a.wav")
    (tmp_path / "m.csv").write_text(f"path,transcript,duration\n{audio},hi,0.01\n{audio},ho,\n")
    assert [(u.path, u.duration) for u in iter_utterances(tmp_path / "m.csv")] == [(audio, 0.01), (audio, None)]


def test_missing_columns_are_listed(tmp_path):
    (tmp_path / "m.csv").write_text("audio_file,words\na.wav,hi\n")
    with pytest.raises(UserInputError) as raised:
        list(iter_utterances(tmp_path / "m.csv"))
    assert str(raised.value).startswith(f"{tmp_path / 'm.csv'}: no audio path column (tried 'path', 'file'")
    assert "columns found: 'audio_file', 'words'" in str(raised.value)


def test_missing_audio_files_name_the_manifest_line(tmp_path):
    clip(tmp_path / "a.wav")
    manifest = tmp_path / "m.csv"
    manifest.write_text("path,transcript\na.wav,one\nnope.wav,two\n")
    with pytest.raises(UserInputError) as raised:
        list(iter_utterances(manifest))
    assert str(raised.value).startswith(f"{manifest}:3: audio file not found: nope.wav (relative paths are read from")


def test_line_numbers_count_line_breaks_inside_quoted_cells(tmp_path):
    clip(tmp_path / "a.wav")
    manifest = tmp_path / "m.csv"
    manifest.write_text('path,transcript\na.wav,"two\nlines"\nb.wav,x\n')
    with pytest.raises(UserInputError, match=r"m\.csv:4: audio file not found: b\.wav"):
        list(iter_utterances(manifest))


def test_bad_rows_are_skipped_on_request(tmp_path):
    clip(tmp_path / "a.wav")
    manifest = tmp_path / "m.csv"
    manifest.write_text("path,transcript,duration\na.wav,one,\nnope.wav,two,\na.wav,  ,\n,four,\na.wav,five,long\n")
    items = list(iter_utterances(manifest, skip_bad_rows=True))
    assert isinstance(items[0], Utterance) and items[0].transcript == "one"
    assert [(item.line, item.problem.split(":")[0]) for item in items[1:]] == [
        (3, "audio file not found"),
        (4, "empty transcript"),
        (5, "missing audio path"),
        (6, "the duration 'long' is not a positive number of seconds"),
    ]
    assert all(isinstance(item, Skipped) and item.path == str(manifest) for item in items[1:])
    with pytest.raises(UserInputError) as raised:
        list(iter_utterances(manifest))
    assert str(raised.value) == f"{manifest}:3: audio file not found: nope.wav (relative paths are read from " \
        f"{tmp_path}) (--skip-bad-rows leaves such rows out)"


def test_empty_transcripts_are_errors(tmp_path):
    clip(tmp_path / "a.wav")
    (tmp_path / "m.csv").write_text("path,transcript\na.wav,one\na.wav, \n")
    with pytest.raises(UserInputError, match=r"m\.csv:3: empty transcript \(--skip-bad-rows leaves such rows out\)"):
        list(iter_utterances(tmp_path / "m.csv"))


def test_a_manifest_without_usable_rows_is_an_error(tmp_path):
    (tmp_path / "m.csv").write_text("path,transcript\nnope.wav,one\n")
    with pytest.raises(UserInputError, match=r"m\.csv: no usable rows found"):
        list(iter_utterances(tmp_path / "m.csv", skip_bad_rows=True))


def test_a_folder_with_a_manifest_reads_it(tmp_path):
    clip(tmp_path / "0000.wav")
    clip(tmp_path / "0001.wav")  # not in the manifest: not read
    (tmp_path / "manifest.csv").write_text("path,transcript\n0000.wav,go\n")
    assert pairs(iter_utterances(tmp_path)) == [(tmp_path / "0000.wav", "go", 2)]


def test_other_files_are_not_manifests(tmp_path):
    (tmp_path / "list.txt").write_text("a.wav hi\n")
    with pytest.raises(UserInputError, match=r"list\.txt: expected a manifest table \(\.csv, \.tsv\) or a folder"):
        iter_utterances(tmp_path / "list.txt")
    with pytest.raises(UserInputError, match="missing.csv: file or folder not found"):
        iter_utterances(tmp_path / "missing.csv")


# === LibriSpeech ===


def librispeech(root):
    chapter = root / "dev-clean" / "84" / "121123"
    clip(chapter / "84-121123-0000.flac")
    clip(chapter / "84-121123-0001.flac")
    (chapter / "84-121123.trans.txt").write_text("84-121123-0000 GO DO YOU HEAR\n84-121123-0001 BUT IN LESS\n")
    other = root / "dev-clean" / "174" / "50561"
    clip(other / "174-50561-0000.wav")
    (other / "174-50561.trans.txt").write_text("\n174-50561-0000 FORGOTTEN TOO\n")
    return chapter, other


def test_librispeech_layout_is_read_recursively(tmp_path):
    chapter, other = librispeech(tmp_path)
    utterances = list(iter_utterances(tmp_path))
    assert pairs(utterances) == [
        (other / "174-50561-0000.wav", "FORGOTTEN TOO", 2),
        (chapter / "84-121123-0000.flac", "GO DO YOU HEAR", 1),
        (chapter / "84-121123-0001.flac", "BUT IN LESS", 2),
    ]
    assert utterances[0].source == str(other / "174-50561.trans.txt")
    assert [speaker_of(u, "librispeech") for u in utterances] == ["174", "84", "84"]


def test_librispeech_missing_audio_and_empty_transcripts(tmp_path):
    chapter, _ = librispeech(tmp_path)
    transcripts = chapter / "84-121123.trans.txt"
    transcripts.write_text("84-121123-0000 GO\n84-121123-0009 MISSING\n84-121123-0001\n")
    with pytest.raises(UserInputError) as raised:
        list(iter_utterances(tmp_path))
    assert str(raised.value).startswith(
        f"{transcripts}:2: no audio file 84-121123-0009.flac or 84-121123-0009.wav beside the transcript file"
    )
    skipped = [item for item in iter_utterances(tmp_path, skip_bad_rows=True) if isinstance(item, Skipped)]
    assert [(item.line, item.problem) for item in skipped] == [
        (2, "no audio file 84-121123-0009.flac or 84-121123-0009.wav beside the transcript file"),
        (3, "empty transcript for 84-121123-0001"),
    ]


# === Clips named by a rule ===


def test_digits_rule_reads_fsdd_names(tmp_path):
    for name in ("7_jackson_32.wav", "0_theo_5.wav", "sub/3_nicolas_10.flac"):
        clip(tmp_path / name)
    utterances = list(iter_utterances(tmp_path, transcript_from_name="digits"))
    assert [(u.path.relative_to(tmp_path).as_posix(), u.transcript) for u in utterances] == [
        ("0_theo_5.wav", "zero"),
        ("7_jackson_32.wav", "seven"),
        ("sub/3_nicolas_10.flac", "three"),
    ]
    assert all(u.source == str(tmp_path) and u.line is None for u in utterances)
    assert [speaker_of(u, "digits") for u in utterances] == ["theo", "jackson", "nicolas"]
    assert [int(name_fields(u.path)[2]) for u in utterances] == [5, 32, 10]


def test_yesno_rule_reads_kaldi_names(tmp_path):
    clip(tmp_path / "1_0_1_1_0_0_0_1.wav")
    clip(tmp_path / "0_0_0_0_1_1_1_1.wav")
    assert [u.transcript for u in iter_utterances(tmp_path, transcript_from_name="yesno")] == [
        "no no no no yes yes yes yes",
        "yes no yes yes no no no yes",
    ]


def test_stem_rule_reads_words_from_names(tmp_path):
    clip(tmp_path / "turn_left.wav")
    clip(tmp_path / "Stop-now--please.ogg")
    assert [u.transcript for u in iter_utterances(tmp_path, transcript_from_name="stem")] == [
        "Stop now please",
        "turn left",
    ]


def test_non_audio_and_hidden_files_are_passed_over(tmp_path):
    clip(tmp_path / "1_a_1.wav")
    clip(tmp_path / "._1_a_1.wav")  # macOS resource fork
    (tmp_path / "README.md").write_text("digits")
    (tmp_path / "notes.csv").write_text("x\n")
    assert len(list(iter_utterances(tmp_path, transcript_from_name="digits"))) == 1


@pytest.mark.parametrize(
    "rule, name",
    [
        ("digits", "seven_jackson_3.wav"),
        ("digits", "12_jackson_3.wav"),
        ("digits", "7_jackson.wav"),
        ("digits", "7__3.wav"),
        ("yesno", "1_0_2.wav"),
        ("yesno", "yes_no.wav"),
        ("stem", "_-_.wav"),
    ],
)
def test_names_that_do_not_fit_the_rule(tmp_path, rule, name):
    good = {"digits": "1_a_1.wav", "yesno": "1_1.wav", "stem": "hi.wav"}[rule]
    clip(tmp_path / good)
    bad = clip(tmp_path / name)
    with pytest.raises(UserInputError) as raised:
        list(iter_utterances(tmp_path, transcript_from_name=rule))
    assert str(raised.value).startswith(f"{bad}: the file name does not fit the {rule!r} rule")
    items = list(iter_utterances(tmp_path, transcript_from_name=rule, skip_bad_rows=True))
    assert sorted(type(item).__name__ for item in items) == ["Skipped", "Utterance"]
    [skipped] = [item for item in items if isinstance(item, Skipped)]
    assert skipped.path == str(bad) and skipped.line is None


def test_a_rule_wins_over_a_manifest(tmp_path):
    clip(tmp_path / "4_ann_0.wav")
    (tmp_path / "manifest.csv").write_text("path,transcript\n4_ann_0.wav,for\n")
    assert [u.transcript for u in iter_utterances(tmp_path, transcript_from_name="digits")] == ["four"]
    assert [u.transcript for u in iter_utterances(tmp_path)] == ["for"]


def test_folders_without_a_layout(tmp_path):
    clip(tmp_path / "a.wav")
    with pytest.raises(UserInputError, match="a folder of clips needs a transcript rule"):
        iter_utterances(tmp_path)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(UserInputError, match=r"empty: no audio files \(\.wav, \.flac, \.ogg\) under the folder"):
        list(iter_utterances(empty, transcript_from_name="stem"))
    with pytest.raises(UserInputError, match="no file name under the folder fits the 'digits' rule"):
        list(iter_utterances(tmp_path, transcript_from_name="digits", skip_bad_rows=True))


def test_unknown_rules(tmp_path):
    with pytest.raises(ValueError, match="`transcript_from_name` must be 'digits', 'yesno', 'stem' or None"):
        iter_utterances(tmp_path, transcript_from_name="fsdd")
    with pytest.raises(ValueError, match="`rule` must be 'digits' or 'librispeech'. Received: rule='stem'"):
        speaker_of("a.wav", "stem")


def test_speakers_and_name_fields_of_paths():
    assert speaker_of(pathlib.Path("x/9_yweweler_49.wav"), "digits") == "yweweler"
    assert speaker_of("bad_name.wav", "digits") is None
    assert speaker_of("1272-128104-0000.flac", "librispeech") == "1272"
    assert speaker_of("hello.flac", "librispeech") is None
    assert name_fields("a/b/1_0_1.wav") == ["1", "0", "1"]
    assert name_fields("single.wav") == ["single"]
