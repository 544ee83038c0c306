import numpy as np
import pytest
from builder_checks import assert_save_load_identical, assert_training_step_changes_all_weights

from seqkit.tasks import VIDEO_CLASSIFIER_PRESETS, classifier_loss, frame_backbone, video_classifier

TINY = {"frame_size": 16, "conv_filters": (4, 8), "units": 4}
RNG = np.random.default_rng(0)
FRAMES = RNG.integers(0, 256, size=(2, 5, 20, 18, 3)).astype("uint8")
LENGTHS = np.array([5, 3], "int32")
LABELS = np.array([0, 2], "int32")


def _clips(frames=FRAMES, lengths=LENGTHS):
    return {"frames": frames, "lengths": lengths}


def _logits(model, inputs):
    return np.asarray(model(inputs, training=False))


def test_output_shapes_clip_and_per_frame():
    assert _logits(video_classifier(3, **TINY), _clips()).shape == (2, 3)
    per_frame = video_classifier(3, per_frame=True, frame_differences=True, **TINY)
    assert _logits(per_frame, _clips()).shape == (2, 5, 3)
    assert tuple(per_frame.output.shape) == (None, None, 3)
    assert per_frame.get_layer("frame_preprocessing").frame_differences


@pytest.mark.parametrize(
    "options",
    [
        {"pooling": "mean"},
        {"pooling": "max"},
        {"pooling": "last"},
        {"pooling": "last", "bidirectional": False, "frame_differences": True},
        {"pooling": "mean", "cell": "lstm", "num_layers": 2, "implementation": "seqkit"},
        {"per_frame": True},
    ],
)
def test_frames_beyond_lengths_do_not_change_the_logits(options):
    model = video_classifier(3, **TINY, **options)
    expected = _logits(model, _clips())
    # Three more frames of noise on both clips, and noise over the padding of the short clip.
    padded = np.concatenate([FRAMES, RNG.integers(0, 256, size=(2, 3, 20, 18, 3)).astype("uint8")], axis=1)
    padded[1, 3:5] = RNG.integers(0, 256, size=(2, 20, 18, 3))
    actual = _logits(model, _clips(padded))
    if options.get("per_frame"):
        np.testing.assert_allclose(actual[0, :5], expected[0], atol=1e-5)
        np.testing.assert_allclose(actual[1, :3], expected[1, :3], atol=1e-5)
    else:
        np.testing.assert_allclose(actual, expected, atol=1e-5)
    # The short clip alone, cut at its length, gives the same logits too.
    alone = _logits(model, _clips(FRAMES[1:, :3], LENGTHS[1:]))
    np.testing.assert_allclose(alone[0], expected[1] if not options.get("per_frame") else expected[1, :3], atol=1e-5)


def test_traced_with_unknown_batch_time_and_frame_size():
    import tensorflow as tf

    model = video_classifier(3, **TINY)
    serve = tf.function(
        model,
        input_signature=[
            {
                "frames": tf.TensorSpec((None, None, None, None, 3), tf.uint8),
                "lengths": tf.TensorSpec((None,), tf.int32),
            }
        ],
    )
    np.testing.assert_allclose(serve(_clips()), _logits(model, _clips()), atol=1e-5)
    short = _clips(FRAMES[1:, :3, :12], LENGTHS[1:])
    np.testing.assert_allclose(serve(short), _logits(model, short), atol=1e-5)


def test_model_is_order_sensitive():
    model = video_classifier(3, **TINY)
    reversed_frames = FRAMES[:, ::-1].copy()
    full = np.array([5, 5], "int32")
    forward = _logits(model, _clips(FRAMES, full))
    assert not np.allclose(forward, _logits(model, _clips(reversed_frames, full)), atol=1e-4)


def test_without_recurrence_the_model_ignores_frame_order():
    bag = video_classifier(3, num_layers=0, **TINY)
    assert not any(layer.name == "recurrent" for layer in bag.layers)
    full = np.array([5, 5], "int32")
    shuffled = FRAMES[:, [3, 0, 4, 2, 1]].copy()
    np.testing.assert_allclose(_logits(bag, _clips(shuffled, full)), _logits(bag, _clips(FRAMES, full)), atol=1e-5)
    # "last" without recurrence: the last real frame alone decides.
    single = video_classifier(3, num_layers=0, pooling="last", **TINY)
    changed = FRAMES.copy()
    changed[:, :2] = 0
    np.testing.assert_allclose(_logits(single, _clips(changed)), _logits(single, _clips()), atol=1e-5)
    np.testing.assert_allclose(
        _logits(single, _clips(FRAMES[1:, 2:3], np.array([1], "int32")))[0], _logits(single, _clips())[1], atol=1e-5
    )


def test_save_load_and_one_training_step(tmp_path):
    model = video_classifier(3, frame_differences=True, dropout=0.1, **TINY)
    assert_save_load_identical(model, _clips(), tmp_path, atol=1e-5)
    assert_training_step_changes_all_weights(model, classifier_loss(model), _clips(), LABELS)


def test_per_frame_training_ignores_padding_labels():
    model = video_classifier(3, per_frame=True, pooling="last", **TINY)
    labels = np.array([[0, 1, 1, 2, 2], [1, 1, 0, -1, -1]], "int32")
    assert_training_step_changes_all_weights(model, classifier_loss(model), _clips(), labels)


def test_features_mode(tmp_path):
    model = video_classifier(2, feature_dim=8, units=4, pooling="max")
    assert sorted(model.input) == ["features", "lengths"]
    assert not any(layer.name in ("frame_preprocessing", "frame_encoder") for layer in model.layers)
    features = RNG.normal(size=(2, 6, 8)).astype("float32")
    inputs = {"features": features, "lengths": np.array([6, 4], "int32")}
    expected = _logits(model, inputs)
    assert expected.shape == (2, 2)
    features[1, 4:] = 100.0  # padding content never matters
    np.testing.assert_allclose(_logits(model, inputs), expected, atol=1e-5)
    assert_save_load_identical(model, inputs, tmp_path, atol=1e-5)
    assert_training_step_changes_all_weights(model, classifier_loss(model), inputs, np.array([1, 0]))


def test_presets_build():
    assert video_classifier(4, **VIDEO_CLASSIFIER_PRESETS["tiny"]).output.shape[-1] == 4
    activity = video_classifier(4, **VIDEO_CLASSIFIER_PRESETS["activity"])
    assert activity.get_layer("frame_encoder").filters == (16, 32, 64)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"num_classes": 0}, "`num_classes` must be a positive integer. Received: num_classes=0"),
        ({"num_classes": 1}, "`num_classes` must be at least 2. Received: num_classes=1"),
        ({"frame_size": 0}, "`frame_size` must be a positive integer. Received: frame_size=0"),
        ({"conv_filters": ()}, "`conv_filters` must be a non-empty tuple of positive integers"),
        ({"feature_dim": -1}, "`feature_dim` must be a positive integer. Received: feature_dim=-1"),
        ({"units": 0}, "`units` must be a positive integer"),
        ({"num_layers": -1}, "`num_layers` must be a non-negative integer. Received: num_layers=-1"),
        ({"dropout": 1.5}, "`dropout` must be a float in \\[0, 1\\). Received: dropout=1.5"),
        ({"pooling": "attention"}, "`pooling` must be one of 'mean', 'max', 'last'. Received: pooling='attention'"),
        ({"per_frame": "yes"}, "`per_frame` must be a boolean"),
    ],
)
def test_bad_arguments_raise(kwargs, message):
    kwargs = {"num_classes": 3, **kwargs}
    with pytest.raises(ValueError, match=message):
        video_classifier(kwargs.pop("num_classes"), **kwargs)


def test_frame_backbone_is_frozen_and_takes_frames_of_any_size(tmp_path):
    model, dim = frame_backbone("mobilenet_v3_small", frame_size=32, weights=None)
    assert dim == 576 and not model.trainable and not model.trainable_weights
    frames = RNG.integers(0, 256, size=(3, 40, 24, 3)).astype("uint8")
    features = np.asarray(model(frames))
    assert features.shape == (3, dim) and features.dtype == np.float32 and np.all(np.isfinite(features))

    # A weights file of the bare backbone (include_top=False) is loaded into it: a new random backbone
    # given the first one's weights computes the same features.
    path = tmp_path / "backbone.weights.h5"
    model.get_layer("MobileNetV3Small").save_weights(path)
    loaded, _ = frame_backbone("mobilenet_v3_small", frame_size=32, weights=path)
    np.testing.assert_allclose(loaded(frames), features, atol=1e-5)

    with pytest.raises(ValueError, match="`weights` file does not exist"):
        frame_backbone("mobilenet_v3_small", frame_size=32, weights=str(tmp_path / "missing.weights.h5"))
    with pytest.raises(ValueError, match="`name` must be one of"):
        frame_backbone("vgg16", weights=None)
    with pytest.raises(ValueError, match="`frame_size` must be at least 32"):
        frame_backbone("mobilenet_v3_small", frame_size=16, weights=None)
