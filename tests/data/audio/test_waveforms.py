"""Reading audio clips as mono float32 waveforms at 16 kHz, and writing 16-bit WAV files."""

import wave

import numpy as np
import pytest

soundfile = pytest.importorskip("soundfile")
pytest.importorskip("soxr")

from seqkit.data.audio.waveforms import SAMPLE_RATE, audio_duration, read_audio, write_wav  # noqa: E402
from seqkit.errors import UserInputError  # noqa: E402


def sine(frequency, seconds, rate, amplitude=0.5):
    t = np.arange(int(round(seconds * rate))) / rate
    return amplitude * np.sin(2 * np.pi * frequency * t)


def peak_frequency(samples, rate):
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return np.fft.rfftfreq(len(samples), 1 / rate)[np.argmax(spectrum)]


def test_write_wav_is_16_bit_pcm_and_reads_back(tmp_path):
    samples = sine(440, 0.25, SAMPLE_RATE)
    path = write_wav(tmp_path / "deep" / "tone.wav", samples, SAMPLE_RATE)
    with wave.open(str(path)) as reader:
        assert (reader.getnchannels(), reader.getsampwidth(), reader.getframerate()) == (1, 2, SAMPLE_RATE)
        assert reader.getnframes() == len(samples)
    back = read_audio(path)
    assert back.dtype == np.float32 and back.shape == samples.shape
    np.testing.assert_allclose(back, samples, atol=1 / 32767)
    assert not list(tmp_path.glob("deep/.*"))  # no temporary file left behind


def test_write_wav_clips_and_accepts_int16(tmp_path):
    path = write_wav(tmp_path / "loud.wav", [2.0, -3.0, 0.5], 8_000)
    np.testing.assert_array_equal(soundfile.read(path, dtype="int16")[0], [32767, -32767, 16384])
    path = write_wav(tmp_path / "int.wav", np.array([1, -2, 3], dtype=np.int16), 8_000)
    np.testing.assert_array_equal(soundfile.read(path, dtype="int16")[0], [1, -2, 3])


def test_write_wav_is_deterministic(tmp_path):
    samples = sine(300, 0.1, SAMPLE_RATE)
    first = write_wav(tmp_path / "a.wav", samples, SAMPLE_RATE).read_bytes()
    assert write_wav(tmp_path / "b.wav", samples, SAMPLE_RATE).read_bytes() == first


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"sample_rate": 0}, "`sample_rate` must be a positive integer"),
        ({"sample_rate": 16_000.5}, "`sample_rate` must be a positive integer"),
        ({"samples": np.zeros((2, 2, 2))}, r"`samples` must be shaped \(frames,\)"),
        ({"samples": np.array(["a"])}, "`samples` must be floats or int16"),
    ],
)
def test_write_wav_rejects_bad_arguments(tmp_path, kwargs, message):
    arguments = {"samples": np.zeros(4), "sample_rate": SAMPLE_RATE, **kwargs}
    with pytest.raises(ValueError, match=message):
        write_wav(tmp_path / "x.wav", **arguments)


def test_stereo_is_averaged_to_mono(tmp_path):
    left, right = sine(440, 0.2, SAMPLE_RATE), np.full(3_200, 0.25)
    path = tmp_path / "stereo.wav"
    soundfile.write(path, np.stack([left, right], axis=1), SAMPLE_RATE, subtype="PCM_16")
    samples = read_audio(path)
    assert samples.shape == (3_200,)
    np.testing.assert_allclose(samples, (left + right) / 2, atol=2 / 32767)


def test_resampling_keeps_the_frequency_and_the_duration(tmp_path):
    path = tmp_path / "phone.wav"
    write_wav(path, sine(1_000, 1.0, 8_000), 8_000)
    samples = read_audio(path)
    assert len(samples) == 16_000  # twice the samples: the length ratio is the rate ratio
    assert peak_frequency(samples, SAMPLE_RATE) == pytest.approx(1_000, abs=2)
    steady = samples[1_000:-1_000]  # away from the filter's edge effects
    assert np.sqrt(np.mean(steady**2)) == pytest.approx(0.5 / np.sqrt(2), rel=0.01)

    down = read_audio(path, sample_rate=4_000)
    assert len(down) == 4_000 and peak_frequency(down, 4_000) == pytest.approx(1_000, abs=2)


def test_integer_formats_are_scaled_to_unit_range(tmp_path):
    path = tmp_path / "int32.wav"
    soundfile.write(path, np.array([0.5, -1.0, 0.25]), SAMPLE_RATE, subtype="PCM_32")
    np.testing.assert_allclose(read_audio(path), [0.5, -1.0, 0.25], atol=1e-6)
    path = tmp_path / "u8.wav"
    soundfile.write(path, np.array([0.5, -0.5]), SAMPLE_RATE, subtype="PCM_U8")
    np.testing.assert_allclose(read_audio(path), [0.5, -0.5], atol=1 / 127)


@pytest.mark.parametrize("extension, format, subtype", [("flac", "FLAC", "PCM_16"), ("ogg", "OGG", "VORBIS")])
def test_flac_and_ogg_round_trips(tmp_path, extension, format, subtype):
    if format not in soundfile.available_formats() or subtype not in soundfile.available_subtypes(format):
        pytest.skip(f"this libsndfile cannot write {format}/{subtype}")
    samples = np.round(sine(500, 0.5, 22_050) * 32767).astype(np.int16)
    path = tmp_path / f"tone.{extension}"
    soundfile.write(path, samples, 22_050, format=format, subtype=subtype)
    back = read_audio(path)
    assert audio_duration(path) == pytest.approx(0.5, abs=0.01)
    assert abs(len(back) - 8_000) <= 16
    assert peak_frequency(back, SAMPLE_RATE) == pytest.approx(500, abs=3)
    if format == "FLAC":  # lossless
        expected = read_audio(write_wav(tmp_path / "tone.wav", samples, 22_050))
        np.testing.assert_allclose(back, expected, atol=1e-6)


def test_audio_duration_reads_only_the_header(tmp_path):
    path = write_wav(tmp_path / "clip.wav", np.zeros(12_000), 8_000)
    assert audio_duration(path) == 1.5


def test_too_long_clips_name_the_file_and_the_limit(tmp_path):
    path = write_wav(tmp_path / "long.wav", np.zeros(int(12.3 * 8_000)), 8_000)
    with pytest.raises(UserInputError) as raised:
        read_audio(path, max_seconds=10)
    assert str(raised.value) == f"{path}: 12.3 s, longer than --max-seconds 10"
    assert len(read_audio(path, max_seconds=12.5)) == int(12.3 * 16_000)
    with pytest.raises(UserInputError, match=r"10\.04 s, longer than --max-seconds 10$"):
        read_audio(write_wav(tmp_path / "edge.wav", np.zeros(10_040), 1_000), max_seconds=10)


def test_corrupt_files_say_which_formats_work(tmp_path):
    path = tmp_path / "notes.wav"
    path.write_bytes(b"this is not audio at all" * 10)
    for read in (read_audio, audio_duration):
        with pytest.raises(UserInputError) as raised:
            read(path)
        message = str(raised.value)
        assert message.startswith(f"{path}: cannot decode the audio")
        assert "WAV, FLAC or OGG" in message


def test_truncated_files_are_errors(tmp_path):
    path = tmp_path / "cut.flac"
    soundfile.write(path, sine(440, 0.5, SAMPLE_RATE), SAMPLE_RATE, format="FLAC")
    path.write_bytes(path.read_bytes()[:30])  # cut inside the stream's header
    with pytest.raises(UserInputError, match=f"^{path}: cannot decode the audio"):
        read_audio(path)


def test_empty_files_are_errors_but_silence_is_not(tmp_path):
    path = tmp_path / "empty.wav"
    soundfile.write(path, np.zeros(0), SAMPLE_RATE, subtype="PCM_16")
    with pytest.raises(UserInputError) as raised:
        read_audio(path)
    assert str(raised.value) == f"{path}: the audio file has no samples"
    (tmp_path / "zero.wav").write_bytes(b"")
    with pytest.raises(UserInputError, match="zero.wav: cannot decode"):
        read_audio(tmp_path / "zero.wav")
    silence = read_audio(write_wav(tmp_path / "silence.wav", np.zeros(160), SAMPLE_RATE))
    assert silence.shape == (160,) and not silence.any()


def test_missing_files_and_folders(tmp_path):
    with pytest.raises(UserInputError, match="missing.wav: audio file not found"):
        read_audio(tmp_path / "missing.wav")
    with pytest.raises(UserInputError, match="found a directory"):
        audio_duration(tmp_path)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"sample_rate": 0}, "`sample_rate` must be a positive number. Received: sample_rate=0"),
        ({"max_seconds": -1}, "`max_seconds` must be a positive number. Received: max_seconds=-1"),
    ],
)
def test_read_audio_rejects_bad_arguments(tmp_path, kwargs, message):
    path = write_wav(tmp_path / "a.wav", np.zeros(10), SAMPLE_RATE)
    with pytest.raises(ValueError, match=message):
        read_audio(path, **kwargs)


def test_a_missing_soundfile_names_the_extra(tmp_path, monkeypatch):
    import sys

    from seqkit.optional import MissingPackageError

    path = write_wav(tmp_path / "a.wav", np.zeros(10), SAMPLE_RATE)
    monkeypatch.setitem(sys.modules, "soundfile", None)
    with pytest.raises(MissingPackageError, match=r"seqkit\[speech\]"):
        read_audio(path)
