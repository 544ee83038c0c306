"""`VideoVectorizer`: the activity classes, how frames are sampled from a clip, and the frame encoder's input.

What is learned from the training clips is the task, the list of classes (sorted names) and the median clip
duration (the window `predict` slides over long videos). The task is `"clip"` (an activity per clip) unless the
training clips have per-frame labels (a `frame_labels` column of the clip table,
`seqkit.data.video.frame_labels`): then it is `"frames"`, an activity per sampled frame, the label of the segment
that holds the frame's time; the classes are the segments' labels, and `background` when some part of a
training clip is in no segment. Training clips with and without per-frame labels together are an error.

Clips become `uint8` frames `(T, S, S, 3)` with their count (`T ≤ num_frames`; the model masks the rest); with a
frozen backbone they become its per-frame features `(T, D)` instead, computed once per clip file and setting and
cached on disk (`seqkit.data.feature_cache`; for the `"clip"` task only: per-frame labels need the frames' times,
so a per-frame run computes them every time).

Example:

>>> from seqkit.data.video.frames import FrameSampling
>>> vectorizer = VideoVectorizer(["wave", "arms_up"], FrameSampling(num_frames=8, frame_size=32))
>>> vectorizer.classes, vectorizer.label_id("wave")
(['arms_up', 'wave'], 1)
"""

import json
import pathlib
import statistics

import numpy as np

from seqkit.errors import UserInputError

SETTINGS_FILE = "video.json"
BACKBONE_FILE = "backbone.keras"
FEATURE_CACHE_DIR = "feature_cache"
TASKS = ("clip", "frames")


class VideoVectorizer:
    """Encodes clips for a video classifier.

    Args:
        classes: the activity names (sorted and deduplicated here).
        sampling: the `FrameSampling` of every clip.
        backbone: the name of a frozen Keras Applications frame encoder, or None (frames go to the model).
        clip_seconds: the median duration of the training clips (the window of `predict`'s timeline).
        task: `"clip"` (a label per clip) or `"frames"` (a label per sampled frame).
    """

    def __init__(self, classes, sampling, *, backbone=None, clip_seconds=None, task="clip"):
        if task not in TASKS:
            raise ValueError(f"`task` must be one of {TASKS}. Received: task={task!r}")
        self.task = task
        self.classes = sorted(set(str(name) for name in classes))
        self.index = {name: i for i, name in enumerate(self.classes)}
        self.sampling = sampling
        self.backbone = backbone
        self.clip_seconds = clip_seconds
        self.feature_model = None  # the backbone's Keras model, attached by the app when `backbone` is set
        self.feature_cache = None

    @classmethod
    def build(cls, clips, sampling, *, backbone=None):
        """Learn the task, the classes and the median clip duration from one pass over the training clips.

        Raises:
            UserInputError: no clips, fewer than two classes, or clips with and without per-frame labels.
        """
        from seqkit.data.video.frame_labels import BACKGROUND
        from seqkit.data.video.frames import video_info

        classes, seconds = set(), []
        first = {}  # the first clip with per-frame labels (True) and without (False)
        background = False
        for clip in clips:
            per_frame = clip.frame_labels is not None
            first.setdefault(per_frame, clip)
            if len(first) == 2:
                raise UserInputError(
                    f"this clip has {'' if per_frame else 'no '}per-frame labels and "
                    f"{_where(first[not per_frame])} has {'no ' if per_frame else ''}per-frame labels: train on "
                    f"clips that all have a frame_labels file (an activity per frame) or none (per clip)",
                    path=_listed_at(clip)[0], line=clip.line,
                )
            span = None
            if clip.start is not None and clip.end is not None:
                span = (clip.start, clip.end)
            else:
                try:
                    info = video_info(clip.path)
                except UserInputError:
                    info = None  # reported by name when the clip is encoded
                if info is not None and info.duration:
                    span = (clip.start or 0.0, min(clip.end or info.duration, info.duration))
            if span is not None and span[1] > span[0]:
                seconds.append(span[1] - span[0])
            if per_frame:
                classes |= clip.frame_labels.labels
                background = background or span is None or not clip.frame_labels.covers(*span)
            else:
                classes.add(clip.label)
        if background:
            classes.add(BACKGROUND)
        if not classes:
            raise UserInputError("the training data holds no clips")
        if len(classes) < 2:
            raise UserInputError(f"the training clips have one activity only ({sorted(classes)[0]!r}); need two or more")
        clip_seconds = round(statistics.median(seconds), 3) if seconds else None
        return cls(classes, sampling, backbone=backbone, clip_seconds=clip_seconds,
                   task="frames" if True in first else "clip")

    # === Labels ===

    @property
    def num_classes(self):
        return len(self.classes)

    def label_id(self, label, *, path=None, line=None):
        if label not in self.index:
            raise UserInputError(
                f"activity {label!r} is not one the model knows ({', '.join(self.classes)})", path=path, line=line
            )
        return self.index[label]

    # === Frames ===

    @property
    def feature_key(self):
        """The model input holding each clip's frames: `"frames"`, or `"features"` with a backbone."""
        return "features" if self.backbone else "frames"

    def frames(self, clip):
        """The sampled `Frames` of a clip (or of its segment)."""
        from seqkit.data.video.frames import read_frames

        return read_frames(clip.path, self.sampling, start=clip.start, end=clip.end)

    def backbone_features(self, pixels):
        """Per-frame features `(T, D)` of `uint8` frames `(T, S, S, 3)` from the frozen backbone."""
        if self.feature_model is None:
            raise RuntimeError("the backbone model is not attached to the vectorizer")
        return np.asarray(self.feature_model(pixels[None] if pixels.ndim == 3 else pixels, training=False), np.float32)

    def inputs_of_pixels(self, pixels):
        """`{feature_key: array, "lengths": T}` of sampled frames `(T, S, S, 3)` (backbone features with one)."""
        if self.backbone:
            features = self.backbone_features(pixels)
            return {"features": features.astype(np.float32), "lengths": np.int32(len(features))}
        return {"frames": pixels, "lengths": np.int32(len(pixels))}

    def inputs(self, clip):
        """`{feature_key: array, "lengths": T}` of one clip (cached backbone features when there is one)."""
        if not self.backbone:
            return self.inputs_of_pixels(self.frames(clip).pixels)
        if self.feature_cache is None or clip.start is not None or clip.end is not None:
            features = self.backbone_features(self.frames(clip).pixels)
        else:
            features = self.feature_cache.get_or_compute(
                clip.path, lambda path: self.backbone_features(self.frames(clip).pixels)
            )
        return {"features": features.astype(np.float32), "lengths": np.int32(len(features))}

    def frame_targets(self, clip):
        """`(inputs, labels)` of a clip with per-frame labels: the inputs as `inputs` gives them (backbone
        features are not cached: the frames' times are needed), and the `(T,)` int32 class id of every sampled
        frame, the label of the segment holding its time (`background` outside every segment).

        Raises:
            UserInputError: the clip has no per-frame labels, or a frame's label is not a class of the model
                (named by the label file and line).
        """
        from seqkit.data.video.frame_labels import BACKGROUND

        if clip.frame_labels is None:
            raise UserInputError(
                "the clip has no per-frame labels, and the model labels every frame: give a clip table with a "
                "frame_labels column", path=_listed_at(clip)[0], line=clip.line,
            )
        frames = self.frames(clip)
        labels = []
        for time, segment in zip(frames.times, clip.frame_labels.segments_at(frames.times)):
            if segment is None and BACKGROUND not in self.index:
                raise UserInputError(
                    f"the frame at {float(time):.3f} s is in no segment, and the model has no {BACKGROUND!r} "
                    f"class (its training clips were labelled throughout)", path=clip.frame_labels.source,
                )
            name, line = (BACKGROUND, None) if segment is None else (segment.label, segment.line)
            labels.append(self.label_id(name, path=clip.frame_labels.source, line=line))
        return self.inputs_of_pixels(frames.pixels), np.asarray(labels, np.int32)

    def encode(self, clip):
        """`{"frames" | "features", "lengths", "labels"}` of one labelled clip (`labels` `(T,)` per frame for
        the `"frames"` task)."""
        if self.task == "frames":
            inputs, labels = self.frame_targets(clip)
            return {**inputs, "labels": labels}
        labels = np.int32(self.label_id(clip.label, path=clip.source, line=clip.line))
        return {**self.inputs(clip), "labels": labels}

    # === Files ===

    def settings(self):
        return {
            "task": self.task,
            "classes": self.classes,
            "sampling": self.sampling.settings(),
            "backbone": self.backbone,
            "clip_seconds": self.clip_seconds,
            "file": SETTINGS_FILE,
        }

    def cache_settings(self):
        """What decides a cached feature array: sampling, backbone and the digest of its weights as loaded."""
        from seqkit.data.feature_cache import weights_digest

        if self.feature_model is None:
            raise RuntimeError("the backbone model is not attached to the vectorizer")
        return {"sampling": self.sampling.settings(), "backbone": self.backbone,
                "weights_sha256": weights_digest(self.feature_model)}

    def save(self, directory):
        from seqkit.data.atomic import atomic_write_json

        atomic_write_json(pathlib.Path(directory) / SETTINGS_FILE, self.settings())

    @classmethod
    def load(cls, directory):
        from seqkit.data.video.frames import FrameSampling

        directory = pathlib.Path(directory)
        stored = json.loads((directory / SETTINGS_FILE).read_text(encoding="utf-8"))
        vectorizer = cls(
            stored["classes"], FrameSampling.from_settings(stored["sampling"]),
            backbone=stored.get("backbone"), clip_seconds=stored.get("clip_seconds"),
            task=stored.get("task", "clip"),
        )
        if vectorizer.backbone:
            import keras

            vectorizer.feature_model = keras.saving.load_model(directory / BACKBONE_FILE)
        return vectorizer


def _listed_at(clip):
    """`(path, line)` naming a clip in a message: its table and line, or its video file (found in a folder)."""
    if clip.line is not None:
        return clip.source, clip.line
    return str(clip.path), None


def _where(clip):
    """Where a clip was listed, as text: `table:line`, or its file."""
    path, line = _listed_at(clip)
    return path if line is None else f"{path}:{line}"
