"""Split raw text into words, identically in Python and inside a TensorFlow graph.

The splitter is a short list of regular-expression rewrites that only insert spaces, followed by a split on
ASCII whitespace. The patterns use the common subset of Python's `re` and RE2 (TensorFlow's
`tf.strings.regex_replace`), so a SavedModel's serving graph tokenises exactly like `seqkit <app> predict`,
and every word is a substring of the text, which gives character offsets for free.

Conventions (close to CoNLL-2003 / Penn Treebank): punctuation stands apart ("Paris." → "Paris", "."), clitics
split ("Smith's" → "Smith", "'s"; "don't" → "do", "n't"), while "U.S.", "3.5", "1,000", "e-mail", "AT&T" and
common abbreviations ("Mr.", "Inc.") stay whole.

Example:

>>> split_words_with_offsets("Mr. Smith's firm paid $1,000 in the U.S. today.")
[('Mr.', 0, 3), ('Smith', 4, 9), ("'s", 9, 11), ('firm', 12, 16), ('paid', 17, 21), ('$', 22, 23), ('1,000', 23, 28), ('in', 29, 31), ('the', 32, 35), ('U.S.', 36, 40), ('today', 41, 46), ('.', 46, 47)]
"""

import re

_ABBREVIATIONS = "Mr|Mrs|Ms|Dr|Prof|St|Jr|Sr|Inc|Ltd|Co|Corp|Gen|Gov|Sen|Rep|Rev|Lt|Col|Sgt|vs|etc|No|Mt|Ft|Jan|Feb|Aug|Sept|Oct|Nov|Dec"

# (pattern, replacement) pairs, applied in order; valid in both Python `re` and RE2.
SPLIT_RULES = (
    # Characters that always stand alone.
    (r"""([!?;"()\[\]{}<>$%#*+=|~^`\x{2018}\x{2019}\x{201C}\x{201D}\x{00AB}\x{00BB}\x{2026}])""", r" \1 "),
    # Colons, except between digits (10:30).
    (r"([^0-9]):", r"\1 : "),
    (r":([^0-9])", r" : \1"),
    # Commas, except between digits (1,000).
    (r"([^0-9]),", r"\1 , "),
    (r",([^0-9])", r" , \1"),
    (r"^,", r" , "),
    (r",$", r" , "),
    # Ellipsis.
    (r"\.\.\.", r" ... "),
    # A full stop after two non-period characters ends a word ("Paris." but not "U.S.").
    (r"([^\s.][^\s.])\.(\s|$)", r"\1 .\2"),
    # ... but common abbreviations keep their full stop.
    (rf"(^|\s)({_ABBREVIATIONS}) \.", r"\1\2."),
    # Quotes at the edges of words (before clitics, which they would split).
    (r"(^|\s)'", r"\1' "),
    (r"([^\s])'(\s|$)", r"\1 '\2"),
    # Clitics.
    (r"([^\s'])('[sS]|'[mM]|'[dD]|'re|'ve|'ll|'RE|'VE|'LL)(\s|$)", r"\1 \2\3"),
    (r"([^\s])(n't|N'T)(\s|$)", r"\1 \2\3"),
)

_PYTHON_RULES = None


def _python_rules():
    global _PYTHON_RULES
    if _PYTHON_RULES is None:
        _PYTHON_RULES = [
            (re.compile(re.sub(r"\\x\{([0-9A-Fa-f]{4})\}", r"\\u\1", pattern)), replacement)
            for pattern, replacement in SPLIT_RULES
        ]
    return _PYTHON_RULES


def _spaced(text):
    for pattern, replacement in _python_rules():
        text = pattern.sub(replacement, text)
    return text


def split_words(text):
    """Split `text` into words (a list of strings), as the serving graph does.

    Example:

    >>> split_words("Angela Merkel visited Paris, France.")
    ['Angela', 'Merkel', 'visited', 'Paris', ',', 'France', '.']
    """
    return re.split(r"[ \t\n\r\f\v]+", _spaced(text).strip(" \t\n\r\f\v")) if text.strip(" \t\n\r\f\v") else []


def split_words_with_offsets(text):
    """Split `text` into `(word, start, end)` triples with character offsets into `text` (end exclusive).

    Example:

    >>> split_words_with_offsets("Hi, Bob!")
    [('Hi', 0, 2), (',', 2, 3), ('Bob', 4, 7), ('!', 7, 8)]
    """
    words = []
    position = 0
    for word in split_words(text):
        start = text.index(word, position)
        position = start + len(word)
        words.append((word, start, position))
    return words


def tf_split_words(texts):
    """Split a batch of strings into a `tf.RaggedTensor` of words, in plain TensorFlow ops.

    Args:
        texts: a 1-D string tensor.

    Returns:
        A ragged string tensor of shape `(batch, None)`.
    """
    import tensorflow as tf

    for pattern, replacement in SPLIT_RULES:
        texts = tf.strings.regex_replace(texts, pattern, replacement)
    return tf.strings.split(texts)
