import pytest

PEOPLE = ["Anna Berg", "Tomas Lind", "Maria Costa", "John Smith", "Li Wei", "Omar Haddad"]
PLACES = ["Paris", "Berlin", "Lagos", "Lima", "Oslo", "Kyoto"]
ORGS = ["Acme Corp", "Nordbank", "Unity Party", "Delta Air"]


def _sentence(person, place, org):
    words, tags = [], []

    def add(text, kind=None):
        for index, word in enumerate(text.split()):
            words.append(word)
            tags.append("O" if kind is None else ("B-" if index == 0 else "I-") + kind)

    add(person, "PER")
    add("joined")
    add(org, "ORG")
    add("in")
    add(place, "LOC")
    add(".")
    return words, tags


def write_corpus(path, count, offset=0):
    lines = []
    for i in range(count):
        words, tags = _sentence(
            PEOPLE[(i + offset) % len(PEOPLE)], PLACES[(i * 5 + offset) % len(PLACES)], ORGS[(i * 7) % len(ORGS)]
        )
        lines += [f"{w} {t}" for w, t in zip(words, tags)] + [""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def corpus_writer():
    """`write(path, count, offset=0)`: a regular toy corpus of PER/ORG/LOC sentences in CoNLL format."""
    return write_corpus


@pytest.fixture(scope="session")
def ner_corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ner_corpus")
    return write_corpus(folder / "train.txt", 48), write_corpus(folder / "valid.txt", 12, offset=1)


@pytest.fixture(scope="session")
def trained_ner_run(ner_corpus, tmp_path_factory):
    from click.testing import CliRunner

    from seqkit.cli.main import cli

    train, valid = ner_corpus
    out = tmp_path_factory.mktemp("runs") / "ner"
    result = CliRunner().invoke(
        cli,
        ["ner", "fit", "--data", str(train), "--valid", str(valid), "--out", str(out), "--preset", "tiny",
         "--epochs", "12", "--seed", "1", "--quiet"],
    )
    assert result.exit_code == 0, result.output
    return out, result.output
