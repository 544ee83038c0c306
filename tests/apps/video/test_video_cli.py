import json

import numpy as np
from click.testing import CliRunner

from seqkit.cli.main import cli

from colour_clips import decode_rgb, serve_without_seqkit, square_clip, write_video


def invoke(*args):
    return CliRunner().invoke(cli, list(args))


def test_fit_learns_the_colour_of_the_clips(video_run):
    out, output = video_run
    for name in ("model.keras", "config.json", "metrics.json", "video.json", "plots/confusion_matrix.png"):
        assert (out / name).is_file(), name
    settings = json.loads((out / "video.json").read_text())
    assert settings["classes"] == ["blue", "green", "red"]
    assert settings["sampling"]["num_frames"] == 6 and settings["sampling"]["frame_size"] == 24
    assert settings["clip_seconds"] == 0.8  # 8 frames at 10 fps
    config = json.loads((out / "config.json").read_text())
    assert config["data"]["train_clips"] == 30 and config["data"]["valid_clips"] == 9
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["accuracy"] >= 0.9, metrics
    assert metrics["top_5_accuracy"] is None  # three classes: top-5 says nothing
    assert "3 activities: blue, green, red" in output and "Validation (9 clips): accuracy" in output


def test_evaluate_json_matches_fit_and_prints_a_report(video_run, colour_clips, tmp_path):
    out, _ = video_run
    result = invoke("video", "evaluate", "--model", str(out), "--data", str(colour_clips / "valid"), "--json")
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout)
    fitted = json.loads((out / "metrics.json").read_text())
    assert metrics["count"] == 9 and metrics["accuracy"] == fitted["accuracy"]
    assert np.asarray(metrics["confusion"]).sum() == 9 and metrics["labels"] == ["blue", "green", "red"]
    # A CSV of path,label gives the same scores as the folder.
    rows = ["path,label"] + [f"{p},{p.parent.name}" for p in sorted((colour_clips / "valid").rglob("*.avi"))]
    (tmp_path / "clips.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    text = invoke("video", "evaluate", "--model", str(out), "--data", str(tmp_path / "clips.csv"))
    assert text.exit_code == 0, text.output
    assert text.output.startswith(f"9 clips: accuracy {fitted['accuracy']:.4f}")
    assert "confusion (rows: true, columns: predicted)" in text.output


def test_predict_files_folders_and_contact_sheets(video_run, colour_clips, tmp_path):
    out, _ = video_run
    clip = colour_clips / "valid" / "red" / "red0.avi"
    one = invoke("video", "predict", "--model", str(out), "--json", "--frames-png", str(tmp_path / "sheets"), str(clip))
    assert one.exit_code == 0, one.output
    result = json.loads(one.output)
    assert result["path"] == str(clip) and result["frames"] == 6 and result["activity"] == "red"
    assert abs(sum(result["probabilities"].values()) - 1.0) < 1e-4
    assert list(result["probabilities"])[0] == "red"  # highest first
    assert (tmp_path / "sheets" / "red0.frames.png").is_file() and "timeline" not in result
    folder = invoke("video", "predict", "--model", str(out), str(colour_clips / "valid"))
    assert folder.exit_code == 0, folder.output
    lines = folder.output.splitlines()
    assert len(lines) == 9 and sum(line.split("\t")[1].startswith(line.split("/")[-2]) for line in lines) >= 8


def test_predict_gives_a_timeline_for_a_long_video(video_run, tmp_path):
    out, _ = video_run
    rng = np.random.default_rng(3)
    pixels = np.concatenate([square_clip(rng, "red", frames=24), square_clip(rng, "blue", frames=24)])
    video = write_video(tmp_path / "long.avi", pixels)  # 4.8 s, six times the training clips
    result = invoke("video", "predict", "--model", str(out), "--json", str(video))
    assert result.exit_code == 0, result.output
    timeline = json.loads(result.stdout)["timeline"]
    assert timeline[0]["start"] == 0.0 and len(timeline) >= 4
    assert timeline[0]["activity"] == "red" and timeline[-1]["activity"] == "blue"
    assert all(span["end"] - span["start"] <= 0.81 for span in timeline)


def test_unreadable_clip_exits_2_naming_it_or_is_skipped(tmp_path, colour_clips):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(colour_clips / "train", data)
    (data / "red" / "broken.avi").write_bytes(b"RIFF\x00\x00not really a video")
    args = ["video", "fit", "--data", str(data), "--valid", str(data), "--preset", "tiny", "--epochs", "1", "--quiet"]
    result = invoke(*args, "--out", str(tmp_path / "run"))
    assert result.exit_code == 2, result.output
    assert "broken.avi" in result.output and "cannot decode video" in result.output
    assert "Traceback" not in result.output
    skipped = invoke(*args, "--out", str(tmp_path / "run2"), "--skip-bad-rows")
    assert skipped.exit_code == 0, skipped.output
    assert "Skipped bad clips: 1 in training, 1 in validation." in skipped.output


def test_bad_options_exit_2(tmp_path, colour_clips):
    data = str(colour_clips / "train")
    weights = invoke("video", "fit", "--data", data, "--out", str(tmp_path / "r"), "--weights", "random")
    assert weights.exit_code == 2 and "--weights needs --backbone" in weights.output
    missing = invoke("video", "fit", "--data", data, "--out", str(tmp_path / "r"), "--backbone", "mobilenet_v3_small",
                     "--weights", str(tmp_path / "none.h5"))
    assert missing.exit_code == 2 and "no such weights file" in missing.output
    garbage = tmp_path / "garbage.weights.h5"
    garbage.write_bytes(b"not HDF5")
    wrong = invoke("video", "fit", "--data", data, "--out", str(tmp_path / "r"), "--backbone", "mobilenet_v3_small",
                   "--frame-size", "32", "--weights", str(garbage))
    assert wrong.exit_code == 2, wrong.output
    assert "garbage.weights.h5" in wrong.output and "does not load" in wrong.output
    assert len(wrong.output.strip().splitlines()) == 1 and "Traceback" not in wrong.output
    one_class = invoke("video", "fit", "--data", str(colour_clips / "train" / "red"), "--out", str(tmp_path / "r"))
    assert one_class.exit_code == 2, one_class.output


def test_export_classifies_frames_without_seqkit(video_run, colour_clips, tmp_path):
    out, _ = video_run
    result = invoke("video", "export", "--model", str(out), "--out", str(tmp_path / "saved_models"))
    assert result.exit_code == 0, result.output
    version_dir = tmp_path / "saved_models" / "video" / "1"
    clips = [colour_clips / "valid" / colour / f"{colour}1.avi" for colour in ("red", "green", "blue")]
    decoded = [decode_rgb(path) for path in clips]  # every frame at its own size: the graph samples and resizes
    lengths = np.array([len(f) for f in decoded[:2]] + [5], np.int32)  # the last clip: 5 real frames, rest padding
    batch = np.zeros((3, max(lengths), 32, 32, 3), np.uint8)
    for i, frames in enumerate(decoded):
        batch[i, : lengths[i]] = frames[: lengths[i]]
    batch[2, 5:] = 255  # padding content must not matter
    answer = serve_without_seqkit(version_dir, batch, lengths, tmp_path)
    answer["labels"] = answer.pop("label")
    predicted = invoke("video", "predict", "--model", str(out), "--json", *map(str, clips[:2]))
    expected = [json.loads(line) for line in predicted.output.splitlines()]
    assert answer["labels"][:2] == [e["activity"] for e in expected]
    for row, e in zip(answer["probabilities"], expected):
        classes = ["blue", "green", "red"]
        np.testing.assert_allclose(row, [e["probabilities"][c] for c in classes], atol=0.02)
    assert answer["labels"][2] == "blue"


def test_fit_without_data_uses_the_generated_shape_clips(tmp_path, monkeypatch):
    monkeypatch.setenv("SEQKIT_HOME", str(tmp_path / "home"))
    out = tmp_path / "run"
    result = invoke("video", "fit", "--out", str(out), "--preset", "tiny", "--epochs", "1", "--quiet")
    assert result.exit_code == 0, result.output
    assert "embedded generated shape motions" in result.output
    config = json.loads((out / "config.json").read_text())
    assert config["data"]["train_clips"] == 480 and config["data"]["valid_clips"] == 120
    assert len(config["data"]["classes"]) == 8


def test_backbone_features_are_cached_and_reused(tmp_path, colour_clips):
    import keras

    cache = tmp_path / "cache"
    weights = tmp_path / "backbone.weights.h5"
    # Random weights in a file, so that both fits load the same backbone. That other weights miss the cache is
    # tested without a fit: tests/apps/video/test_frame_vectorizer.py (the vectorizer's cache key) and
    # tests/data/test_feature_cache.py (digest of the weights' values, other settings).
    keras.applications.MobileNetV3Small(include_top=False, pooling="avg", input_shape=(32, 32, 3),
                                        weights=None).save_weights(weights)
    args = ["video", "fit", "--data", str(colour_clips / "train"), "--valid", str(colour_clips / "valid"),
            "--preset", "tiny", "--epochs", "1", "--quiet", "--run-eagerly", "--backbone", "mobilenet_v3_small", "--weights",
            str(weights), "--frame-size", "32", "--feature-cache", str(cache)]
    first = invoke(*args, "--out", str(tmp_path / "a"))
    assert first.exit_code == 0, first.output
    assert "Backbone features: 0 clips from the cache, 39 computed." in first.output
    second = invoke(*args, "--out", str(tmp_path / "b"))
    assert second.exit_code == 0, second.output
    assert "Backbone features: 39 clips from the cache, 0 computed." in second.output
    assert (tmp_path / "b" / "backbone.keras").is_file()
    predicted = invoke("video", "predict", "--model", str(tmp_path / "b"), "--json",
                       str(colour_clips / "valid" / "red" / "red0.avi"))
    assert predicted.exit_code == 0, predicted.output
    assert json.loads(predicted.output)["activity"] in {"red", "green", "blue"}


def test_prediction_traces_once_and_a_clip_does_not_depend_on_its_batch(video_run):
    from seqkit.apps import video

    model = video.load(video_run[0])
    size = model.vectorizer.sampling.frame_size
    rng = np.random.default_rng(0)
    clips = [{"frames": rng.integers(0, 256, (length, size, size, 3), dtype=np.uint8), "lengths": length}
             for length in (2, 3, 6, 4, 5)]
    alone = [model.probabilities([clip])[0] for clip in clips]
    for batch in (clips[:2], clips[1:4], clips):
        together = model.probabilities(batch)
        for clip, row in zip(batch, together):
            np.testing.assert_allclose(row, alone[[c["lengths"] for c in clips].index(clip["lengths"])], atol=1e-5)
    # It traced again as the batch size and then the frame count first varied (3 times) with reduce_retracing.
    assert model._probabilities.experimental_get_tracing_count() == 1
