"""Errors that seqkit reports to users without a traceback."""


class UserInputError(ValueError):
    """Bad input from a user: a file, a line in it, or an option value.

    The CLI prints `str(error)` on one line and exits with status 2.

    Args:
        problem: what is wrong, in one sentence.
        path: the file the problem was found in, if any.
        line: the 1-based line (or row) number in `path`, if known.

    Example:

    >>> str(UserInputError("expected 4 columns, found 2", path="train.txt", line=7))
    'train.txt:7: expected 4 columns, found 2'
    """

    def __init__(self, problem, path=None, line=None):
        self.problem = problem
        self.path = None if path is None else str(path)
        self.line = line
        super().__init__(self._format())

    def _format(self):
        if self.path is None:
            return self.problem
        if self.line is None:
            return f"{self.path}: {self.problem}"
        return f"{self.path}:{self.line}: {self.problem}"


class DataWarning(UserWarning):
    """Something in a user's data that is probably a mistake but does not stop the run (a rare label, ...).

    The CLI prints it as one line, `Warning: <message>`, on standard error.

    Example:

    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warnings.warn(DataWarning("label '7' appears once (train.csv:3)"))
    >>> str(caught[0].message)
    "label '7' appears once (train.csv:3)"
    """
