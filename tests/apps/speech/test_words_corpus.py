"""The embedded smoke-test corpus of `seqkit speech` (`seqkit.apps.speech.synthetic_words`).

Fast and without TensorFlow: the generator script is loaded from its path and its WAV files are read here with
the standard library's `wave` module, independently of seqkit's readers (which are checked on it at the end).
"""

import collections
import csv
import json
import subprocess
import sys
import wave

import numpy as np
import pytest

WORDS = ["yes", "no", "go", "stop", "up", "on", "off", "hi"]


from seqkit.apps.speech import synthetic_words as make_words


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return make_words.ensure_corpus(tmp_path_factory.mktemp("cache") / "words")


def read_manifest(folder):
    with open(folder / "manifest.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def read_wav(path):
    with wave.open(str(path)) as reader:
        assert (reader.getnchannels(), reader.getsampwidth(), reader.getframerate()) == (1, 2, 16_000)
        data = reader.readframes(reader.getnframes())
    return np.frombuffer(data, dtype="<i2").astype(np.float64) / 32768


def clips(corpus, split):
    return [(read_wav(corpus / split / row["path"]), row["transcript"]) for row in read_manifest(corpus / split)]


def spectral_centroid(samples):
    power = np.abs(np.fft.rfft(samples)) ** 2
    return float((power * np.fft.rfftfreq(len(samples), 1 / 16_000)).sum() / power.sum())


def test_the_module_says_it_is_a_smoke_test_not_speech():
    first_line = make_words.__doc__.strip().splitlines()[0]
    assert "SMOKE TEST" in first_line and "not speech" in first_line


def test_two_generations_are_byte_identical(corpus, tmp_path):
    again = make_words.make_corpus(tmp_path / "again")
    files = sorted(path.relative_to(corpus) for path in corpus.rglob("*") if path.is_file())
    assert files == sorted(path.relative_to(again) for path in again.rglob("*") if path.is_file())
    assert len(files) == 160 + 40 + 3
    for name in files:
        assert (again / name).read_bytes() == (corpus / name).read_bytes(), name


def test_another_seed_makes_other_clips(tmp_path):
    rng_a, rng_b = np.random.default_rng(1), np.random.default_rng(2)
    assert not np.array_equal(make_words._clip(rng_a, ["yes"]), make_words._clip(rng_b, ["yes"]))


def test_counts_and_layout(corpus):
    assert sorted(path.name for path in corpus.iterdir()) == ["corpus.json", "train", "valid"]
    for split, count in (("train", 160), ("valid", 40)):
        rows = read_manifest(corpus / split)
        assert len(rows) == count
        assert sorted(row["path"] for row in rows) == sorted(path.name for path in (corpus / split).glob("*.wav"))
        assert (corpus / split / "manifest.csv").read_text().startswith("path,transcript\n")
    description = json.loads((corpus / "corpus.json").read_text())
    assert description["seed"] == 2026 and description["clips"] == {"train": 160, "valid": 40}
    assert "not recorded speech" in description["note"]


def test_transcripts_use_the_word_list(corpus):
    for split, singles in (("train", 96), ("valid", 24)):
        transcripts = [row["transcript"] for row in read_manifest(corpus / split)]
        sizes = collections.Counter(len(transcript.split(" ")) for transcript in transcripts)
        assert sizes[1] == singles and sizes[2] > 0 and sizes[3] > 0 and set(sizes) == {1, 2, 3}
        assert all(word in WORDS for transcript in transcripts for word in transcript.split(" "))
        single = collections.Counter(transcript for transcript in transcripts if " " not in transcript)
        assert set(single.values()) == {singles // len(WORDS)} and set(single) == set(WORDS)


def test_durations_and_levels(corpus):
    for split in ("train", "valid"):
        for samples, transcript in clips(corpus, split):
            seconds = len(samples) / 16_000
            assert 0.3 <= seconds <= 1.5, transcript
            assert 0.39 <= np.abs(samples).max() <= 0.81
            frames = samples[: len(samples) // 160 * 160].reshape(-1, 160)
            loud = np.sqrt(np.mean(frames**2, axis=1)) > 0.05
            assert loud.mean() > 0.15, f"{transcript}: mostly silent"  # sounds, not noise alone
            assert not loud[0] and not loud[-1]  # leading and trailing silence


def test_multi_word_clips_have_pauses(corpus):
    for samples, transcript in clips(corpus, "train"):
        if " " not in transcript:
            continue
        frames = samples[: len(samples) // 160 * 160].reshape(-1, 160)
        loud = np.sqrt(np.mean(frames**2, axis=1)) > 0.02
        first, last = np.flatnonzero(loud)[[0, -1]]
        quiet_runs, run = [], 0
        for value in loud[first : last + 1]:
            run = 0 if value else run + 1
            quiet_runs.append(run)
        assert max(quiet_runs) >= 8, transcript  # at least 80 ms of pause inside the clip


def test_words_with_s_are_brighter(corpus):
    centroids = collections.defaultdict(list)
    for samples, transcript in clips(corpus, "train"):
        if " " not in transcript:
            centroids[transcript].append(spectral_centroid(samples))
    mean = {word: np.mean(values) for word, values in centroids.items()}
    assert mean["yes"] > 1.4 * mean["no"]
    assert mean["stop"] > 1.4 * mean["go"]
    assert min(mean["yes"], mean["stop"]) > max(mean["no"], mean["go"])


def test_words_differ_spectrally(corpus):
    """A nearest-mean classifier of time-averaged band spectra tells the single words apart well above chance."""

    def features(samples):
        frames = samples[: len(samples) // 512 * 512].reshape(-1, 512)
        power = np.abs(np.fft.rfft(frames * np.hanning(512), axis=1)) ** 2
        energy = power.sum(axis=1)
        bands = np.add.reduceat(power[energy > 0.05 * energy.max()].mean(axis=0), np.arange(0, 256, 8))
        return np.log(bands + 1e-12)

    pairs = [(features(samples), word) for samples, word in clips(corpus, "train") if " " not in word]
    means = {word: np.mean([x for x, label in pairs if label == word], axis=0) for word in WORDS}
    valid = [(features(samples), word) for samples, word in clips(corpus, "valid") if " " not in word]

    def nearest(x):
        return min(WORDS, key=lambda word: np.sum((x - means[word]) ** 2))

    correct = sum(nearest(x) == label for x, label in valid)
    assert correct / len(valid) > 0.35  # chance: 1/8


def test_ensure_corpus_generates_only_once(corpus):
    manifest = corpus / "train" / "manifest.csv"
    before = manifest.stat().st_mtime_ns
    assert make_words.ensure_corpus(corpus) == corpus
    assert manifest.stat().st_mtime_ns == before
    assert not [path for path in corpus.parent.iterdir() if path.name.startswith(".")]  # no temporary folder left


def test_ensure_corpus_fills_an_empty_folder_and_leaves_other_folders_alone(tmp_path, monkeypatch):
    from seqkit.errors import UserInputError

    monkeypatch.setattr(make_words, "SPLITS", {"train": (2, 1, 0), "valid": (1, 0, 0)})
    (tmp_path / "empty").mkdir()
    assert len(read_manifest(make_words.ensure_corpus(tmp_path / "empty") / "train")) == 3
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.tex").write_text("keep me")
    with pytest.raises(UserInputError, match="mine: exists and is not a generated words corpus"):
        make_words.ensure_corpus(tmp_path / "mine")
    assert (tmp_path / "mine" / "thesis.tex").read_text() == "keep me"


def test_ensure_corpus_replaces_a_corpus_of_another_seed(tmp_path, monkeypatch):
    monkeypatch.setattr(make_words, "SPLITS", {"train": (1, 0, 0), "valid": (1, 0, 0)})
    folder = make_words.ensure_corpus(tmp_path / "words", seed=1)
    first = (folder / "train" / "0000.wav").read_bytes()
    make_words.ensure_corpus(folder, seed=2)
    assert json.loads((folder / "corpus.json").read_text())["seed"] == 2
    assert (folder / "train" / "0000.wav").read_bytes() != first


def test_seqkit_reads_the_corpus(corpus):
    pytest.importorskip("soundfile")
    pytest.importorskip("soxr")
    from seqkit.data.audio.manifests import iter_utterances
    from seqkit.data.audio.transcripts import TextNormalizer, character_vocabulary
    from seqkit.data.audio.waveforms import read_audio

    utterances = list(iter_utterances(corpus / "train"))
    assert len(utterances) == 160 and all(u.path.is_file() for u in utterances)
    normalize = TextNormalizer()
    assert all(normalize(u.transcript) == u.transcript for u in utterances)
    assert character_vocabulary(u.transcript for u in utterances) == sorted(set(" " + "".join(WORDS)))
    samples = read_audio(utterances[0].path, max_seconds=1.5)
    assert samples.dtype == np.float32 and 0.3 * 16_000 <= len(samples) <= 1.5 * 16_000


def test_the_script_writes_the_corpus(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(make_words, "SPLITS", {"train": (2, 1, 1), "valid": (1, 0, 0)})
    assert make_words.main(["--out", str(tmp_path / "out"), "--seed", "7"]) == 0
    assert "wrote 4 train and 1 valid clips" in capsys.readouterr().out
    assert json.loads((tmp_path / "out" / "corpus.json").read_text())["seed"] == 7


def test_the_module_runs_as_a_script():
    result = subprocess.run([sys.executable, "-m", "seqkit.apps.speech.synthetic_words", "--help"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "--out" in result.stdout and "SMOKE TEST" in result.stdout
