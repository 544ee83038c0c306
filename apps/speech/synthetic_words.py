"""Generates the embedded data of `seqkit speech`: a SMOKE TEST of synthetic spoken words, not speech.

Nobody spoke these clips and no recording went into them: seqkit's own formant synthesiser makes robotic
vowel-like and noise-like sounds for eight words (`yes no go stop up on off hi`), so that `seqkit speech fit`
with no data trains a tiny CTC model in a couple of minutes and shows that the pipeline works end to end.
A model trained on it recognises nothing a person says; train on real recordings (LibriSpeech, Common Voice,
the Free Spoken Digit Dataset) for that.

`make_corpus(folder)` writes::

    folder/corpus.json            what was generated (generator version, seed, words, counts)
    folder/train/manifest.csv     path,transcript  (160 clips)
    folder/train/0000.wav ...     16 kHz mono 16-bit PCM, at most 1.5 s each
    folder/valid/manifest.csv     (40 clips)
    folder/valid/0000.wav ...

and `ensure_corpus(folder)` does so only when `folder` does not already hold this corpus, building it under a
temporary name and renaming it when complete (`seqkit.data.atomic.atomic_directory`). The app generates it
into a cache folder; no generated audio is committed. Run `python -m seqkit.apps.speech.synthetic_words --out DIR`
to write it somewhere to listen to.

How a clip is made (a source-filter synthesiser, in the manner of Klatt's cascade synthesiser):

- Each word is a hand-written sequence of phone segments (`WORD_PHONES`): vowels are formant targets
  (F1-F4, from textbook averages of adult American English vowels) at the middle of their segment, with
  linear transitions between neighbouring targets (so `yes` glides from /i/ to /ɛ/, `no` and `go` end in an
  /oʊ/ diphthong); /s/ and /f/ are band-limited noise (3.8-7.6 kHz and 1.5-7.5 kHz); a stop is a short
  silence and a noise burst (low for /p/, mid for /g/, high for /t/); /n/ is a quiet murmur with a low first
  formant and wide bandwidths; /h/ is noise through the next vowel's formants.
- The voiced source is a Rosenberg glottal pulse train, differentiated for lip radiation, at a per-clip
  "speaker" pitch f0 of 90-220 Hz with a falling declination, a 5 Hz vibrato of ±1 % and a slow random
  jitter of ±1.5 %.
- Source and aspiration noise pass through a cascade of four second-order resonators
  H(z) = (1 - 2r cos θ + r²) / (1 - 2r cos θ z⁻¹ + r² z⁻²), with θ = 2π F / 16 000 and
  r = exp(-π B / 16 000) for each formant frequency F and bandwidth B, unity gain at 0 Hz. The formants
  move, so the filter is applied frame by frame: each 10 ms frame of excitation is filtered in the frequency
  domain by the resonators of that frame (an FFT of 1 280 points, long enough for the impulse response to
  die out) and the results are overlap-added.
- Per clip: formants scaled by a random factor within ±8 % (vocal tract length), durations by ±15 % (and
  each phone by ±5 %), white background noise at 25-35 dB SNR (relative to the power of the sounding
  frames), peak level 0.4-0.8.
- 60 % of the clips are one word (every word equally often), 25 % two and 15 % three words with 120-220 ms
  pauses between them, so a CTC model must segment; a clip that would exceed 1.5 s is sped up to fit.

Everything is drawn from a `numpy.random.Generator` (PCG64) seeded with `seed` (default 2026), using only its
uniform doubles (`Generator.random`, whose stream NumPy keeps stable), so a seed gives byte-identical files
on a given installation. Valid clips are drawn after the train clips from the same stream.
"""

import argparse
import json
import pathlib

import numpy as np

from seqkit.data.atomic import atomic_directory
from seqkit.data.audio.waveforms import SAMPLE_RATE, write_wav
from seqkit.errors import UserInputError

DEFAULT_SEED = 2026
CORPUS_NAME = "seqkit-speech-words"
CORPUS_VERSION = 1
WORDS = ("yes", "no", "go", "stop", "up", "on", "off", "hi")
SPLITS = {"train": (96, 40, 24), "valid": (24, 10, 6)}  # clips of one, two and three words
MAX_SECONDS = 1.5
FRAME = 160  # samples: 10 ms
FFT_SIZE = 1280  # a multiple of FRAME; the resonators' impulse responses fall below 1e-6 within it
F0_RANGE = (90.0, 220.0)
FORMANT_SCALE = 0.08
TEMPO = 0.15
PHONE_TEMPO = 0.05
SNR_DB = (25.0, 35.0)
PEAK = (0.4, 0.8)
EDGE_MS = (60, 150)
PAUSE_MS = (120, 220)

# === Phones ===
# Formant targets (F1, F2, F3, F4) in Hz.
FORMANTS = {
    "i": (280, 2250, 2900, 3600),  # /i/ (the glide of "yes", the end of "hi")
    "e": (580, 1800, 2550, 3600),  # /ɛ/
    "a": (730, 1100, 2450, 3600),  # /ɑ/
    "A": (640, 1200, 2400, 3600),  # /ʌ/
    "o": (500, 880, 2400, 3600),  # /o/
    "u": (360, 950, 2300, 3600),  # /ʊ/
    "O": (580, 850, 2400, 3600),  # /ɔ/
    "n": (260, 1400, 2500, 3600),  # nasal murmur
}
VOWEL_BANDWIDTHS = (70, 100, 160, 250)
NASAL_BANDWIDTHS = (120, 350, 450, 500)


def _vowel(key, ms, voice=1.0):
    return {"ms": ms, "formants": key, "voice": voice}


def _nasal(ms):
    return {"ms": ms, "formants": "n", "voice": 0.3, "nasal": True}


def _aspiration(key, ms, amount):
    return {"ms": ms, "formants": key, "aspiration": amount}


def _noise(ms, band, amount, burst=False):
    return {"ms": ms, "noise": band, "amount": amount, "burst": burst}


def _silence(ms):
    return {"ms": ms}


S_BAND, F_BAND = (3800, 7600), (1500, 7500)
P_BURST, G_BURST, T_BURST = (400, 1600), (1200, 2800), (3000, 6500)
WORD_PHONES = {
    "yes": [_vowel("i", 50, 0.6), _vowel("e", 150), _noise(110, S_BAND, 0.45)],
    "no": [_nasal(70), _vowel("o", 130), _vowel("u", 90, 0.8)],
    "go": [_silence(35), _noise(15, G_BURST, 0.25, burst=True), _vowel("o", 130), _vowel("u", 90, 0.8)],
    "stop": [
        _noise(100, S_BAND, 0.45), _silence(45), _noise(12, T_BURST, 0.30, burst=True), _vowel("a", 150),
        _silence(55), _noise(12, P_BURST, 0.15, burst=True),
    ],
    "up": [_vowel("A", 140), _silence(60), _noise(12, P_BURST, 0.18, burst=True), _aspiration("A", 30, 0.15)],
    "on": [_vowel("a", 150), _nasal(100)],
    "off": [_vowel("O", 150), _noise(120, F_BAND, 0.08)],
    "hi": [_aspiration("a", 70, 0.35), _vowel("a", 110), _vowel("i", 110, 0.8)],
}


def make_corpus(folder, *, seed=DEFAULT_SEED):
    """Write the corpus (see the module docstring) into `folder`, which is created if needed.

    Args:
        folder: where `train/`, `valid/` and `corpus.json` go; files already there are overwritten.
        seed: the generator's seed.

    Returns:
        `folder` as a `pathlib.Path`.

    Example:

    >>> import pathlib, tempfile
    >>> folder = make_corpus(pathlib.Path(tempfile.mkdtemp()) / "words")
    >>> (folder / "train" / "manifest.csv").read_text().splitlines()[0]
    'path,transcript'
    >>> len(list((folder / "valid").glob("*.wav")))
    40
    """
    folder = pathlib.Path(folder)
    rng = np.random.default_rng(seed)
    counts = {}
    for split, plan in SPLITS.items():
        rows = []
        for index, words in enumerate(_clip_words(rng, plan)):
            name = f"{index:04d}.wav"
            write_wav(folder / split / name, _clip(rng, words), SAMPLE_RATE)
            rows.append(f"{name},{' '.join(words)}\n")
        (folder / split / "manifest.csv").write_text("path,transcript\n" + "".join(rows), encoding="utf-8")
        counts[split] = len(rows)
    (folder / "corpus.json").write_text(json.dumps(_description(seed, counts), indent=2) + "\n", encoding="utf-8")
    return folder


def ensure_corpus(folder, *, seed=DEFAULT_SEED):
    """The folder of the corpus for `seed`, generated there first unless it already holds it.

    The corpus is built under a temporary name beside `folder` and renamed when complete, so an interrupted
    run leaves nothing half-written and two processes racing end with one complete corpus. A corpus of
    another seed or generator version in `folder` is replaced; any other non-empty folder is left alone.

    Raises:
        seqkit.errors.UserInputError: `folder` exists, is not empty, and is not a corpus of this generator.

    Example:

    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp()) / "cache" / "words"
    >>> ensure_corpus(folder) == folder, ensure_corpus(folder) == folder
    (True, True)
    >>> sorted(path.name for path in folder.iterdir())
    ['corpus.json', 'train', 'valid']
    """
    folder = pathlib.Path(folder)
    if _holds_corpus(folder, seed):
        return folder
    if folder.exists():
        if not folder.is_dir() or (any(folder.iterdir()) and _description_of(folder) is None):
            raise UserInputError(
                "exists and is not a generated words corpus; remove it or choose another folder", path=folder
            )
    try:
        with atomic_directory(folder, overwrite=folder.exists()) as building:
            make_corpus(building, seed=seed)
    except FileExistsError:
        if not _holds_corpus(folder, seed):  # another process must have finished it first
            raise
    return folder


def main(argv=None):
    """`python -m seqkit.apps.speech.synthetic_words --out DIR [--seed N]`: write the corpus into DIR."""
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, required=True, help="the folder to write the corpus into")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="the generator's seed")
    args = parser.parse_args(argv)
    folder = make_corpus(args.out, seed=args.seed)
    counts = _description_of(folder)["clips"]
    print(f"wrote {counts['train']} train and {counts['valid']} valid clips to {folder} (synthetic, not speech)")
    return 0


# === Clips ===


def _clip_words(rng, plan):
    """The words of each clip of a split, in a shuffled order: `plan` counts clips of one, two, three words."""
    singles, doubles, triples = plan
    clips = [[WORDS[index % len(WORDS)]] for index in range(singles)]
    for size, count in ((2, doubles), (3, triples)):
        for _ in range(count):
            clips.append([WORDS[_choice(rng, len(WORDS))] for _ in range(size)])
    order = np.argsort(rng.random(len(clips)), kind="stable")
    return [clips[index] for index in order]


def _clip(rng, words):
    """The float waveform of one clip of `words`, with its own random speaker."""
    f0 = _uniform(rng, *F0_RANGE)
    scale = 1.0 + _uniform(rng, -FORMANT_SCALE, FORMANT_SCALE)
    tempo = 1.0 + _uniform(rng, -TEMPO, TEMPO)
    snr_db, peak = _uniform(rng, *SNR_DB), _uniform(rng, *PEAK)

    # === Segments: silences, then each word's phones, with pauses between words ===
    segments = [_silence(_uniform(rng, *EDGE_MS))]
    for position, word in enumerate(words):
        if position:
            segments.append(_silence(_uniform(rng, *PAUSE_MS)))
        for phone in WORD_PHONES[word]:
            stretch = tempo * (1.0 + _uniform(rng, -PHONE_TEMPO, PHONE_TEMPO))
            segments.append({**phone, "ms": phone["ms"] * stretch})
    segments.append(_silence(_uniform(rng, *EDGE_MS)))
    total_ms = sum(segment["ms"] for segment in segments)
    fit = min(1.0, (MAX_SECONDS * 1000 - 2 * FRAME / SAMPLE_RATE * 1000) / total_ms)
    ends = np.round(np.cumsum([segment["ms"] * fit for segment in segments]) * SAMPLE_RATE / 1000 / FRAME)
    ends = ends.astype(int)
    for index in range(len(ends)):  # every segment at least one frame long
        ends[index] = max(ends[index], (ends[index - 1] if index else 0) + 1)
    frames = int(ends[-1])
    starts = np.concatenate([[0], ends[:-1]])
    samples = frames * FRAME

    # === Frame tracks: formants, bandwidths, and the voicing and aspiration amplitudes ===
    centres, targets, widths = [], [], []
    voice, aspiration = np.zeros(frames), np.zeros(frames)
    for segment, start, end in zip(segments, starts, ends):
        if "formants" in segment:
            centres.append((start + end) / 2)
            targets.append(FORMANTS[segment["formants"]])
            widths.append(NASAL_BANDWIDTHS if segment.get("nasal") else VOWEL_BANDWIDTHS)
        voice[start:end] = segment.get("voice", 0.0)
        aspiration[start:end] = segment.get("aspiration", 0.0)
    frame_times = np.arange(frames) + 0.5
    formants = np.stack([np.interp(frame_times, centres, column) for column in np.transpose(targets)], 1) * scale
    bandwidths = np.stack([np.interp(frame_times, centres, column) for column in np.transpose(widths)], 1)

    # === Excitation: glottal pulses and aspiration noise, through the resonator cascade ===
    voice_envelope = _smooth(np.repeat(voice, FRAME), 12)
    aspiration_envelope = _smooth(np.repeat(aspiration, FRAME), 12)
    excitation = _glottal_source(rng, f0, samples) * voice_envelope
    excitation += aspiration_envelope * _white(rng, samples)
    voiced = _resonate(excitation, formants, bandwidths)[:samples]
    sounding = voice_envelope > 0.5
    voiced /= np.sqrt(np.mean(voiced[sounding] ** 2))

    # === Frication and bursts: band-limited noise added after the filter ===
    signal = voiced
    for segment, start, end in zip(segments, starts, ends):
        if "noise" in segment:
            begin, length = int(start) * FRAME, int(end - start) * FRAME
            band = _band_noise(rng, length, *segment["noise"])
            signal[begin:begin + length] += segment["amount"] * band * _noise_envelope(length, segment["burst"])

    # === Background noise and level ===
    frame_power = np.mean(signal.reshape(frames, FRAME) ** 2, axis=1)
    speech_power = np.mean(frame_power[frame_power > 0.01 * frame_power.max()])
    noise_rms = np.sqrt(speech_power / 10 ** (snr_db / 10))
    signal = signal + noise_rms * np.sqrt(3.0) * _white(rng, samples)  # uniform noise of that RMS
    return signal * (peak / np.max(np.abs(signal)))


def _glottal_source(rng, f0, samples):
    """A differentiated Rosenberg pulse train of unit RMS, with declination, vibrato and slow jitter."""
    frames = samples // FRAME
    t = np.arange(samples) / SAMPLE_RATE
    declination = np.linspace(1.08, 0.92, samples)
    vibrato = 1.0 + 0.01 * np.sin(2 * np.pi * 5.0 * t + 2 * np.pi * _uniform(rng, 0.0, 1.0))
    steps = _uniform(rng, -0.004, 0.004, frames)
    walk = np.clip(np.cumsum(steps), -0.015, 0.015)
    jitter = 1.0 + np.interp(np.arange(samples) / FRAME, np.arange(frames), walk)
    phase = np.cumsum(f0 * declination * vibrato * jitter / SAMPLE_RATE) + _uniform(rng, 0.0, 1.0)
    position = phase % 1.0
    opening, closing = 0.40, 0.10
    flow = np.where(
        position < opening,
        0.5 * (1.0 - np.cos(np.pi * position / opening)),
        np.where(position < opening + closing, np.cos(np.pi * (position - opening) / (2 * closing)), 0.0),
    )
    source = np.diff(flow, prepend=flow[0])
    return source / np.sqrt(np.mean(source**2))


def _resonate(excitation, formants, bandwidths):
    """The excitation filtered, frame by frame, by each frame's cascade of second-order resonators."""
    frames = formants.shape[0]
    blocks = np.zeros((frames, FFT_SIZE))
    blocks[:, :FRAME] = excitation.reshape(frames, FRAME)
    delay = np.exp(-2j * np.pi * np.fft.rfftfreq(FFT_SIZE))  # z^-1 on the unit circle
    delay2 = delay**2
    r = np.exp(-np.pi * bandwidths / SAMPLE_RATE)
    c = 2 * r * np.cos(2 * np.pi * formants / SAMPLE_RATE)
    gain = np.prod(1 - c + r**2, axis=1, keepdims=True)
    denominator = np.ones((frames, delay.size), dtype=complex)
    for k in range(formants.shape[1]):
        denominator *= 1 - c[:, k:k + 1] * delay + r[:, k:k + 1] ** 2 * delay2
    spectrum = np.fft.rfft(blocks, axis=1) * (gain / denominator)
    responses = np.fft.irfft(spectrum, n=FFT_SIZE, axis=1).reshape(frames, FFT_SIZE // FRAME, FRAME)
    output = np.zeros((frames + FFT_SIZE // FRAME, FRAME))
    for hop in range(FFT_SIZE // FRAME):
        output[hop:hop + frames] += responses[:, hop]
    return output.reshape(-1)


def _band_noise(rng, length, low, high):
    """White noise of unit RMS with every frequency outside `[low, high]` Hz removed."""
    spectrum = np.fft.rfft(_white(rng, length))
    frequencies = np.fft.rfftfreq(length, 1 / SAMPLE_RATE)
    spectrum[(frequencies < low) | (frequencies > high)] = 0
    noise = np.fft.irfft(spectrum, n=length)
    return noise / np.sqrt(np.mean(noise**2))


def _noise_envelope(length, burst):
    """A burst's sharp onset and quick decay, or a fricative's 15 ms rise and fall."""
    t = np.arange(length) / SAMPLE_RATE * 1000  # ms
    if burst:
        return np.minimum(t / 1.0, 1.0) * np.exp(-t / 6.0)
    ramp = 15.0
    return np.clip(np.minimum(t / ramp, (t[-1] - t) / ramp), 0.0, 1.0)


def _smooth(values, ms):
    """`values` smoothed by a Hann window of `ms` milliseconds (ramps instead of steps)."""
    window = np.hanning(int(ms * SAMPLE_RATE / 1000) | 1)
    return np.convolve(values, window / window.sum(), mode="same")


def _white(rng, length):
    """Uniform white noise in [-1, 1)."""
    return 2.0 * rng.random(length) - 1.0


def _uniform(rng, low, high, size=None):
    return low + (high - low) * rng.random(size)


def _choice(rng, count):
    return min(int(rng.random() * count), count - 1)


# === The corpus description ===


def _description(seed, counts):
    return {
        "name": CORPUS_NAME,
        "version": CORPUS_VERSION,
        "seed": seed,
        "sample_rate": SAMPLE_RATE,
        "words": list(WORDS),
        "clips": counts,
        "note": "synthetic smoke-test audio made by a formant synthesiser; not recorded speech",
    }


def _description_of(folder):
    """The `corpus.json` of a folder this generator wrote, or None."""
    try:
        description = json.loads((pathlib.Path(folder) / "corpus.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return description if isinstance(description, dict) and description.get("name") == CORPUS_NAME else None


def _holds_corpus(folder, seed):
    description = _description_of(folder)
    if description is None or description.get("version") != CORPUS_VERSION or description.get("seed") != seed:
        return False
    return all((pathlib.Path(folder) / split / "manifest.csv").is_file() for split in SPLITS)


if __name__ == "__main__":
    raise SystemExit(main())
