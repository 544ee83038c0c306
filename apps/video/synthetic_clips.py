"""Generates the embedded data of `seqkit video`: a SMOKE TEST of synthetic shape clips, not real video.

Nobody filmed these clips: a filled shape moves, turns or changes size over a cluttered, noisy background, in
eight classes that come in four pairs of opposite motions, so that `seqkit video fit` with no data trains a small
model in minutes and shows that the pipeline works end to end. A model trained on it recognises no human
activity; train on real video (UCF101, HMDB51, Kinetics, Something-Something) for that.

==========================  =================================================================
`move_left`, `move_right`   a circle, square or triangle crosses 45-60 % of the frame width
`move_up`, `move_down`      the same, vertically (up is towards row 0)
`rotate_clockwise`,         an asymmetric shape (a pointed triangle, an "L" or an arrow) turns
`rotate_counterclockwise`   by 150-270 degrees about a fixed centre (clockwise as seen on screen)
`grow`, `shrink`            a circle, square or triangle changes size by a factor of 2.0-2.8
==========================  =================================================================

The two classes of a pair differ ONLY in the direction of time: a clip of the second class is a clip of the
first played backwards (`generate_clip(second, rng)` is exactly `generate_clip(first, rng)[::-1]` for the same
random state; `OPPOSITE` maps each class to the other of its pair). The frames of a `move_left` clip, taken as
a set, are therefore distributed exactly like those of a `move_right` clip, and a model that ignores the order
of the frames (a mean frame, a bag of frames) is at chance within each pair: it must use time.

Every clip, for every class: a background colour with a gentle linear gradient; two to four static distractor
shapes of other colours; the moving shape in a colour far from the background's, drawn on top, with
anti-aliased edges at sub-pixel positions (`cv2.circle` and `cv2.fillPoly` with 4 fractional bits); the
motion's speed varies smoothly within the clip; in half the clips a camera jitter of up to 2 % of the frame
moves everything by a random sub-pixel offset in each frame; Gaussian pixel noise of standard deviation 2-7
(of 255). The shape always stays inside the frame (up to the jitter).

`write_corpus(folder)` writes::

    folder/corpus.json                  what was generated (generator version, settings, classes, counts)
    folder/README.txt                   the same, for people
    folder/train/<class>/0000.avi ...   60 clips per class: 20 frames of 64x64 RGB, MJPG in AVI, 10 fps
    folder/valid/<class>/0000.avi ...   15 clips per class

under a temporary name beside `folder`, renamed when complete (`seqkit.data.atomic.atomic_directory`), and
`ensure_corpus(folder)` does so only when `folder` does not already hold a complete corpus of the same settings.
The app generates it into a cache folder; no generated video is committed. Run
`python -m seqkit.apps.video.synthetic_clips --out DIR` to write it somewhere to watch.

Clip `index` of class `CLASSES[c]` in split `s` (0 for train, 1 for valid) is drawn from
`numpy.random.default_rng([seed, s, c, index])`, using only its uniform floats (`Generator.random`, whose
stream NumPy keeps stable; the noise is their normal quantiles, in 16 384 levels), so a corpus of fewer clips
per class holds the first clips of a larger one, and a seed gives byte-identical files on a given installation
(the pixels depend on NumPy's and OpenCV's arithmetic, the files also on OpenCV's JPEG encoder). Files are
written by OpenCV's own MJPG writer (`cv2.CAP_OPENCV_MJPEG`, quality 90, any frame size); `cv2.VideoCapture`
reads them back with the same number of frames, within JPEG's loss (a mean absolute difference of about 3-6).

Example:

>>> import numpy as np
>>> clip = generate_clip("move_right", np.random.default_rng(0))
>>> clip.shape, clip.dtype
((20, 64, 64, 3), dtype('uint8'))
>>> backwards = generate_clip("move_left", np.random.default_rng(0))
>>> bool(np.array_equal(backwards, clip[::-1]))
True
"""

import argparse
import functools
import json
import math
import numbers
import pathlib
import statistics

import numpy as np

from seqkit.data.atomic import atomic_directory
from seqkit.errors import UserInputError
from seqkit.optional import import_optional

CORPUS_NAME = "seqkit-video-shapes"
CORPUS_VERSION = 1
DEFAULT_SEED = 0
SPLITS = ("train", "valid")
# (the class drawn, the class that is the same clip backwards)
PAIRS = (
    ("move_right", "move_left"),
    ("move_down", "move_up"),
    ("rotate_clockwise", "rotate_counterclockwise"),
    ("grow", "shrink"),
)
CLASSES = (
    "move_left", "move_right", "move_up", "move_down",
    "rotate_clockwise", "rotate_counterclockwise", "grow", "shrink",
)
OPPOSITE = {**dict(PAIRS), **{second: first for first, second in PAIRS}}
DESCRIPTIONS = {
    "move_left": "a circle, square or triangle moves left by 45-60 % of the frame width",
    "move_right": "a circle, square or triangle moves right by 45-60 % of the frame width",
    "move_up": "a circle, square or triangle moves up by 45-60 % of the frame height",
    "move_down": "a circle, square or triangle moves down by 45-60 % of the frame height",
    "rotate_clockwise": "a pointed triangle, an L or an arrow turns clockwise by 150-270 degrees",
    "rotate_counterclockwise": "a pointed triangle, an L or an arrow turns counterclockwise by 150-270 degrees",
    "grow": "a circle, square or triangle grows by a factor of 2.0-2.8",
    "shrink": "a circle, square or triangle shrinks by a factor of 2.0-2.8",
}
MJPG_QUALITY = 90

# === Motion ranges (fractions of the frame size) ===
MOVE_RADIUS = (0.10, 0.16)
MOVE_DISTANCE = (0.45, 0.60)
MOVE_ACROSS = (0.25, 0.75)
MOVE_DRIFT = 0.08
ROTATE_RADIUS = (0.20, 0.30)
ROTATE_DEGREES = (150.0, 270.0)
GROW_FINAL_RADIUS = (0.24, 0.32)
GROW_FACTOR = (2.0, 2.8)
SPEED_WOBBLE = 0.5  # progress = t + w sin(2πt) / 2π with |w| ≤ this: monotone, with a varying speed

# === Scene ranges ===
DISTRACTORS = (2, 4)
DISTRACTOR_RADIUS = (0.06, 0.12)
GRADIENT = 40.0
NOISE_SIGMA = (2.0, 7.0)
JITTER = 0.02
NORMAL_LEVELS = 1 << 14  # the noise is normal up to ±3.8 standard deviations
FOREGROUND_DISTANCE = 140.0  # RGB distance from the background colour
DISTRACTOR_DISTANCE = 80.0  # from the background and the foreground colours

# === Shapes: polygons within the unit circle, x to the right and y down ===
_TRIANGLE = np.array([(math.cos(a), math.sin(a)) for a in np.radians([-90.0, 30.0, 150.0])])
SHAPES = {
    "square": np.array([(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0)]) / math.sqrt(2.0),
    "triangle": _TRIANGLE,
    "pointer": np.array([(1.0, 0.0), (-0.7, 0.55), (-0.7, -0.55)]),
    "ell": 0.9 * np.array([(-0.55, -0.8), (-0.05, -0.8), (-0.05, 0.3), (0.7, 0.3), (0.7, 0.8), (-0.55, 0.8)]),
    "arrow": np.array([(-0.9, -0.18), (0.15, -0.18), (0.15, -0.5), (0.9, 0.0), (0.15, 0.5), (0.15, 0.18),
                       (-0.9, 0.18)]),
}
MOVING_SHAPES = ("circle", "square", "triangle")
ROTATING_SHAPES = ("pointer", "ell", "arrow")  # no rotational symmetry, so the turn and its sense show
SHIFT = 4  # fractional bits of the coordinates given to OpenCV's drawing functions


def generate_clip(kind, rng, *, frames=20, size=64, return_masks=False):
    """One clip of class `kind`, drawn from `rng`.

    Args:
        kind: one of `CLASSES`.
        rng: a `numpy.random.Generator`; the clip depends only on its state (and `frames`, `size`).
        frames: the number of frames, at least 2.
        size: the frame's height and width in pixels, at least 16.
        return_masks: also return where the moving shape is in each frame.

    Returns:
        A `uint8` array of shape `(frames, size, size, 3)`, RGB; with `return_masks`, the pair
        `(pixels, masks)` where `masks` is a `bool` array of shape `(frames, size, size)`, true on the moving
        shape (before the noise, and with the camera's jitter).

    Example:

    >>> import numpy as np
    >>> pixels, masks = generate_clip("grow", np.random.default_rng(3), frames=6, size=32, return_masks=True)
    >>> pixels.shape, masks.shape
    ((6, 32, 32, 3), (6, 32, 32))
    >>> bool(masks[-1].sum() > 3 * masks[0].sum())
    True
    """
    if kind not in OPPOSITE:
        raise UserInputError(f"`kind` must be one of {', '.join(CLASSES)}. Received: kind={kind!r}")
    frames = _check_int("frames", frames, 2)
    size = _check_int("size", size, 16)
    drawn = kind if kind in dict(PAIRS) else OPPOSITE[kind]
    pixels, masks = _forward_clip(drawn, rng, frames, size)
    if drawn != kind:
        pixels, masks = np.ascontiguousarray(pixels[::-1]), np.ascontiguousarray(masks[::-1])
    return (pixels, masks) if return_masks else pixels


def write_clip(pixels, path, fps=10):
    """Write RGB frames to `path` as MJPG in an AVI container (OpenCV's own writer, quality 90).

    Args:
        pixels: a `uint8` array of shape `(frames, height, width, 3)`, RGB.
        path: the file to write (`.avi`); parent folders are created, a file there is overwritten.
        fps: frames per second recorded in the file.

    Returns:
        `path` as a `pathlib.Path`.

    Raises:
        OSError: OpenCV could not open `path` for writing.

    Example:

    >>> import pathlib, tempfile, cv2
    >>> import numpy as np
    >>> path = write_clip(generate_clip("shrink", np.random.default_rng(0), frames=5, size=32),
    ...                   pathlib.Path(tempfile.mkdtemp()) / "clip.avi")
    >>> int(cv2.VideoCapture(str(path)).get(cv2.CAP_PROP_FRAME_COUNT))
    5
    """
    cv2 = import_optional("cv2", "video")
    pixels = np.asarray(pixels)
    if pixels.dtype != np.uint8 or pixels.ndim != 4 or pixels.shape[-1] != 3 or not pixels.shape[0]:
        raise UserInputError(
            "`pixels` must be a uint8 array of shape (frames, height, width, 3) with at least one frame. "
            f"Received: pixels of dtype {pixels.dtype} and shape {pixels.shape}"
        )
    if not isinstance(fps, numbers.Real) or isinstance(fps, bool) or not fps > 0:
        raise UserInputError(f"`fps` must be a positive number. Received: fps={fps!r}")
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    height, width = pixels.shape[1:3]
    writer = cv2.VideoWriter(
        str(path), cv2.CAP_OPENCV_MJPEG, cv2.VideoWriter_fourcc(*"MJPG"), float(fps), (width, height)
    )
    if not writer.isOpened():
        raise OSError(f"OpenCV could not open {path} for writing MJPG video")
    writer.set(cv2.VIDEOWRITER_PROP_QUALITY, MJPG_QUALITY)
    try:
        for frame in pixels:
            writer.write(np.ascontiguousarray(frame[..., ::-1]))  # OpenCV wants BGR
    finally:
        writer.release()
    return path


def write_corpus(folder, *, seed=DEFAULT_SEED, train_per_class=60, valid_per_class=15, frames=20, size=64,
                 fps=10):
    """Write the corpus (see the module docstring) as `folder`, atomically.

    The corpus is built in a temporary folder beside `folder` and renamed to it when complete, so an
    interrupted run leaves no half corpus under the final name. A corpus of this generator already in `folder`
    (of any settings) is replaced; any other non-empty folder is left alone.

    Args:
        folder: the corpus folder to create.
        seed: the generator's seed, a non-negative integer.
        train_per_class: clips per class in `train/`.
        valid_per_class: clips per class in `valid/`.
        frames: frames per clip, at least 2.
        size: the frames' height and width in pixels, at least 16.
        fps: frames per second recorded in the files.

    Returns:
        `folder` as a `pathlib.Path`.

    Raises:
        seqkit.errors.UserInputError: `folder` exists, is not empty, and is not a corpus of this generator.
        FileExistsError: `folder` appeared (from another process) while this one was being written.

    Example:

    >>> import pathlib, tempfile
    >>> folder = write_corpus(pathlib.Path(tempfile.mkdtemp()) / "clips", train_per_class=1,
    ...                       valid_per_class=1, frames=3, size=16)
    >>> sorted(path.name for path in folder.iterdir())
    ['README.txt', 'corpus.json', 'train', 'valid']
    >>> sorted(path.relative_to(folder).as_posix() for path in folder.glob("*/grow/*"))
    ['train/grow/0000.avi', 'valid/grow/0000.avi']
    """
    settings = _settings(seed, train_per_class, valid_per_class, frames, size, fps)
    folder = pathlib.Path(folder)
    if folder.exists():
        if not folder.is_dir() or (any(folder.iterdir()) and _description_of(folder) is None):
            raise UserInputError(
                "exists and is not a generated video corpus; remove it or choose another folder", path=folder
            )
    with atomic_directory(folder, overwrite=folder.exists()) as building:
        _write_files(building, settings)
    return folder


def ensure_corpus(folder, *, seed=DEFAULT_SEED, train_per_class=60, valid_per_class=15, frames=20, size=64,
                  fps=10):
    """The folder of the corpus of these settings, written there first unless it already holds it.

    `folder` is reused when its `corpus.json` records this generator's version and the same settings and every
    clip it lists is there; otherwise it is (re)written by `write_corpus`, atomically. Two processes racing end
    with one complete corpus.

    Args:
        folder: the corpus folder, usually in a cache.
        seed, train_per_class, valid_per_class, frames, size, fps: as for `write_corpus`.

    Returns:
        `folder` as a `pathlib.Path`.

    Raises:
        seqkit.errors.UserInputError: `folder` exists, is not empty, and is not a corpus of this generator.

    Example:

    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp()) / "cache" / "clips"
    >>> small = dict(train_per_class=1, valid_per_class=1, frames=3, size=16)
    >>> ensure_corpus(folder, **small) == folder, ensure_corpus(folder, **small) == folder
    (True, True)
    >>> sorted(path.name for path in (folder / "train").iterdir()) == sorted(CLASSES)
    True
    """
    settings = _settings(seed, train_per_class, valid_per_class, frames, size, fps)
    folder = pathlib.Path(folder)
    if _holds_corpus(folder, settings):
        return folder
    try:
        write_corpus(folder, **settings)
    except FileExistsError:
        if not _holds_corpus(folder, settings):  # another process must have finished it first
            raise
    return folder


def main(argv=None):
    """`python -m seqkit.apps.video.synthetic_clips --out DIR [--seed N]`: write the corpus as DIR."""
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, required=True, help="the corpus folder to write")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="the generator's seed")
    args = parser.parse_args(argv)
    folder = write_corpus(args.out, seed=args.seed)
    counts = _description_of(folder)["clips"]
    print(f"wrote {counts['train']} train and {counts['valid']} valid clips to {folder} (synthetic shapes)")
    return 0


# === Clips ===


def _forward_clip(kind, rng, frames, size):
    """Pixels and masks of a clip of `kind`, the first class of its pair."""
    scene = _scene(rng, size)
    progress = np.linspace(0.0, 1.0, frames)
    wobble = _uniform(rng, -SPEED_WOBBLE, SPEED_WOBBLE)
    progress = progress + wobble * np.sin(2 * np.pi * progress) / (2 * np.pi)

    # === The moving shape's track: centres (frames, 2), radii and angles (frames,) ===
    if kind in ("move_right", "move_down"):
        shape = MOVING_SHAPES[_choice(rng, len(MOVING_SHAPES))]
        radius = size * _uniform(rng, *MOVE_RADIUS)
        distance = size * _uniform(rng, *MOVE_DISTANCE)
        start = _uniform(rng, radius, size - radius - distance)
        across = size * _uniform(rng, *MOVE_ACROSS)
        drift = size * _uniform(rng, -MOVE_DRIFT, MOVE_DRIFT)
        along_track, across_track = start + distance * progress, across + drift * progress
        pair = (along_track, across_track) if kind == "move_right" else (across_track, along_track)
        centres = np.stack(pair, axis=1)
        radii = np.full(frames, radius)
        angles = np.full(frames, _uniform(rng, 0.0, 2 * np.pi))
    elif kind == "rotate_clockwise":
        shape = ROTATING_SHAPES[_choice(rng, len(ROTATING_SHAPES))]
        radius = size * _uniform(rng, *ROTATE_RADIUS)
        centres = np.tile(_uniform(rng, radius, size - radius, 2), (frames, 1))
        radii = np.full(frames, radius)
        turn = np.radians(_uniform(rng, *ROTATE_DEGREES))
        angles = _uniform(rng, 0.0, 2 * np.pi) + turn * progress  # y points down: a growing angle is clockwise
    else:  # grow
        shape = MOVING_SHAPES[_choice(rng, len(MOVING_SHAPES))]
        final = size * _uniform(rng, *GROW_FINAL_RADIUS)
        factor = _uniform(rng, *GROW_FACTOR)
        centres = np.tile(_uniform(rng, final, size - final, 2), (frames, 1))
        radii = final / factor * factor**progress
        angles = np.full(frames, _uniform(rng, 0.0, 2 * np.pi))

    # === Frames: the still scene, moved by the camera's jitter, with the shape drawn on it ===
    cv2 = import_optional("cv2", "video")
    still = _still(cv2, scene, size)
    jitter = JITTER * size * (rng.random() < 0.5)
    offsets = _uniform(rng, -jitter, jitter, (frames, 2))
    pixels = np.empty((frames, size, size, 3), dtype=np.uint8)
    masks = np.zeros((frames, size, size), dtype=np.uint8)
    for index, offset in enumerate(offsets):
        if jitter:
            shift = np.array([[1.0, 0.0, offset[0]], [0.0, 1.0, offset[1]]], dtype=np.float32)
            canvas = cv2.warpAffine(still, shift, (size, size), flags=cv2.INTER_LINEAR,
                                    borderMode=cv2.BORDER_REFLECT)
        else:
            canvas = still.copy()
        arguments = (shape, centres[index] + offset, radii[index], angles[index])
        _draw(cv2, canvas, *arguments, scene["foreground"])
        _draw(cv2, masks[index], *arguments, 1, antialiased=False)
        pixels[index] = canvas
    noisy = _normal(rng, pixels.shape, scene["noise"])
    noisy += pixels
    np.rint(noisy, out=noisy)
    np.clip(noisy, 0, 255, out=noisy)
    return noisy.astype(np.uint8), masks.astype(bool)


def _scene(rng, size):
    """The static part of a clip: background, colours, distractors, noise level."""
    background = _colour(rng, [], 0.0)
    gradient_angle = _uniform(rng, 0.0, 2 * np.pi)
    gradient = _uniform(rng, -GRADIENT, GRADIENT, 3)
    foreground = _colour(rng, [background], FOREGROUND_DISTANCE)
    distractors = []
    all_shapes = MOVING_SHAPES + ROTATING_SHAPES
    for _ in range(DISTRACTORS[0] + _choice(rng, DISTRACTORS[1] - DISTRACTORS[0] + 1)):
        distractors.append({
            "shape": all_shapes[_choice(rng, len(all_shapes))],
            "centre": size * _uniform(rng, 0.05, 0.95, 2),
            "radius": size * _uniform(rng, *DISTRACTOR_RADIUS),
            "angle": _uniform(rng, 0.0, 2 * np.pi),
            "colour": _colour(rng, [background, foreground], DISTRACTOR_DISTANCE),
        })
    return {
        "background": np.array(background, dtype=np.float32),
        "direction": (math.cos(gradient_angle), math.sin(gradient_angle)),
        "gradient": gradient.astype(np.float32),
        "foreground": foreground,
        "distractors": distractors,
        "noise": _uniform(rng, *NOISE_SIGMA),
    }


def _still(cv2, scene, size):
    """The scene without the moving shape: the background's gradient and the distractors, `uint8` RGB."""
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float32)
    across, down = scene["direction"]
    along = (xs * across + ys * down) / size - 0.5
    canvas = scene["background"] + along[..., None] * scene["gradient"]
    canvas = np.clip(np.rint(canvas), 0, 255).astype(np.uint8)  # 8 bits: OpenCV anti-aliases only those
    for distractor in scene["distractors"]:
        _draw(cv2, canvas, distractor["shape"], distractor["centre"], distractor["radius"], distractor["angle"],
              distractor["colour"])
    return canvas


def _draw(cv2, canvas, shape, centre, radius, angle, colour, antialiased=True):
    """Fill `shape` (a name in `SHAPES`, or "circle") of circumradius `radius`, turned by `angle` radians."""
    line = cv2.LINE_AA if antialiased else cv2.LINE_8
    scale = 1 << SHIFT
    if shape == "circle":
        centre = tuple(int(v) for v in np.rint(np.asarray(centre) * scale))
        cv2.circle(canvas, centre, int(round(radius * scale)), colour, -1, line, SHIFT)
        return
    cos, sin = math.cos(angle), math.sin(angle)
    points = SHAPES[shape] @ np.array([[cos, sin], [-sin, cos]]) * radius + centre
    cv2.fillPoly(canvas, [np.rint(points * scale).astype(np.int32)], colour, line, SHIFT)


def _colour(rng, avoid, distance):
    """A random RGB colour at least `distance` from each colour in `avoid` (the last try if none is)."""
    for _ in range(100):
        colour = tuple(float(v) for v in np.rint(255 * rng.random(3)))
        if all(math.dist(colour, other) >= distance for other in avoid):
            break
    return colour


def _normal(rng, shape, sigma):
    """Normal noise of standard deviation `sigma` (float32) by inversion: a uniform float picks a quantile."""
    uniform = rng.random(shape, dtype=np.float32)
    uniform *= NORMAL_LEVELS  # below NORMAL_LEVELS: a float32 below 1 times a power of 2 (at most 2**16)
    return (_normal_quantiles() * np.float32(sigma))[uniform.astype(np.uint16)]


@functools.cache
def _normal_quantiles():
    inverse = statistics.NormalDist().inv_cdf
    return np.array([inverse((index + 0.5) / NORMAL_LEVELS) for index in range(NORMAL_LEVELS)], dtype=np.float32)


def _uniform(rng, low, high, size=None):
    return low + (high - low) * rng.random(size)


def _choice(rng, count):
    return min(int(rng.random() * count), count - 1)


# === The corpus ===


def _settings(seed, train_per_class, valid_per_class, frames, size, fps):
    if not isinstance(fps, numbers.Real) or isinstance(fps, bool) or not fps > 0:
        raise UserInputError(f"`fps` must be a positive number. Received: fps={fps!r}")
    return {
        "seed": _check_int("seed", seed, 0),
        "train_per_class": _check_int("train_per_class", train_per_class, 1),
        "valid_per_class": _check_int("valid_per_class", valid_per_class, 1),
        "frames": _check_int("frames", frames, 2),
        "size": _check_int("size", size, 16),
        "fps": fps,
    }


def _check_int(name, value, minimum):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise UserInputError(f"`{name}` must be an integer of at least {minimum}. Received: {name}={value!r}")
    return int(value)


def _write_files(folder, settings):
    counts = {"train": settings["train_per_class"], "valid": settings["valid_per_class"]}
    for split_index, split in enumerate(SPLITS):
        for class_index, kind in enumerate(CLASSES):
            for index in range(counts[split]):
                rng = np.random.default_rng([settings["seed"], split_index, class_index, index])
                pixels = generate_clip(kind, rng, frames=settings["frames"], size=settings["size"])
                write_clip(pixels, folder / split / kind / f"{index:04d}.avi", fps=settings["fps"])
    description = _description(settings)
    (folder / "README.txt").write_text(_readme(description), encoding="utf-8")
    (folder / "corpus.json").write_text(json.dumps(description, indent=2) + "\n", encoding="utf-8")


def _description(settings):
    per_class = {"train": settings["train_per_class"], "valid": settings["valid_per_class"]}
    return {
        "name": CORPUS_NAME,
        "version": CORPUS_VERSION,
        "settings": settings,
        "classes": list(CLASSES),
        "clips_per_class": per_class,
        "clips": {split: count * len(CLASSES) for split, count in per_class.items()},
        "layout": "<split>/<class>/<index>.avi",
        "note": "synthetic smoke-test clips of moving shapes made by seqkit; not recorded video",
    }


def _readme(description):
    settings = description["settings"]
    lines = [
        "seqkit video: synthetic clips of shapes in motion (a smoke test, not recorded video)",
        "",
        f"Made by seqkit.apps.video.synthetic_clips (generator version {CORPUS_VERSION}); no data from elsewhere.",
        f"Settings: seed {settings['seed']}, {settings['frames']} frames of {settings['size']}x{settings['size']} "
        f"RGB per clip, MJPG in AVI at {settings['fps']} frames per second.",
        f"Layout: train/<class>/NNNN.avi ({settings['train_per_class']} clips per class), "
        f"valid/<class>/NNNN.avi ({settings['valid_per_class']} clips per class).",
        "",
        "Classes (each pair differs only in the direction of time, so frame order is needed to tell them apart):",
    ]
    width = max(len(kind) for kind in CLASSES)
    lines += [f"  {kind:<{width}}  {DESCRIPTIONS[kind]}" for kind in CLASSES]
    lines += [
        "",
        "Every clip has a gradient background, 2-4 static distractor shapes, Gaussian pixel noise and, in half",
        "the clips, a small camera jitter. Regenerate with: python -m seqkit.apps.video.synthetic_clips --out DIR",
    ]
    return "\n".join(lines) + "\n"


def _description_of(folder):
    """The `corpus.json` of a folder this generator wrote, or None."""
    try:
        description = json.loads((pathlib.Path(folder) / "corpus.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return description if isinstance(description, dict) and description.get("name") == CORPUS_NAME else None


def _holds_corpus(folder, settings):
    description = _description_of(folder)
    if description is None or description.get("version") != CORPUS_VERSION:
        return False
    if description.get("settings") != settings:
        return False
    folder = pathlib.Path(folder)
    for split, count in (("train", settings["train_per_class"]), ("valid", settings["valid_per_class"])):
        for kind in CLASSES:
            if not all((folder / split / kind / f"{index:04d}.avi").is_file() for index in range(count)):
                return False
    return True


if __name__ == "__main__":
    raise SystemExit(main())
