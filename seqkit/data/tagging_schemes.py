"""Entity tag schemes: IOB1, IOB2 and BIOES, and conversion between tags and spans.

Three schemes are understood; in all of them `O` marks a token outside any entity and
every other tag is `PREFIX-TYPE` (the type may itself contain `-`):

- **IOB1** (the original CoNLL-2003 files): `I-TYPE` starts and continues an entity;
  `B-TYPE` appears only on the first token of an entity that directly follows another
  entity of the same type.
- **IOB2**: `B-TYPE` starts every entity, `I-TYPE` continues it. This is the scheme
  seqkit uses inside (readers normalise to it).
- **BIOES**: `B-` begins, `I-` continues and `E-` ends a multi-token entity; `S-` marks a
  single-token entity.

Decoding is lenient the way the CoNLL evaluation script (conlleval) is: an `I-TYPE` (or
`E-TYPE`) that does not continue an open entity of its type starts a new one. `validate`
with `strict=True` reports such tags instead.

Example:

>>> to_iob2(["I-PER", "I-PER", "B-PER", "O"], "iob1")
['B-PER', 'I-PER', 'B-PER', 'O']
>>> from_iob2(["B-PER", "I-PER", "O", "B-LOC"], "bioes")
['B-PER', 'E-PER', 'O', 'S-LOC']
>>> spans(["B-ORG", "I-ORG", "O", "B-LOC"])
[('ORG', 0, 2), ('LOC', 3, 4)]
"""

SCHEMES = ("iob1", "iob2", "bioes")

_PREFIXES = {
    "iob1": ("B", "I"),
    "iob2": ("B", "I"),
    "bioes": ("B", "I", "E", "S"),
}


class InvalidTagError(ValueError):
    """A tag that is malformed or breaks the rules of its scheme.

    Args:
        message: what is wrong.
        position: 0-based index of the offending tag in its sequence.
        tag: the offending tag.
    """

    def __init__(self, message, position, tag):
        self.position = position
        self.tag = tag
        super().__init__(message)


def _check_scheme(scheme, allow_auto=False):
    choices = SCHEMES + (("auto",) if allow_auto else ())
    if scheme not in choices:
        raise ValueError(
            f"`scheme` must be one of {', '.join(choices)}. Received: scheme={scheme!r}"
        )


def split_tag(tag):
    """Splits a tag into `(prefix, type)`; `O` gives `("O", None)`.

    Args:
        tag: a tag string such as `"B-PER"` or `"O"`.

    Returns:
        A `(prefix, type)` tuple. Raises `InvalidTagError` (position 0) for a tag that is
        neither `O` nor `X-TYPE` with a one-letter prefix in B, I, E, S and a non-empty type.

    Example:

    >>> split_tag("I-MISC")
    ('I', 'MISC')
    """
    if tag == "O":
        return "O", None
    if (
        isinstance(tag, str)
        and len(tag) > 2
        and tag[1] == "-"
        and tag[0] in "BIES"
        and tag[2:].strip() == tag[2:]
    ):
        return tag[0], tag[2:]
    raise InvalidTagError(f"tag {tag!r} is not O or PREFIX-TYPE with PREFIX in B, I, E, S", 0, tag)


def _split_all(tags):
    parts = []
    for position, tag in enumerate(tags):
        try:
            parts.append(split_tag(tag))
        except InvalidTagError as error:
            raise InvalidTagError(str(error), position, tag) from None
    return parts


def validate(tags, scheme, *, strict=True):
    """Checks one tag sequence against a scheme.

    Malformed tags and prefixes the scheme does not use (`E-`/`S-` in IOB1 or IOB2) are
    always errors. With `strict=True` the sequence must also be well formed: in IOB2 an
    `I-TYPE` must follow `B-TYPE` or `I-TYPE`; in BIOES `I-`/`E-` must continue an open
    entity of their type and every `B-`/`I-` must be followed by `I-` or `E-` of the same
    type; in IOB1 a `B-TYPE` must directly follow an entity of type `TYPE`.

    Args:
        tags: a sequence of tag strings.
        scheme: `"iob1"`, `"iob2"` or `"bioes"`.
        strict: whether to check well-formedness as well as the tag alphabet.

    Raises:
        InvalidTagError: for the first offending tag, with its `position`.

    Example:

    >>> validate(["B-PER", "I-PER", "O"], "iob2")
    >>> validate(["O", "I-PER"], "iob2")
    Traceback (most recent call last):
    ...
    seqkit.data.tagging_schemes.InvalidTagError: tag 'I-PER' continues no PER entity \
(an entity must start with B-PER in iob2)
    """
    _check_scheme(scheme)
    parts = _split_all(tags)
    allowed = _PREFIXES[scheme]
    for position, (prefix, _) in enumerate(parts):
        if prefix != "O" and prefix not in allowed:
            names = ", ".join(f"{p}-TYPE" for p in allowed)
            raise InvalidTagError(
                f"tag {tags[position]!r} is not valid in {scheme} (expected O, {names})",
                position,
                tags[position],
            )
    if not strict:
        return
    previous = ("O", None)
    for position, (prefix, kind) in enumerate(parts):
        tag = tags[position]
        following = parts[position + 1] if position + 1 < len(parts) else ("O", None)
        inside = previous[0] in ("B", "I") and previous[1] == kind
        if scheme == "iob1":
            if prefix == "B" and not inside:
                raise InvalidTagError(
                    f"tag {tag!r} does not follow a {kind} entity (iob1 uses B- only "
                    f"between two adjacent entities of the same type)",
                    position,
                    tag,
                )
        elif prefix in ("I", "E") and not inside:
            start = "B-" + kind if scheme == "iob2" else f"B-{kind} or S-{kind}"
            raise InvalidTagError(
                f"tag {tag!r} continues no {kind} entity (an entity must start with "
                f"{start} in {scheme})",
                position,
                tag,
            )
        elif (
            scheme == "bioes"
            and prefix in ("B", "I")
            and (following[0] not in ("I", "E") or following[1] != kind)
        ):
            raise InvalidTagError(
                f"tag {tag!r} is not followed by I-{kind} or E-{kind} (bioes ends "
                f"every multi-token entity with E-)",
                position,
                tag,
            )
        previous = (prefix, kind)


def spans(tags, scheme="iob2"):
    """Decodes a tag sequence into entity spans.

    Decoding is lenient like conlleval: an `I-`/`E-` tag that continues no open entity of
    its type starts a new entity. Malformed tags raise `InvalidTagError`.

    Args:
        tags: a sequence of tag strings.
        scheme: the scheme of `tags`: `"iob2"` (default), `"iob1"` or `"bioes"`.

    Returns:
        A list of `(type, start, end)` tuples with `end` exclusive, in order.

    Example:

    >>> spans(["B-PER", "I-PER", "B-PER", "O", "I-LOC"])
    [('PER', 0, 2), ('PER', 2, 3), ('LOC', 4, 5)]
    """
    _check_scheme(scheme)
    validate(tags, scheme, strict=False)
    result = []
    open_kind, open_start = None, None

    def close(end):
        if open_kind is not None:
            result.append((open_kind, open_start, end))

    for position, (prefix, kind) in enumerate(_split_all(tags)):
        continues = prefix in ("I", "E") and kind == open_kind
        if not continues:
            close(position)
            open_kind, open_start = (None, None) if prefix == "O" else (kind, position)
        if prefix in ("E", "S"):
            close(position + 1)
            open_kind, open_start = None, None
    close(len(tags))
    return result


def tags_from_spans(entity_spans, length, scheme="iob2"):
    """Encodes entity spans as a tag sequence.

    Args:
        entity_spans: an iterable of `(type, start, end)` with `end` exclusive; spans must
            not overlap and must lie inside `[0, length)`.
        length: the number of tokens.
        scheme: the scheme to write: `"iob2"` (default), `"iob1"` or `"bioes"`.

    Returns:
        A list of `length` tags.

    Example:

    >>> tags_from_spans([("LOC", 1, 3)], 4)
    ['O', 'B-LOC', 'I-LOC', 'O']
    """
    _check_scheme(scheme)
    if not isinstance(length, int) or length < 0:
        raise ValueError(f"`length` must be a non-negative integer. Received: length={length!r}")
    tags = ["O"] * length
    last_end, last_kind = None, None
    for kind, start, end in sorted(entity_spans, key=lambda span: span[1]):
        if not (0 <= start < end <= length):
            raise ValueError(
                f"Span ({kind!r}, {start}, {end}) must satisfy 0 <= start < end <= "
                f"length. Received: length={length}"
            )
        if last_end is not None and start < last_end:
            raise ValueError(f"Spans overlap. Received: ({kind!r}, {start}, {end})")
        if scheme == "bioes":
            if end - start == 1:
                tags[start] = "S-" + kind
            else:
                tags[start] = "B-" + kind
                tags[start + 1 : end - 1] = ["I-" + kind] * (end - start - 2)
                tags[end - 1] = "E-" + kind
        else:
            first = "B-" + kind
            if scheme == "iob1" and not (last_end == start and last_kind == kind):
                first = "I-" + kind
            tags[start] = first
            tags[start + 1 : end] = ["I-" + kind] * (end - start - 1)
        last_end, last_kind = end, kind
    return tags


def to_iob2(tags, scheme):
    """Converts a tag sequence from `scheme` to IOB2.

    Args:
        tags: a sequence of tag strings.
        scheme: the scheme of `tags`: `"iob1"`, `"iob2"` or `"bioes"`.

    Returns:
        A new list of IOB2 tags. Ill-formed input is repaired the way `spans` decodes it.

    Example:

    >>> to_iob2(["S-LOC", "B-ORG", "E-ORG"], "bioes")
    ['B-LOC', 'B-ORG', 'I-ORG']
    """
    return tags_from_spans(spans(tags, scheme), len(tags), "iob2")


def from_iob2(tags, scheme):
    """Converts an IOB2 tag sequence to `scheme`.

    Args:
        tags: a sequence of IOB2 tags.
        scheme: the target scheme: `"iob1"`, `"iob2"` or `"bioes"`.

    Returns:
        A new list of tags in `scheme`.

    Example:

    >>> from_iob2(["B-PER", "B-PER", "O", "B-LOC"], "iob1")
    ['I-PER', 'B-PER', 'O', 'I-LOC']
    """
    _check_scheme(scheme)
    return tags_from_spans(spans(tags, "iob2"), len(tags), scheme)


def detect_scheme(tag_sequences):
    """Guesses the scheme of a corpus from its tag sequences.

    `E-`/`S-` prefixes mean BIOES. Otherwise the corpus is IOB1 when some entity starts
    with `I-` and no `B-` starts an entity after `O`, another type or the sentence start;
    anything else is IOB2 (so an IOB2 file with a stray `I-` is still detected as IOB2,
    and strict validation then points at the stray tag). Malformed tags are skipped here.

    Args:
        tag_sequences: an iterable of tag sequences (read once, so a generator works).

    Returns:
        `"iob1"`, `"iob2"` or `"bioes"`.

    Example:

    >>> detect_scheme([["I-PER", "O"], ["I-LOC", "B-LOC"]])
    'iob1'
    >>> detect_scheme([["B-PER", "E-PER"]])
    'bioes'
    """
    seen_i_start = seen_b_start = False
    for tags in tag_sequences:
        previous = (None, None)
        for tag in tags:
            try:
                prefix, kind = split_tag(tag)
            except InvalidTagError:
                previous = (None, None)
                continue
            if prefix in ("E", "S"):
                return "bioes"
            inside = previous[0] in ("B", "I") and previous[1] == kind
            if prefix == "I" and not inside:
                seen_i_start = True
            elif prefix == "B" and not inside:
                seen_b_start = True
            previous = (prefix, kind)
    return "iob1" if seen_i_start and not seen_b_start else "iob2"
