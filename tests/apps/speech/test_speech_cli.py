import json
import textwrap

import pytest
from click.testing import CliRunner

from seqkit.cli.main import cli

from plain_tensorflow import run_plain_tensorflow


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
    metrics = json.loads(result.stdout)
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
        import numpy as np
        import tensorflow as tf
        batch = np.load({str(tmp_path / "batch.npy")!r})
        lengths = np.load({str(tmp_path / "lengths.npy")!r})
        served = tf.saved_model.load({str(version_dir)!r}).signatures["serving_default"]
        out = served(waveforms=tf.constant(batch), lengths=tf.constant(lengths))
        print(json.dumps([t.decode() for t in out["transcripts"].numpy()]))
    """)
    served = run_plain_tensorflow(script)
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


# === The export groups a request by length ===


def padded_batch(waveforms):
    """`(batch, longest)` float32 zero-padded and the `(batch,)` int32 lengths."""
    import numpy as np

    lengths = np.array([len(w) for w in waveforms], np.int32)
    batch = np.zeros((len(waveforms), max(1, int(lengths.max()))), np.float32)
    for row, waveform in enumerate(waveforms):
        batch[row, : len(waveform)] = waveform
    return batch, lengths


def mixed_clips(tone_corpus):
    """The 12 validation clips (0.2-0.8 s), all of them joined (several seconds), a clip cut to 300 samples (shorter
    than one 400-sample frame) and the first clip three times (equal lengths), at 16 kHz."""
    import numpy as np

    from seqkit.data.audio.waveforms import read_audio

    clips = [read_audio(tone_corpus / "valid" / f"clip{i}.wav") for i in range(12)]
    return clips + [np.concatenate(clips), clips[3][:300]] + [clips[0]] * 3


def whole_request_logits(model):
    """The model on a whole request (one `tf.function`: eager calls of the recurrent loop are slow)."""
    import tensorflow as tf

    @tf.function(input_signature=[tf.TensorSpec([None, None], tf.float32), tf.TensorSpec([None], tf.int32)])
    def logits(waveforms, lengths):
        return model({"waveforms": waveforms, "lengths": lengths}, training=False)

    return logits


def ungrouped_transcripts_and_scores(logits_of, characters, waveforms):
    """What the export did before it grouped a request: `logits_of` (`whole_request_logits`) on the whole
    request padded to its longest clip, decoded greedily in NumPy; with each clip's best-path log-probability
    (padded frames add 0)."""
    import numpy as np

    batch, lengths = padded_batch(waveforms)
    logits = logits_of(batch, lengths).numpy()
    texts = []
    for ids in logits.argmax(-1):
        kept = [i for t, i in enumerate(ids) if i != 0 and (t == 0 or i != ids[t - 1])]
        texts.append("".join(characters[i - 1] for i in kept))
    shifted = logits - logits.max(-1, keepdims=True)
    log_probabilities = shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))
    return texts, log_probabilities.max(-1).sum(-1)


def test_length_groups_pad_each_chunk_to_its_longest_item_and_keep_the_request_order():
    import numpy as np
    import tensorflow as tf

    from seqkit.export.length_groups import map_length_groups

    def per_chunk(values, lengths):
        width = tf.fill(tf.shape(lengths), tf.shape(values)[1])
        return {"sums": tf.reduce_sum(values, axis=1), "lengths": lengths, "widths": width}

    signature = {"sums": tf.TensorSpec([None], tf.float32), "lengths": tf.TensorSpec([None], tf.int32),
                 "widths": tf.TensorSpec([None], tf.int32)}

    @tf.function(input_signature=[tf.TensorSpec([None, None], tf.float32), tf.TensorSpec([None], tf.int32)])
    def grouped(values, lengths):
        return map_length_groups(per_chunk, values, lengths, chunk_size=4, output_signature=signature)

    rng = np.random.default_rng(0)
    for batch_size, spread in ((1, 50), (3, 50), (4, 0), (10, 50), (10, 0), (13, 400), (0, 1)):
        lengths = (20 + rng.integers(0, spread + 1, batch_size)).astype(np.int32)
        values = rng.normal(size=(batch_size, 20 + spread)).astype(np.float32)
        values[np.arange(values.shape[1]) >= lengths[:, None]] = 0.0
        out = {key: value.numpy() for key, value in grouped(values, lengths).items()}
        np.testing.assert_allclose(out["sums"], values.sum(axis=1), atol=1e-5)
        np.testing.assert_array_equal(out["lengths"], lengths)
        # Longest first (ties in request order), chunks of 4, each as wide as its first (longest) item.
        order = sorted(range(batch_size), key=lambda i: -lengths[i])
        widths = np.zeros(batch_size, np.int32)
        for begin in range(0, batch_size, 4):
            widths[order[begin : begin + 4]] = lengths[order[begin]]
        np.testing.assert_array_equal(out["widths"], widths)
    assert grouped.experimental_get_tracing_count() == 1
    with pytest.raises(ValueError, match="`chunk_size` must be a positive integer. Received: chunk_size=0"):
        map_length_groups(per_chunk, values, lengths, chunk_size=0, output_signature=signature)


def test_grouped_serving_gives_each_clip_its_ungrouped_transcript_and_scores(speech_run, tone_corpus):
    import numpy as np
    import tensorflow as tf

    from seqkit.apps import speech
    from seqkit.export.length_groups import map_length_groups
    from seqkit.export.speech_serving import build_speech_serving_module

    out, _ = speech_run
    recognizer = speech.load(out)
    model, characters = recognizer.model, recognizer.vectorizer.characters
    module = build_speech_serving_module(model, characters, chunk_size=4)
    whole = whole_request_logits(model)

    @tf.function(input_signature=[tf.TensorSpec([None, None], tf.float32), tf.TensorSpec([None], tf.int32)])
    def grouped_scores(waveforms, lengths):
        def best_path(waveforms, lengths):
            logits = model({"waveforms": waveforms, "lengths": lengths}, training=False)
            return tf.reduce_sum(tf.reduce_max(tf.nn.log_softmax(logits), axis=-1), axis=-1)

        return map_length_groups(best_path, waveforms, lengths, chunk_size=4,
                                 output_signature=tf.TensorSpec([None], tf.float32))

    clips = mixed_clips(tone_corpus)
    # One clip; fewer than a chunk; every clip (17: not a multiple of 4, the 300-sample clip alone in the last
    # chunk, narrower than one frame), shuffled; equal lengths.
    for indices in ([12], [13, 0, 12], list(np.random.default_rng(0).permutation(len(clips))), [14, 15, 16, 0, 0]):
        waveforms = [clips[i] for i in indices]
        expected, scores = ungrouped_transcripts_and_scores(whole, characters, waveforms)
        batch, lengths = padded_batch(waveforms)
        served = module.serve(tf.constant(batch), tf.constant(lengths))["transcripts"].numpy()
        assert [t.decode() for t in served] == expected
        np.testing.assert_allclose(grouped_scores(batch, lengths).numpy(), scores, atol=1e-5, rtol=1e-6)
    assert any(expected) and module.serve.experimental_get_tracing_count() == 1


def test_export_serves_mixed_lengths_in_request_order_with_one_concrete_function(speech_run, tone_corpus,
                                                                                tmp_path):
    import numpy as np
    import tensorflow as tf

    from seqkit.apps import speech
    from seqkit.progress import quiet

    out, _ = speech_run
    recognizer = speech.load(out)
    with quiet():
        path = recognizer.export(tmp_path)
    loaded = tf.saved_model.load(str(path))
    clips = mixed_clips(tone_corpus)
    whole = whole_request_logits(recognizer.model)
    # 37 clips: a chunk of 32 (the default) and 5 more.
    for indices in ([13], list(range(5)), list(np.random.default_rng(1).integers(0, len(clips), 37))):
        waveforms = [clips[i] for i in indices]
        expected, _ = ungrouped_transcripts_and_scores(whole, recognizer.vectorizer.characters, waveforms)
        batch, lengths = padded_batch(waveforms)
        served = loaded.signatures["serving_default"](waveforms=tf.constant(batch), lengths=tf.constant(lengths))
        assert [t.decode() for t in served["transcripts"].numpy()] == expected
    assert len(loaded.serve.concrete_functions) == 1
