import csv

import pytest

WORDS = {
    "1": ["awful", "terrible", "horrible"],
    "2": ["poor", "weak", "disappointing"],
    "3": ["okay", "average", "ordinary"],
    "4": ["good", "nice", "solid"],
    "5": ["excellent", "perfect", "superb"],
}
THINGS = ["phone", "film", "hotel", "battery", "screen", "plot"]


def review(stars, i):
    words = WORDS[stars]
    return f"The {THINGS[i % len(THINGS)]} is {words[i % 3]}, really {words[(i + 1) % 3]}!"


def write_reviews(path, count, offset=0, label_column="stars"):
    """A CSV of `count` regular reviews whose rating is given by its adjectives (all five ratings)."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", label_column])
        for i in range(count):
            stars = str((i + offset) % 5 + 1)
            writer.writerow([review(stars, i + offset), stars])
    return path


@pytest.fixture(scope="session")
def review_writer():
    """`write(path, count, offset=0, label_column="stars")`: a toy review table (CSV)."""
    return write_reviews


@pytest.fixture(scope="session")
def review_corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reviews")
    return write_reviews(folder / "train.csv", 60), write_reviews(folder / "valid.csv", 20, offset=2)


@pytest.fixture(scope="session")
def trained_sentiment_run(review_corpus, tmp_path_factory):
    from click.testing import CliRunner

    from seqkit.cli.main import cli

    train, valid = review_corpus
    out = tmp_path_factory.mktemp("runs") / "sentiment"
    result = CliRunner().invoke(
        cli,
        [
            "sentiment",
            "fit",
            "--data",
            str(train),
            "--valid",
            str(valid),
            "--out",
            str(out),
            "--preset",
            "tiny",
            "--epochs",
            "12",
            "--seed",
            "1",
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    return out, result.output
