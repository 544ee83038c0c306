"""Generates seqkit's embedded review set: `train.csv` and `valid.csv` (columns `text,stars`) beside this file.

The reviews are synthetic and written for seqkit: each one is built from hand-written sentence templates chosen
by its star rating (1 = very negative ... 5 = very positive), with slots filled from hand-written lists of things
people review (gadgets, films, restaurants, hotels, books) and their parts. Three-star reviews mix praise and
complaint; twos and fours soften the tone of ones and fives, so neighbouring ratings share words and the task is
ordinal rather than five unrelated classes. Some template words appear only in the validation split, so its
scores are not pure memorisation. With `--check` the script verifies the committed files instead of writing them.
"""

import csv
import io
import pathlib
import random

from seqkit.data.generated_corpus import generator_main

HERE = pathlib.Path(__file__).resolve().parent
TRAIN_REVIEWS = 1000
VALID_REVIEWS = 200

# === What is reviewed: (thing, parts) ===
SUBJECTS = {
    "headphones": ["sound", "battery", "fit", "microphone", "case"],
    "phone": ["screen", "battery", "camera", "charger", "speaker"],
    "coffee maker": ["carafe", "timer", "filter", "lid", "water tank"],
    "film": ["plot", "acting", "soundtrack", "ending", "dialogue"],
    "series": ["writing", "cast", "pacing", "finale", "characters"],
    "restaurant": ["food", "service", "menu", "dessert", "staff"],
    "hotel": ["room", "bed", "breakfast", "location", "reception"],
    "novel": ["story", "characters", "prose", "ending", "translation"],
    "backpack": ["zipper", "straps", "pockets", "fabric", "stitching"],
    "vacuum cleaner": ["suction", "filter", "cord", "brush", "dust bin"],
}
VALID_ONLY_SUBJECTS = {
    "tablet": ["screen", "battery", "stylus", "keyboard", "speaker"],
    "musical": ["songs", "staging", "cast", "costumes", "second act"],
}

# === Sentence templates by tone; {thing} and {part} are filled in ===
TEMPLATES = {
    "awful": [
        "Terrible {thing}, the {part} broke on day one.",
        "Worst {thing} I have ever bought.",
        "The {part} is a disaster and support ignored me.",
        "Complete waste of money, avoid this {thing}.",
        "I returned it after a week, the {part} never worked.",
        "Awful. The {part} is useless and the {thing} feels cheap.",
        "Do not buy this {thing}; total garbage.",
        "I hated every minute with this {thing}.",
    ],
    "poor": [
        "Disappointing {thing}, the {part} is weak.",
        "Not great. The {part} stopped working properly after a month.",
        "I expected more from this {thing}; the {part} is poor.",
        "Below average {thing} and the {part} feels flimsy.",
        "The {part} is annoying and the rest is only so-so.",
        "Mostly a letdown, though the {part} is fine.",
        "Would not recommend this {thing}, too many small problems.",
        "Mediocre at best; the {part} let me down.",
    ],
    "mixed": [
        "The {part} is good but the {part2} is bad.",
        "Decent {thing}, nothing special.",
        "It is okay. The {part} works, the {part2} could be better.",
        "Average {thing}: some good points, some bad ones.",
        "Fine for the price, but the {part} is just alright.",
        "Neither great nor terrible; the {part} is acceptable.",
        "Some things I like, some I don't; the {part2} is a mixed bag.",
        "An ordinary {thing}. It does the job.",
    ],
    "good": [
        "Good {thing}, the {part} works well.",
        "Pretty happy with it; the {part} is solid.",
        "Nice {thing} with a reliable {part}, only a minor issue with the {part2}.",
        "I like this {thing}, the {part} is better than expected.",
        "Good value. The {part} is nice and the {thing} does its job.",
        "Recommended, though the {part2} could be a little better.",
        "Solid {thing} overall and the {part} is pleasant.",
        "Happy with the purchase; the {part} is good.",
    ],
    "excellent": [
        "Excellent {thing}, the {part} is perfect!",
        "Best {thing} I have owned, absolutely love it.",
        "Amazing {part} and a wonderful {thing} overall.",
        "Fantastic! The {part} is brilliant and the {part2} is superb.",
        "Highly recommend this {thing}, flawless in every way.",
        "I love it. Outstanding {part}, worth every penny.",
        "Perfect {thing}; five stars without hesitation.",
        "Superb quality, the {part} is incredible.",
    ],
}
# Words used only in validation reviews (synonyms of training words), so validation is not memorised.
VALID_ONLY_TEMPLATES = {
    "awful": ["Dreadful {thing}; the {part} is appalling."],
    "poor": ["Underwhelming {thing}, the {part} is shoddy."],
    "mixed": ["So-so {thing}; the {part} is passable."],
    "good": ["Likeable {thing}, the {part} is dependable."],
    "excellent": ["Magnificent {thing}; the {part} is stellar."],
}
FILLERS = [
    "Bought it last month.",
    "I use it every day.",
    "It arrived on time.",
    "My second one from this brand.",
    "Got it as a gift.",
    "Watched it with friends.",
    "We went there on a Friday.",
]
# The tones a review of each rating draws its sentences from (with repetition as weights).
TONES = {
    1: ["awful", "awful", "awful", "poor"],
    2: ["poor", "poor", "poor", "awful", "mixed"],
    3: ["mixed", "mixed", "mixed", "poor", "good"],
    4: ["good", "good", "good", "excellent", "mixed"],
    5: ["excellent", "excellent", "excellent", "good"],
}
# Ratings are skewed towards 5 stars, as product reviews are.
RATING_WEIGHTS = {1: 0.12, 2: 0.12, 3: 0.16, 4: 0.25, 5: 0.35}


def _review(rng, stars, subjects, templates):
    thing = rng.choice(sorted(subjects))
    parts = subjects[thing]
    sentences = []
    for _ in range(rng.choice([1, 2, 2, 3])):
        tone = rng.choice(TONES[stars])
        part, part2 = rng.sample(parts, 2)
        sentences.append(rng.choice(templates[tone]).format(thing=thing, part=part, part2=part2))
    if rng.random() < 0.3:
        sentences.insert(rng.randrange(len(sentences) + 1), rng.choice(FILLERS))
    text = " ".join(sentences)
    return text[0].upper() + text[1:]


def make_split(rng, count, valid):
    subjects = {**SUBJECTS, **(VALID_ONLY_SUBJECTS if valid else {})}
    templates = {
        tone: lines + (VALID_ONLY_TEMPLATES[tone] if valid else []) for tone, lines in TEMPLATES.items()
    }
    ratings = rng.choices(list(RATING_WEIGHTS), weights=list(RATING_WEIGHTS.values()), k=count)
    return [(_review(rng, stars, subjects, templates), stars) for stars in ratings]


def to_csv(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["text", "stars"])
    writer.writerows(rows)
    return buffer.getvalue()


def generate(seed):
    rng = random.Random(seed)
    return {
        "train.csv": to_csv(make_split(rng, TRAIN_REVIEWS, valid=False)),
        "valid.csv": to_csv(make_split(rng, VALID_REVIEWS, valid=True)),
    }


def main(argv=None):
    return generator_main(__doc__, generate, HERE, argv)


if __name__ == "__main__":
    raise SystemExit(main())
