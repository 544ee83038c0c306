"""Find a named column in a table, accepting common aliases of the default name."""

from seqkit.errors import UserInputError


def find_column(kind, requested, default, aliases, columns, path=None):
    """The column of `columns` that `requested` names.

    An exact match wins; otherwise names are compared case-insensitively, and when `requested` is the default
    name its `aliases` are tried too. No match is a `UserInputError` listing what was tried and found.

    Example:

    >>> find_column("token", "token", "token", ("word",), ["Sentence #", "Word", "Tag"])
    'Word'
    """
    if requested in columns:
        return requested
    candidates = (requested,) + (tuple(aliases) if requested == default else ())
    lowered = {str(column).strip().lower(): column for column in columns}
    for candidate in candidates:
        if candidate.lower() in lowered:
            return lowered[candidate.lower()]
    tried = ", ".join(repr(c) for c in dict.fromkeys(candidates))
    found = ", ".join(repr(str(c)) for c in columns)
    raise UserInputError(f"no {kind} column (tried {tried}); columns found: {found}", path=path)
