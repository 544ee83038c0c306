"""The embedded smoke-test corpus of `seqkit video` (`seqkit.apps.video.synthetic_clips`).

Fast and without TensorFlow: clips are checked through the moving shape's masks (centre of mass, area, and
the turn that best maps one frame's mask onto the next, found here with OpenCV's own rotation), and the files
are read back with `cv2.VideoCapture`, independently of seqkit's video readers.
"""

import json
import math

import numpy as np
import pytest

cv2 = pytest.importorskip("cv2")

from seqkit.apps.video import synthetic_clips as clips  # noqa: E402
from seqkit.errors import UserInputError  # noqa: E402

SEEDS = range(6)
TINY = {"train_per_class": 2, "valid_per_class": 1, "frames": 6, "size": 32, "fps": 10}


def read_video(path):
    capture = cv2.VideoCapture(str(path))
    frames = []
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(frame[..., ::-1])  # BGR to RGB
    capture.release()
    return np.array(frames)


def masks_of(kind, seed, **options):
    return clips.generate_clip(kind, np.random.default_rng(seed), return_masks=True, **options)[1]


def centres_of(masks):
    """(frames, 2): the x and y of each mask's centre of mass."""
    centres = []
    for mask in masks:
        ys, xs = np.nonzero(mask)
        centres.append((xs.mean(), ys.mean()))
    return np.array(centres)


def turn_between(before, after):
    """The angle in degrees, positive clockwise on screen, that best maps `before` onto `after` (after aligning
    their centres of mass), searched in whole degrees within ±45."""
    (x0, y0), (x1, y1) = centres_of([before, after])
    source = before.astype(np.uint8) * 255
    best, best_overlap = 0, -1.0
    for degrees in range(-45, 46):
        matrix = cv2.getRotationMatrix2D((float(x0), float(y0)), -degrees, 1.0)  # OpenCV: positive is anticlockwise
        matrix[:, 2] += (x1 - x0, y1 - y0)
        turned = cv2.warpAffine(source, matrix, before.shape[::-1]) > 127
        overlap = (turned & after).sum() / (turned | after).sum()
        if overlap > best_overlap:
            best, best_overlap = degrees, overlap
    return best


def temporary_leftovers(parent):
    return [path.name for path in parent.iterdir() if ".tmp-" in path.name]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return clips.write_corpus(tmp_path_factory.mktemp("cache") / "clips", seed=3, **TINY)


# === Clips ===


def test_the_module_says_it_is_a_smoke_test_not_real_video():
    first_line = clips.__doc__.strip().splitlines()[0]
    assert "SMOKE TEST" in first_line and "not real video" in first_line


def test_classes_come_in_time_reversed_pairs():
    assert len(clips.CLASSES) == 8 == len(set(clips.CLASSES))
    assert sorted(clips.OPPOSITE) == sorted(clips.CLASSES)
    assert all(clips.OPPOSITE[clips.OPPOSITE[kind]] == kind != clips.OPPOSITE[kind] for kind in clips.CLASSES)
    assert clips.OPPOSITE["move_left"] == "move_right" and clips.OPPOSITE["grow"] == "shrink"
    assert clips.OPPOSITE["rotate_clockwise"] == "rotate_counterclockwise"
    assert clips.OPPOSITE["move_up"] == "move_down"


@pytest.mark.parametrize("kind", clips.CLASSES)
def test_a_clip_is_uint8_rgb_and_the_same_for_the_same_seed(kind):
    pixels = clips.generate_clip(kind, np.random.default_rng(7))
    assert pixels.shape == (20, 64, 64, 3) and pixels.dtype == np.uint8
    assert np.array_equal(pixels, clips.generate_clip(kind, np.random.default_rng(7)))
    assert not np.array_equal(pixels, clips.generate_clip(kind, np.random.default_rng(8)))
    small = clips.generate_clip(kind, np.random.default_rng(7), frames=6, size=32)
    assert small.shape == (6, 32, 32, 3)


@pytest.mark.parametrize("first, second", clips.PAIRS)
def test_the_opposite_class_is_the_same_clip_backwards(first, second):
    for seed in SEEDS:
        pixels, masks = clips.generate_clip(first, np.random.default_rng(seed), return_masks=True)
        backwards, backwards_masks = clips.generate_clip(second, np.random.default_rng(seed), return_masks=True)
        assert np.array_equal(backwards, pixels[::-1]) and np.array_equal(backwards_masks, masks[::-1])
        # so the two classes' frames, as sets, are the same: a model must use their order
        assert sorted(frame.tobytes() for frame in pixels) == sorted(frame.tobytes() for frame in backwards)


@pytest.mark.parametrize(
    "kind, axis, sign",
    [("move_left", 0, -1), ("move_right", 0, 1), ("move_up", 1, -1), ("move_down", 1, 1)],
)
def test_a_move_crosses_at_least_40_percent_of_the_frame_in_its_direction(kind, axis, sign):
    for seed in SEEDS:
        centres = centres_of(masks_of(kind, seed))
        travel = sign * (centres[-1] - centres[0])
        assert travel[axis] >= 0.4 * 64, (seed, travel)
        assert abs(travel[1 - axis]) <= 0.12 * 64, (seed, travel)
        steps = sign * np.diff(centres[:, axis])
        assert (steps > 0).mean() >= 0.8, (seed, steps)


@pytest.mark.parametrize("kind, sign", [("rotate_clockwise", 1), ("rotate_counterclockwise", -1)])
def test_a_rotation_turns_by_at_least_120_degrees_in_its_sense(kind, sign):
    for seed in SEEDS:
        masks = masks_of(kind, seed)
        turns = np.array([turn_between(a, b) for a, b in zip(masks, masks[1:])])
        assert sign * turns.sum() >= 120, (seed, turns)
        assert (sign * turns > 0).mean() >= 0.8, (seed, turns)
        centres = centres_of(masks)
        assert np.abs(centres - centres.mean(axis=0)).max() <= 0.15 * 64  # turning in place, not moving


@pytest.mark.parametrize("kind, sign", [("grow", 1), ("shrink", -1)])
def test_a_size_change_is_at_least_1_8_fold(kind, sign):
    for seed in SEEDS:
        masks = masks_of(kind, seed)
        areas = masks.sum(axis=(1, 2)).astype(float)
        ratio = (areas[-1] / areas[0]) ** sign
        assert math.sqrt(ratio) >= 1.8, (seed, areas)  # linear size from area
        assert (sign * np.diff(areas) > 0).mean() >= 0.8, (seed, areas)
        centres = centres_of(masks)
        assert np.abs(centres - centres.mean(axis=0)).max() <= 0.08 * 64


@pytest.mark.parametrize("kind", clips.CLASSES)
def test_the_shape_stays_inside_the_frame(kind):
    for seed in SEEDS:
        for size in (64, 32):
            masks = masks_of(kind, seed, size=size)
            areas = masks.sum(axis=(1, 2))
            assert areas.min() >= 0.01 * size * size, (seed, size)
            if not kind.startswith(("grow", "shrink")):  # a shape of constant size: no part cut off at an edge
                assert areas.min() >= 0.75 * np.median(areas), (seed, size, areas)  # (up to rasterisation)
            centres = centres_of(masks)
            assert centres.min() >= 0.07 * size and centres.max() <= 0.93 * size, (seed, size)


@pytest.mark.parametrize("kind", clips.CLASSES)
def test_the_shape_stands_out_from_a_cluttered_noisy_background(kind):
    for seed in SEEDS:
        pixels, masks = clips.generate_clip(kind, np.random.default_rng(seed), return_masks=True)
        frame, mask = pixels[0].astype(float), masks[0]
        inside, outside = frame[mask].mean(axis=0), frame[~mask].mean(axis=0)
        assert np.linalg.norm(inside - outside) >= 40, seed
        background = frame[~mask]
        assert len(np.unique(background.astype(np.uint8), axis=0)) >= 100  # gradient, distractors, noise
        still = ~masks.any(axis=0)  # pixels the shape never covers: only noise and jitter change them
        change = np.abs(np.diff(pixels.astype(float), axis=0)).mean(axis=-1)[:, still]
        assert 0.5 <= change.mean() <= 25, seed


def test_bad_arguments_are_refused_with_the_value():
    rng = np.random.default_rng(0)
    with pytest.raises(UserInputError, match="`kind` must be one of move_left.*Received: kind='jump'"):
        clips.generate_clip("jump", rng)
    with pytest.raises(ValueError, match="`frames` must be an integer of at least 2. Received: frames=1"):
        clips.generate_clip("grow", rng, frames=1)
    with pytest.raises(ValueError, match="Received: size=8"):
        clips.generate_clip("grow", rng, size=8)
    with pytest.raises(ValueError, match="Received: seed=-1"):
        clips.write_corpus("unused", seed=-1)
    with pytest.raises(ValueError, match="`pixels` must be a uint8 array"):
        clips.write_clip(np.zeros((2, 8, 8), np.uint8), "unused.avi")


# === Files ===


@pytest.mark.parametrize("size", [32, 33])
def test_a_written_clip_reads_back_with_the_same_frames(tmp_path, size):
    pixels = clips.generate_clip("rotate_counterclockwise", np.random.default_rng(5), frames=6, size=size)
    path = clips.write_clip(pixels, tmp_path / "sub" / "clip.avi", fps=12)
    assert path == tmp_path / "sub" / "clip.avi" and path.read_bytes()[:4] == b"RIFF"
    capture = cv2.VideoCapture(str(path))
    assert capture.get(cv2.CAP_PROP_FPS) == pytest.approx(12)
    capture.release()
    frames = read_video(path)
    assert frames.shape == pixels.shape
    difference = np.abs(frames.astype(float) - pixels).mean()
    assert difference < 8
    assert np.abs(frames[..., ::-1].astype(float) - pixels).mean() > difference  # RGB stays RGB


def test_corpus_layout_and_counts(corpus):
    assert sorted(path.name for path in corpus.iterdir()) == ["README.txt", "corpus.json", "train", "valid"]
    for split, count in (("train", 2), ("valid", 1)):
        assert sorted(path.name for path in (corpus / split).iterdir()) == sorted(clips.CLASSES)
        for kind in clips.CLASSES:
            names = sorted(path.name for path in (corpus / split / kind).iterdir())
            assert names == [f"{index:04d}.avi" for index in range(count)]
            for name in names:
                assert read_video(corpus / split / kind / name).shape == (6, 32, 32, 3)
    description = json.loads((corpus / "corpus.json").read_text())
    assert description["settings"] == {"seed": 3, **TINY}
    assert description["classes"] == list(clips.CLASSES)
    assert description["clips"] == {"train": 16, "valid": 8}
    readme = (corpus / "README.txt").read_text()
    assert "not recorded video" in readme and all(kind in readme for kind in clips.CLASSES)
    assert temporary_leftovers(corpus.parent) == []


def test_each_corpus_clip_is_drawn_from_its_own_seed(corpus):
    for split_index, split, index in ((0, "train", 1), (1, "valid", 0)):
        for class_index, kind in enumerate(clips.CLASSES):
            rng = np.random.default_rng([3, split_index, class_index, index])
            expected = clips.generate_clip(kind, rng, frames=6, size=32)
            assert np.abs(read_video(corpus / split / kind / f"{index:04d}.avi").astype(float) - expected).mean() < 8


def test_ensure_corpus_reuses_a_complete_corpus(tmp_path):
    folder = tmp_path / "cache" / "clips"
    assert clips.ensure_corpus(folder, **TINY) == folder

    def stamp():
        return (folder / "corpus.json").stat().st_mtime_ns, (folder / "train" / "grow" / "0000.avi").stat().st_ino

    before = stamp()
    assert clips.ensure_corpus(folder, **TINY) == folder
    assert stamp() == before
    assert temporary_leftovers(folder.parent) == []


def test_ensure_corpus_rewrites_on_other_settings_or_a_missing_clip(tmp_path):
    folder = tmp_path / "clips"
    clips.ensure_corpus(folder, **TINY)
    clips.ensure_corpus(folder, **{**TINY, "frames": 4, "train_per_class": 1})
    assert json.loads((folder / "corpus.json").read_text())["settings"]["frames"] == 4
    assert read_video(folder / "valid" / "shrink" / "0000.avi").shape == (4, 32, 32, 3)
    assert not (folder / "train" / "shrink" / "0001.avi").exists()  # nothing left of the old corpus
    (folder / "train" / "move_up" / "0000.avi").unlink()
    clips.ensure_corpus(folder, **{**TINY, "frames": 4, "train_per_class": 1})
    assert (folder / "train" / "move_up" / "0000.avi").is_file()
    assert temporary_leftovers(tmp_path) == []


def test_a_folder_that_is_not_a_corpus_is_left_alone(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me")
    with pytest.raises(UserInputError, match="is not a generated video corpus"):
        clips.ensure_corpus(folder, **TINY)
    assert [path.name for path in folder.iterdir()] == ["notes.txt"]
    assert temporary_leftovers(tmp_path) == []


def test_an_interrupted_write_leaves_no_corpus_and_no_temporary_folder(tmp_path, monkeypatch):
    written = []

    def failing_write_clip(pixels, path, fps=10):
        if len(written) == 5:
            raise KeyboardInterrupt
        written.append(path)
        return real_write_clip(pixels, path, fps)

    real_write_clip = clips.write_clip
    monkeypatch.setattr(clips, "write_clip", failing_write_clip)
    with pytest.raises(KeyboardInterrupt):
        clips.write_corpus(tmp_path / "clips", **TINY)
    assert list(tmp_path.iterdir()) == []
