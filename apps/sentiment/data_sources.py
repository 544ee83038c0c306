"""Where sentiment training data comes from: user files or folders, a standard dataset, or the embedded reviews."""

import pathlib

from seqkit.data.splits import hold_out_indices
from seqkit.errors import UserInputError

EMBEDDED_DIR = pathlib.Path(__file__).resolve().parent / "data"
# Standard datasets: how to read each downloaded split (`seqkit.data.downloads.dataset_files`).
DATASETS = {
    "imdb": {"layout": "folders"},
    # yelp_review_full_csv/*.csv have no header: column 0 is the star rating, column 1 the review.
    "yelp-full": {"layout": "table", "header": False, "text_column": "1", "label_column": "0"},
}


def read_examples(path, *, text_column="text", label_column="label", skip_bad_rows=False, header=True):
    """Read labelled texts from a table file or a folder of label sub-folders (`LabelledTexts`)."""
    from seqkit.data.text_classification import read_labelled_folders, read_labelled_table

    path = pathlib.Path(path)
    if path.is_dir():
        return read_labelled_folders(path, skip_bad_rows=skip_bad_rows)
    return read_labelled_table(
        path, text_column=text_column, label_column=label_column, skip_bad_rows=skip_bad_rows, header=header
    )


def dataset_splits(name):
    """Download (once) and locate a standard dataset: `({split: path}, read options)`."""
    if name not in DATASETS:
        raise UserInputError(f"unknown dataset {name!r}; choose one of: {', '.join(sorted(DATASETS))}")
    from seqkit.data.downloads import dataset_files

    options = {key: value for key, value in DATASETS[name].items() if key != "layout"}
    return dataset_files(name), options


def resolve_training_data(
    *, data=None, valid=None, dataset=None, text_column="text", label_column="label", skip_bad_rows=False, seed=0
):
    """Return `(train, valid, sources)` for `fit`: two `LabelledTexts` and a description of where they came from.

    Without `data` or `dataset` the embedded reviews are used. Without `valid`, a tenth of the training data
    (at least one text) is held out, chosen with `seed`. A standard dataset's test split is named in `sources`
    but not read.
    """
    if data is not None and dataset is not None:
        raise UserInputError("give --data or --dataset, not both")
    options = {"text_column": text_column, "label_column": label_column, "skip_bad_rows": skip_bad_rows}
    sources = {}
    valid_options = options
    if dataset is not None:
        paths, dataset_options = dataset_splits(dataset)
        data = paths["train"]
        options = {**options, **dataset_options}
        sources = {"dataset": dataset, "test": str(paths["test"])}
        if valid is None:
            valid_options = options
    elif data is None:
        data, valid = EMBEDDED_DIR / "train.csv", valid or EMBEDDED_DIR / "valid.csv"
    train = read_examples(data, **options)
    sources["train"] = str(data)
    if valid is not None:
        sources["valid"] = str(valid)
        return train, read_examples(valid, **valid_options), sources
    kept, held_out = hold_out_indices(len(train), seed=seed, path=data, what="texts")
    sources["valid"] = f"10% of {data}"
    return train.subset(kept), train.subset(held_out), sources
