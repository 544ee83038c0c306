"""Split raw text into words, identically in Python and inside a TensorFlow graph.

The text is cut at ASCII whitespace into chunks; each chunk goes through a short list of regular-expression
rewrites that only insert spaces (web and e-mail addresses through a shorter one), and is cut again. The patterns use the common subset of Python's `re` and RE2 (TensorFlow's
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

_APOSTROPHE = r"['\x{2019}]"
_SPACE = r"[ \t\n\r\f\v]"

# Chunks (runs of non-space characters) that are web addresses or e-mail addresses keep their inner
# punctuation; only brackets or quotes before them and punctuation after them split off.
LINK_PATTERN = r"""[(\["'\x{201C}]*((https?|ftp)://|www\.)[^ \t\n\r\f\v]+|[(\["'\x{201C}]*[^ \t\n\r\f\v@()]+@[^ \t\n\r\f\v@()]+\.[^ \t\n\r\f\v@()]+"""
LINK_RULES = (
    (r"""^([(\["'\x{201C}]+)""", r"\1 "),
    (r"""([.,;:!?)\]"'\x{201D}]+)$""", r" \1"),
)

# (pattern, replacement) pairs applied in order to every other chunk; valid in both Python `re` and RE2.
SPLIT_RULES = (
    # Characters that always stand alone.
    (r"""([!?;"()\[\]{}<>$%#*+=|~^`\x{2018}\x{201C}\x{201D}\x{00AB}\x{00BB}\x{2026}])""", r" \1 "),
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
    # Quotes around a word, or before a word of three or more characters (not a clitic such as 's).
    (rf"(^|\s){_APOSTROPHE}([^\s'\x{{2019}}]+){_APOSTROPHE}(\s|$)", r"\1' \2 '\3"),
    (rf"(^|\s)({_APOSTROPHE})([^\s'\x{{2019}}]{{3,}})", r"\1\2 \3"),
    # Clitics.
    (rf"([^\s'\x{{2019}}])({_APOSTROPHE}[sSmMdD]|{_APOSTROPHE}re|{_APOSTROPHE}ve|{_APOSTROPHE}ll|{_APOSTROPHE}RE|{_APOSTROPHE}VE|{_APOSTROPHE}LL)(\s|$)", r"\1 \2\3"),
    (rf"([^\s])(n{_APOSTROPHE}t|N{_APOSTROPHE}T)(\s|$)", r"\1 \2\3"),
    # A quote after a word ("dogs' bowls").
    (rf"([^\s]){_APOSTROPHE}(\s|$)", r"\1 '\2"),
)

_COMPILED = {}


def _python_pattern(pattern):
    if pattern not in _COMPILED:
        _COMPILED[pattern] = re.compile(re.sub(r"\\x\{([0-9A-Fa-f]{4})\}", r"\\u\1", pattern))
    return _COMPILED[pattern]


def _split_chunk(chunk):
    if _python_pattern(LINK_PATTERN).fullmatch(chunk):
        rules = LINK_RULES
    else:
        rules = SPLIT_RULES
    for pattern, replacement in rules:
        chunk = _python_pattern(pattern).sub(replacement, chunk)
    return [word for word in re.split(_SPACE + "+", chunk) if word]


def split_words(text):
    """Split `text` into words (a list of strings), as the serving graph does.

    Example:

    >>> split_words("Angela Merkel visited Paris, France.")
    ['Angela', 'Merkel', 'visited', 'Paris', ',', 'France', '.']
    """
    return [word for chunk in re.split(_SPACE + "+", text) if chunk for word in _split_chunk(chunk)]


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


def split_whitespace(text):
    """The chunks of `text` between ASCII whitespace, as `tf.strings.split` cuts them.

    Example:

    >>> split_whitespace(" Hi,  Bob!")
    ['Hi,', 'Bob!']
    """
    return [chunk for chunk in re.split(_SPACE + "+", text) if chunk]


def split_chunks(text):
    """The words of `text` grouped by whitespace-separated chunk (a list of lists of strings).

    Example:

    >>> split_chunks("Hi, Bob!")
    [['Hi', ','], ['Bob', '!']]
    """
    return [_split_chunk(chunk) for chunk in split_whitespace(text)]


def tf_split_words(texts):
    """Split a batch of strings into a `tf.RaggedTensor` of words, in plain TensorFlow ops.

    Args:
        texts: a 1-D string tensor.

    Returns:
        A ragged string tensor of shape `(batch, None)`.
    """
    return tf_split_chunks(texts).merge_dims(1, 2)


def tf_split_chunks(texts):
    """As `split_chunks`, for a batch: a ragged string tensor `(batch, chunks, words)`, in plain TensorFlow ops."""
    import tensorflow as tf

    chunks = tf.strings.split(texts)
    flat = chunks.flat_values
    general = flat
    for pattern, replacement in SPLIT_RULES:
        general = tf.strings.regex_replace(general, pattern, replacement)
    link = flat
    for pattern, replacement in LINK_RULES:
        link = tf.strings.regex_replace(link, pattern, replacement)
    words = tf.strings.split(tf.where(tf.strings.regex_full_match(flat, LINK_PATTERN), link, general))
    return tf.RaggedTensor.from_row_lengths(words, chunks.row_lengths())
