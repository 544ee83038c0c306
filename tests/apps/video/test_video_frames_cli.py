"""`seqkit video` with per-frame labels: clips whose square changes colour, labelled by colour per frame."""

import json

import numpy as np
import pytest
from click.testing import CliRunner

from seqkit.cli.main import cli

from colour_clips import COLOURS, changing_clip, decode_rgb, serve_without_seqkit, write_segments, write_video

# 12 frames at 10 fps: 4 of colour a (0-0.4 s), 4 of colour b (0.4-0.8 s), 4 of grey background (0.8-1.2 s);
# the tiny preset samples 6 frames, at 0.1, 0.3, ... 1.1 s: two of each.
SEGMENTS = ((0, 0.4), (0.4, 0.8))


def invoke(*args):
    return CliRunner().invoke(cli, list(args))


def write_split(folder, count, rng):
    """`folder/clips.csv` of `count` clips with a segment file each; returns the clips' colours."""
    rows, colours = ["path,frame_labels"], []
    for i in range(count):
        a, b = (str(name) for name in rng.choice(sorted(COLOURS), 2, replace=False))
        write_video(folder / f"clip{i}.avi", changing_clip(rng, (a, b)))
        segments = [(*SEGMENTS[0], a), (*SEGMENTS[1], b)]
        write_segments(folder / "labels" / f"clip{i}.csv", segments[::-1] if i % 2 else segments)  # any order
        rows.append(f"clip{i}.avi,labels/clip{i}.csv")
        colours.append((a, b))
    (folder / "clips.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return colours


@pytest.fixture(scope="module")
def frame_data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("frame_clips")
    rng = np.random.default_rng(11)
    write_split(folder / "train", 24, rng)
    return folder, write_split(folder / "valid", 6, rng)


@pytest.fixture(scope="module")
def frame_run(tmp_path_factory, frame_data):
    folder, _ = frame_data
    out = tmp_path_factory.mktemp("runs") / "frames"
    result = invoke("video", "fit", "--data", str(folder / "train" / "clips.csv"), "--valid",
                    str(folder / "valid" / "clips.csv"), "--out", str(out), "--preset", "tiny", "--epochs", "20",
                    "--seed", "1", "--quiet")
    assert result.exit_code == 0, result.output
    return out, result.output


def test_fit_trains_the_per_frame_model_and_records_it(frame_run):
    out, output = frame_run
    settings = json.loads((out / "video.json").read_text())
    assert settings["task"] == "frames" and settings["classes"] == ["background", "blue", "green", "red"]
    config = json.loads((out / "config.json").read_text())
    assert config["builder"]["per_frame"] is True and config["data"]["task"] == "frames"
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["task"] == "frames" and metrics["count"] == 36 and metrics["clips"] == 6
    assert metrics["accuracy"] >= 0.9, metrics
    assert "4 activities per frame: background, blue, green, red" in output
    assert "Validation (36 frames of 6 clips): per-frame accuracy" in output
    history = (out / "history.csv").read_text().splitlines()
    assert "val_accuracy" in history[0]


def test_evaluate_scores_frames_and_segments(frame_run, frame_data):
    out, _ = frame_run
    table = str(frame_data[0] / "valid" / "clips.csv")
    result = invoke("video", "evaluate", "--model", str(out), "--data", table, "--json")
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout)
    fitted = json.loads((out / "metrics.json").read_text())
    assert metrics["accuracy"] == fitted["accuracy"] and np.asarray(metrics["confusion"]).sum() == 36
    assert set(metrics["per_class"]) == {"background", "blue", "green", "red"}
    assert metrics["background"] == "background" and metrics["segment_exact"]["gold"] == 12
    assert 0.0 <= metrics["segment_overlap"]["f1"] <= 1.0
    text = invoke("video", "evaluate", "--model", str(out), "--data", table)
    assert text.exit_code == 0, text.output
    lines = text.output.splitlines()
    assert lines[0].startswith(f"36 frames of 6 clips: accuracy {fitted['accuracy']:.4f}")
    assert lines[1].startswith("segments (runs of one label, 'background' left out): exact F1 ")
    assert "confusion (rows: true, columns: predicted)" in text.output


def test_predict_prints_a_timeline_of_segments(frame_run, frame_data, tmp_path):
    out, _ = frame_run
    folder, colours = frame_data
    clip = folder / "valid" / "clip0.avi"
    result = invoke("video", "predict", "--model", str(out), "--json", "--frames-png", str(tmp_path), str(clip))
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["frames"] == 6 and answer["seconds"] == 1.2 and (tmp_path / "clip0.frames.png").is_file()
    assert [frame["time"] for frame in answer["frame_labels"]] == [0.1, 0.3, 0.5, 0.7, 0.9, 1.1]
    a, b = colours[0]
    assert [(s["start"], s["end"], s["label"]) for s in answer["segments"]] == [
        (0.0, 0.4, a), (0.4, 0.8, b), (0.8, 1.2, "background")
    ]
    assert all(0.0 < s["probability"] <= 1.0 for s in answer["segments"])
    text = invoke("video", "predict", "--model", str(out), str(clip))
    assert text.exit_code == 0, text.output
    assert text.output.splitlines() == [
        f"{clip}\t3 segments (6 frames)",
        *(f"  {s['start']:7.2f}-{s['end']:<7.2f} {s['label']}  {s['probability']:.3f}" for s in answer["segments"]),
    ]


def test_predict_samples_a_long_video_in_windows_of_the_training_clips(frame_run, tmp_path):
    out, _ = frame_run
    rng = np.random.default_rng(5)
    pixels = np.concatenate([changing_clip(rng, ("red", "blue")), changing_clip(rng, ("green", "red")),
                             changing_clip(rng, ("blue", "green"))])
    video = write_video(tmp_path / "long.avi", pixels)  # 3.6 s, three training clips
    result = invoke("video", "predict", "--model", str(out), "--json", str(video))
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["frames"] == 18 and answer["segments"][0]["start"] == 0.0 and answer["segments"][-1]["end"] == 3.6
    assert answer["segments"][0]["label"] == "red"
    assert answer["frame_labels"][6]["time"] == 1.3


def test_export_returns_per_frame_labels_without_seqkit(frame_run, frame_data, tmp_path):
    out, _ = frame_run
    folder, _ = frame_data
    result = invoke("video", "export", "--model", str(out), "--out", str(tmp_path / "saved_models"))
    assert result.exit_code == 0, result.output
    version_dir = tmp_path / "saved_models" / "video" / "1"
    clips = [folder / "valid" / f"clip{i}.avi" for i in range(3)]
    decoded = [decode_rgb(path) for path in clips]
    lengths = np.array([12, 12, 4], np.int32)  # the last clip: 4 real frames (fewer than 6 sampled), rest padding
    batch = np.full((3, 12, 32, 32, 3), 255, np.uint8)
    for i, frames in enumerate(decoded):
        batch[i, : lengths[i]] = frames[: lengths[i]]
    answer = serve_without_seqkit(version_dir, batch, lengths, tmp_path)
    answer["labels"] = answer.pop("label")
    assert np.asarray(answer["probabilities"]).shape == (3, 6, 4)
    assert answer["lengths"] == [6, 6, 4] and answer["frame_index"][0] == [1, 3, 5, 7, 9, 11]
    assert answer["labels"][2][4:] == ["", ""] and answer["class_id"][2][4:] == [-1, -1]
    assert answer["frame_index"][2] == [0, 1, 2, 3, -1, -1]
    predicted = invoke("video", "predict", "--model", str(out), "--json", *map(str, clips[:2]))
    expected = [json.loads(line) for line in predicted.output.splitlines()]
    for labels, probabilities, e in zip(answer["labels"], answer["probabilities"], expected):
        assert labels == [frame["label"] for frame in e["frame_labels"]]
        np.testing.assert_allclose(np.max(probabilities, axis=1), [f["probability"] for f in e["frame_labels"]],
                                   atol=0.02)


def test_bad_frame_labels_exit_2_with_one_line(tmp_path, frame_data):
    folder, _ = frame_data
    train = folder / "train"
    args = ["video", "fit", "--valid", str(folder / "valid" / "clips.csv"), "--preset", "tiny", "--epochs", "1",
            "--quiet", "--out", str(tmp_path / "run")]
    # A clip with per-frame labels and a clip with a clip label in one training table.
    mixed = tmp_path / "mixed.csv"
    mixed.write_text(f"path,label,frame_labels\n{train / 'clip0.avi'},,{train / 'labels' / 'clip0.csv'}\n"
                     f"{train / 'clip1.avi'},red,\n", encoding="utf-8")
    result = invoke(*args, "--data", str(mixed))
    assert result.exit_code == 2, result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert "mixed.csv:3: no frame labels, but the clip of line 2 has some" in result.output
    # A bad segment file: named with its line; left out and counted with --skip-bad-rows.
    bad = write_segments(tmp_path / "bad.csv", [(0, 0.4, "red"), (0.3, 0.8, "blue")])
    table = tmp_path / "clips.csv"
    rows = [f"{train / f'clip{i}.avi'},{train / 'labels' / f'clip{i}.csv'}" for i in range(1, 12)]
    table.write_text("\n".join(["path,frame_labels", f"{train / 'clip0.avi'},{bad}", *rows]) + "\n", encoding="utf-8")
    result = invoke(*args, "--data", str(table))
    assert result.exit_code == 2, result.output
    assert f"{bad}:3: the segment 0.3-0.8 s overlaps the segment 0-0.4 s of line 2" in result.output
    assert len(result.output.strip().splitlines()) == 1
    skipped = invoke(*args, "--data", str(table), "--skip-bad-rows")
    assert skipped.exit_code == 0, skipped.output
    assert "Skipped bad clips: 1 in training, 0 in validation." in skipped.output


def test_a_per_frame_model_needs_frame_labels_to_evaluate(frame_run, frame_data, tmp_path):
    out, _ = frame_run
    table = tmp_path / "clips.csv"
    table.write_text(f"path,label\n{frame_data[0] / 'valid' / 'clip0.avi'},red\n", encoding="utf-8")
    result = invoke("video", "evaluate", "--model", str(out), "--data", str(table))
    assert result.exit_code == 2, result.output
    assert f"{table}:2: the clip has no per-frame labels, and the model labels every frame" in result.output
    assert len(result.output.strip().splitlines()) == 1
