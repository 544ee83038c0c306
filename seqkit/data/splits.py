"""Hold out part of a training set for validation, reproducibly."""

import random

from seqkit.errors import UserInputError


def hold_out_indices(count, *, fraction=0.1, seed=0, path=None, what="examples"):
    """Split `range(count)` into `(kept, held_out)` sorted index lists, holding out `fraction` (at least one).

    Args:
        count: number of examples.
        fraction: share to hold out, in (0, 1).
        seed: seed of the shuffle, so the same data always gives the same split.
        path: the data file, named in the error when there are fewer than 2 examples.
        what: what the examples are called in that error ("sentences", "texts", ...).

    Example:

    >>> hold_out_indices(10, seed=0)
    ([0, 1, 2, 3, 4, 5, 6, 8, 9], [7])
    """
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"`fraction` must be between 0 and 1. Received: fraction={fraction}")
    if count < 2:
        raise UserInputError(f"need at least 2 {what} to hold out validation data; give --valid", path=path)
    order = list(range(count))
    random.Random(seed).shuffle(order)
    cut = min(count - 1, max(1, int(count * fraction)))
    return sorted(order[cut:]), sorted(order[:cut])
