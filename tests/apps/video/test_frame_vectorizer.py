"""`VideoVectorizer` with per-frame labels: the task and classes learned from the clips, and each frame's label."""

import numpy as np
import pytest

from seqkit.apps.video.encoding import VideoVectorizer
from seqkit.data.video.clips import Clip
from seqkit.data.video.frame_labels import FrameLabels, Segment
from seqkit.data.video.frames import FrameSampling
from seqkit.errors import UserInputError

from colour_clips import changing_clip, write_video

SAMPLING = FrameSampling(num_frames=6, frame_size=16)


@pytest.fixture(scope="module")
def video(tmp_path_factory):
    """12 frames at 10 fps (1.2 s): sampled at 0.1, 0.3, ... 1.1 s."""
    path = tmp_path_factory.mktemp("video") / "clip.avi"
    return write_video(path, changing_clip(np.random.default_rng(0), ("red", "blue")))


def clip(video, *segments, start=None, end=None, line=2):
    labels = FrameLabels(tuple(Segment(s, e, name, line=i + 2) for i, (s, e, name) in enumerate(segments)),
                         source="labels.csv")
    return Clip(video, None, start, end, source="clips.csv", line=line, frame_labels=labels)


def test_segments_that_cover_the_clips_need_no_background(video):
    vectorizer = VideoVectorizer.build([clip(video, (0, 0.4, "red"), (0.4, 1.2, "blue"))], SAMPLING)
    assert vectorizer.task == "frames" and vectorizer.classes == ["blue", "red"]
    encoded = vectorizer.encode(clip(video, (0, 0.4, "red"), (0.4, 1.2, "blue")))
    assert encoded["frames"].shape == (6, 16, 16, 3) and encoded["lengths"] == 6
    assert encoded["labels"].tolist() == [1, 1, 0, 0, 0, 0] and encoded["labels"].dtype == np.int32


def test_a_gap_in_a_clip_adds_the_background_class(video):
    vectorizer = VideoVectorizer.build([clip(video, (0, 0.4, "red"), (0.4, 0.8, "blue"))], SAMPLING)
    assert vectorizer.classes == ["background", "blue", "red"]
    labels = vectorizer.encode(clip(video, (0, 0.4, "red"), (0.4, 0.8, "blue")))["labels"]
    assert labels.tolist() == [2, 2, 1, 1, 0, 0]
    # A clip that is a segment of the video is covered within its own start and end.
    inner = VideoVectorizer.build([clip(video, (0.2, 0.6, "red"), (0.6, 0.9, "blue"), start=0.2, end=0.9)], SAMPLING)
    assert inner.classes == ["blue", "red"]


def test_clips_with_and_without_frame_labels_are_refused(video):
    plain = Clip(video, "red", source="other.csv", line=5)
    with pytest.raises(UserInputError, match=r"other.csv:5: this clip has no per-frame labels and clips.csv:2 has "
                                             r"per-frame labels"):
        VideoVectorizer.build([clip(video, (0, 1.2, "red")), plain], SAMPLING)
    with pytest.raises(UserInputError, match=r"clips.csv:2: this clip has per-frame labels and other.csv:5 has no"):
        VideoVectorizer.build([plain, clip(video, (0, 1.2, "red"))], SAMPLING)


def test_frame_labels_the_model_does_not_know_name_the_label_file(video):
    vectorizer = VideoVectorizer.build([clip(video, (0, 0.4, "red"), (0.4, 1.2, "blue"))], SAMPLING)
    with pytest.raises(UserInputError, match=r"^labels.csv:3: activity 'green' is not one the model knows"):
        vectorizer.encode(clip(video, (0, 0.4, "red"), (0.4, 1.2, "green")))
    with pytest.raises(UserInputError, match=r"^labels.csv: the frame at 0.900 s is in no segment, and the model "
                                             r"has no 'background' class"):
        vectorizer.encode(clip(video, (0, 0.4, "red"), (0.4, 0.8, "blue")))
    with pytest.raises(UserInputError, match=r"^clips.csv:7: the clip has no per-frame labels"):
        vectorizer.encode(Clip(video, "red", source="clips.csv", line=7))
    with pytest.raises(UserInputError) as caught:  # a clip of a class folder: named by its file
        vectorizer.encode(Clip(video, "red", source=str(video.parent)))
    assert str(caught.value).startswith(f"{video}: the clip has no per-frame labels")


def test_the_task_is_saved_and_loaded(video, tmp_path):
    vectorizer = VideoVectorizer.build([clip(video, (0, 0.4, "red"), (0.4, 0.8, "blue"))], SAMPLING)
    vectorizer.save(tmp_path)
    loaded = VideoVectorizer.load(tmp_path)
    assert loaded.task == "frames" and loaded.classes == vectorizer.classes
    plain = VideoVectorizer(["a", "b"], SAMPLING)
    plain.save(tmp_path)
    assert VideoVectorizer.load(tmp_path).task == "clip"
    with pytest.raises(ValueError, match="`task` must be one of"):
        VideoVectorizer(["a", "b"], SAMPLING, task="frame")


def test_cached_features_are_keyed_by_the_backbones_weights_and_the_sampling():
    import keras

    def vectorizer(feature_model, sampling=SAMPLING):
        encoder = VideoVectorizer(["a", "b"], sampling, backbone="mobilenet_v3_small")
        encoder.feature_model = feature_model
        return encoder

    def backbone():
        return keras.Sequential([keras.Input((16, 16, 3)), keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(4)])

    first, second = backbone(), backbone()
    assert vectorizer(first).cache_settings() == vectorizer(first).cache_settings()
    assert vectorizer(first).cache_settings() != vectorizer(second).cache_settings()  # other random weights
    second.set_weights(first.get_weights())
    assert vectorizer(first).cache_settings() == vectorizer(second).cache_settings()
    other_sampling = FrameSampling(num_frames=8, frame_size=16)
    assert vectorizer(first).cache_settings() != vectorizer(first, other_sampling).cache_settings()
    with pytest.raises(RuntimeError, match="not attached"):
        VideoVectorizer(["a", "b"], SAMPLING, backbone="mobilenet_v3_small").cache_settings()
