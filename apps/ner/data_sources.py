"""Where NER training data comes from: files given by the user, a standard dataset, or the embedded corpus."""

import pathlib

from seqkit.data.splits import hold_out_indices
from seqkit.errors import UserInputError

EMBEDDED_DIR = pathlib.Path(__file__).resolve().parent / "data"
DATASETS = ("conll2003",)
TABLE_SUFFIXES = {".csv", ".tsv", ".tab", ".parquet", ".pq"}


def read_tagged_file(path, *, tag_scheme="auto", columns=None):
    """Read a CoNLL file or a one-row-per-token table (by extension) into IOB2 `TaggedSentence`s."""
    path = pathlib.Path(path)
    if path.is_dir():
        raise UserInputError("expected a file, found a directory", path=path)
    if path.suffix.lower() in TABLE_SUFFIXES:
        from seqkit.data.tabular import read_token_table

        return read_token_table(path, scheme=tag_scheme, **(columns or {}))
    from seqkit.data.conll import read_conll

    return read_conll(path, scheme=tag_scheme)


def resolve_training_data(*, data=None, valid=None, dataset=None, tag_scheme="auto", columns=None, seed=0):
    """Return `(train_sentences, valid_sentences, description)` for `fit`.

    Without `data` or `dataset`, the embedded corpus is used. Without `valid`, a tenth of `data` (at least one
    sentence) is held out, chosen with `seed`.
    """
    if data is not None and dataset is not None:
        raise UserInputError("give --data or --dataset, not both")
    if dataset is not None:
        if dataset not in DATASETS:
            raise UserInputError(f"unknown NER dataset {dataset!r}; choose one of: {', '.join(DATASETS)}")
        from seqkit.data.downloads import dataset_files

        paths = dataset_files(dataset)
        data, valid = paths["train"], valid or paths["validation"]
    if data is None:
        data, valid = EMBEDDED_DIR / "train.txt", valid or EMBEDDED_DIR / "valid.txt"
    train = read_tagged_file(data, tag_scheme=tag_scheme, columns=columns)
    if valid is not None:
        return train, read_tagged_file(valid, tag_scheme=tag_scheme, columns=columns), {"train": str(data), "valid": str(valid)}
    kept, held_out = hold_out_indices(len(train), seed=seed, path=data, what="sentences")
    return [train[i] for i in kept], [train[i] for i in held_out], {"train": str(data), "valid": f"10% of {data}"}
