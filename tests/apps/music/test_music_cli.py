"""`seqkit music` through the CLI: fit on a few Bach chorales, generate, score, evaluate, export."""

import json
import textwrap

from click.testing import CliRunner

from seqkit.cli.main import cli

from plain_tensorflow import run_plain_tensorflow


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_fit_writes_a_complete_run_directory(trained_music_run):
    out, output = trained_music_run
    for name in (
        "model.keras",
        "config.json",
        "metrics.json",
        "history.csv",
        "vocabulary.txt",
        "train_sequences.txt",
        "corpus_statistics.json",
    ):
        assert (out / name).is_file(), name
    assert "Kneser–Ney baselines: unigram" in output and "the strongest, " in output
    metrics = json.loads((out / "metrics.json").read_text())
    config = json.loads((out / "config.json").read_text())
    vocabulary_size = config["builder"]["vocabulary_size"]
    assert config["data"]["train_pieces"] + config["data"]["valid_pieces"] == 8
    assert config["builder"]["cell"] == "lstm"
    # A trained model is far better than uniform guessing; on chorales a bigram beats a unigram.
    assert metrics["perplexity"] < vocabulary_size / 4
    assert metrics["baselines"]["bigram"]["perplexity"] < metrics["baselines"]["unigram"]["perplexity"]
    assert metrics["beats_baselines"] == (metrics["nll"] < min(b["nll"] for b in metrics["baselines"].values()))
    assert set(metrics["statistics"]["comparison"]) >= {"pitch_class_distance", "duration_distance", "in_key_fraction"}


def test_generate_writes_midi_that_music21_and_pretty_midi_open(trained_music_run, tmp_path):
    import music21
    import pretty_midi

    out, _ = trained_music_run
    song = tmp_path / "song.mid"
    result = invoke(
        "music",
        "generate",
        "--model",
        out,
        "--out",
        song,
        "--length",
        40,
        "--seed",
        3,
        "--top-k",
        8,
        "--musicxml",
        "--json",
    )
    assert result.exit_code == 0, result.output
    line = json.loads(result.stdout.splitlines()[-1])
    assert line["file"] == str(song) and line["notes"] > 0
    assert (tmp_path / "song.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    midi = pretty_midi.PrettyMIDI(str(song))
    assert len(midi.instruments[0].notes) == line["notes"]
    assert len(music21.converter.parse(song).flatten().notes) >= 1
    assert len(music21.converter.parse(tmp_path / "song.musicxml").flatten().notes) >= 1

    again = invoke(
        "music",
        "generate",
        "--model",
        out,
        "--out",
        tmp_path / "again.mid",
        "--length",
        40,
        "--seed",
        3,
        "--top-k",
        8,
        "--json",
    )
    assert json.loads(again.output.splitlines()[-1])["token_ids"] == line["token_ids"]


def test_generate_several_samples_and_continue_a_primer(trained_music_run, music_folder, tunes, tmp_path):
    out, _ = trained_music_run
    result = invoke(
        "music",
        "generate",
        "--model",
        out,
        "--out",
        tmp_path / "take.mid",
        "--num-samples",
        2,
        "--primer",
        music_folder / "tune.mid",
        "--length",
        5,
        "--unit",
        "notes",
        "--seed",
        0,
        "--temperature",
        0.8,
        "--top-p",
        0.9,
        "--no-piano-roll",
        "--json",
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["file"] for line in lines] == [str(tmp_path / "take-1.mid"), str(tmp_path / "take-2.mid")]
    assert not list(tmp_path.glob("*.png"))
    from seqkit.apps.music.readers import read_file

    tune = tunes[0]
    for line in lines:
        assert line["primer_notes"] == len(tune)
        notes = read_file(line["file"])
        assert len(tune) <= len(notes) <= len(tune) + 5
        # The primer comes back unchanged, in its own key.
        assert [n.pitch for n in notes[: len(tune)]] == [p for p, _, _ in tune]


def test_score_and_evaluate_a_folder_with_bad_files(trained_music_run, music_folder):
    out, _ = trained_music_run
    scored = invoke("music", "score", "--model", out, "--json", music_folder / "tune.mid")
    assert scored.exit_code == 0, scored.output
    row = json.loads(scored.output)
    assert row["tokens"] == 2 * 12 + 1 and row["perplexity"] > 1

    result = invoke(
        "music", "evaluate", "--model", out, "--data", music_folder, "--samples", 2, "--length", 30, "--json"
    )
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout)
    assert metrics["data"]["pieces"] == 3 and metrics["data"]["skipped"] == 2
    assert list(metrics["baselines"]) == ["unigram", "bigram", "3-gram", "4-gram", "5-gram"]
    assert [b["order"] for b in metrics["baselines"].values()] == [1, 2, 3, 4, 5]
    best = min(metrics["baselines"], key=lambda name: metrics["baselines"][name]["nll"])
    assert metrics["best_baseline"] == best
    assert metrics["beats_baselines"] == (metrics["nll"] < metrics["baselines"][best]["nll"])
    assert metrics["statistics"]["generated"]["pieces"] <= 2
    text = invoke("music", "evaluate", "--model", out, "--data", music_folder, "--samples", 0)
    assert "beats the n-gram baselines" in text.output and "bigram" in text.output
    for name in ("3-gram", "4-gram", "5-gram"):
        assert f"{name:<8} NLL" in text.output
    assert f"strongest baseline: {best}, perplexity {metrics['baselines'][best]['perplexity']:.3f}" in text.output


def test_bad_inputs_exit_2_with_the_file_name(trained_music_run, tmp_path):
    out, _ = trained_music_run
    (tmp_path / "broken.mid").write_bytes(b"nonsense")
    fit = invoke("music", "fit", "--data", tmp_path, "--out", tmp_path / "run", "--preset", "tiny")
    assert fit.exit_code == 2
    assert "no usable MIDI or MusicXML file" in fit.output and "broken.mid" in fit.output
    assert "Traceback" not in fit.output
    primer = invoke("music", "generate", "--model", out, "--primer", tmp_path / "broken.mid")
    assert primer.exit_code == 2 and f"{tmp_path / 'broken.mid'}: unreadable file" in primer.output
    missing = invoke("music", "generate", "--model", tmp_path)
    assert missing.exit_code == 2 and "config.json" in missing.output


def test_export_generates_the_same_greedy_tokens_without_seqkit(trained_music_run, music_folder, tmp_path):
    out, _ = trained_music_run
    result = invoke("music", "export", "--model", out, "--out", tmp_path / "saved_models")
    assert result.exit_code == 0, result.output
    version_dir = tmp_path / "saved_models" / "music" / "1"
    assert (version_dir / "saved_model.pb").is_file()

    from seqkit.apps.music import load

    composer = load(out)
    primer_ids = composer.primer_ids(music_folder / "tune.mid")[0][1:]
    script = textwrap.dedent(f"""
        import json, sys
        import tensorflow as tf
        served = tf.saved_model.load({str(version_dir)!r}).signatures["serving_default"]
        rows = []
        for primer in ([], {primer_ids!r}):
            out = served(length=tf.constant(30), temperature=tf.constant(1.0), top_k=tf.constant(1),
                         seed=tf.constant(5), num_samples=tf.constant(2), primer=tf.constant(primer, tf.int32))
            rows.append([r[: int(n)].tolist() for r, n in zip(out["token_ids"].numpy(), out["lengths"].numpy())])
        sampled = served(length=tf.constant(30), temperature=tf.constant(1.0), top_k=tf.constant(0),
                         seed=tf.constant(5), num_samples=tf.constant(3), primer=tf.constant([], tf.int32))
        rows.append(sampled["tokens"].numpy()[:, 0].astype(str).tolist())
        print(json.dumps(rows))
    """)
    served = run_plain_tensorflow(script)
    assert served.returncode == 0, served.stderr[-2000:]
    from_nothing, from_primer, first_tokens = json.loads(served.stdout.strip().splitlines()[-1])

    eos = composer.vectorizer.vocabulary.eos_id
    for primer, rows in ((None, from_nothing), (music_folder / "tune.mid", from_primer)):
        (piece,) = composer.generate(length=30, top_k=1, seed=0, primer=primer)
        expected = [t for t in piece.token_ids if t != 0]
        expected = expected[: expected.index(eos)] if eos in expected else expected
        assert rows == [expected, expected]
    assert all(token not in ("<PAD>", "<UNK>", "<BOS>") for token in first_tokens)


def test_generate_refuses_a_non_midi_name_and_json_always_prints(trained_music_run, tmp_path):
    out, _ = trained_music_run
    wrong = invoke("music", "generate", "--model", out, "--out", tmp_path / "x.txt", "--length", 4)
    assert wrong.exit_code == 2
    assert wrong.output.strip() == f"Error: {tmp_path / 'x.txt'}: the output must be a MIDI file name (.mid or .midi), not '.txt'"
    assert list(tmp_path.iterdir()) == []
    upper = invoke("music", "generate", "--model", out, "--out", tmp_path / "SONG.MID", "--length", 4, "--json",
                   "--no-piano-roll")
    assert upper.exit_code == 0, upper.output
    assert json.loads(upper.output)["file"] == str(tmp_path / "SONG.MID")
    import os

    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "SONG.MID").stat().st_mode & 0o777 == 0o666 & ~umask  # not owner-only


def test_generate_min_length_gives_exactly_length_tokens_and_is_checked(eos_first_run, tmp_path):
    run, note = eos_first_run
    args = ("music", "generate", "--model", run.path, "--length", 6, "--temperature", 0, "--json", "--no-piano-roll")
    result = invoke(*args, "--min-length", 6, "--out", tmp_path / "long.mid")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["token_ids"] == [note] * 6
    result = invoke(*args, "--min-length", 7, "--out", tmp_path / "bad.mid")
    assert result.exit_code == 2
    assert "`min_length` must be an integer from 0 to length (6). Received: min_length=7" in result.output
    assert not (tmp_path / "bad.mid").exists()
