"""Generates seqkit's embedded language-model corpus: invented names, `train.txt` and `valid.txt` here.

Every name is built for seqkit from hand-written syllable inventories: an optional prefix, one to three
syllables (onset + vowel + optional coda) and a hand-written ending chosen by the name's "style" (each style has
its own sounds, so the corpus has learnable regularities beyond single letters). No name is taken from a list
of real names or from a dataset. Names are unique; `valid.txt` shares none with `train.txt`.
`python apps/lm/data/make_names.py [--check]` rewrites (or verifies) them; see `seqkit.data.generated_corpus`.
"""

import pathlib
import random

from seqkit.data.generated_corpus import generator_main

HERE = pathlib.Path(__file__).resolve().parent
TRAIN_NAMES = 1800
VALID_NAMES = 200

# === Hand-written inventories, one "style" per sound palette ===
STYLES = {
    "soft": {
        "onsets": "l m n r s v th f h w y el al".split(),
        "vowels": "a e i o ae ia ie ea ei".split(),
        "codas": ["", "", "", "n", "l", "r", "s", "th"],
        "endings": "a ara iel wen eth ine elle ia ora ira anna".split(),
    },
    "hard": {
        "onsets": "k g d t b br dr gr kr tr st sk z".split(),
        "vowels": "a o u a o u e i".split(),
        "codas": ["", "", "k", "g", "r", "rn", "x", "d", "st"],
        "endings": "ok ar gor dun rik ax uk oth ard und".split(),
    },
    "lilting": {
        "onsets": "p m n l t s ch sh j".split(),
        "vowels": "a i o u a i".split(),
        "codas": ["", "", "", "", "n", "m"],
        "endings": "ito ani uma ola imo ena aru ipa oko".split(),
    },
    "old": {
        "onsets": "c cl h w wh gw m b f ll".split(),
        "vowels": "a e i o y aw ew".split(),
        "codas": ["", "n", "r", "dd", "ll", "th", "s"],
        "endings": "wyn ric mund frith las win burh gar ys".split(),
    },
}
PREFIXES = ["", "", "", "", "", "", "Al", "Vor", "Ser", "Ka", "Mor", "Ely", "Tor", "Ash"]


def make_name(rng, style):
    palette = STYLES[style]
    parts = [rng.choice(PREFIXES)]
    for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
        parts.append(rng.choice(palette["onsets"]) + rng.choice(palette["vowels"]) + rng.choice(palette["codas"]))
    parts.append(rng.choice(palette["endings"]))
    name = "".join(parts).lower()
    return name[:1].upper() + name[1:]


def make_corpus(seed):
    rng = random.Random(seed)
    names = []
    seen = set()
    styles = sorted(STYLES)
    while len(names) < TRAIN_NAMES + VALID_NAMES:
        name = make_name(rng, rng.choice(styles))
        if 3 <= len(name) <= 12 and name not in seen:
            seen.add(name)
            names.append(name)
    return names[:TRAIN_NAMES], names[TRAIN_NAMES:]


def generate(seed):
    """Returns `{file name: text}`: one name a line."""
    train, valid = make_corpus(seed)
    return {"train.txt": "\n".join(train) + "\n", "valid.txt": "\n".join(valid) + "\n"}


def main(argv=None):
    return generator_main(__doc__, generate, HERE, argv)


if __name__ == "__main__":
    raise SystemExit(main())
