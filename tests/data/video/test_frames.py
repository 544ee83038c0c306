"""Sampling a video's frames: uniform and fixed-rate sampling, segments, crops, broken files and windows."""

import math

import numpy as np
import pytest

cv2 = pytest.importorskip("cv2")

from seqkit.data.video import frames as frames_module  # noqa: E402
from seqkit.data.video.frames import (  # noqa: E402
    FrameSampling,
    Frames,
    VideoInfo,
    iter_frame_windows,
    read_frames,
    video_info,
)
from seqkit.errors import UserInputError  # noqa: E402
from seqkit.optional import MissingPackageError  # noqa: E402

STEP = 5  # frame i is grey level 5 * i + 10, so its index can be read back from its pixels


def write_avi(path, count, fps=10, size=(32, 24), frame=None):
    """An MJPG `.avi` of `count` frames; frame i is grey `STEP * i + 10` unless `frame(i)` gives a BGR image."""
    width, height = size
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (width, height))
    assert writer.isOpened()
    for index in range(count):
        image = frame(index) if frame else np.full((height, width, 3), STEP * index + 10, np.uint8)
        writer.write(image)
    writer.release()
    return path


def index_of(pixels):
    """The frame index a grey frame's brightness encodes."""
    return int(round((float(pixels.mean()) - 10) / STEP))


def uniform(count, num_frames):
    """The centres of `num_frames` equal parts of `count` frames, computed independently."""
    if count <= num_frames:
        return list(range(count))
    return [int(math.floor((i + 0.5) * count / num_frames)) for i in range(num_frames)]


def decodable(path):
    """How many frames OpenCV really decodes from `path`."""
    capture = cv2.VideoCapture(str(path))
    count = 0
    while capture.grab():
        count += 1
    capture.release()
    return count


class Reporting:
    """A `cv2.VideoCapture` whose header reports `frame_count` frames, whatever the file holds."""

    frame_count = 0

    def __init__(self, path):
        self._capture = _VideoCapture(path)

    def get(self, prop):
        if prop == cv2.CAP_PROP_FRAME_COUNT:
            return float(self.frame_count)
        return self._capture.get(prop)

    def __getattr__(self, name):
        return getattr(self._capture, name)


_VideoCapture = cv2.VideoCapture


def reporting(monkeypatch, frame_count):
    capture = type("ReportingCapture", (Reporting,), {"frame_count": frame_count})
    monkeypatch.setattr(cv2, "VideoCapture", capture)


@pytest.fixture
def ramp(tmp_path):
    """40 grey frames at 10 fps (4 s)."""
    return write_avi(tmp_path / "ramp.avi", 40)


# === Sampling ===


def test_num_frames_takes_the_centre_of_equal_parts(ramp):
    frames = read_frames(ramp, FrameSampling(num_frames=8, frame_size=16))
    assert isinstance(frames, Frames)
    assert frames.indices.tolist() == [2, 7, 12, 17, 22, 27, 32, 37] == uniform(40, 8)
    assert [index_of(pixels) for pixels in frames.pixels] == frames.indices.tolist()
    assert frames.pixels.shape == (8, 16, 16, 3) and frames.pixels.dtype == np.uint8
    assert frames.times.dtype == np.float32
    np.testing.assert_allclose(frames.times, frames.indices / 10)
    assert (frames.fps, frames.total_frames, frames.duration) == (10.0, 40, 4.0)


@pytest.mark.parametrize("count, num_frames", [(40, 16), (41, 16), (37, 5), (16, 16), (49, 3)])
def test_num_frames_indices_for_other_lengths(tmp_path, count, num_frames):
    path = write_avi(tmp_path / "clip.avi", count, size=(16, 16))
    frames = read_frames(path, FrameSampling(num_frames=num_frames, frame_size=8))
    assert frames.indices.tolist() == uniform(count, num_frames)
    assert len(set(frames.indices.tolist())) == min(count, num_frames)


def test_a_short_clip_gives_all_its_frames(tmp_path):
    path = write_avi(tmp_path / "short.avi", 5)
    frames = read_frames(path, FrameSampling(num_frames=16, frame_size=8))
    assert frames.indices.tolist() == [0, 1, 2, 3, 4]
    assert frames.pixels.shape == (5, 8, 8, 3) and frames.total_frames == 5
    assert [index_of(pixels) for pixels in frames.pixels] == [0, 1, 2, 3, 4]


def test_fixed_rate_sampling(ramp):
    frames = read_frames(ramp, FrameSampling(fps=4.0, frame_size=8))
    expected = [int(math.floor(j * 2.5)) for j in range(16)]  # every 0.25 s of a 10 fps video
    assert frames.indices.tolist() == expected and expected[:5] == [0, 2, 5, 7, 10]
    assert [index_of(pixels) for pixels in frames.pixels] == expected
    np.testing.assert_allclose(frames.times, np.array(expected) / 10)
    assert frames.total_frames == 40


def test_fixed_rate_stops_at_max_frames(ramp):
    frames = read_frames(ramp, FrameSampling(fps=4.0, max_frames=5, frame_size=8))
    assert frames.indices.tolist() == [0, 2, 5, 7, 10]
    assert frames.total_frames == 40 and frames.duration == 4.0


def test_a_rate_above_the_source_rate_takes_each_frame_once(ramp):
    frames = read_frames(ramp, FrameSampling(fps=25.0, frame_size=8))
    assert frames.indices.tolist() == list(range(40))


def test_only_sampled_frames_are_scaled(ramp, monkeypatch):
    scaled = []
    original = frames_module._scale
    monkeypatch.setattr(frames_module, "_scale", lambda *args: scaled.append(1) or original(*args))
    read_frames(ramp, FrameSampling(num_frames=4, frame_size=8))
    assert len(scaled) == 4


# === Segments ===


def test_a_segment_is_sampled_alone(ramp):
    frames = read_frames(ramp, FrameSampling(num_frames=4, frame_size=8), start=1.0, end=2.0)
    assert frames.indices.tolist() == [10 + i for i in uniform(10, 4)] == [11, 13, 16, 18]
    assert [index_of(pixels) for pixels in frames.pixels] == [11, 13, 16, 18]
    assert (frames.total_frames, frames.duration) == (10, 1.0)
    np.testing.assert_allclose(frames.times, [1.1, 1.3, 1.6, 1.8], rtol=1e-6)


def test_segment_ends_default_and_clip(ramp):
    sampling = FrameSampling(num_frames=2, frame_size=8)
    assert read_frames(ramp, sampling, start=3.0).indices.tolist() == [32, 37]
    assert read_frames(ramp, sampling, end=1.0).indices.tolist() == [2, 7]
    past = read_frames(ramp, sampling, start=3.0, end=99.0)
    assert past.indices.tolist() == [32, 37] and past.total_frames == 10
    tiny = read_frames(ramp, sampling, start=1.0, end=1.01)  # less than a frame: one frame
    assert tiny.indices.tolist() == [10]


def test_fixed_rate_in_a_segment_counts_from_its_start(ramp):
    frames = read_frames(ramp, FrameSampling(fps=2.0, frame_size=8), start=0.5, end=2.5)
    assert frames.indices.tolist() == [5, 10, 15, 20]


@pytest.mark.parametrize(
    "start, end, message",
    [
        (2.0, 2.0, "must start before it ends"),
        (3.0, 1.0, "must start before it ends"),
        (4.0, None, r"start=4 s is past the end of the video \(4 s\)"),
        (10.0, 12.0, "past the end of the video"),
        (-1.0, None, "`start` must be a number of seconds"),
        (None, "1", "`end` must be a number of seconds"),
    ],
)
def test_bad_segments(ramp, start, end, message):
    with pytest.raises(UserInputError, match=message) as caught:
        read_frames(ramp, start=start, end=end)
    assert caught.value.path == str(ramp)


# === Pixels ===


def two_colours(index):
    """A 64 × 32 BGR frame: red in the left quarter, blue elsewhere."""
    image = np.zeros((32, 64, 3), np.uint8)
    image[:, :, 0] = 255  # blue
    image[:, :16] = (0, 0, 255)  # red
    return image


def test_centre_crop_cuts_a_centred_square(tmp_path):
    path = write_avi(tmp_path / "wide.avi", 3, size=(64, 32), frame=two_colours)
    pixels = read_frames(path, FrameSampling(num_frames=1, frame_size=16, crop="center")).pixels
    assert pixels.shape == (1, 16, 16, 3)
    # the square x = 16..48 is all blue; RGB order puts blue last
    assert (pixels[0, :, :, 2] > 200).all() and (pixels[0, :, :, 0] < 60).all()


def test_resize_keeps_the_whole_frame(tmp_path):
    path = write_avi(tmp_path / "wide.avi", 3, size=(64, 32), frame=two_colours)
    pixels = read_frames(path, FrameSampling(num_frames=1, frame_size=16, crop="resize")).pixels[0]
    assert pixels.shape == (16, 16, 3)
    red, blue = pixels[:, :3], pixels[:, 5:]  # the left quarter (columns 0-3), away from the colour edge
    assert (red[..., 0] > 200).all() and (red[..., 2] < 60).all()
    assert (blue[..., 2] > 200).all() and (blue[..., 0] < 60).all()


def test_a_tall_frame_is_cropped_to_its_centre(tmp_path):
    def tall(index):
        image = np.zeros((64, 32, 3), np.uint8)
        image[16:48] = (0, 255, 0)  # green middle square
        return image

    path = write_avi(tmp_path / "tall.avi", 2, size=(32, 64), frame=tall)
    pixels = read_frames(path, FrameSampling(num_frames=1, frame_size=8)).pixels[0]
    assert (pixels[1:-1, 1:-1, 1] > 200).all() and (pixels[1:-1, 1:-1, [0, 2]] < 60).all()


# === Broken and missing files ===


def test_a_truncated_file_gives_frames_spread_over_what_decodes(tmp_path):
    whole = write_avi(tmp_path / "whole.avi", 40)
    cut = tmp_path / "cut.avi"
    data = whole.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    real = decodable(cut)
    assert 0 < real < 40  # the header still says 40
    frames = read_frames(cut, FrameSampling(num_frames=4, frame_size=8))
    assert frames.total_frames == real
    assert frames.indices.tolist() == uniform(real, 4)
    assert [index_of(pixels) for pixels in frames.pixels] == frames.indices.tolist()


def test_a_truncated_file_with_a_segment_past_what_decodes(tmp_path):
    whole = write_avi(tmp_path / "whole.avi", 40)
    cut = tmp_path / "cut.avi"
    cut.write_bytes(whole.read_bytes()[: len(whole.read_bytes()) // 2])
    with pytest.raises(UserInputError, match="past the end of the video") as caught:
        read_frames(cut, start=3.5)
    assert caught.value.path == str(cut)


@pytest.mark.parametrize("frame_count", [0, 20, 100])
def test_a_wrong_frame_count_in_the_header_is_corrected(ramp, monkeypatch, frame_count):
    reporting(monkeypatch, frame_count)
    frames = read_frames(ramp, FrameSampling(num_frames=8, frame_size=8))
    assert frames.total_frames == 40 and frames.indices.tolist() == uniform(40, 8)
    assert [index_of(pixels) for pixels in frames.pixels] == uniform(40, 8)
    segment = read_frames(ramp, FrameSampling(num_frames=2, frame_size=8), start=3.0)
    assert segment.indices.tolist() == [32, 37]


@pytest.mark.parametrize(
    "content",
    [b"", b"not a video at all\n" * 50, bytes(np.random.default_rng(0).integers(0, 256, 5000, dtype=np.uint8))],
)
def test_an_undecodable_file_names_itself(tmp_path, content):
    path = tmp_path / "broken.avi"
    path.write_bytes(content)
    with pytest.raises(UserInputError, match="cannot decode video: not a video file or an unsupported codec") as caught:
        read_frames(path)
    assert caught.value.path == str(path)
    with pytest.raises(UserInputError, match="cannot decode video"):
        video_info(path)


def test_only_the_header_is_undecodable(tmp_path):
    whole = write_avi(tmp_path / "whole.avi", 10)
    head = tmp_path / "head.avi"
    head.write_bytes(whole.read_bytes()[:300])
    with pytest.raises(UserInputError) as caught:
        read_frames(head)
    assert caught.value.path == str(head)


def test_a_missing_file_or_a_folder(tmp_path):
    with pytest.raises(UserInputError, match="video file not found") as caught:
        read_frames(tmp_path / "nope.avi")
    assert caught.value.path == str(tmp_path / "nope.avi")
    with pytest.raises(UserInputError, match="found a directory"):
        read_frames(tmp_path)
    with pytest.raises(UserInputError, match="video file not found"):
        video_info(tmp_path / "nope.mp4")


def test_missing_opencv_names_the_extra(ramp, monkeypatch):
    def missing(module, extra):
        raise MissingPackageError(f"no {module}")

    monkeypatch.setattr(frames_module, "import_optional", missing)
    with pytest.raises(MissingPackageError, match=r"opencv-python-headless.*pip install 'seqkit\[video\]'"):
        read_frames(ramp)


# === Windows ===


def windows(path, sampling, **options):
    return [(start, end, frames) for start, end, frames in iter_frame_windows(path, sampling, **options)]


def assert_like_read_frames(path, sampling, found):
    for start, end, frames in found:
        alone = read_frames(path, sampling, start=start, end=end)
        assert frames.indices.tolist() == alone.indices.tolist()
        assert frames.total_frames == alone.total_frames
        np.testing.assert_array_equal(frames.pixels, alone.pixels)
        np.testing.assert_array_equal(frames.times, alone.times)


def test_windows_cover_the_video_one_second_at_a_time(tmp_path):
    path = write_avi(tmp_path / "long.avi", 25)
    sampling = FrameSampling(num_frames=4, frame_size=8)
    found = windows(path, sampling, window_seconds=1.0)
    assert [(start, end) for start, end, _ in found] == [(0.0, 1.0), (1.0, 2.0), (2.0, 2.5)]
    assert [frames.indices.tolist() for _, _, frames in found] == [[1, 3, 6, 8], [11, 13, 16, 18], [20, 21, 23, 24]]
    assert [frames.total_frames for _, _, frames in found] == [10, 10, 5]
    for _, _, frames in found:
        assert [index_of(pixels) for pixels in frames.pixels] == frames.indices.tolist()
    assert_like_read_frames(path, sampling, found)


def test_overlapping_windows(ramp):
    sampling = FrameSampling(num_frames=3, frame_size=8)
    found = windows(ramp, sampling, window_seconds=2.0, stride_seconds=0.5)
    starts = [start for start, _, _ in found]
    assert starts == [0.0, 0.5, 1.0, 1.5, 2.0]  # the window from 2 s reaches the end
    assert found[-1][1] == 4.0
    assert_like_read_frames(ramp, sampling, found)


def test_windows_with_gaps_and_fixed_rate(ramp):
    sampling = FrameSampling(fps=5.0, frame_size=8)
    found = windows(ramp, sampling, window_seconds=0.5, stride_seconds=1.5)
    assert [(start, end) for start, end, _ in found] == [(0.0, 0.5), (1.5, 2.0), (3.0, 3.5)]
    assert [frames.indices.tolist() for _, _, frames in found] == [[0, 2, 4], [15, 17, 19], [30, 32, 34]]
    assert_like_read_frames(ramp, sampling, found)


@pytest.mark.parametrize("frame_count", [0, 23, 100])
def test_windows_with_a_wrong_frame_count_in_the_header(ramp, monkeypatch, frame_count):
    reporting(monkeypatch, frame_count)
    sampling = FrameSampling(num_frames=4, frame_size=8)
    found = windows(ramp, sampling, window_seconds=1.5)
    assert [(start, end) for start, end, _ in found] == [(0.0, 1.5), (1.5, 3.0), (3.0, 4.0)]
    assert [frames.indices.tolist() for _, _, frames in found] == [
        [1, 5, 9, 13], [16, 20, 24, 28], [31, 33, 36, 38],
    ]
    for _, _, frames in found:
        assert [index_of(pixels) for pixels in frames.pixels] == frames.indices.tolist()


def test_windows_of_a_truncated_file(tmp_path):
    whole = write_avi(tmp_path / "whole.avi", 40)
    cut = tmp_path / "cut.avi"
    cut.write_bytes(whole.read_bytes()[: len(whole.read_bytes()) // 2])
    real = decodable(cut)
    sampling = FrameSampling(num_frames=3, frame_size=8)
    found = windows(cut, sampling, window_seconds=0.5)
    assert found[-1][1] == pytest.approx(real / 10) and found[-1][2].indices.max() < real
    covered = sorted(set().union(*(range(f.indices[0], f.indices[0] + f.total_frames) for _, _, f in found)))
    assert covered == list(range(real))


def test_bad_window_options(ramp):
    with pytest.raises(ValueError, match="`window_seconds` must be a positive number. Received: window_seconds=0"):
        iter_frame_windows(ramp, window_seconds=0)
    with pytest.raises(ValueError, match="`stride_seconds` must be a positive number"):
        iter_frame_windows(ramp, window_seconds=1, stride_seconds=-1)


# === Header and settings ===


def test_video_info(tmp_path):
    path = write_avi(tmp_path / "info.avi", 12, fps=24, size=(48, 16))
    assert video_info(path) == VideoInfo(fps=24.0, frame_count=12, width=48, height=16, duration=0.5)


def test_sampling_validation_messages():
    for options, message in [
        ({"num_frames": 0}, "`num_frames` must be a positive integer. Received: num_frames=0"),
        ({"num_frames": 2.0}, "`num_frames` must be a positive integer. Received: num_frames=2.0"),
        ({"max_frames": True}, "`max_frames` must be a positive integer. Received: max_frames=True"),
        ({"frame_size": -3}, "`frame_size` must be a positive integer. Received: frame_size=-3"),
        ({"fps": 0}, "`fps` must be None or a positive number. Received: fps=0"),
        ({"fps": float("inf")}, "`fps` must be None or a positive number. Received: fps=inf"),
        ({"crop": "pad"}, "`crop` must be 'center' or 'resize'. Received: crop='pad'"),
    ]:
        with pytest.raises(ValueError) as caught:
            FrameSampling(**options)
        assert str(caught.value) == message


def test_sampling_settings_round_trip():
    sampling = FrameSampling(num_frames=np.int64(8), fps=2, max_frames=10, frame_size=32, crop="resize")
    settings = sampling.settings()
    assert settings == {"num_frames": 8, "fps": 2.0, "max_frames": 10, "frame_size": 32, "crop": "resize"}
    assert type(settings["num_frames"]) is int and type(settings["fps"]) is float
    assert FrameSampling.from_settings(settings) == FrameSampling(8, 2.0, 10, 32, "resize")
    assert FrameSampling.from_settings({}) == FrameSampling()
    with pytest.raises(ValueError, match="unknown keys \\['size'\\]"):
        FrameSampling.from_settings({"size": 3})


@pytest.mark.parametrize("debug", [False, True])
def test_ffmpeg_decoder_messages_stay_off_stderr_unless_debugging(tmp_path, debug):
    import os
    import subprocess
    import sys

    import cv2

    path = tmp_path / "half.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 10, (64, 64))
    rng = np.random.default_rng(0)
    for _ in range(30):  # noise: a file large enough for FFmpeg to look for its index
        writer.write(rng.integers(0, 256, (64, 64, 3), dtype=np.uint8))
    writer.release()
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])  # the index ("moov atom") is at the end
    script = (
        "import sys\n"
        "from seqkit.data.video.frames import FrameSampling, read_frames\n"
        "from seqkit.errors import UserInputError\n"
        "try:\n"
        f"    read_frames({str(path)!r}, FrameSampling(num_frames=4, frame_size=16))\n"
        "except UserInputError as error:\n"
        "    print('refused:', error)\n"
    )
    env = {key: value for key, value in os.environ.items() if key not in ("OPENCV_FFMPEG_LOGLEVEL", "SEQKIT_DEBUG")}
    if debug:
        env["SEQKIT_DEBUG"] = "1"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60)
    assert done.stdout.startswith("refused:") and "half.mp4" in done.stdout
    assert ("moov atom not found" in done.stderr) == debug, done.stderr
