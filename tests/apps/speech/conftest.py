"""Tiny audio made in the tests: "words" that are pure tones, which a small CTC model learns in a few epochs."""

import numpy as np
import pytest

TONES = {"a": 440.0, "b": 1320.0}


def tone_clip(rng, letters, sample_rate=8000):
    """Tones of 0.12-0.18 s per letter with 0.05-0.1 s pauses and a little noise; 8 kHz like FSDD."""
    parts = [np.zeros(int(rng.uniform(0.05, 0.1) * sample_rate))]
    for letter in letters:
        length = int(rng.uniform(0.12, 0.18) * sample_rate)
        t = np.arange(length) / sample_rate
        envelope = np.minimum(1.0, np.minimum(t, t[::-1]) * 40)
        parts.append(0.5 * envelope * np.sin(2 * np.pi * TONES[letter] * t))
        parts.append(np.zeros(int(rng.uniform(0.05, 0.1) * sample_rate)))
    clip = np.concatenate(parts)
    return (clip + rng.normal(0, 0.01, clip.size)).astype(np.float32)


@pytest.fixture(scope="session")
def tone_corpus(tmp_path_factory):
    """`train/` (48 clips) and `valid/` (12 clips) with `manifest.csv` (`path,transcript`, e.g. `a b a`)."""
    from seqkit.data.audio.waveforms import write_wav

    folder = tmp_path_factory.mktemp("tones")
    rng = np.random.default_rng(4)
    for split, count in (("train", 48), ("valid", 12)):
        (folder / split).mkdir()
        rows = ["path,transcript"]
        for i in range(count):
            letters = "".join(rng.choice(list("ab"), int(rng.integers(1, 4))))
            write_wav(folder / split / f"clip{i}.wav", tone_clip(rng, letters), 8000)
            rows.append(f"clip{i}.wav,{' '.join(letters)}")
        (folder / split / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def speech_run(tmp_path_factory, tone_corpus):
    """`seqkit speech fit` from the CLI on the tone manifests, tiny preset."""
    from click.testing import CliRunner

    from seqkit.cli.main import cli

    out = tmp_path_factory.mktemp("runs") / "speech"
    result = CliRunner().invoke(
        cli,
        [
            "speech", "fit", "--data", str(tone_corpus / "train" / "manifest.csv"),
            "--valid", str(tone_corpus / "valid" / "manifest.csv"), "--out", str(out), "--preset", "tiny",
            "--epochs", "25", "--learning-rate", "0.01", "--seed", "1", "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    return out, result.output
