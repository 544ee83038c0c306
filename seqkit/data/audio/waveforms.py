"""Read audio clips as mono float32 waveforms at one sample rate, and write 16-bit WAV files.

`read_audio` decodes WAV, FLAC and OGG (Vorbis, Opus) files with soundfile (libsndfile), of any sample
rate, sample format and number of channels: integer samples are scaled to [-1, 1], channels are averaged
to mono and the result is resampled with soxr (quality `"HQ"`) to `sample_rate`, 16 kHz by default. A file
that cannot be decoded, one without samples, or one longer than `max_seconds` is a `UserInputError` naming
the file. Nothing here imports TensorFlow; soundfile and soxr are the `speech` extra
(`pip install 'seqkit[speech]'`).

`write_wav` writes 16-bit PCM WAV files atomically with the standard library, for generated corpora and tests.

Example:

>>> import pathlib, tempfile
>>> import numpy as np
>>> path = pathlib.Path(tempfile.mkdtemp()) / "tone.wav"
>>> t = np.arange(8_000) / 8_000
>>> _ = write_wav(path, 0.5 * np.sin(2 * np.pi * 440 * t), 8_000)
>>> audio_duration(path)
1.0
>>> samples = read_audio(path)
>>> samples.dtype, samples.shape, bool(np.abs(samples).max() <= 1)
(dtype('float32'), (16000,), True)
"""

import pathlib
import wave

import numpy as np

from seqkit.data.atomic import atomic_open
from seqkit.errors import UserInputError
from seqkit.optional import import_optional

SAMPLE_RATE = 16_000
AUDIO_SUFFIXES = (".wav", ".flac", ".ogg")
READABLE_FORMATS = "WAV, FLAC or OGG (Vorbis, Opus)"


def read_audio(path, *, sample_rate=SAMPLE_RATE, max_seconds=None):
    """Decode an audio file to a mono float32 waveform in [-1, 1] at `sample_rate`.

    Args:
        path: a WAV, FLAC or OGG file (other formats libsndfile reads work too).
        sample_rate: the sample rate of the result, in Hz.
        max_seconds: None, or the longest duration accepted, in seconds (checked before decoding).

    Returns:
        A 1-D `float32` NumPy array: the channels' mean, resampled with soxr (`"HQ"`) when the file's sample
        rate differs, clipped to [-1, 1].

    Raises:
        ValueError: `sample_rate` or `max_seconds` is not a positive number.
        seqkit.errors.UserInputError: the file is missing, cannot be decoded, has no samples, or is longer
            than `max_seconds`.
        seqkit.optional.MissingPackageError: soundfile or soxr is not installed.

    Example:

    >>> import pathlib, tempfile
    >>> import numpy as np
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "stereo.wav"
    >>> _ = write_wav(path, np.full((4_000, 2), [0.5, -0.25]), 16_000)
    >>> samples = read_audio(path)
    >>> samples.shape, round(float(samples[0]), 3)
    ((4000,), 0.125)
    >>> read_audio(path, max_seconds=0.2)  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    ...
    seqkit.errors.UserInputError: .../stereo.wav: 0.25 s, longer than --max-seconds 0.2
    """
    _check_positive("sample_rate", sample_rate)
    if max_seconds is not None:
        _check_positive("max_seconds", max_seconds)
    soundfile = import_optional("soundfile", "speech")
    path = pathlib.Path(path)
    info = _info(soundfile, path)
    duration = info.frames / info.samplerate
    if max_seconds is not None and duration > max_seconds:
        seconds = _seconds(duration, max_seconds)
        raise UserInputError(f"{seconds} s, longer than --max-seconds {max_seconds:g}", path=path)
    try:
        data, file_rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    except (RuntimeError, ValueError, TypeError, OSError) as error:
        raise _undecodable(path, error) from None
    if data.shape[0] == 0:
        raise UserInputError("the audio file has no samples", path=path)
    samples = data.mean(axis=1, dtype=np.float32) if data.shape[1] > 1 else data[:, 0]
    if file_rate != sample_rate:
        soxr = import_optional("soxr", "speech")
        samples = soxr.resample(samples, file_rate, sample_rate, quality="HQ")
    return np.ascontiguousarray(np.clip(samples, -1.0, 1.0), dtype=np.float32)


def audio_duration(path):
    """The duration of an audio file in seconds, from its header (no samples are decoded).

    Raises:
        seqkit.errors.UserInputError: the file is missing or not audio that libsndfile reads.

    Example:

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "short.wav"
    >>> audio_duration(write_wav(path, [0.0] * 2_400, 16_000))
    0.15
    """
    soundfile = import_optional("soundfile", "speech")
    info = _info(soundfile, pathlib.Path(path))
    return info.frames / info.samplerate


def write_wav(path, samples, sample_rate):
    """Write samples as a 16-bit PCM WAV file, atomically (parent folders are created).

    The bytes depend only on the samples and the rate (the standard library's `wave` writer, no
    timestamps), so a generated corpus is byte-identical from run to run.

    Args:
        path: the `.wav` file to write.
        samples: floats in [-1, 1] (values outside are clipped), or `int16` samples, shaped `(frames,)`
            or `(frames, channels)`.
        sample_rate: the sample rate in Hz, a positive integer.

    Returns:
        The file as a `pathlib.Path`.

    Example:

    >>> import pathlib, tempfile
    >>> path = write_wav(pathlib.Path(tempfile.mkdtemp()) / "click.wav", [0.0, 1.0, -1.0], 8_000)
    >>> path.read_bytes()[-6:]
    b'\\x00\\x00\\xff\\x7f\\x01\\x80'
    """
    if isinstance(sample_rate, bool) or not isinstance(sample_rate, (int, np.integer)) or sample_rate <= 0:
        raise ValueError(f"`sample_rate` must be a positive integer. Received: sample_rate={sample_rate!r}")
    samples = np.asarray(samples)
    if samples.ndim not in (1, 2) or (samples.ndim == 2 and samples.shape[1] == 0):
        raise ValueError(
            f"`samples` must be shaped (frames,) or (frames, channels). Received: samples.shape={samples.shape}"
        )
    if samples.dtype == np.int16:
        pcm = samples
    elif np.issubdtype(samples.dtype, np.floating) or np.issubdtype(samples.dtype, np.integer):
        pcm = np.round(np.clip(samples.astype(np.float64), -1.0, 1.0) * 32767.0).astype(np.int16)
    else:
        raise ValueError(f"`samples` must be floats or int16. Received: samples.dtype={samples.dtype}")
    channels = 1 if pcm.ndim == 1 else pcm.shape[1]
    path = pathlib.Path(path)
    with atomic_open(path, "wb") as handle:
        with wave.open(handle, "wb") as writer:
            writer.setnchannels(channels)
            writer.setsampwidth(2)
            writer.setframerate(int(sample_rate))
            writer.setnframes(pcm.shape[0])
            writer.writeframes(np.ascontiguousarray(pcm, dtype="<i2").tobytes())
    return path


# === Internals ===


def _info(soundfile, path):
    """soundfile's header information of `path`, or the `UserInputError` of a missing or undecodable file."""
    if path.is_dir():
        raise UserInputError("expected an audio file, found a directory", path=path)
    if not path.is_file():
        raise UserInputError("audio file not found", path=path)
    try:
        info = soundfile.info(str(path))
    except (RuntimeError, ValueError, TypeError, OSError) as error:
        raise _undecodable(path, error) from None
    if info.samplerate <= 0 or info.frames <= 0:
        raise UserInputError("the audio file has no samples", path=path)
    return info


def _undecodable(path, error):
    reason = (str(error).strip() or type(error).__name__).splitlines()[0]
    reason = (reason.split(": ", 1)[-1] if reason.startswith("Error opening") else reason).rstrip(".")
    return UserInputError(f"cannot decode the audio ({reason}); seqkit reads {READABLE_FORMATS} files", path=path)


def _seconds(duration, limit):
    """`duration` with one decimal, or as many more (up to 3) as it takes to show it exceeds `limit`."""
    for decimals in (1, 2):
        text = f"{duration:.{decimals}f}"
        if float(text) > limit:
            return text
    return f"{duration:.3f}"


def _check_positive(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) or not value > 0:
        raise ValueError(f"`{name}` must be a positive number. Received: {name}={value!r}")
