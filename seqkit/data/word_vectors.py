"""Read pretrained word vectors (GloVe or word2vec text format) for a vocabulary."""

import numpy as np

from seqkit.errors import UserInputError


def read_word_vectors(path, vocabulary, normalize=lambda word: word, seed=0):
    """Build an embedding matrix for `vocabulary` from a GloVe / word2vec text file.

    Each line is a word followed by its vector's numbers, separated by spaces; a first line of two integers
    (word2vec's `count dim` header) is skipped. The file is streamed, so large files need no more memory than
    the matrix. A vocabulary entry takes the vector of the first file word whose `normalize`d form equals it.
    Entries without a vector (and `<UNK>`) get small random values; `<PAD>` stays zero.

    Args:
        path: the vector file (UTF-8 text).
        vocabulary: a `seqkit.data.vocabulary.Vocabulary`.
        normalize: the function that maps a file word to a vocabulary entry (e.g. lowercasing).
        seed: seed of the random vectors for entries the file lacks.

    Returns:
        `(matrix, coverage)`: a float32 array `(len(vocabulary), dim)` and the fraction of the vocabulary's
        words (specials excluded) found in the file.

    Example:

    >>> import tempfile, pathlib
    >>> from seqkit.data.vocabulary import Vocabulary
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "vectors.txt"
    >>> _ = path.write_text("paris 0.5 1.0\\nberlin 1.5 2.0\\n")
    >>> matrix, coverage = read_word_vectors(path, Vocabulary.build([["paris", "rome"]]))
    >>> matrix.shape, coverage
    ((4, 2), 0.5)
    """
    matrix = None
    found = set()
    with _open(path) as lines:
        for number, line in enumerate(lines, start=1):
            parts = line.rstrip("\n").rstrip(" ").split(" ")
            if number == 1 and len(parts) == 2 and all(p.isdigit() for p in parts):
                continue
            if len(parts) < 2:
                raise UserInputError("expected a word followed by numbers", path=path, line=number)
            if matrix is None:
                dim = len(parts) - 1
                rng = np.random.default_rng(seed)
                matrix = rng.normal(0.0, 0.1, size=(len(vocabulary), dim)).astype(np.float32)
                matrix[vocabulary.pad_id] = 0.0
            if len(parts) - 1 != matrix.shape[1]:
                raise UserInputError(
                    f"expected {matrix.shape[1]} numbers after the word (as on the first line), found {len(parts) - 1}",
                    path=path,
                    line=number,
                )
            index = vocabulary.token_to_id(normalize(parts[0]))
            if index in (vocabulary.unk_id, vocabulary.pad_id) or index in found:
                continue
            try:
                matrix[index] = np.asarray(parts[1:], dtype=np.float32)
            except ValueError:
                raise UserInputError("the vector contains a value that is not a number", path=path, line=number) from None
            found.add(index)
    if matrix is None:
        raise UserInputError("no word vectors in the file", path=path)
    specials = 4 if vocabulary.bos_eos else 2
    return matrix, len(found) / max(len(vocabulary) - specials, 1)


class _open:
    def __init__(self, path):
        self.path = path

    def __enter__(self):
        try:
            self.file = open(self.path, encoding="utf-8")
        except OSError as error:
            raise UserInputError(f"cannot read the file: {error.strerror}", path=self.path) from None
        return self._lines()

    def _lines(self):
        number = 0
        try:
            for number, line in enumerate(self.file, start=1):  # noqa: B007 - number is read after the loop
                yield line
        except UnicodeDecodeError:
            raise UserInputError("the file is not UTF-8 text", path=self.path, line=number + 1) from None

    def __exit__(self, *exc):
        self.file.close()
