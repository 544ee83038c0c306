"""Import a package that only some applications need, with an install hint when it is missing."""

import importlib

from seqkit.errors import UserInputError


class MissingPackageError(UserInputError):
    """An optional package is not installed (never a problem of the user's file)."""


def import_optional(module, extra):
    """Import `module`, or raise a `MissingPackageError` naming the pip extra that installs it.

    Example:

    >>> import_optional("json", "music").__name__
    'json'
    >>> import_optional("no_such_module_here", "music")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    ...
    seqkit.optional.MissingPackageError: this needs the Python package no_such_module_here; install it with: pip install 'seqkit[music]'
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingPackageError(
            f"this needs the Python package {module}; install it with: pip install 'seqkit[{extra}]'"
        ) from None
