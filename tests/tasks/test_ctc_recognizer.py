import numpy as np
import pytest
from builder_checks import assert_save_load_identical, assert_training_step_changes_all_weights

from seqkit.tasks import CTC_RECOGNIZER_PRESETS, ctc_decode, ctc_loss, ctc_recognizer

LABELS = np.array([[1, 2, 0], [3, 3, 4]], "int32")


def _features():
    features = np.random.default_rng(0).normal(size=(2, 7, 3)).astype("float32")
    features[0, 5:] = 0.0  # padded frames
    return {"features": features}


def test_loss_by_hand_on_two_uniform_frames():
    # Label [1] over 2 frames: paths "1 1", "1 -", "- 1" out of 4 equally
    # likely ones, so the loss is -log(3 / 4).
    logits = np.zeros((1, 2, 2), "float32")
    assert float(ctc_loss(np.array([[1]]), logits)[0]) == pytest.approx(-np.log(0.75), rel=1e-5)
    # Repeated label [1, 1] needs a blank between: only "1 - 1" of 8 on 3 frames.
    logits = np.zeros((1, 3, 2), "float32")
    assert float(ctc_loss(np.array([[1, 1]]), logits)[0]) == pytest.approx(np.log(8), rel=1e-5)


def test_padded_frames_are_certain_blanks_and_cost_nothing():
    model = ctc_recognizer(3, 5, units=4, num_layers=1)
    inputs = _features()
    outputs = np.asarray(model(inputs))
    assert outputs.shape == (2, 7, 5)
    padded = outputs[0, 5:]
    assert np.all(padded.argmax(-1) == 0) and padded[:, 1:].max() < -1e3
    trimmed = model({"features": inputs["features"][:1, :5]})
    np.testing.assert_allclose(ctc_loss(LABELS[:1], outputs[:1]), ctc_loss(LABELS[:1], trimmed), rtol=1e-5)
    # Label padding may be 0 or -1.
    np.testing.assert_allclose(
        ctc_loss(np.array([[1, 2, -1]]), outputs[:1]),
        ctc_loss(LABELS[:1], outputs[:1]),
        rtol=1e-6,
    )


def test_greedy_and_beam_decoding():
    probabilities = np.array([[[0.1, 0.9, 0.0], [0.2, 0.8, 0.0], [0.9, 0.1, 0.0], [0.1, 0.0, 0.9]]])
    logits = np.log(probabilities + 1e-9).astype("float32")
    labels, _ = ctc_decode(logits)
    assert np.asarray(labels).tolist() == [[[1, 2, -1, -1]]]
    labels, scores = ctc_decode(logits, "beam_search", beam_width=4, top_paths=2)
    assert np.asarray(labels)[0].tolist() == [[1, 2, -1, -1]]
    assert np.asarray(scores).shape == (1, 2)
    assert scores[0, 0] >= scores[0, 1]
    with pytest.raises(ValueError, match="`strategy` must be one of"):
        ctc_decode(logits, "prefix")


def test_save_load_and_one_training_step(tmp_path):
    model = ctc_recognizer(3, 5, units=4, num_layers=2, dropout=0.1)
    assert_save_load_identical(model, _features(), tmp_path)
    assert_training_step_changes_all_weights(model, ctc_loss, _features(), LABELS)


def test_preset_and_errors():
    assert ctc_recognizer(3, 5, **CTC_RECOGNIZER_PRESETS["tiny"]).output.shape[-1] == 5
    with pytest.raises(ValueError, match="at least 2"):
        ctc_recognizer(3, 1)
    with pytest.raises(ValueError, match="`feature_dim` must be a positive integer"):
        ctc_recognizer(0, 5)


def _waveforms():
    rng = np.random.default_rng(1)
    waveforms = (0.1 * rng.normal(size=(2, 4000))).astype("float32")
    lengths = np.array([4000, 2400], "int32")
    waveforms[1, 2400:] = 0.0
    return {"waveforms": waveforms, "lengths": lengths}


def test_waveform_input_with_strided_convolution_ignores_padding(tmp_path):
    model = ctc_recognizer(
        None, 5, waveform_features={"sample_rate": 16000, "num_mel_bins": 12}, conv_filters=6, conv_kernel_size=3,
        conv_stride=2, units=4, num_layers=1,
    )
    inputs = _waveforms()
    outputs = np.asarray(model(inputs))
    # 4,000 samples at 16 kHz: 1 + (4000 - 400) // 160 = 23 frames, halved (rounded up) by the stride.
    assert outputs.shape == (2, 12, 5)
    alone = np.asarray(model({"waveforms": inputs["waveforms"][1:, :2400], "lengths": inputs["lengths"][1:]}))
    # 2,400 samples: 13 frames -> 7 output frames; the rest of the padded row is certain blank.
    np.testing.assert_allclose(alone[0], outputs[1, :7], atol=1e-4)
    assert np.all(np.argmax(outputs[1, 7:], axis=-1) == 0)
    assert_save_load_identical(model, inputs, tmp_path, atol=1e-5)


def test_spec_augment_trains_only_and_every_weight_moves():
    model = ctc_recognizer(
        None, 5, waveform_features={"sample_rate": 16000, "num_mel_bins": 12},
        spec_augment={"freq_masks": 1, "freq_mask_width": 3, "time_masks": 1, "time_mask_ratio": 0.1, "seed": 1},
        conv_filters=4, units=4, num_layers=1,
    )
    inputs = _waveforms()
    np.testing.assert_allclose(np.asarray(model(inputs, training=False)), np.asarray(model(inputs, training=False)))
    assert_training_step_changes_all_weights(model, ctc_loss, inputs, LABELS)
    with pytest.raises(ValueError, match="feature_dim"):
        ctc_recognizer(None, 5)


@pytest.mark.parametrize("kernel_size, stride", [(3, 2), (5, 2), (4, 3)])
def test_a_clips_outputs_do_not_depend_on_the_batchs_longest_clip(kernel_size, stride):
    # With "same" padding the left padding of a strided convolution depends on the padded length's parity,
    # which shifted every frame of a clip by one when a longer clip joined its batch.
    model = ctc_recognizer(3, 5, conv_filters=4, conv_kernel_size=kernel_size, conv_stride=stride, units=4,
                           num_layers=1)
    clip = np.random.default_rng(1).normal(size=(1, 23, 3)).astype("float32")
    alone = np.asarray(model({"features": clip}))
    assert alone.shape[1] == -(-23 // stride)
    for longest in (24, 25, 26, 30):
        batch = np.zeros((2, longest, 3), "float32")
        batch[0, :23] = clip[0]
        batch[1] = np.random.default_rng(longest).normal(size=(longest, 3))
        outputs = np.asarray(model({"features": batch}))
        assert outputs.shape[1] == -(-longest // stride)
        np.testing.assert_allclose(outputs[0, : alone.shape[1]], alone[0], atol=1e-5)
