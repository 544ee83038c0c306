"""`VideoVectorizer`: the activity classes, how frames are sampled from a clip, and the frame encoder's input.

What is learned from the training clips is the list of classes (sorted names) and the median clip duration
(the window `predict` slides over long videos). Clips become `uint8` frames `(T, S, S, 3)` with their count
(`T ≤ num_frames`; the model masks the rest); with a frozen backbone they become its per-frame features
`(T, D)` instead, computed once per clip file and setting and cached on disk (`seqkit.data.feature_cache`).

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


class VideoVectorizer:
    """Encodes clips for a video classifier.

    Args:
        classes: the activity names (sorted and deduplicated here).
        sampling: the `FrameSampling` of every clip.
        backbone: the name of a frozen Keras Applications frame encoder, or None (frames go to the model).
        clip_seconds: the median duration of the training clips (the window of `predict`'s timeline).
    """

    def __init__(self, classes, sampling, *, backbone=None, clip_seconds=None):
        self.classes = sorted(set(str(name) for name in classes))
        self.index = {name: i for i, name in enumerate(self.classes)}
        self.sampling = sampling
        self.backbone = backbone
        self.clip_seconds = clip_seconds
        self.feature_model = None  # the backbone's Keras model, attached by the app when `backbone` is set
        self.feature_cache = None

    @classmethod
    def build(cls, clips, sampling, *, backbone=None):
        """Learn the classes and the median clip duration from one pass over the training clips."""
        from seqkit.data.video.frames import video_info

        classes, seconds = set(), []
        for clip in clips:
            classes.add(clip.label)
            if clip.start is not None or clip.end is not None:
                seconds.append((clip.end or 0.0) - (clip.start or 0.0))
                continue
            try:
                info = video_info(clip.path)
            except UserInputError:
                continue  # reported by name when the clip is encoded
            if info.duration:
                seconds.append(info.duration)
        if not classes:
            raise UserInputError("the training data holds no clips")
        if len(classes) < 2:
            raise UserInputError(f"the training clips have one activity only ({sorted(classes)[0]!r}); need two or more")
        clip_seconds = round(statistics.median(seconds), 3) if seconds else None
        return cls(classes, sampling, backbone=backbone, clip_seconds=clip_seconds)

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

    def inputs(self, clip):
        """`{feature_key: array, "lengths": T}` of one clip (cached backbone features when there is one)."""
        if not self.backbone:
            pixels = self.frames(clip).pixels
            return {"frames": pixels, "lengths": np.int32(len(pixels))}
        if self.feature_cache is None or clip.start is not None or clip.end is not None:
            features = self.backbone_features(self.frames(clip).pixels)
        else:
            features = self.feature_cache.get_or_compute(
                clip.path, lambda path: self.backbone_features(self.frames(clip).pixels)
            )
        return {"features": features.astype(np.float32), "lengths": np.int32(len(features))}

    def encode(self, clip):
        """`{"frames" | "features", "lengths", "labels"}` of one labelled clip."""
        labels = np.int32(self.label_id(clip.label, path=clip.source, line=clip.line))
        return {**self.inputs(clip), "labels": labels}

    # === Files ===

    def settings(self):
        return {
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
        )
        if vectorizer.backbone:
            import keras

            vectorizer.feature_model = keras.saving.load_model(directory / BACKBONE_FILE)
        return vectorizer
