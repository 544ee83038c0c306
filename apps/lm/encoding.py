"""Token sequences ⇄ model ids for the language model, and fingerprints of the training sequences.

A sequence of `n` tokens becomes `[<BOS>, t1, ..., tn, <EOS>]`: the model reads `<BOS>, t1..tn` and predicts
`t1..tn, <EOS>`. Ids follow `seqkit.data.vocabulary.Vocabulary` with `bos_eos=True`: 0 padding, 1 `<UNK>`,
2 `<BOS>`, 3 `<EOS>`.

Example:

>>> from seqkit.data.vocabulary import Vocabulary
>>> vocab = build_vocabulary([list("abba")], vocab_size=100, min_count=1)
>>> encode(vocab, list("abc"))
[2, 4, 5, 1, 3]
>>> training_example(encode(vocab, ["a"]))
{'token_ids': array([2, 4], dtype=int32), 'targets': array([4, 3], dtype=int32)}
"""

import hashlib

import numpy as np

from seqkit.apps.lm.text import sequence_key
from seqkit.data.atomic import atomic_write_text
from seqkit.errors import UserInputError

VOCABULARY_FILE = "vocabulary.txt"
FINGERPRINTS_FILE = "train_fingerprints.txt"


def build_vocabulary(sequences, *, vocab_size, min_count):
    """The most frequent tokens of `sequences` (`vocab_size` ids in all, the four reserved ones included)."""
    from seqkit.data.vocabulary import Vocabulary

    if isinstance(vocab_size, bool) or not isinstance(vocab_size, int) or vocab_size < 5:
        raise UserInputError(f"--vocab-size must be an integer of at least 5. Received: {vocab_size!r}")
    if isinstance(min_count, bool) or not isinstance(min_count, int) or min_count < 1:
        raise UserInputError(f"--min-count must be a positive integer. Received: {min_count!r}")
    vocabulary = Vocabulary.build(sequences, max_size=vocab_size, min_count=min_count, bos_eos=True)
    if len(vocabulary) == 4:
        raise UserInputError(f"no token is seen at least {min_count} times (--min-count); lower it")
    return vocabulary


def encode(vocabulary, tokens):
    """`[<BOS>] + ids + [<EOS>]`; tokens outside the vocabulary become `<UNK>`."""
    return vocabulary.encode(tokens, add_bos_eos=True)


def training_example(ids):
    """Inputs (all but the last id) and next-token targets (all but the first) as int32 arrays."""
    ids = np.asarray(ids, dtype=np.int32)
    return {"token_ids": ids[:-1], "targets": ids[1:]}


def fingerprint(tokens):
    """A short hexadecimal digest identifying a token sequence (for `--novel` filtering)."""
    return hashlib.blake2b(sequence_key(tokens).encode("utf-8"), digest_size=8).hexdigest()


def write_fingerprints(path, sequences):
    """Write the sorted, unique fingerprints of `sequences`, one per line."""
    write_fingerprint_set(path, {fingerprint(s) for s in sequences})


def write_fingerprint_set(path, fingerprints):
    """Write fingerprints (from `fingerprint`), sorted, one per line."""
    atomic_write_text(path, "".join(f"{value}\n" for value in sorted(fingerprints)))


def read_fingerprints(path):
    try:
        return set(path.read_text(encoding="utf-8").split())
    except FileNotFoundError:
        raise UserInputError("missing training fingerprints needed by --novel", path=path) from None


def output_layer_size(vocabulary_size, units, batch_size):
    """Memory of the output layer: weights, and logits of one time step of one batch (float32)."""
    parameters = (units + 1) * vocabulary_size
    return {
        "parameters": parameters,
        "weights_mib": round(parameters * 4 / 2**20, 2),
        "logits_per_step_mib": round(batch_size * vocabulary_size * 4 / 2**20, 2),
    }


def stream_windows(ids, batch_size, window):
    """Training windows of a token stream laid out as `batch_size` parallel streams (truncated BPTT).

    The ids are cut into `batch_size` contiguous segments of `len(ids) // batch_size`; each window is
    `window + 1` ids (`window` inputs, `window` targets, overlapping the next window by one id). Row
    `k * batch_size + s` is window `k` of segment `s`, so row `s` of batch `k` continues row `s` of batch
    `k - 1`. What does not fill a window is dropped.

    Returns:
        An int32 array `(num_windows * batch_size, window + 1)` (no rows when a segment is shorter than
        `window + 1`).

    Example:

    >>> stream_windows(list(range(14)), batch_size=2, window=3).tolist()
    [[0, 1, 2, 3], [7, 8, 9, 10], [3, 4, 5, 6], [10, 11, 12, 13]]
    """
    ids = np.asarray(ids, dtype=np.int32)
    length = len(ids) // batch_size
    per_segment = max(0, (length - 1) // window)
    segments = ids[: length * batch_size].reshape(batch_size, length)
    rows = [segments[s, k * window : k * window + window + 1] for k in range(per_segment) for s in range(batch_size)]
    return np.stack(rows) if rows else np.zeros((0, window + 1), np.int32)

