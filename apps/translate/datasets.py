"""The standard corpora `seqkit translate fit --dataset NAME` downloads (through `seqkit.data.downloads`).

- `multi30k-en-de`, `multi30k-en-fr`: aligned files per language; English to German (French) unless
  `--source-lang`/`--target-lang` choose another direction among the dataset's languages.
- `tatoeba-en-de`: one tab-separated table (English, German, attribution); a tenth is held out for
  validation.
"""

from seqkit.errors import UserInputError

LANGUAGES = {"multi30k-en-de": ("en", "de"), "multi30k-en-fr": ("en", "fr"), "tatoeba-en-de": ("en", "de")}


def translation_dataset(name, settings):
    """`{"train", "valid", "test", "options"}` of a standard corpus, downloaded and cached on first use."""
    if name not in LANGUAGES:
        raise UserInputError(f"unknown dataset {name!r} for `seqkit translate`; known datasets: {', '.join(LANGUAGES)}")
    from seqkit.data.downloads import dataset_files

    languages = LANGUAGES[name]
    source = settings.options.get("source_lang") or languages[0]
    target = settings.options.get("target_lang") or languages[1]
    if {source, target} != set(languages):
        raise UserInputError(
            f"{name} has the languages {' and '.join(languages)}; got --source-lang {source} --target-lang {target}"
        )
    paths = dataset_files(name)
    options = {"source_lang": source, "target_lang": target}
    if name.startswith("tatoeba"):
        # No header: column 0 is English, column 1 German.
        columns = (0, 1) if source == languages[0] else (1, 0)
        return {"train": paths["train"], "valid": None, "test": None,
                "options": {**options, "column_order": columns}}
    prefix = paths["train." + source].parent
    return {"train": str(prefix / "train"), "valid": str(prefix / "validation"), "test": None, "options": options}
