"""CoNLL-format readers and writer for token tagging corpora.

The format has one token per line with whitespace-separated columns (the token first and
the tag last by default), a blank line between sentences, and optional `-DOCSTART-`
lines, which are skipped. Tags are normalised to IOB2 whatever the file's scheme.

Example:

>>> import pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "train.txt"
>>> _ = path.write_text("-DOCSTART- O\\n\\nJohn I-PER\\nSmith I-PER\\nspoke O\\n")
>>> sentences = read_conll(path)
>>> sentences[0].tokens, sentences[0].tags, sentences[0].line
(['John', 'Smith', 'spoke'], ['B-PER', 'I-PER', 'O'], 3)
"""

import codecs
import dataclasses

from seqkit.data import atomic, tagging_schemes
from seqkit.errors import UserInputError

_DOCSTART = "-DOCSTART-"


@dataclasses.dataclass
class TaggedSentence:
    """One sentence of a tagging corpus.

    Args:
        tokens: the tokens, as a list of strings.
        tags: one IOB2 tag per token.
        line: the 1-based line (or row) of the first token in the source file.
    """

    tokens: list
    tags: list
    line: int


def _decoded_lines(path, encoding):
    """Yields `(line_number, text)` for each line, reporting the line of a bad byte."""
    decoder = codecs.getincrementaldecoder(encoding)()
    number = 0
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                text = decoder.decode(raw)
            except UnicodeDecodeError as error:
                byte = raw[error.start] if error.start < len(raw) else None
                what = "byte" if byte is None else f"byte 0x{byte:02x}"
                raise UserInputError(
                    f"cannot decode {what} at byte {error.start + 1} of the line as {encoding}",
                    path=path,
                    line=number,
                ) from None
            if number == 1:
                text = text.lstrip("\ufeff")
            yield number, text
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise UserInputError(
            f"the file ends inside a multi-byte {encoding} character",
            path=path,
            line=number,
        ) from None


def _column(index, name, width, path, line):
    if not -width <= index < width:
        raise UserInputError(
            f"`{name}`={index} is out of range for a line with {width} columns",
            path=path,
            line=line,
        )
    return index % width


def _raw_sentences(path, tag_column, token_column, encoding):
    """Yields `(tokens, tags, first_line)` per sentence, checking column counts."""
    width = None
    tokens, tags, first = [], [], None
    for number, text in _decoded_lines(path, encoding):
        fields = text.split()
        if not fields:
            if tokens:
                yield tokens, tags, first
                tokens, tags, first = [], [], None
            continue
        if fields[0] == _DOCSTART:
            continue
        if width is None:
            width = len(fields)
            tag_index = _column(tag_column, "tag_column", width, path, number)
            token_index = _column(token_column, "token_column", width, path, number)
            if tag_index == token_index:
                raise UserInputError(
                    f"expected a token and a tag column, found {width} column"
                    f"{'s' if width != 1 else ''}",
                    path=path,
                    line=number,
                )
            first_width_line = number
        elif len(fields) != width:
            raise UserInputError(
                f"expected {width} columns like line {first_width_line}, found {len(fields)}",
                path=path,
                line=number,
            )
        if first is None:
            first = number
        tokens.append(fields[token_index])
        tags.append(fields[tag_index])
    if tokens:
        yield tokens, tags, first


def tagged_sentence(tokens, tags, line, *, scheme, path=None):
    """Validates one sentence's tags strictly and returns it with IOB2 tags.

    Readers share this step; the tags of a sentence are on consecutive lines (or rows)
    starting at `line`, so an error points at the offending tag's line.

    Args:
        tokens: the tokens.
        tags: the tags in `scheme`.
        line: the line (or row) of the first token.
        scheme: `"iob1"`, `"iob2"` or `"bioes"`.
        path: the source file, for error messages.

    Returns:
        A `TaggedSentence`.

    Raises:
        UserInputError: for the first tag that breaks the scheme.

    Example:

    >>> tagged_sentence(["Lima"], ["S-LOC"], 4, scheme="bioes")
    TaggedSentence(tokens=['Lima'], tags=['B-LOC'], line=4)
    """
    try:
        tagging_schemes.validate(tags, scheme, strict=True)
    except tagging_schemes.InvalidTagError as error:
        raise UserInputError(str(error), path=path, line=line + error.position) from None
    return TaggedSentence(tokens, tagging_schemes.to_iob2(tags, scheme), line)


def _check_arguments(scheme, tag_column, token_column, encoding):
    try:
        codecs.lookup(encoding)
    except (LookupError, TypeError):
        raise ValueError(
            f"`encoding` must name a text encoding. Received: encoding={encoding!r}"
        ) from None
    choices = ("auto",) + tagging_schemes.SCHEMES
    if scheme not in choices:
        raise ValueError(
            f"`scheme` must be one of {', '.join(choices)}. Received: scheme={scheme!r}"
        )
    for name, value in (("tag_column", tag_column), ("token_column", token_column)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"`{name}` must be an integer. Received: {name}={value!r}")


def iter_conll(path, *, tag_column=-1, token_column=0, scheme="auto", encoding="utf-8"):
    """Streams the sentences of a CoNLL-format file with constant memory.

    With `scheme="auto"` the file is read twice: once to detect the tag scheme from all
    its tags, once to yield sentences. Errors are raised when the offending line is
    reached, so some sentences may have been yielded before an error.

    Args:
        path: the file to read.
        tag_column: index of the tag column (negative counts from the end).
        token_column: index of the token column.
        scheme: `"auto"`, `"iob1"`, `"iob2"` or `"bioes"`: the scheme of the file's tags.
        encoding: the file's text encoding.

    Yields:
        `TaggedSentence` objects with IOB2 tags.

    Raises:
        UserInputError: with the file and line, for a line whose column count differs
            from the first token line, a tag outside the scheme or one that continues no
            entity, bytes that cannot be decoded, or a file with no sentence.

    Example:

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "valid.txt"
    >>> _ = path.write_text("Rome NNP S-LOC\\n\\nhi UH O\\n")
    >>> [s.tags for s in iter_conll(path)]
    [['B-LOC'], ['O']]
    """
    _check_arguments(scheme, tag_column, token_column, encoding)
    return _stream(path, tag_column, token_column, scheme, encoding)


def detect_file_scheme(path, *, tag_column=-1, token_column=0, encoding="utf-8"):
    """The tag scheme (`"iob1"`, `"iob2"` or `"bioes"`) of a CoNLL file, from all its tags, in one streaming pass.

    Example:

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "train.txt"
    >>> _ = path.write_text("Rome S-LOC\\n\\nNew B-LOC\\nYork E-LOC\\n")
    >>> detect_file_scheme(path)
    'bioes'
    """
    _check_arguments("auto", tag_column, token_column, encoding)
    return tagging_schemes.detect_scheme(tags for _, tags, _ in _raw_sentences(path, tag_column, token_column, encoding))


def _stream(path, tag_column, token_column, scheme, encoding):
    if scheme == "auto":
        scheme = detect_file_scheme(path, tag_column=tag_column, token_column=token_column, encoding=encoding)
    count = 0
    for raw_sentence in _raw_sentences(path, tag_column, token_column, encoding):
        count += 1
        yield tagged_sentence(*raw_sentence, scheme=scheme, path=path)
    if count == 0:
        raise UserInputError("no sentences found", path=path)


def read_conll(path, *, tag_column=-1, token_column=0, scheme="auto", encoding="utf-8"):
    """Reads a whole CoNLL-format file into memory.

    Args:
        path: the file to read.
        tag_column: index of the tag column (negative counts from the end).
        token_column: index of the token column.
        scheme: `"auto"`, `"iob1"`, `"iob2"` or `"bioes"`: the scheme of the file's tags.
        encoding: the file's text encoding.

    Returns:
        A list of `TaggedSentence` with IOB2 tags.

    Raises:
        UserInputError: as `iter_conll`; nothing is returned when the file has an error.

    Example:

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "train.txt"
    >>> _ = path.write_text("EU NNP I-ORG\\nrejects VBZ O\\n")
    >>> read_conll(path)[0].tags
    ['B-ORG', 'O']
    """
    _check_arguments(scheme, tag_column, token_column, encoding)
    raw = list(_raw_sentences(path, tag_column, token_column, encoding))
    if not raw:
        raise UserInputError("no sentences found", path=path)
    if scheme == "auto":
        scheme = tagging_schemes.detect_scheme(tags for _, tags, _ in raw)
    return [tagged_sentence(*raw_sentence, scheme=scheme, path=path) for raw_sentence in raw]


def format_conll(sentences, *, scheme="iob2"):
    """The text of a two-column CoNLL file (`token tag`) holding `sentences`.

    Each token is one `token tag` line and a blank line separates sentences; this is
    exactly what `write_conll` writes.

    Args:
        sentences: an iterable of `TaggedSentence` or of `(tokens, tags)` pairs with
            IOB2 tags.
        scheme: the scheme to write the tags in: `"iob2"`, `"iob1"` or `"bioes"`.

    Returns:
        The text, as a `str`.

    Example:

    >>> format_conll([(["New", "York"], ["B-LOC", "I-LOC"]), (["hi"], ["O"])], scheme="bioes")
    'New B-LOC\\nYork E-LOC\\n\\nhi O\\n'
    """
    if scheme not in tagging_schemes.SCHEMES:
        raise ValueError(
            f"`scheme` must be one of {', '.join(tagging_schemes.SCHEMES)}. "
            f"Received: scheme={scheme!r}"
        )
    blocks = []
    for index, sentence in enumerate(sentences):
        if isinstance(sentence, TaggedSentence):
            tokens, tags = sentence.tokens, sentence.tags
        else:
            tokens, tags = sentence
        if len(tokens) != len(tags) or not tokens:
            raise ValueError(
                f"Sentence {index} must have as many tags as tokens and at least one "
                f"token. Received: {len(tokens)} tokens and {len(tags)} tags"
            )
        for token in tokens:
            if not token or len(token.split()) != 1 or token.strip() != token:
                raise ValueError(
                    f"Tokens must be non-empty and contain no whitespace. "
                    f"Received: token={token!r} in sentence {index}"
                )
        tags = tagging_schemes.from_iob2(list(tags), scheme)
        blocks.append("".join(f"{tok} {tag}\n" for tok, tag in zip(tokens, tags)))
    return "\n".join(blocks)


def write_conll(path, sentences, *, scheme="iob2", encoding="utf-8"):
    """Writes sentences as a two-column CoNLL file (`token tag`), atomically.

    The text is `format_conll(sentences, scheme=scheme)`.

    Args:
        path: the file to write (replaced if it exists).
        sentences: an iterable of `TaggedSentence` or of `(tokens, tags)` pairs with
            IOB2 tags.
        scheme: the scheme to write the tags in: `"iob2"`, `"iob1"` or `"bioes"`.
        encoding: the text encoding.

    Returns:
        The path written, as a `pathlib.Path`.

    Example:

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> _ = write_conll(path, [(["Paris", "sleeps"], ["B-LOC", "O"])])
    >>> path.read_text()
    'Paris B-LOC\\nsleeps O\\n'
    """
    text = format_conll(sentences, scheme=scheme)
    return atomic.atomic_write_text(path, text, encoding=encoding)
