"""Tiny runs of several apps, each trained for one epoch on a few examples written here (a run only needs to
exist: these tests count traces and compare a batch with its rows, not accuracy)."""

import numpy as np
import pytest

QUICK = {"epochs": 1, "seed": 0, "verbose": 0}
# Short texts: a few eager steps cost less than tracing one (long DNA, audio and character sequences do not).
EAGER_QUICK = {**QUICK, "run_eagerly": True}
WORDS = {"1": ["awful", "terrible"], "3": ["okay", "average"], "5": ["excellent", "superb"]}
PEOPLE, PLACES, ORGS = ["Anna Berg", "Li Wei", "Omar Haddad"], ["Paris", "Oslo", "Lima"], ["Acme Corp", "Nordbank"]


@pytest.fixture(scope="session")
def runs(tmp_path_factory):
    return tmp_path_factory.mktemp("inference_runs")


@pytest.fixture(scope="session")
def sentiment_run(runs):
    from seqkit.apps import sentiment

    rows = ["text,stars"]
    for i in range(30):
        stars = "135"[i % 3]
        rows.append(f"\"The phone is {WORDS[stars][i % 2]}, really {WORDS[stars][(i + 1) % 2]}!\",{stars}")
    (runs / "reviews.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    sentiment.fit(data=runs / "reviews.csv", out=runs / "sentiment", preset="tiny", training_overrides=EAGER_QUICK)
    return runs / "sentiment"


@pytest.fixture(scope="session")
def ner_run(runs):
    from seqkit.apps import ner

    lines = []
    for i in range(24):
        for text, kind in ((PEOPLE[i % 3], "PER"), ("joined", None), (ORGS[i % 2], "ORG"), ("in", None),
                           (PLACES[(i * 2) % 3], "LOC"), (".", None)):
            for index, word in enumerate(text.split()):
                lines.append(f"{word} {'O' if kind is None else ('B-' if index == 0 else 'I-') + kind}")
        lines.append("")
    (runs / "ner.txt").write_text("\n".join(lines), encoding="utf-8")
    ner.fit(data=runs / "ner.txt", out=runs / "ner", preset="tiny", training_overrides=EAGER_QUICK)
    return runs / "ner"


@pytest.fixture(scope="session")
def lm_run(runs):
    from seqkit.apps import lm

    names = ["Anna", "Berit", "Carla", "Dagny", "Elsa", "Frida", "Greta", "Hanna", "Ingrid", "Jonna"] * 4
    (runs / "names.txt").write_text("\n".join(names) + "\n", encoding="utf-8")
    lm.fit(data=runs / "names.txt", out=runs / "lm", preset="tiny", training_overrides=QUICK)
    return runs / "lm"


@pytest.fixture(scope="session")
def dna_run(runs):
    """Per-base tagging (`gc` stretches on FASTA + BED), as the embedded DNA data asks for."""
    from seqkit.apps import dna

    rng = np.random.default_rng(0)
    fasta, bed = [], []
    for i in range(12):
        sequence = "".join(rng.choice(list("AT"), 40)) + "".join(rng.choice(list("GC"), 40)) + "".join(
            rng.choice(list("AT"), 40))
        fasta += [f">r{i}", sequence]
        bed.append(f"r{i}\t40\t80\tgc\t0\t.")
    (runs / "dna.fa").write_text("\n".join(fasta) + "\n", encoding="ascii")
    (runs / "dna.bed").write_text("\n".join(bed) + "\n", encoding="ascii")
    dna.fit(data=runs / "dna.fa", out=runs / "dna", preset="tiny", training_overrides=QUICK)
    return runs / "dna"


@pytest.fixture(scope="session")
def speech_run(runs):
    """A CTC model on 12 clips of one or two tones ("a", "b")."""
    from seqkit.apps import speech
    from seqkit.data.audio.waveforms import write_wav

    rng = np.random.default_rng(0)
    folder = runs / "tones"
    folder.mkdir()
    rows = ["path,transcript"]
    for i in range(12):
        letters = "ab"[i % 2] + ("ab"[(i // 2) % 2] if i % 3 else "")
        parts = [np.zeros(800)]
        for letter in letters:
            t = np.arange(1600) / 8000
            parts += [0.5 * np.sin(2 * np.pi * (440.0 if letter == "a" else 1320.0) * t), np.zeros(800)]
        write_wav(folder / f"clip{i}.wav", (np.concatenate(parts) + rng.normal(0, 0.01, 1)).astype(np.float32), 8000)
        rows.append(f"clip{i}.wav,{' '.join(letters)}")
    (folder / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    speech.fit(data=folder / "manifest.csv", out=runs / "speech", preset="tiny", training_overrides=QUICK)
    return runs / "speech"
