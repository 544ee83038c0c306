"""Sample a clip's frames as small square RGB images: a fixed number per clip, or a fixed rate.

`read_frames` decodes a video file (or a segment of it, `start` to `end` seconds) with OpenCV and keeps only the
frames a `FrameSampling` picks, cropped and resized to `frame_size` × `frame_size` pixels as they are decoded,
so a long video never sits in memory:

- by default (`fps=None`) `num_frames` frames spread uniformly over the clip: the frame at the centre of each
  of `num_frames` equal parts, index `floor((i + 0.5) * total / num_frames)`. A clip of fewer frames gives
  all of them (fewer than `num_frames`; the caller pads and masks);
- with `fps` set, one frame every `1 / fps` seconds from the start, at most `max_frames` of them.

The frame count a video's header reports is not always right (a truncated download, a stream without an
index), so the count is checked while decoding: when the file ends early, or has frames past the reported
end, the sampling is done again over the frames that really decode (a second pass over the file). The frames
returned are therefore spread over what can be decoded, whatever the header says.

`iter_frame_windows` samples sliding windows of a long video in one pass, for a per-second timeline, and
`video_info` reads a video's header. Nothing here imports TensorFlow; OpenCV is the `video` extra
(`pip install 'seqkit[video]'`, which installs opencv-python-headless).

Example:

>>> import pathlib, tempfile
>>> import cv2, numpy as np
>>> path = str(pathlib.Path(tempfile.mkdtemp()) / "ramp.avi")
>>> writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*"MJPG"), 10, (32, 24))
>>> for index in range(40):
...     _ = writer.write(np.full((24, 32, 3), 5 * index, np.uint8))
>>> writer.release()
>>> frames = read_frames(path, FrameSampling(num_frames=4, frame_size=16))
>>> frames.pixels.shape, frames.pixels.dtype, frames.indices.tolist(), frames.times.tolist()
((4, 16, 16, 3), dtype('uint8'), [5, 15, 25, 35], [0.5, 1.5, 2.5, 3.5])
>>> video_info(path)
VideoInfo(fps=10.0, frame_count=40, width=32, height=24, duration=4.0)
"""

import dataclasses
import math
import os
import pathlib

import numpy as np

from seqkit.errors import UserInputError
from seqkit.optional import MissingPackageError, import_optional

VIDEO_SUFFIXES = (".avi", ".mp4", ".mkv", ".webm", ".mov", ".m4v", ".mpg", ".mpeg")
CROPS = ("center", "resize")
_UNDECODABLE = "cannot decode video: not a video file or an unsupported codec"


@dataclasses.dataclass(frozen=True)
class FrameSampling:
    """Which frames of a clip to keep, and the size they are scaled to.

    Args:
        num_frames: the number of frames per clip when `fps` is None, spread uniformly (the frame at the centre
            of each of `num_frames` equal parts of the clip). A shorter clip gives all its frames.
        fps: None, or a fixed sampling rate in frames per second: one frame every `1 / fps` seconds from the
            clip's (or segment's) start, at most one per source frame.
        max_frames: with `fps`, the most frames kept (the first `max_frames`).
        frame_size: the side of the square frames returned, in pixels.
        crop: `"center"` to cut the largest centred square out of each frame and scale it (no distortion, the
            sides of a wide frame are lost), or `"resize"` to scale the whole frame to a square (the aspect
            ratio is distorted, nothing is lost).

    Example:

    >>> FrameSampling(num_frames=8, frame_size=112)
    FrameSampling(num_frames=8, fps=None, max_frames=64, frame_size=112, crop='center')
    >>> FrameSampling.from_settings(FrameSampling(fps=2.0).settings()) == FrameSampling(fps=2.0)
    True
    >>> FrameSampling(num_frames=0)  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    ...
    ValueError: `num_frames` must be a positive integer. Received: num_frames=0
    """

    num_frames: int = 16
    fps: float | None = None
    max_frames: int = 64
    frame_size: int = 64
    crop: str = "center"

    def __post_init__(self):
        for name in ("num_frames", "max_frames", "frame_size"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
                raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value!r}")
        if self.fps is not None and (
            isinstance(self.fps, bool)
            or not isinstance(self.fps, (int, float, np.integer, np.floating))
            or not 0 < self.fps < math.inf
        ):
            raise ValueError(f"`fps` must be None or a positive number. Received: fps={self.fps!r}")
        if self.crop not in CROPS:
            raise ValueError(f"`crop` must be 'center' or 'resize'. Received: crop={self.crop!r}")

    def settings(self):
        """The constructor arguments as a JSON-serialisable dict.

        Example:

        >>> FrameSampling(fps=1.0).settings()
        {'num_frames': 16, 'fps': 1.0, 'max_frames': 64, 'frame_size': 64, 'crop': 'center'}
        """
        settings = dataclasses.asdict(self)
        for name in ("num_frames", "max_frames", "frame_size"):
            settings[name] = int(settings[name])
        if settings["fps"] is not None:
            settings["fps"] = float(settings["fps"])
        return settings

    @classmethod
    def from_settings(cls, settings):
        """The sampling of a `settings()` dict (missing keys take their defaults).

        Raises:
            ValueError: an unknown key or a bad value.

        Example:

        >>> FrameSampling.from_settings({"num_frames": 8}).num_frames
        8
        """
        known = [field.name for field in dataclasses.fields(cls)]
        unknown = sorted(set(settings) - set(known))
        if unknown:
            raise ValueError(f"`settings` must only have the keys {known}. Received: unknown keys {unknown}")
        return cls(**settings)


@dataclasses.dataclass(frozen=True, eq=False)
class Frames:
    """The sampled frames of a clip or segment.

    Args:
        pixels: a `uint8` array `(T, frame_size, frame_size, 3)` in RGB order; `T` is at most `num_frames`
            (or `max_frames`), fewer for a clip with fewer frames.
        times: a `float32` array `(T,)`: each frame's time in seconds from the start of the video (not of the
            segment), its index divided by `fps`.
        indices: an `int64` array `(T,)`: each frame's index in the video, from 0.
        fps: the video's frame rate.
        total_frames: the number of frames in the clip, or in the segment.
        duration: `total_frames / fps`, in seconds.
    """

    pixels: np.ndarray
    times: np.ndarray
    indices: np.ndarray
    fps: float
    total_frames: int
    duration: float


@dataclasses.dataclass(frozen=True)
class VideoInfo:
    """What a video's header says about it.

    Args:
        fps: the frame rate.
        frame_count: the number of frames the header reports (which a truncated file may not reach; counted by
            decoding when the header has none).
        width: the frame width in pixels.
        height: the frame height in pixels.
        duration: `frame_count / fps`, in seconds.
    """

    fps: float
    frame_count: int
    width: int
    height: int
    duration: float


def read_frames(path, sampling=None, *, start=None, end=None):
    """Decode a video (or the segment `start` to `end` seconds of it) and keep the frames `sampling` picks.

    Frames are decoded in order and only the sampled ones are kept (already scaled), so memory holds at most
    `num_frames` (or `max_frames`) small frames. A segment starts at frame `round(start * fps)` and ends before
    frame `round(end * fps)` (at least one frame); frames before it are skipped by decoding, not by seeking,
    which some files do not support exactly. An `end` past the end of the video is the end of the video.

    Args:
        path: a video file OpenCV's FFmpeg backend decodes (AVI, MP4, MKV, WebM, MOV, MPEG, ...).
        sampling: a `FrameSampling`; None for the defaults (16 frames of 64 × 64 pixels).
        start: None, or where the segment starts, in seconds from the start of the video.
        end: None, or where the segment ends, in seconds.

    Returns:
        A `Frames`.

    Raises:
        seqkit.errors.UserInputError: the file is missing, cannot be decoded, or has no frames; or `start` is
            not before `end`, or not within the video.
        seqkit.optional.MissingPackageError: OpenCV is not installed.

    Example:

    >>> import pathlib, tempfile
    >>> import cv2, numpy as np
    >>> path = str(pathlib.Path(tempfile.mkdtemp()) / "clip.avi")
    >>> writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*"MJPG"), 10, (32, 24))
    >>> for index in range(30):
    ...     _ = writer.write(np.zeros((24, 32, 3), np.uint8))
    >>> writer.release()
    >>> frames = read_frames(path, FrameSampling(fps=2.0), start=1.0, end=2.5)
    >>> frames.indices.tolist(), frames.total_frames, frames.duration
    ([10, 15, 20], 15, 1.5)
    >>> read_frames(path, start=5.0)  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    ...
    seqkit.errors.UserInputError: .../clip.avi: start=5 s is past the end of the video (3 s)
    """
    sampling = _check_sampling(sampling)
    path = _existing_video(path)
    _check_segment(start, end, path)
    cv2 = _opencv()
    capture, fps, reported = _open(cv2, path)
    first = 0 if start is None else _frame_at(start, fps)
    stop = None if end is None else max(first + 1, _frame_at(end, fps))
    total = reported if reported > 0 else None  # the frames believed to be in the video
    try:
        for attempt in range(3):
            if total is None:
                # No usable count: count the frames first (the first pass keeps nothing).
                skipped, decoded, extra, _ = _decode(cv2, capture, first, [], math.inf, None, sampling)
                total = first + decoded if skipped == first else skipped
                capture = _reopen(cv2, capture, path)
                continue
            segment_end = total if stop is None else min(stop, total)
            count = segment_end - first
            if count <= 0:
                if attempt == 0 and reported > 0:  # the header may count too few frames: count them
                    total = None
                    continue
                _raise_past_end(path, start, fps, total, first)
            wanted = _sample(sampling, count, fps)
            # A uniform sampling depends on the segment's length, so the segment is decoded to its end (the
            # last sampled frame is near it anyway); a capped fixed rate only needs its last frame.
            depends_on_count = sampling.fps is None or len(wanted) < sampling.max_frames
            until = count if depends_on_count else wanted[-1] + 1
            probe = None
            if depends_on_count and (stop is None or stop > total):
                probe = math.inf if stop is None else stop - total
            skipped, decoded, extra, kept = _decode(cv2, capture, first, wanted, until, probe, sampling)
            if skipped < first:
                _raise_past_end(path, start, fps, skipped, first)
            if decoded == until and not extra:
                return _frames(kept, wanted, first, fps, count)
            if attempt == 2:  # the file decodes differently each time: return what was decoded
                wanted = [index for index in wanted if index in kept]
                if not wanted:
                    break
                return _frames(kept, wanted, first, fps, min(count, decoded))
            real_total = first + decoded + extra
            if real_total == 0:
                break
            total = real_total
            capture = _reopen(cv2, capture, path)
    finally:
        capture.release()
    raise UserInputError("the video has no frames", path=path)


def iter_frame_windows(path, sampling=None, *, window_seconds, stride_seconds=None):
    """Sample sliding windows of a video in one decoding pass: for a timeline of a long video.

    Window `k` starts at `k * stride_seconds` and lasts `window_seconds` (frames `round(start * fps)` to
    `round(end * fps)`, end excluded); each is sampled as `read_frames(path, sampling, start=, end=)` would.
    Windows follow each other until one reaches the end of the video, the last one cut short there, so the
    windows cover the whole video (with gaps between them when `stride_seconds > window_seconds`).

    The video is decoded once. The frames of the windows not yet complete are kept, scaled, in memory: the
    sampled ones, and every frame of the window(s) at the end of the video (whose length the header may get
    wrong) — at most about `window_seconds * fps` frames of `frame_size` pixels. Only when the file ends
    before its header says do the windows at the end need to be read again (`read_frames`, a pass each).

    Args:
        path: a video file.
        sampling: a `FrameSampling` (per window); None for the defaults.
        window_seconds: the length of a window, in seconds.
        stride_seconds: the step from one window's start to the next, in seconds; None for `window_seconds`.

    Yields:
        `(start_seconds, end_seconds, Frames)` for every window, in order; `end_seconds` is at most the
        video's duration.

    Raises:
        ValueError: `window_seconds` or `stride_seconds` is not a positive number.
        seqkit.errors.UserInputError: as `read_frames`.

    Example:

    >>> import pathlib, tempfile
    >>> import cv2, numpy as np
    >>> path = str(pathlib.Path(tempfile.mkdtemp()) / "long.avi")
    >>> writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*"MJPG"), 10, (32, 24))
    >>> for index in range(25):
    ...     _ = writer.write(np.zeros((24, 32, 3), np.uint8))
    >>> writer.release()
    >>> sampling = FrameSampling(num_frames=2, frame_size=8)
    >>> [(start, end, frames.indices.tolist()) for start, end, frames in
    ...  iter_frame_windows(path, sampling, window_seconds=1.0)]
    [(0.0, 1.0, [2, 7]), (1.0, 2.0, [12, 17]), (2.0, 2.5, [21, 23])]
    """
    sampling = _check_sampling(sampling)
    _check_positive("window_seconds", window_seconds)
    stride_seconds = window_seconds if stride_seconds is None else stride_seconds
    _check_positive("stride_seconds", stride_seconds)
    path = _existing_video(path)
    cv2 = _opencv()
    return _iter_windows(cv2, path, sampling, float(window_seconds), float(stride_seconds))


def video_info(path):
    """A video's frame rate, frame count, frame size and duration, from its header.

    Nothing is decoded, except that a video whose header gives no frame count has its frames counted.

    Raises:
        seqkit.errors.UserInputError: the file is missing, cannot be decoded, or has no frames.
        seqkit.optional.MissingPackageError: OpenCV is not installed.

    Example:

    >>> import pathlib, tempfile
    >>> import cv2, numpy as np
    >>> path = str(pathlib.Path(tempfile.mkdtemp()) / "wide.avi")
    >>> writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*"MJPG"), 25, (64, 16))
    >>> for index in range(5):
    ...     _ = writer.write(np.zeros((16, 64, 3), np.uint8))
    >>> writer.release()
    >>> info = video_info(path)
    >>> info.width, info.height, info.frame_count, info.duration
    (64, 16, 5, 0.2)
    """
    path = _existing_video(path)
    cv2 = _opencv()
    capture, fps, count = _open(cv2, path)
    try:
        width = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH))
        height = int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
        if count <= 0:
            count = 0
            while capture.grab():
                count += 1
    finally:
        capture.release()
    if count <= 0:
        raise UserInputError("the video has no frames", path=path)
    return VideoInfo(fps, count, width, height, count / fps)


# === Internals ===


# FFmpeg's own log level, read by OpenCV when it first opens a video: -8 ("quiet") keeps its decoder messages
# ("moov atom not found", "Invalid NAL unit size") off stderr; seqkit reports unreadable videos itself.
# SEQKIT_DEBUG=1, or the variable set by the user, keeps them.
FFMPEG_LOG_LEVEL = "OPENCV_FFMPEG_LOGLEVEL"


def _opencv():
    """The `cv2` module, or a `MissingPackageError` naming the extra that installs it."""
    if not os.environ.get("SEQKIT_DEBUG"):
        os.environ.setdefault(FFMPEG_LOG_LEVEL, "-8")
    try:
        return import_optional("cv2", "video")
    except MissingPackageError:
        raise MissingPackageError(
            "this needs OpenCV (the Python package cv2, from opencv-python-headless); "
            "install it with: pip install 'seqkit[video]'"
        ) from None


def _check_sampling(sampling):
    if sampling is None:
        return FrameSampling()
    if not isinstance(sampling, FrameSampling):
        raise TypeError(
            f"`sampling` must be a FrameSampling or None. Received: sampling of type {type(sampling).__name__}"
        )
    return sampling


def _check_positive(name, value):
    number = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    if not number or not 0 < value < math.inf:
        raise ValueError(f"`{name}` must be a positive number. Received: {name}={value!r}")


def _existing_video(path):
    path = pathlib.Path(path)
    if path.is_dir():
        raise UserInputError("expected a video file, found a directory", path=path)
    if not path.is_file():
        raise UserInputError("video file not found", path=path)
    return path


def _check_segment(start, end, path):
    for name, value in (("start", start), ("end", end)):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) or not (
            0 <= value < math.inf
        ):
            raise UserInputError(f"`{name}` must be a number of seconds, 0 or more. Received: {name}={value!r}",
                                 path=path)
    if start is not None and end is not None and start >= end:
        raise UserInputError(f"the segment must start before it ends. Received: start={start:g}, end={end:g}",
                             path=path)


def _open(cv2, path):
    """An open `cv2.VideoCapture` of `path`, its frame rate and its reported frame count (0 when unknown)."""
    capture = cv2.VideoCapture(str(path))
    if not capture.isOpened():
        capture.release()
        raise UserInputError(_UNDECODABLE, path=path)
    fps = capture.get(cv2.CAP_PROP_FPS)
    if not 0 < fps < math.inf:
        capture.release()
        raise UserInputError(f"{_UNDECODABLE} (no frame rate)", path=path)
    count = capture.get(cv2.CAP_PROP_FRAME_COUNT)
    count = int(count) if 0 < count < math.inf else 0
    return capture, float(fps), count


def _reopen(cv2, capture, path):
    capture.release()
    capture, _, _ = _open(cv2, path)
    return capture


def _frame_at(seconds, fps):
    """The index of the frame at `seconds` (rounded to the nearest frame, halves up)."""
    return int(math.floor(seconds * fps + 0.5))


def _sample(sampling, count, fps):
    """The sorted indices, from the segment's first frame, of the frames `sampling` keeps of `count`."""
    if sampling.fps is None:
        frames = sampling.num_frames
        if count <= frames:
            return list(range(count))
        # The centre of part i of `frames` equal parts is (i + 0.5) * count / frames; exact in integers.
        return [(2 * i + 1) * count // (2 * frames) for i in range(frames)]
    step = fps / float(sampling.fps)
    indices = []
    j = 0
    while len(indices) < sampling.max_frames:
        index = int(math.floor(j * step + 1e-6))
        if index >= count:
            break
        if not indices or index != indices[-1]:
            indices.append(index)
        j += 1
    return indices


def _decode(cv2, capture, first, wanted, until, probe, sampling):
    """Decode from the start: skip `first` frames, then decode `until` frames, keeping the `wanted` ones.

    With `probe` (a number of frames, or `math.inf`), frames past `until` are counted, up to `probe`.

    Returns:
        `(skipped, decoded, extra, kept)`: the frames skipped (fewer than `first` when the video ends
        first), the frames of the segment decoded (fewer than `until` when the video ends first), the frames
        counted past `until`, and `{index from first: scaled RGB frame}`.
    """
    for skipped in range(first):
        if not capture.grab():
            return skipped, 0, 0, {}
    wanted = set(wanted)
    kept = {}
    decoded = 0
    while decoded < until:
        if not capture.grab():
            return first, decoded, 0, kept
        if decoded in wanted:
            ok, image = capture.retrieve()
            if not ok or image is None:
                return first, decoded, 0, kept
            kept[decoded] = _scale(cv2, image, sampling)
        decoded += 1
    extra = 0
    if probe is not None:
        while extra < probe and capture.grab():
            extra += 1
    return first, decoded, extra, kept


def _scale(cv2, image, sampling):
    """A decoded BGR frame as a `frame_size` square RGB `uint8` frame."""
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    elif image.shape[2] == 4:
        image = cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    if sampling.crop == "center":
        height, width = image.shape[:2]
        side = min(height, width)
        top, left = (height - side) // 2, (width - side) // 2
        image = image[top:top + side, left:left + side]
    size = sampling.frame_size
    shrinking = image.shape[0] >= size and image.shape[1] >= size
    image = cv2.resize(image, (size, size), interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR)
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


def _frames(kept, wanted, first, fps, count):
    size = next(iter(kept.values())).shape[0] if kept else 0
    pixels = np.stack([kept[index] for index in wanted]) if wanted else np.zeros((0, size, size, 3), np.uint8)
    indices = np.asarray(wanted, dtype=np.int64) + first
    return Frames(
        pixels=np.ascontiguousarray(pixels, dtype=np.uint8),
        times=(indices / fps).astype(np.float32),
        indices=indices,
        fps=fps,
        total_frames=int(count),
        duration=count / fps,
    )


def _raise_past_end(path, start, fps, total, first):
    if total == 0:
        raise UserInputError("the video has no frames", path=path)
    start = first / fps if start is None else start
    raise UserInputError(f"start={start:g} s is past the end of the video ({total / fps:g} s)", path=path)


def _iter_windows(cv2, path, sampling, window, stride):
    capture, fps, reported = _open(cv2, path)

    def bounds(k):
        begin = _frame_at(k * stride, fps)
        return begin, max(begin + 1, _frame_at(k * stride + window, fps))

    def emit(k, begin, count, wanted):
        end_seconds = min(k * stride + window, (begin + count) / fps)
        frames = _frames({j: buffer[begin + j] for j in wanted}, wanted, begin, fps, count)
        return k * stride, end_seconds, frames

    # Every frame from `keep_all_from` on is kept: the windows that reach past the reported end may be cut
    # short, and their sampling then depends on the real number of frames.
    keep_all_from = 0
    if reported > 0:
        k = 0
        while bounds(k)[1] <= reported:
            k += 1
        keep_all_from = bounds(k)[0]
    plans = {}  # k -> (begin, end, wanted frame indices in the video) of the windows not yet emitted

    def plan(k):
        if k not in plans:
            begin, end = bounds(k)
            plans[k] = (begin, end, {begin + j for j in _sample(sampling, end - begin, fps)})
        return plans[k]

    buffer = {}
    next_k = 0  # the first window not yet emitted
    covered_to = 0  # the end of the last window emitted
    index = 0
    try:
        while True:
            if not capture.grab():
                break
            needed = False
            k = next_k
            while True:
                begin, end, wanted = plan(k)
                if begin > index:
                    break
                if index < end and (index >= keep_all_from or index in wanted):
                    needed = True
                    break
                k += 1
            if needed:
                ok, image = capture.retrieve()
                if not ok or image is None:
                    break
                buffer[index] = _scale(cv2, image, sampling)
            index += 1
            while plan(next_k)[1] == index:  # complete windows
                begin, end, wanted = plans.pop(next_k)
                yield emit(next_k, begin, end - begin, _sample(sampling, end - begin, fps))
                covered_to = end
                next_k += 1
            earliest = plan(next_k)[0]
            for old in [old for old in buffer if old < earliest]:
                del buffer[old]
        total = index
        if total == 0:
            raise UserInputError("the video has no frames", path=path)
        while covered_to < total:
            begin, end, _ = plan(next_k)
            if begin >= total:
                break
            count = min(end, total) - begin
            wanted = _sample(sampling, count, fps)
            if all(begin + j in buffer for j in wanted):
                yield emit(next_k, begin, count, wanted)
            else:  # the file ended before its header said: read this window again
                frames = read_frames(path, sampling, start=next_k * stride, end=next_k * stride + window)
                yield next_k * stride, min(next_k * stride + window, total / fps), frames
            covered_to = begin + count
            next_k += 1
    finally:
        capture.release()
