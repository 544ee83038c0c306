"""Map exceptions to exit codes: user errors exit 2 with one line, runtime failures exit 1."""

import functools
import os
import sys

import click

from seqkit.errors import UserInputError

USER_ERROR_EXIT_CODE = 2
RUNTIME_ERROR_EXIT_CODE = 1


def report_errors(command):
    """Decorate a Click command callback so failures print one line instead of a traceback.

    `UserInputError` (bad file, bad line, bad value) exits 2; any other exception exits 1. Set
    `SEQKIT_DEBUG=1` to re-raise and see the traceback.

    Example:

    >>> @report_errors
    ... def fit():
    ...     raise UserInputError("expected 2 columns, found 3", path="train.txt", line=4)
    """

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except UserInputError as error:
            if os.environ.get("SEQKIT_DEBUG"):
                raise
            click.echo(f"Error: {error}", err=True)
            sys.exit(USER_ERROR_EXIT_CODE)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(130)
        except Exception as error:
            if os.environ.get("SEQKIT_DEBUG"):
                raise
            lines = [line.strip() for line in str(error).splitlines() if line.strip()]
            # TensorFlow puts the cause on the last line of its multi-line messages.
            message = lines[-1] if lines else ""
            click.echo(f"Error: {type(error).__name__}: {message}", err=True)
            click.echo("Set SEQKIT_DEBUG=1 to see the traceback.", err=True)
            sys.exit(RUNTIME_ERROR_EXIT_CODE)

    return wrapper
