"""Where language-model training data comes from: files given by the user, or the embedded corpus of names."""

import pathlib

from seqkit.apps.lm.text import read_sequences
from seqkit.data.splits import hold_out_indices
from seqkit.errors import UserInputError

EMBEDDED_DIR = pathlib.Path(__file__).resolve().parent / "data"


def resolve_training_data(*, data=None, valid=None, dataset=None, level="char", seed=0):
    """Return `(train_sequences, valid_sequences, description)` for `fit`.

    Without `data`, the embedded corpus of invented names is used (character level only). Without `valid`, a
    tenth of `data` (at least one sequence) is held out, chosen with `seed`.
    """
    if dataset is not None:
        raise UserInputError(f"no standard dataset is known to `seqkit lm` (got --dataset {dataset}); give --data FILE")
    if data is None:
        if level != "char":
            raise UserInputError(
                "the embedded corpus is a list of names for --level char; give --data for --level word"
            )
        data, valid = EMBEDDED_DIR / "train.txt", valid or EMBEDDED_DIR / "valid.txt"
    train = read_sequences(data, level)
    if valid is not None:
        return train, read_sequences(valid, level), {"train": str(data), "valid": str(valid)}
    kept, held_out = hold_out_indices(len(train), seed=seed, path=data, what="sequences")
    return [train[i] for i in kept], [train[i] for i in held_out], {"train": str(data), "valid": f"10% of {data}"}
