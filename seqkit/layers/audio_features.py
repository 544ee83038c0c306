"""Speech features computed inside the model: log-mel spectrograms and SpecAugment.

Both layers are TensorFlow ops, so a model (and its SavedModel export) can take raw waveforms. Their output
follows the rule of `seqkit.tasks.ctc_recognizer`: an all-zero frame is padding. Padded frames are exactly
zero, and a valid frame is never all-zero: a valid frame whose features would all be exactly `0.0` (a
one-frame clip after normalisation, where every value equals the mean; digital silence; a SpecAugment time
mask over normalised features) is set to `FRAME_EPSILON` in every feature instead. Such a frame carries no
information either way; the epsilon only keeps it counted as speech.
"""

import math
import numbers

import keras
import tensorflow as tf
from keras import ops

# Value of every feature of a valid frame that would otherwise be all-zero (and so read as padding).
FRAME_EPSILON = 1e-6
# Added to the per-bin variance before dividing by the standard deviation (a constant bin becomes ~0).
VARIANCE_EPSILON = 1e-6
_NORMALIZE = ("utterance", None)
_DELTA_WINDOW = 2  # the regression of the deltas spans ±2 frames


def _positive_number(name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value > 0:
        raise ValueError(f"`{name}` must be a positive number. Received: {name}={value!r}")
    return value


def _positive_int(name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value!r}")
    return int(value)


def _non_negative_int(name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
        raise ValueError(f"`{name}` must be a non-negative integer. Received: {name}={value!r}")
    return int(value)


def _guard_valid_frames(features, valid):
    """Padded frames to 0.0; valid frames that are all exactly 0.0 to `FRAME_EPSILON`.

    `features` is `(batch, frames, dim)`, `valid` boolean `(batch, frames)`.
    """
    zero = ops.zeros_like(features)
    features = ops.where(valid[:, :, None], features, zero)
    all_zero = ops.logical_and(valid, ops.all(ops.equal(features, 0.0), axis=-1))
    return ops.where(all_zero[:, :, None], ops.full_like(features, FRAME_EPSILON), features)


def _deltas(features, frame_lengths):
    """Regression deltas `Σₙ n·(c[t+n] − c[t−n]) / (2·Σₙ n²)`, n = 1..2, over the valid frames of each row.

    Frames outside `[0, length)` are replaced by the nearest valid frame (edge replication), so padding never
    leaks into the deltas of a valid frame.
    """
    steps = tf.range(tf.shape(features)[1])[None, :]
    last = tf.maximum(frame_lengths - 1, 0)[:, None]
    total = 0.0
    for n in range(1, _DELTA_WINDOW + 1):
        after = tf.gather(features, tf.minimum(tf.maximum(steps + n, 0), last), batch_dims=1)
        before = tf.gather(features, tf.minimum(tf.maximum(steps - n, 0), last), batch_dims=1)
        total += n * (after - before)
    return total / (2.0 * sum(n * n for n in range(1, _DELTA_WINDOW + 1)))


@keras.saving.register_keras_serializable(package="seqkit")
class LogMelSpectrogram(keras.layers.Layer):
    """Log-mel filterbank features of a batch of waveforms of different lengths.

    The pipeline, for each waveform (samples at or after its length are ignored):

    1. frames of `frame_length_ms` every `frame_step_ms` (rounded to samples), each lying wholly inside the
       valid samples: `1 + (length − frame_length) // frame_step` frames. A clip shorter than one frame
       (but not empty) is padded with zeros to one frame; an empty clip (length 0) has no frames;
    2. a periodic Hann window and an `fft_length`-point FFT (`tf.signal.stft`), power spectrum `|X|²`;
    3. `num_mel_bins` triangular HTK-mel filters between `lower_edge_hertz` and `upper_edge_hertz`
       (`tf.signal.linear_to_mel_weight_matrix`), then `log(max(mel, log_floor))` (natural log);
    4. with `deltas=1` the regression deltas over ±2 frames, with `deltas=2` also the deltas of the deltas
       (edge frames replicated, valid frames only), stacked after the static features on the last axis;
    5. with `normalize="utterance"`, each feature is shifted and scaled to mean 0 and variance 1 over the
       valid frames of its utterance: `(x − mean) / sqrt(var + 1e-6)`;
    6. padded frames are set to exactly 0.0, after the normalisation, and a valid frame that would be all
       exactly 0.0 is set to `FRAME_EPSILON` (see the module docstring), so a valid frame is never all-zero.

    Each row is computed as if it were alone: padding never changes the features of the valid frames (up to
    float rounding of the normalisation sums). Computations run in float32; the output is float32.

    Args:
        sample_rate: int. Samples per second of the waveforms.
        frame_length_ms: float. Window length in milliseconds (25 ms = 400 samples at 16 kHz).
        frame_step_ms: float. Hop between frames in milliseconds.
        fft_length: int or `None`. FFT size, at least the window length; `None` takes the next power of 2.
        num_mel_bins: int. Mel filters.
        lower_edge_hertz: float. Lowest frequency of the filterbank.
        upper_edge_hertz: float. Highest frequency, at most `sample_rate / 2`.
        log_floor: float. Mel energies are clipped to at least this before the log.
        deltas: 0, 1 or 2. Delta orders appended to the static features.
        normalize: `"utterance"` or `None`.
        **kwargs: base layer keyword arguments, such as `name`.

    Call arguments:
        waveforms: float tensor `(batch, samples)`, right-padded.
        lengths: optional int tensor `(batch,)`: valid samples of each row (clipped to `[0, samples]`).
            Every sample counts when not given.

    Returns:
        Float32 tensor `(batch, frames, num_mel_bins * (1 + deltas))` where `frames` is the frame count of
        `max(samples, frame_length)` samples; row `b` has `compute_frame_lengths(lengths)[b]` valid frames,
        the rest are all-zero.

    Example:

    >>> import numpy as np
    >>> layer = LogMelSpectrogram(num_mel_bins=40, deltas=1)
    >>> waveforms = np.zeros((2, 16000), "float32")
    >>> waveforms[0] = np.sin(2 * np.pi * 440 * np.arange(16000) / 16000)
    >>> waveforms[1, :8000] = np.sin(2 * np.pi * 880 * np.arange(8000) / 16000)
    >>> features = layer(waveforms, np.array([16000, 8000]))
    >>> features.shape, layer.feature_dim
    (TensorShape([2, 98, 80]), 80)
    >>> layer.compute_frame_lengths(np.array([16000, 8000, 100, 0])).numpy().tolist()
    [98, 48, 1, 0]
    >>> bool(np.all(features[1, 48:] == 0.0)), bool(np.all(np.any(features[1, :48] != 0.0, axis=-1)))
    (True, True)
    """

    def __init__(
        self,
        sample_rate=16000,
        frame_length_ms=25,
        frame_step_ms=10,
        fft_length=None,
        num_mel_bins=80,
        lower_edge_hertz=20.0,
        upper_edge_hertz=7600.0,
        log_floor=1e-6,
        deltas=0,
        normalize="utterance",
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.sample_rate = _positive_int("sample_rate", sample_rate)
        self.frame_length_ms = _positive_number("frame_length_ms", frame_length_ms)
        self.frame_step_ms = _positive_number("frame_step_ms", frame_step_ms)
        self.frame_length_samples = int(round(self.sample_rate * self.frame_length_ms / 1000))
        self.frame_step_samples = int(round(self.sample_rate * self.frame_step_ms / 1000))
        if self.frame_length_samples < 1:
            raise ValueError(
                "`frame_length_ms` must be at least one sample long. "
                f"Received: frame_length_ms={frame_length_ms!r}"
            )
        if self.frame_step_samples < 1:
            raise ValueError(
                f"`frame_step_ms` must be at least one sample long. Received: frame_step_ms={frame_step_ms!r}"
            )
        if fft_length is None:
            self._fft_length = 2 ** math.ceil(math.log2(self.frame_length_samples))
        else:
            _positive_int("fft_length", fft_length)
            if fft_length < self.frame_length_samples:
                raise ValueError(
                    f"`fft_length` must be at least the frame length ({self.frame_length_samples} samples). "
                    f"Received: fft_length={fft_length!r}"
                )
            self._fft_length = int(fft_length)
        self.fft_length = fft_length
        self.num_mel_bins = _positive_int("num_mel_bins", num_mel_bins)
        nyquist = self.sample_rate / 2
        if isinstance(lower_edge_hertz, bool) or not isinstance(lower_edge_hertz, numbers.Real) or not (
            0 <= lower_edge_hertz < nyquist
        ):
            raise ValueError(
                f"`lower_edge_hertz` must be in [0, sample_rate / 2 = {nyquist:g}). "
                f"Received: lower_edge_hertz={lower_edge_hertz!r}"
            )
        if isinstance(upper_edge_hertz, bool) or not isinstance(upper_edge_hertz, numbers.Real) or not (
            lower_edge_hertz < upper_edge_hertz <= nyquist
        ):
            raise ValueError(
                f"`upper_edge_hertz` must be in (lower_edge_hertz, sample_rate / 2 = {nyquist:g}]. "
                f"Received: upper_edge_hertz={upper_edge_hertz!r}"
            )
        self.lower_edge_hertz = float(lower_edge_hertz)
        self.upper_edge_hertz = float(upper_edge_hertz)
        self.log_floor = float(_positive_number("log_floor", log_floor))
        if deltas not in (0, 1, 2) or isinstance(deltas, bool):
            raise ValueError(f"`deltas` must be 0, 1 or 2. Received: deltas={deltas!r}")
        self.deltas = int(deltas)
        if normalize not in _NORMALIZE:
            raise ValueError(f"`normalize` must be 'utterance' or None. Received: normalize={normalize!r}")
        self.normalize = normalize

    @property
    def feature_dim(self):
        """Features per frame: `num_mel_bins * (1 + deltas)`."""
        return self.num_mel_bins * (1 + self.deltas)

    def compute_frame_lengths(self, lengths):
        """Valid frames for `lengths` valid samples (int32 tensor of the same shape).

        `1 + (length − frame_length) // frame_step` for `length >= frame_length`, 1 for a shorter clip that
        is not empty, 0 for an empty one.
        """
        lengths = tf.cast(lengths, tf.int32)
        frames = 1 + tf.maximum(lengths - self.frame_length_samples, 0) // self.frame_step_samples
        return tf.where(lengths > 0, frames, tf.zeros_like(frames))

    def call(self, waveforms, lengths=None):
        waveforms = tf.cast(waveforms, tf.float32)
        num_samples = tf.shape(waveforms)[1]
        if lengths is None:
            lengths = tf.fill(tf.shape(waveforms)[:1], num_samples)
        lengths = tf.clip_by_value(tf.reshape(tf.cast(lengths, tf.int32), [-1]), 0, num_samples)
        inside = tf.range(num_samples)[None, :] < lengths[:, None]
        waveforms = tf.where(inside, waveforms, tf.zeros_like(waveforms))
        short = tf.maximum(self.frame_length_samples - num_samples, 0)
        waveforms = tf.pad(waveforms, [[0, 0], [0, short]])

        stft = tf.signal.stft(
            waveforms,
            frame_length=self.frame_length_samples,
            frame_step=self.frame_step_samples,
            fft_length=self._fft_length,
            window_fn=tf.signal.hann_window,  # periodic
            pad_end=False,
        )
        power = tf.square(tf.math.real(stft)) + tf.square(tf.math.imag(stft))
        mel_matrix = tf.signal.linear_to_mel_weight_matrix(
            num_mel_bins=self.num_mel_bins,
            num_spectrogram_bins=self._fft_length // 2 + 1,
            sample_rate=self.sample_rate,
            lower_edge_hertz=self.lower_edge_hertz,
            upper_edge_hertz=self.upper_edge_hertz,
        )
        mel = tf.tensordot(power, mel_matrix, axes=1)
        features = tf.math.log(tf.maximum(mel, self.log_floor))

        frame_lengths = self.compute_frame_lengths(lengths)
        if self.deltas:
            stack = [features]
            for _ in range(self.deltas):
                stack.append(_deltas(stack[-1], frame_lengths))
            features = tf.concat(stack, axis=-1)

        valid = tf.sequence_mask(frame_lengths, tf.shape(features)[1])
        if self.normalize == "utterance":
            weights = tf.cast(valid, tf.float32)[:, :, None]
            count = tf.maximum(tf.reduce_sum(weights, axis=1, keepdims=True), 1.0)
            # Shifted by the first frame, so a constant feature centres to exactly 0.0 in float32.
            shifted = (features - features[:, :1]) * weights
            mean = tf.reduce_sum(shifted, axis=1, keepdims=True) / count
            centered = (shifted - mean) * weights
            variance = tf.reduce_sum(tf.square(centered), axis=1, keepdims=True) / count
            features = centered * tf.math.rsqrt(variance + VARIANCE_EPSILON)
        return _guard_valid_frames(features, valid)

    def compute_output_shape(self, waveforms_shape, lengths_shape=None):
        samples = waveforms_shape[1]
        frames = None
        if samples is not None:
            samples = max(samples, self.frame_length_samples)
            frames = 1 + (samples - self.frame_length_samples) // self.frame_step_samples
        return (waveforms_shape[0], frames, self.feature_dim)

    def get_config(self):
        return {
            **super().get_config(),
            "sample_rate": self.sample_rate,
            "frame_length_ms": self.frame_length_ms,
            "frame_step_ms": self.frame_step_ms,
            "fft_length": self.fft_length,
            "num_mel_bins": self.num_mel_bins,
            "lower_edge_hertz": self.lower_edge_hertz,
            "upper_edge_hertz": self.upper_edge_hertz,
            "log_floor": self.log_floor,
            "deltas": self.deltas,
            "normalize": self.normalize,
        }


@keras.saving.register_keras_serializable(package="seqkit")
class SpecAugment(keras.layers.Layer):
    """SpecAugment frequency and time masking of normalised features, during training only.

    Each utterance gets `freq_masks` frequency masks of a width drawn uniformly from `0 .. freq_mask_width`
    bins and `time_masks` time masks of a width drawn from `0 .. floor(time_mask_ratio · valid_frames)`
    frames, each at a uniformly drawn position that keeps it wholly inside the valid frames. Masked values
    are set to 0.0, the mean of normalised features (use it after `LogMelSpectrogram(normalize="utterance")`).

    Valid frames are the frames that are not all-zero (the `ctc_recognizer` padding rule); they are assumed
    to come first. Padded frames stay exactly 0.0, and a valid frame that masking leaves all-zero (a time
    mask covers every bin) is set to `FRAME_EPSILON` in every feature, so it is still counted as speech and
    the number of valid frames never changes.

    With `feature_groups > 1` the last axis holds that many stacked blocks of the same bins (static features
    then deltas: `1 + deltas` blocks), and a frequency mask covers the same bins in every block.

    Args:
        freq_masks: int. Frequency masks per utterance.
        freq_mask_width: int. Largest frequency mask width (bins).
        time_masks: int. Time masks per utterance.
        time_mask_ratio: float in [0, 1]. Largest time mask width as a fraction of the valid frames.
        seed: int or `None`. Seed of the mask positions (the same seed gives the same masks).
        feature_groups: int. Stacked blocks of bins on the last axis (it must divide the feature count).
        **kwargs: base layer keyword arguments, such as `name`.

    Call arguments:
        features: float tensor `(batch, frames, features)`; all-zero frames are padding.
        training: bool. Masks only when `True`; otherwise the features are returned unchanged.

    Returns:
        A float tensor of the same shape.

    Example:

    >>> import numpy as np
    >>> features = np.ones((1, 6, 4), "float32")
    >>> features[0, 4:] = 0.0  # 4 valid frames, 2 padded
    >>> augment = SpecAugment(freq_masks=1, freq_mask_width=2, time_masks=0, seed=1)
    >>> bool(np.all(augment(features) == features))  # inference: unchanged
    True
    >>> masked = np.asarray(augment(features, training=True))
    >>> bool(np.all(masked[0, 4:] == 0.0)), bool(np.all(np.any(masked[0, :4] != 0.0, axis=-1)))
    (True, True)
    """

    def __init__(
        self,
        freq_masks=2,
        freq_mask_width=15,
        time_masks=2,
        time_mask_ratio=0.05,
        seed=None,
        feature_groups=1,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.freq_masks = _non_negative_int("freq_masks", freq_masks)
        self.freq_mask_width = _non_negative_int("freq_mask_width", freq_mask_width)
        self.time_masks = _non_negative_int("time_masks", time_masks)
        if (
            isinstance(time_mask_ratio, bool)
            or not isinstance(time_mask_ratio, numbers.Real)
            or not 0.0 <= time_mask_ratio <= 1.0
        ):
            raise ValueError(
                f"`time_mask_ratio` must be a float in [0, 1]. Received: time_mask_ratio={time_mask_ratio!r}"
            )
        self.time_mask_ratio = float(time_mask_ratio)
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
            raise ValueError(f"`seed` must be an integer or None. Received: seed={seed!r}")
        self.seed = seed
        self.feature_groups = _positive_int("feature_groups", feature_groups)
        self.seed_generator = keras.random.SeedGenerator(seed)

    def _draw(self, batch, limit):
        """Per row: a width in `0 .. limit` and a start in `0 .. size - width`; `limit` is `(batch,)`."""
        fraction = keras.random.uniform((2, batch), seed=self.seed_generator)
        width = ops.cast(ops.floor(fraction[0] * (ops.cast(limit, "float32") + 1.0)), "int32")
        return width, fraction[1]

    def call(self, features, training=None):
        if not training or not (self.freq_masks or self.time_masks):
            return features
        features = ops.convert_to_tensor(features)
        batch, frames, dim = ops.shape(features)[0], ops.shape(features)[1], ops.shape(features)[2]
        valid = ops.any(ops.not_equal(features, 0.0), axis=-1)
        lengths = ops.sum(ops.cast(valid, "int32"), axis=1)

        masked_time = ops.zeros((batch, frames), "bool")
        steps = ops.arange(frames, dtype="int32")[None, :]
        longest = ops.cast(ops.floor(ops.cast(lengths, "float32") * self.time_mask_ratio), "int32")
        for _ in range(self.time_masks):
            width, where = self._draw(batch, longest)
            start = ops.cast(ops.floor(where * ops.cast(lengths - width + 1, "float32")), "int32")
            inside = ops.logical_and(steps >= start[:, None], steps < (start + width)[:, None])
            masked_time = ops.logical_or(masked_time, inside)

        bins = dim // self.feature_groups
        masked_freq = ops.zeros((batch, dim), "bool")
        bin_ids = (ops.arange(dim, dtype="int32") % bins)[None, :]
        widest = ops.minimum(ops.full((batch,), self.freq_mask_width, "int32"), bins)
        for _ in range(self.freq_masks):
            width, where = self._draw(batch, widest)
            start = ops.cast(ops.floor(where * ops.cast(bins - width + 1, "float32")), "int32")
            inside = ops.logical_and(bin_ids >= start[:, None], bin_ids < (start + width)[:, None])
            masked_freq = ops.logical_or(masked_freq, inside)

        masked = ops.logical_or(masked_time[:, :, None], masked_freq[:, None, :])
        features = ops.where(masked, ops.zeros_like(features), features)
        return _guard_valid_frames(features, valid)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def build(self, input_shape):
        dim = input_shape[-1]
        if dim is not None and dim % self.feature_groups:
            raise ValueError(
                f"`feature_groups` must divide the number of features ({dim}). "
                f"Received: feature_groups={self.feature_groups}"
            )

    def get_config(self):
        return {
            **super().get_config(),
            "freq_masks": self.freq_masks,
            "freq_mask_width": self.freq_mask_width,
            "time_masks": self.time_masks,
            "time_mask_ratio": self.time_mask_ratio,
            "seed": self.seed,
            "feature_groups": self.feature_groups,
        }
