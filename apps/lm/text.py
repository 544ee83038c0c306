"""Text ⇄ token sequences at character or word level, in Python and in plain TensorFlow ops.

- `char`: one sequence per non-blank line of a file (leading and trailing spaces removed); each Unicode code
  point is a token (spaces inside the line included).
- `word`: running text; paragraphs (separated by blank lines) are split into sentences after `.`, `!` and `?`,
  and words and punctuation are split apart by `seqkit.data.word_splitting` (the same rules as the serving
  graph). A sentence needs at least one token with a letter or digit.

`<EOS>` is not part of the token lists here: the vectorizer appends it.

Example:

>>> tokenize("  Aldra ", "char")
['A', 'l', 'd', 'r', 'a']
>>> tokenize("Hear me speak, citizens!", "word")
['Hear', 'me', 'speak', ',', 'citizens', '!']
>>> detokenize(['Hear', 'me', 'speak', ',', 'citizens', '!'], "word")
'Hear me speak, citizens!'
"""

import re

from seqkit.errors import UserInputError

LEVELS = ("char", "word")
SENTENCE_END = frozenset({".", "!", "?"})
# Longer word-level sentences (text without full stops) are cut into pieces of this many tokens.
MAX_SENTENCE_TOKENS = 200
# Joining word tokens with spaces, then these rewrites (valid in Python `re` and RE2, used by the export).
DETOKENIZE_RULES = (
    (r" ([.,;:!?)\]}]|'s|'re|'ve|'ll|'d|'m|n't)( |$)", r"\1\2"),
    (r"(^| )([(\[{$]) ", r"\1\2"),
)
_WORD_CHARACTER = re.compile(r"\w")


def check_level(level):
    if level not in LEVELS:
        raise UserInputError(f"`level` must be one of {', '.join(LEVELS)}. Received: level={level!r}")
    return level


def tokenize(text, level):
    """Tokens of one sequence (a name, a sentence) at `level`."""
    check_level(level)
    if level == "char":
        return list(text.strip())
    from seqkit.data.word_splitting import split_words

    return split_words(text)


def detokenize(tokens, level):
    """Text of a token list: characters joined, or words joined by spaces with punctuation attached."""
    if level == "char":
        return "".join(tokens)
    text = " ".join(tokens)
    for pattern, replacement in DETOKENIZE_RULES:
        # Applied twice so that adjacent matches ("word . ,") all join, as `regex_replace` does in one pass.
        text = re.sub(pattern, replacement, re.sub(pattern, replacement, text))
    return text


def sequence_key(tokens):
    """A string identifying a token sequence exactly (tokens never contain line breaks)."""
    return "\n".join(tokens)


def split_sentences(lines):
    """Word-level sentences of running text given as lines (blank lines end paragraphs), as a list."""
    return list(iter_sentences(lines))


def iter_sentences(lines):
    """Stream the word-level sentences of running text given as lines (blank lines end paragraphs).

    Args:
        lines: an iterable of lines, consumed as the sentences are yielded.

    Yields:
        Each sentence as a token list; text without full stops is cut into pieces of at most
        `MAX_SENTENCE_TOKENS` tokens, and pieces without a letter or digit are left out.

    Example:

    >>> list(iter_sentences(["Speak. All:", "speak!", "", "Resolved"]))
    [['Speak', '.'], ['All', ':', 'speak', '!'], ['Resolved']]
    """
    from seqkit.data.word_splitting import split_words

    current = []

    def close():
        while current:
            piece = current[:MAX_SENTENCE_TOKENS]
            del current[:MAX_SENTENCE_TOKENS]
            if any(_WORD_CHARACTER.search(token) for token in piece):
                yield piece

    for line in lines:
        if not line.strip():
            yield from close()
            continue
        for word in split_words(line):
            current.append(word)
            if word in SENTENCE_END:
                yield from close()
    yield from close()


def read_sequences(path, level):
    """Token sequences of a UTF-8 text file at `level`, as a list (see `iter_sequences`).

    Raises:
        seqkit.errors.UserInputError: the file is missing, empty, binary or not UTF-8, or has no sequence at
            this level (no non-blank line; no sentence with a word).
    """
    return list(iter_sequences(path, level))


def iter_sequences(path, level):
    """Stream the token sequences of a UTF-8 text file at `level`, reading it a line at a time.

    Args:
        path: the file.
        level: `"char"` (one sequence per non-blank line) or `"word"` (sentences of running text).

    Yields:
        Each sequence as a token list.

    Raises:
        seqkit.errors.UserInputError: as `read_sequences`; a problem further on in the file is raised when
            the iteration reaches it, and "no ... to read" when it ends without a sequence.

    Example:

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "text.txt"
    >>> _ = path.write_text("The cat sat. The dog\\nran!\\n")
    >>> for tokens in iter_sequences(path, "word"):
    ...     print(tokens)
    ['The', 'cat', 'sat', '.']
    ['The', 'dog', 'ran', '!']
    """
    from seqkit.data.text_files import iter_text_lines

    check_level(level)
    lines = iter_text_lines(path)
    if level == "char":
        sequences = (list(line.strip()) for line in lines if line.strip())
    else:
        sequences = iter_sentences(lines)
    empty = True
    for sequence in sequences:
        empty = False
        yield sequence
    if empty:
        what = "non-blank line" if level == "char" else "sentence with a word (letters or digits)"
        raise UserInputError(f"no {what} to read at --level {level}", path=path)


# === The same, in plain TensorFlow ops (for SavedModel signatures) ===


def tf_tokenize(texts, level):
    """A ragged `(batch, None)` string tensor of the tokens of each string in the 1-D tensor `texts`."""
    import tensorflow as tf

    if level == "char":
        return tf.strings.unicode_split(tf.strings.strip(texts), "UTF-8")
    from seqkit.data.word_splitting import tf_split_words

    return tf_split_words(texts)


def tf_detokenize(tokens, level):
    """A `(batch,)` string tensor joining a ragged or dense (`""`-padded) `(batch, None)` token tensor."""
    import tensorflow as tf

    if level == "char":
        return tf.strings.reduce_join(tokens, axis=-1)
    text = tf.strings.strip(tf.strings.regex_replace(tf.strings.reduce_join(tokens, axis=-1, separator=" "), " +", " "))
    for pattern, replacement in DETOKENIZE_RULES:
        for _ in range(2):
            text = tf.strings.regex_replace(text, pattern, replacement)
    return text


# === Running text (`unit="text"`): one stream of tokens with the line break as a token ===

UNITS = ("line", "text")
# The line break as a token: vocabulary.txt holds one token per line, so it has a reserved name.
NEWLINE = "<NL>"
# Lines read to choose the unit, and the share of short lines (a list of names) that makes it `line`.
UNIT_SNIFF_LINES = 10_000
SHORT_LINE_WORDS = 3
SHORT_LINE_CHARACTERS = 30
SHORT_LINE_SHARE = 0.9


def check_unit(unit):
    if unit is not None and unit not in UNITS:
        raise UserInputError(f"`unit` must be one of {', '.join(UNITS)}. Received: unit={unit!r}")
    return unit


def choose_unit(lines):
    """`(unit, reason)` for lines of a corpus: `"line"` when at least 90 % of its non-blank lines are short
    (at most 3 words and 30 characters: a list of names, words, ...), else `"text"` (prose, verse).

    Example:

    >>> choose_unit(["Aldra", "Benn Torlin", "Cael"])[0]
    'line'
    >>> choose_unit(["Before we proceed any further, hear me speak.", "Speak, speak."])[0]
    'text'
    """
    import itertools

    non_blank = [line.strip() for line in itertools.islice(lines, UNIT_SNIFF_LINES) if line.strip()]
    short = sum(len(line.split()) <= SHORT_LINE_WORDS and len(line) <= SHORT_LINE_CHARACTERS for line in non_blank)
    share = short / len(non_blank) if non_blank else 1.0
    unit = "line" if share >= SHORT_LINE_SHARE else "text"
    reason = (
        f"{share:.0%} of the first {len(non_blank)} non-blank lines have at most {SHORT_LINE_WORDS} words and "
        f"{SHORT_LINE_CHARACTERS} characters ({'at least' if unit == 'line' else 'under'} "
        f"{SHORT_LINE_SHARE:.0%}: {'independent items' if unit == 'line' else 'running text'})"
    )
    return unit, reason


def choose_file_unit(path):
    """`choose_unit` of the first lines of a UTF-8 text file."""
    from seqkit.data.text_files import iter_text_lines

    return choose_unit(iter_text_lines(path))


def stream_line_tokens(line, level):
    """The tokens of one line of running text, `NEWLINE` last: every character at `char` level (spaces
    included), the words at `word` level.

    Example:

    >>> stream_line_tokens("Hear me.", "char")[-2:]
    ['.', '<NL>']
    >>> stream_line_tokens("Hear me.", "word")
    ['Hear', 'me', '.', '<NL>']
    """
    if level == "char":
        return [*line, NEWLINE]
    from seqkit.data.word_splitting import split_words

    return [*split_words(line), NEWLINE]


def iter_stream_lines(path, level):
    """Stream the lines of a UTF-8 text file as token lists ending with `NEWLINE` (blank lines included:
    a lone `NEWLINE`), for `unit="text"`."""
    from seqkit.data.text_files import iter_text_lines

    check_level(level)
    empty = True
    for line in iter_text_lines(path):
        empty = empty and not line.strip()
        yield stream_line_tokens(line, level)
    if empty:
        raise UserInputError("no non-blank line to read", path=path)


def tokenize_stream(text, level):
    """Tokens of running text (line breaks become `NEWLINE`; no `NEWLINE` after the last line)."""
    lines = text.split("\n")
    tokens = [token for line in lines for token in stream_line_tokens(line, level)]
    return tokens[:-1]


def detokenize_stream(tokens, level):
    """Text of a token stream: `NEWLINE` becomes a line break, each line joined as `detokenize` does.

    Example:

    >>> detokenize_stream(["Hear", "me", ".", "<NL>", "Speak", "!"], "word")
    'Hear me.\\nSpeak!'
    """
    lines, current = [], []
    for token in tokens:
        if token == NEWLINE:
            lines.append(detokenize(current, level))
            current = []
        else:
            current.append(token)
    lines.append(detokenize(current, level))
    return "\n".join(lines)


def tf_tokenize_stream(texts, level):
    """`tokenize_stream` in plain TensorFlow ops: a ragged `(batch, None)` string tensor of the tokens of each
    string of the 1-D tensor `texts`, line breaks as `NEWLINE` (none after the last line)."""
    import tensorflow as tf

    lines = tf.strings.split(texts, sep="\n")  # (batch, lines); "" is one empty line
    flat = lines.flat_values
    if level == "char":
        tokens = tf.strings.unicode_split(flat, "UTF-8")
    else:
        from seqkit.data.word_splitting import tf_split_words

        tokens = tf_split_words(flat)
    breaks = tf.fill(tf.stack([tf.shape(flat, out_type=tf.int64)[0], 1]), NEWLINE)
    with_breaks = tf.concat([tokens, tf.RaggedTensor.from_tensor(breaks)], axis=1)
    stream = lines.with_flat_values(with_breaks).merge_dims(1, 2)
    return stream[:, :-1]


def tf_detokenize_stream(tokens, level):
    """`detokenize_stream` in plain TensorFlow ops: a `(batch,)` string tensor of a `(batch, None)` token
    tensor (`""` tokens left out), `NEWLINE` as a line break and each line joined as `detokenize` does."""
    import tensorflow as tf

    tokens = tf.where(tokens == NEWLINE, "\n", tokens)
    if level == "char":
        return tf.strings.reduce_join(tokens, axis=-1)
    # Words joined by single spaces, no space around a line break, then the rules applied within each line.
    text = tf.strings.reduce_join(tokens, axis=-1, separator=" ")
    text = tf.strings.regex_replace(text, " +", " ")
    text = tf.strings.regex_replace(tf.strings.regex_replace(text, "^ | $", ""), " ?\n ?", "\n")
    for pattern, replacement in DETOKENIZE_RULES:
        for _ in range(2):
            text = tf.strings.regex_replace(text, "(?m)" + pattern, replacement)
    return text
