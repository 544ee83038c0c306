"""Raw text to CoNLL-style tokens with character offsets, and tagged tokens to entities.

The conventions follow the CoNLL-2003 / Penn Treebank style that NER corpora use:
punctuation stands apart (`"Paris."` → `"Paris"`, `"."`), clitics split (`"Smith's"` →
`"Smith"`, `"'s"`; `"don't"` → `"do"`, `"n't"`), while `"U.S."`, `"Mr."`, `"3.5"`,
`"1,000"`, `"10:30"`, hyphenated words (`"Jean-Luc"`), `"AT&T"`, e-mail addresses and
URLs stay whole. Word characters are Unicode's (letters and combining marks of any
script, digits), through the `regex` module.

Example:

>>> tokenize_with_offsets("Mr. Smith's firm paid $1,000.")
[('Mr.', 0, 3), ('Smith', 4, 9), ("'s", 9, 11), ('firm', 12, 16), ('paid', 17, 21), \
('$', 22, 23), ('1,000', 23, 28), ('.', 28, 29)]
"""

import regex

from seqkit.data import tagging_schemes

# Abbreviations that keep their full stop when written without internal periods.
_ABBREVIATIONS = (
    "Mr|Mrs|Ms|Dr|Prof|St|Jr|Sr|Inc|Ltd|Co|Corp|Bros|Gen|Gov|Sen|Rep|Rev|Lt|Col|Capt|Sgt"
    "|Mt|Ft|Ave|Blvd|vs|etc|Jan|Feb|Apr|Aug|Sep|Sept|Oct|Nov|Dec"
)
_CLITICS = r"['’](?i:s|re|ve|ll|d|m)\b"

_TOKEN = regex.compile(
    rf"""
      (?:https?://|www\.)[^\s<>"]*[^\s<>"'.,;:!?)\]}}]   # URL, without trailing punctuation
    | [\w.+-]+@\w[\w-]*(?:\.\w[\w-]*)+                  # e-mail address
    | (?:\p{{L}}\.){{2,}}                               # U.S., e.g., a.m.
    | (?:{_ABBREVIATIONS})\.                            # Mr., Inc.
    | \p{{Lu}}\.(?=\s+\p{{Lu}})                         # an initial: J. Smith
    | \d+(?:[.,:/]\d+)+                                 # 3.5, 1,000, 10:30, 1/2
    | \w+?(?=(?i:n['’]t)\b)                             # do|n't, ca|n't
    | (?i:n['’]t)\b                                     # n't
    | \w+(?:[-'’&]\w+)*?(?={_CLITICS})                  # Smith|'s, O'Neil|'s
    | (?<=\w){_CLITICS}                                 # 's 're 've 'll 'd 'm
    | \w+(?:[-'’&]\w+)*                                 # words, Jean-Luc, O'Neil, AT&T
    | \.\.\.+ | -- | [^\w\s]                            # ellipsis, dash, any other symbol
    """,
    regex.VERBOSE | regex.VERSION1,
)


def tokenize_with_offsets(text):
    """Splits raw text into tokens with their character offsets.

    Args:
        text: a string.

    Returns:
        A list of `(token, start, end)` tuples where `text[start:end] == token`; the
        tokens cover every non-whitespace character of `text` exactly once, in order.

    Example:

    >>> tokenize_with_offsets("Ann didn't visit the U.S. in 2020.")
    [('Ann', 0, 3), ('did', 4, 7), ("n't", 7, 10), ('visit', 11, 16), ('the', 17, 20), \
('U.S.', 21, 25), ('in', 26, 28), ('2020', 29, 33), ('.', 33, 34)]
    """
    if not isinstance(text, str):
        raise TypeError(f"`text` must be a str. Received: text of type {type(text).__name__}")
    return [(match.group(), match.start(), match.end()) for match in _TOKEN.finditer(text)]


def entities_from_tags(text, token_offsets, tags, scheme="iob2"):
    """Turns per-token tags into entities with character offsets in the original text.

    Args:
        text: the text the tokens came from.
        token_offsets: one `(token, start, end)` (as from `tokenize_with_offsets`) or
            `(start, end)` per token.
        tags: one tag per token.
        scheme: the scheme of `tags`: `"iob2"` (default), `"iob1"` or `"bioes"`. Stray
            `I-` tags start an entity, as in conlleval.

    Returns:
        A list of dicts `{"text", "type", "start", "end"}` with `end` exclusive, so that
        `text[start:end]` is the entity's text (including any spaces inside it).

    Example:

    >>> text = "Ada Lovelace met Babbage in London."
    >>> offsets = tokenize_with_offsets(text)
    >>> tags = ["B-PER", "I-PER", "O", "B-PER", "O", "B-LOC", "O"]
    >>> entities_from_tags(text, offsets, tags)[0]
    {'text': 'Ada Lovelace', 'type': 'PER', 'start': 0, 'end': 12}
    """
    if len(token_offsets) != len(tags):
        raise ValueError(
            "`token_offsets` and `tags` must have the same length. "
            f"Received: {len(token_offsets)} offsets and {len(tags)} tags"
        )
    bounds = [tuple(offset[-2:]) for offset in token_offsets]
    entities = []
    for kind, first, last in tagging_schemes.spans(list(tags), scheme):
        start, end = bounds[first][0], bounds[last - 1][1]
        entities.append({"text": text[start:end], "type": kind, "start": start, "end": end})
    return entities
