import json
import subprocess
import sys
import textwrap

from click.testing import CliRunner

from seqkit.cli.main import cli


def invoke(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input)


def test_fit_learns_to_transcribe_tone_words(speech_run):
    out, output = speech_run
    for name in ("model.keras", "config.json", "metrics.json", "speech.json", "train_transcripts.txt"):
        assert (out / name).is_file(), name
    settings = json.loads((out / "speech.json").read_text())
    assert settings["characters"] == [" ", "a", "b"] and settings["sample_rate"] == 16000
    metrics = json.loads((out / "metrics.json").read_text())
    # Two tones, one per letter, with pauses: CTC learns to segment and label them.
    assert metrics["cer"] <= 0.15, metrics
    assert "WER" in output


def test_evaluate_json_has_per_utterance_scores_and_matches_fit(speech_run, tone_corpus):
    out, _ = speech_run
    result = invoke("speech", "evaluate", "--model", str(out), "--data", str(tone_corpus / "valid" / "manifest.csv"), "--json")
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.output)
    assert metrics["count"] == 12 and len(metrics["utterances"]) == 12
    assert metrics["wer"] == json.loads((out / "metrics.json").read_text())["wer"]
    row = metrics["utterances"][0]
    assert {"reference", "hypothesis", "wer", "cer", "path"} <= set(row)


def test_predict_transcribes_files_and_folders(speech_run, tone_corpus):
    out, _ = speech_run
    clip = tone_corpus / "valid" / "clip0.wav"
    one = invoke("speech", "predict", "--model", str(out), "--json", str(clip))
    assert one.exit_code == 0, one.output
    result = json.loads(one.output)
    assert result["path"] == str(clip) and set(result["transcript"]) <= set(" ab")
    folder = invoke("speech", "predict", "--model", str(out), str(tone_corpus / "valid"))
    assert folder.exit_code == 0, folder.output
    assert len(folder.output.splitlines()) == 12
    beam = invoke("speech", "predict", "--model", str(out), "--beam-size", "8", "--lexicon", "train", "--json", str(clip))
    assert beam.exit_code == 0, beam.output
    assert set(json.loads(beam.output)["transcript"].split()) <= {"a", "b"}


def test_unreadable_clip_exits_2_naming_it(tmp_path):
    (tmp_path / "broken.wav").write_bytes(b"RIFF\x00\x00not really audio")
    (tmp_path / "manifest.csv").write_text("path,transcript\nbroken.wav,yes\n", encoding="utf-8")
    manifest = str(tmp_path / "manifest.csv")
    result = invoke("speech", "fit", "--data", manifest, "--valid", manifest, "--out", str(tmp_path / "run"), "--preset", "tiny")
    assert result.exit_code == 2, result.output
    assert "broken.wav" in result.output and "Traceback" not in result.output


def test_export_transcribes_waveforms_without_seqkit(speech_run, tone_corpus, tmp_path):
    out, _ = speech_run
    result = invoke("speech", "export", "--model", str(out), "--out", str(tmp_path / "saved_models"))
    assert result.exit_code == 0, result.output
    version_dir = tmp_path / "saved_models" / "speech" / "1"
    from seqkit.data.audio.waveforms import read_audio

    import numpy as np

    clips = [tone_corpus / "valid" / f"clip{i}.wav" for i in range(3)]
    waveforms = [read_audio(path) for path in clips]
    lengths = np.array([len(w) for w in waveforms], np.int32)
    batch = np.zeros((len(waveforms), lengths.max()), np.float32)
    for i, w in enumerate(waveforms):
        batch[i, : len(w)] = w
    np.save(tmp_path / "batch.npy", batch)
    np.save(tmp_path / "lengths.npy", lengths)
    script = textwrap.dedent(f"""
        import json, sys
        for blocked in ("seqkit", "keras_nlp", "keras_hub", "tensorflow_text"):
            sys.modules[blocked] = None
        import numpy as np
        import tensorflow as tf
        batch = np.load({str(tmp_path / "batch.npy")!r})
        lengths = np.load({str(tmp_path / "lengths.npy")!r})
        served = tf.saved_model.load({str(version_dir)!r}).signatures["serving_default"]
        out = served(waveforms=tf.constant(batch), lengths=tf.constant(lengths))
        print(json.dumps([t.decode() for t in out["transcripts"].numpy()]))
    """)
    served = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert served.returncode == 0, served.stderr[-2000:]
    transcripts = json.loads(served.stdout.strip().splitlines()[-1])
    predicted = invoke("speech", "predict", "--model", str(out), "--json", *map(str, clips))
    assert [t.strip() for t in transcripts] == [json.loads(line)["transcript"] for line in predicted.output.splitlines()]


def test_fit_without_data_uses_the_synthesised_words(tmp_path, monkeypatch):
    monkeypatch.setenv("SEQKIT_HOME", str(tmp_path / "home"))
    out = tmp_path / "run"
    result = invoke("speech", "fit", "--out", str(out), "--preset", "tiny", "--epochs", "1", "--quiet")
    assert result.exit_code == 0, result.output
    assert "embedded synthesised words (a smoke test, not speech)" in result.output
    assert (tmp_path / "home" / "data" / "speech-words-v1" / "train" / "manifest.csv").is_file()
    config = json.loads((out / "config.json").read_text())
    assert config["data"]["train_utterances"] == 160 and config["data"]["valid_utterances"] == 40
    words = set((out / "train_transcripts.txt").read_text().split())
    assert words == {"yes", "no", "go", "stop", "up", "on", "off", "hi"}


def test_skip_bad_rows_leaves_out_and_counts_unreadable_clips(tmp_path, tone_corpus):
    import shutil

    for i in range(4):
        shutil.copy(tone_corpus / "train" / f"clip{i}.wav", tmp_path / f"clip{i}.wav")
    (tmp_path / "broken.wav").write_bytes(b"RIFF\x00\x00not really audio")
    rows = ["path,transcript", "clip0.wav,a", "broken.wav,b", "clip1.wav,b", "clip2.wav,a b", "clip3.wav,b a"]
    (tmp_path / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    manifest = str(tmp_path / "manifest.csv")
    result = invoke("speech", "fit", "--data", manifest, "--valid", manifest, "--out", str(tmp_path / "run"),
                    "--preset", "tiny", "--epochs", "1", "--skip-bad-rows", "--quiet")
    assert result.exit_code == 0, result.output
    assert "Skipped bad clips: 1 in training, 1 in validation." in result.output
    assert json.loads((tmp_path / "run" / "metrics.json").read_text())["count"] == 4
