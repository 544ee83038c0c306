import keras
import numpy as np
import pytest
import tensorflow as tf

from seqkit.layers import LogMelSpectrogram, SpecAugment
from seqkit.layers.audio_features import FRAME_EPSILON, VARIANCE_EPSILON

SAMPLE_RATE = 16000
RNG = np.random.default_rng(0)
# Noise plus a tone: energy in every mel bin, so the log never reaches the floor.
WAVE = (0.1 * RNG.normal(size=9000) + np.sin(2 * np.pi * 440 * np.arange(9000) / SAMPLE_RATE)).astype("float32")


# === Independent NumPy implementation ===


def _hertz_to_mel(hertz):
    return 1127.0 * np.log1p(np.asarray(hertz, "float64") / 700.0)


def _mel_matrix(num_mel_bins, num_spectrogram_bins, sample_rate, lower, upper):
    """HTK-mel triangles sampled at the FFT bin frequencies, DC bin left out: `(bins, mel_bins)`."""
    bin_mels = _hertz_to_mel(np.linspace(0.0, sample_rate / 2, num_spectrogram_bins))[:, None]
    edges = np.linspace(_hertz_to_mel(lower), _hertz_to_mel(upper), num_mel_bins + 2)
    left, center, right = edges[:-2], edges[1:-1], edges[2:]
    rising = (bin_mels - left) / (center - left)
    falling = (right - bin_mels) / (right - center)
    weights = np.maximum(0.0, np.minimum(rising, falling))
    weights[0] = 0.0
    return weights


def _numpy_deltas(x):
    """Regression deltas over ±2 frames with the edge frames replicated."""
    steps = np.arange(len(x))
    at = lambda n: x[np.clip(steps + n, 0, len(x) - 1)]  # noqa: E731
    return (1 * (at(1) - at(-1)) + 2 * (at(2) - at(-2))) / 10.0


def _numpy_log_mel(
    wave,
    sample_rate=SAMPLE_RATE,
    frame_length_ms=25,
    frame_step_ms=10,
    fft_length=None,
    num_mel_bins=80,
    lower_edge_hertz=20.0,
    upper_edge_hertz=7600.0,
    log_floor=1e-6,
    deltas=0,
    normalize="utterance",
):
    """Features `(frames, dim)` of one waveform (its whole length valid)."""
    wave = np.asarray(wave, "float64")
    if not len(wave):
        return np.zeros((0, num_mel_bins * (1 + deltas)))
    length = int(round(sample_rate * frame_length_ms / 1000))
    step = int(round(sample_rate * frame_step_ms / 1000))
    fft_length = fft_length or 1 << (length - 1).bit_length()
    if len(wave) < length:
        wave = np.pad(wave, (0, length - len(wave)))
    count = 1 + (len(wave) - length) // step
    frames = np.stack([wave[i * step : i * step + length] for i in range(count)])
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(length) / length)  # periodic Hann
    power = np.abs(np.fft.rfft(frames * window, n=fft_length)) ** 2
    mel = power @ _mel_matrix(num_mel_bins, fft_length // 2 + 1, sample_rate, lower_edge_hertz, upper_edge_hertz)
    stack = [np.log(np.maximum(mel, log_floor))]
    for _ in range(deltas):
        stack.append(_numpy_deltas(stack[-1]))
    x = np.concatenate(stack, axis=-1)
    if normalize == "utterance":
        x = (x - x.mean(0)) / np.sqrt(x.var(0) + VARIANCE_EPSILON)
    return x


def _features(layer, waves, lengths):
    return np.asarray(layer(np.asarray(waves, "float32"), np.asarray(lengths, "int32")))


def _batch(waves):
    lengths = [len(w) for w in waves]
    batch = np.zeros((len(waves), max(lengths)), "float32")
    for row, wave in zip(batch, waves):
        row[: len(wave)] = wave
    return batch, lengths


# === LogMelSpectrogram ===


def test_mel_matrix_of_the_test_matches_tensorflow():
    expected = tf.signal.linear_to_mel_weight_matrix(80, 257, SAMPLE_RATE, 20.0, 7600.0).numpy()
    np.testing.assert_allclose(_mel_matrix(80, 257, SAMPLE_RATE, 20.0, 7600.0), expected, atol=1e-5)


@pytest.mark.parametrize(
    "options",
    [
        {"normalize": None},
        {"normalize": None, "num_mel_bins": 40, "fft_length": 1024, "frame_step_ms": 12.5},
        {"normalize": None, "sample_rate": 8000, "upper_edge_hertz": 4000.0, "num_mel_bins": 23},
    ],
)
def test_log_mel_matches_numpy(options):
    layer = LogMelSpectrogram(**options)
    got = _features(layer, WAVE[None], [len(WAVE)])[0]
    expected = _numpy_log_mel(WAVE, **options)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, atol=1e-3 * np.abs(expected).max())


@pytest.mark.parametrize("deltas", [1, 2])
def test_deltas_match_numpy(deltas):
    layer = LogMelSpectrogram(num_mel_bins=20, deltas=deltas, normalize=None)
    got = _features(layer, WAVE[None], [len(WAVE)])[0]
    expected = _numpy_log_mel(WAVE, num_mel_bins=20, deltas=deltas, normalize=None)
    assert got.shape == (54, 20 * (1 + deltas)) == expected.shape
    for block in range(1 + deltas):
        columns = slice(20 * block, 20 * (block + 1))
        np.testing.assert_allclose(got[:, columns], expected[:, columns], atol=2e-3)


def test_deltas_of_a_ramp_are_its_slope_away_from_the_edges():
    steps = np.arange(10, dtype="float64")[:, None] * 3.0
    deltas = _numpy_deltas(steps)
    np.testing.assert_allclose(deltas[2:-2], 3.0)
    np.testing.assert_allclose(deltas[0], (1 * 3 + 2 * 6) / 10)  # c[-1] = c[-2] = c[0]


def test_utterance_normalisation():
    layer = LogMelSpectrogram(deltas=2)
    got = _features(layer, WAVE[None], [len(WAVE)])[0]
    np.testing.assert_allclose(got, _numpy_log_mel(WAVE, deltas=2), atol=5e-3)
    np.testing.assert_allclose(got.mean(0), 0.0, atol=1e-4)
    raw = _numpy_log_mel(WAVE, deltas=2, normalize=None).var(0)
    np.testing.assert_allclose(got.var(0), raw / (raw + VARIANCE_EPSILON), atol=1e-3)
    assert np.all(np.abs(got.var(0)[raw > 1e-3] - 1.0) < 1e-3)


def test_normalisation_statistics_use_only_valid_frames():
    batch, lengths = _batch([WAVE, WAVE[:3000]])
    got = _features(LogMelSpectrogram(), batch, lengths)
    frames = 1 + (3000 - 400) // 160
    short = got[1, :frames]
    np.testing.assert_allclose(short.mean(0), 0.0, atol=1e-4)
    raw = _numpy_log_mel(WAVE[:3000], normalize=None).var(0)
    np.testing.assert_allclose(short.var(0), raw / (raw + VARIANCE_EPSILON), atol=1e-3)
    assert np.all(got[1, frames:] == 0.0)


@pytest.mark.parametrize("options", [{}, {"deltas": 2}, {"deltas": 1, "normalize": None}])
def test_each_row_is_computed_as_if_alone(options):
    layer = LogMelSpectrogram(**options)
    waves = [WAVE, WAVE[:5000] * 0.5, WAVE[1000:1300], WAVE[:0], WAVE[:401]]
    batch, lengths = _batch(waves)
    batch[1, 5000:] = RNG.normal(size=len(WAVE) - 5000)  # garbage after the length is ignored
    got = _features(layer, batch, lengths)
    frame_lengths = layer.compute_frame_lengths(np.array(lengths)).numpy()
    assert frame_lengths.tolist() == [54, 29, 1, 0, 1]
    assert got.shape == (5, 54, layer.feature_dim)
    for row, wave, frames in zip(got, waves, frame_lengths):
        alone = _features(layer, wave[None], [len(wave)])[0]
        assert len(alone) >= frames
        np.testing.assert_allclose(row[:frames], alone[:frames], atol=1e-4)
        assert np.all(row[frames:] == 0.0) and np.all(alone[frames:] == 0.0)
        # The ctc_recognizer padding rule recovers the frame lengths.
        assert np.any(row != 0.0, axis=-1).sum() == frames


def test_frame_lengths():
    layer = LogMelSpectrogram(frame_length_ms=25, frame_step_ms=10)
    lengths = np.array([0, 1, 399, 400, 559, 560, 16000])
    assert layer.frame_length_samples == 400 and layer.frame_step_samples == 160
    assert layer.compute_frame_lengths(lengths).numpy().tolist() == [0, 1, 1, 1, 1, 2, 98]


def test_without_lengths_every_sample_counts():
    layer = LogMelSpectrogram(num_mel_bins=16)
    np.testing.assert_allclose(layer(WAVE[None]), _features(layer, WAVE[None], [len(WAVE)]), atol=1e-6)


def test_lengths_beyond_the_waveform_are_clipped():
    layer = LogMelSpectrogram(num_mel_bins=16)
    np.testing.assert_allclose(
        _features(layer, WAVE[None], [10**6]), _features(layer, WAVE[None], [len(WAVE)]), atol=1e-6
    )


def test_a_valid_frame_is_never_all_zero():
    layer = LogMelSpectrogram(num_mel_bins=16, deltas=1)
    # One frame: normalised, every value equals its mean. Digital silence: every frame is the same.
    batch, lengths = _batch([WAVE[:300], np.zeros(4000, "float32"), WAVE[:2000]])
    got = _features(layer, batch, lengths)
    assert np.all(got[0, 0] == FRAME_EPSILON) and np.all(got[0, 1:] == 0.0)
    silent = layer.compute_frame_lengths(4000).numpy()
    assert np.all(got[1, :silent] == FRAME_EPSILON) and np.all(got[1, silent:] == 0.0)
    valid = np.any(got != 0.0, axis=-1).sum(1)
    assert valid.tolist() == layer.compute_frame_lengths(np.array(lengths)).numpy().tolist()


def test_short_clip_is_padded_to_one_frame():
    layer = LogMelSpectrogram(num_mel_bins=16, normalize=None)
    got = _features(layer, WAVE[None, :250], [250])
    assert got.shape == (1, 1, 16)
    np.testing.assert_allclose(got[0], _numpy_log_mel(WAVE[:250], num_mel_bins=16, normalize=None), atol=1e-3)


def test_output_shape_and_config_round_trip():
    layer = LogMelSpectrogram(sample_rate=8000, num_mel_bins=40, deltas=2, upper_edge_hertz=3800, name="fbank")
    assert layer.compute_output_shape((None, 8000)) == (None, 98, 120)
    assert layer.compute_output_shape((2, None)) == (2, None, 120)
    assert layer.compute_output_shape((2, 10)) == (2, 1, 120)
    config = layer.get_config()
    assert config["fft_length"] is None and config["deltas"] == 2
    assert LogMelSpectrogram.from_config(config).get_config() == config


def _speech_model(**options):
    waveforms = keras.Input((None,), dtype="float32", name="waveforms")
    lengths = keras.Input((), dtype="int32", name="lengths")
    features = LogMelSpectrogram(num_mel_bins=20, deltas=1, name="fbank", **options)(waveforms, lengths)
    features = SpecAugment(freq_mask_width=4, feature_groups=2, seed=3, name="augment")(features)
    outputs = keras.layers.Dense(3, name="logits")(features)
    return keras.Model({"waveforms": waveforms, "lengths": lengths}, outputs)


def test_save_and_load_in_a_functional_model(tmp_path):
    model = _speech_model()
    batch, lengths = _batch([WAVE, WAVE[:4000]])
    inputs = {"waveforms": batch, "lengths": np.array(lengths, "int32")}
    expected = model.predict(inputs, verbose=0)
    assert expected.shape == (2, 54, 3)
    path = tmp_path / "speech.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded.get_layer("fbank"), LogMelSpectrogram)
    assert isinstance(loaded.get_layer("augment"), SpecAugment)
    assert loaded.get_layer("fbank").get_config() == model.get_layer("fbank").get_config()
    np.testing.assert_allclose(loaded.predict(inputs, verbose=0), expected, atol=1e-5)


def test_export_takes_raw_waveforms_of_any_batch_and_length(tmp_path):
    model = _speech_model()
    path = str(tmp_path / "exported")
    model.export(path, verbose=False)
    reloaded = tf.saved_model.load(path)
    serve = reloaded.serve
    for waves in ([WAVE[:3000]], [WAVE, WAVE[:5000], WAVE[:100]]):
        batch, lengths = _batch(waves)
        inputs = {"waveforms": batch, "lengths": np.array(lengths, "int32")}
        np.testing.assert_allclose(serve(inputs), model.predict(inputs, verbose=0), atol=1e-4)


@pytest.mark.parametrize(
    "options, message",
    [
        ({"sample_rate": 0}, "Received: sample_rate=0"),
        ({"frame_length_ms": -1}, "Received: frame_length_ms=-1"),
        ({"frame_step_ms": 0.01}, "Received: frame_step_ms=0.01"),
        ({"fft_length": 256}, "Received: fft_length=256"),
        ({"num_mel_bins": 0}, "Received: num_mel_bins=0"),
        ({"upper_edge_hertz": 9000}, "Received: upper_edge_hertz=9000"),
        ({"lower_edge_hertz": 8000}, "Received: lower_edge_hertz=8000"),
        ({"log_floor": 0}, "Received: log_floor=0"),
        ({"deltas": 3}, "Received: deltas=3"),
        ({"normalize": "global"}, "Received: normalize='global'"),
    ],
)
def test_log_mel_argument_errors(options, message):
    with pytest.raises(ValueError, match=message):
        LogMelSpectrogram(**options)


# === SpecAugment ===


def _normalised_batch():
    """Random features `(3, 40, 12)` with 40, 25 and 3 valid frames."""
    features = RNG.normal(size=(3, 40, 12)).astype("float32")
    lengths = np.array([40, 25, 3])
    features[np.arange(40)[None, :] >= lengths[:, None]] = 0.0
    return features, lengths


def test_spec_augment_is_the_identity_at_inference():
    features, _ = _normalised_batch()
    layer = SpecAugment(seed=0)
    for training in (None, False):
        np.testing.assert_array_equal(layer(features, training=training), features)
    model = keras.Sequential([keras.Input((None, 12)), layer])
    np.testing.assert_array_equal(model.predict(features, verbose=0), features)


@pytest.mark.parametrize("seed", range(5))
def test_spec_augment_masks_only_valid_frames(seed):
    features, lengths = _normalised_batch()
    layer = SpecAugment(freq_masks=2, freq_mask_width=3, time_masks=2, time_mask_ratio=0.2, seed=seed)
    masked = np.asarray(layer(features, training=True))
    changed = masked != features
    assert changed.any()
    for row, original, change, length in zip(masked, features, changed, lengths):
        assert np.all(row[length:] == 0.0) and not change[length:].any()
        # Every valid frame stays non-zero; changed values are 0.0 (or the epsilon of a fully masked frame).
        assert np.all(np.any(row[:length] != 0.0, axis=-1))
        assert np.all(np.isin(row[change], np.float32([0.0, FRAME_EPSILON])))
        whole = np.all(row[:length] == FRAME_EPSILON, axis=-1)
        assert whole.sum() <= 2 * int(0.2 * length)
        # Frequency masks: the same bins in every other frame, at most 2 × 3 of them.
        partial = change[:length][~whole]
        assert np.all(partial == partial[:1]) and partial[0].sum() <= 6


def test_spec_augment_draws_masks_per_utterance_and_respects_the_limits():
    features = np.ones((64, 50, 10), "float32")
    masked = np.asarray(SpecAugment(freq_masks=1, freq_mask_width=4, time_masks=0, seed=1)(features, training=True))
    widths = (masked[:, 0] == 0.0).sum(-1)
    assert widths.max() <= 4 and len(set(widths.tolist())) > 1
    assert np.all((masked == 0.0).sum(1) % 50 == 0)  # a frequency mask spans every frame
    masked = np.asarray(SpecAugment(freq_masks=0, time_masks=1, time_mask_ratio=0.1, seed=1)(features, training=True))
    widths = (masked[:, :, 0] == FRAME_EPSILON).sum(-1)
    assert widths.max() <= 5 and len(set(widths.tolist())) > 1


def test_spec_augment_is_deterministic_with_a_seed():
    features, _ = _normalised_batch()
    first = SpecAugment(seed=7, time_mask_ratio=0.2)(features, training=True)
    again = SpecAugment(seed=7, time_mask_ratio=0.2)(features, training=True)
    other = SpecAugment(seed=8, time_mask_ratio=0.2)(features, training=True)
    np.testing.assert_array_equal(first, again)
    assert np.any(np.asarray(first) != np.asarray(other))


def test_spec_augment_feature_groups_mask_the_same_bins_in_every_block():
    features = np.ones((8, 20, 12), "float32")
    layer = SpecAugment(freq_masks=2, freq_mask_width=3, time_masks=0, seed=2, feature_groups=3)
    masked = np.asarray(layer(features, training=True))[:, 0] == 0.0
    assert masked.any()
    np.testing.assert_array_equal(masked[:, :4], masked[:, 4:8])
    np.testing.assert_array_equal(masked[:, :4], masked[:, 8:])
    with pytest.raises(ValueError, match="Received: feature_groups=5"):
        SpecAugment(feature_groups=5)(features)


def test_spec_augment_trains_in_a_compiled_model():
    features, _ = _normalised_batch()
    model = keras.Sequential([keras.Input((None, 12)), SpecAugment(seed=0), keras.layers.Dense(2)])
    model.compile("sgd", "mse")
    history = model.fit(features, np.zeros((3, 40, 2), "float32"), epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()


def test_spec_augment_config_round_trip():
    layer = SpecAugment(freq_masks=1, freq_mask_width=8, time_masks=3, time_mask_ratio=0.1, seed=4, name="aug")
    config = layer.get_config()
    assert config["seed"] == 4 and config["feature_groups"] == 1
    assert SpecAugment.from_config(config).get_config() == config


@pytest.mark.parametrize(
    "options, message",
    [
        ({"freq_masks": -1}, "Received: freq_masks=-1"),
        ({"freq_mask_width": 1.5}, "Received: freq_mask_width=1.5"),
        ({"time_masks": None}, "Received: time_masks=None"),
        ({"time_mask_ratio": 1.5}, "Received: time_mask_ratio=1.5"),
        ({"seed": "x"}, "Received: seed='x'"),
        ({"feature_groups": 0}, "Received: feature_groups=0"),
    ],
)
def test_spec_augment_argument_errors(options, message):
    with pytest.raises(ValueError, match=message):
        SpecAugment(**options)
