"""`--dataset` corpora resolve to the reader's layout (downloads themselves are tested in tests/data)."""

import types

import pytest

from seqkit.apps.translate import datasets
from seqkit.data.parallel_text import iter_parallel_text
from seqkit.errors import UserInputError


@pytest.fixture
def downloaded(tmp_path, monkeypatch):
    """Fakes `dataset_files` with files laid out as the downloader leaves them."""
    root = tmp_path / "datasets"
    root.mkdir()
    files = {
        "train.en": "A dog runs .\nTwo men .\n",
        "train.de": "Ein Hund rennt .\nZwei M\u00e4nner .\n",
        "validation.en": "A cat .\n",
        "validation.de": "Eine Katze .\n",
        "deu.txt": "Hi.\tHallo!\tCC-BY 2.0 (France) Attribution: tatoeba.org #1\n",
    }
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")

    def dataset_files(name):
        if name.startswith("tatoeba"):
            return {"train": root / "deu.txt"}
        return {split: root / split for split in files if split != "deu.txt"}

    import seqkit.data.downloads

    monkeypatch.setattr(seqkit.data.downloads, "dataset_files", dataset_files)
    return root


def settings(**options):
    return types.SimpleNamespace(options=options)


def test_multi30k_resolves_to_prefixes_in_both_directions(downloaded):
    sources = datasets.translation_dataset("multi30k-en-de", settings())
    assert sources["train"] == str(downloaded / "train")
    assert sources["valid"] == str(downloaded / "validation")
    assert sources["options"] == {"source_lang": "en", "target_lang": "de"}
    pairs = list(iter_parallel_text(sources["train"], source_lang="en", target_lang="de"))
    assert [(p.source, p.target) for p in pairs] == [
        ("A dog runs .", "Ein Hund rennt ."), ("Two men .", "Zwei M\u00e4nner .")
    ]
    reverse = datasets.translation_dataset("multi30k-en-de", settings(source_lang="de", target_lang="en"))
    assert reverse["options"] == {"source_lang": "de", "target_lang": "en"}


def test_tatoeba_uses_column_order_and_a_held_out_tenth(downloaded):
    sources = datasets.translation_dataset("tatoeba-en-de", settings(source_lang="de", target_lang="en"))
    assert sources["valid"] is None  # the recipe holds out a seeded tenth
    assert sources["options"]["column_order"] == (1, 0)
    pairs = list(iter_parallel_text(sources["train"], column_order=(1, 0)))
    assert [(p.source, p.target) for p in pairs] == [("Hallo!", "Hi.")]


def test_languages_outside_the_dataset_are_refused(downloaded):
    with pytest.raises(UserInputError, match="multi30k-en-fr has the languages en and fr; got --source-lang en --target-lang de"):
        datasets.translation_dataset("multi30k-en-fr", settings(target_lang="de"))
