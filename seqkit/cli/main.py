"""The root `seqkit` command; applications are mounted lazily so `--help` is instant."""

import contextlib
import importlib
import os
import sys
import warnings

import click

import seqkit

# Application name -> module holding its Click group named `group`.
APPLICATIONS = {
    "dna": "seqkit.apps.dna.cli",
    "lm": "seqkit.apps.lm.cli",
    "music": "seqkit.apps.music.cli",
    "ner": "seqkit.apps.ner.cli",
    "sentiment": "seqkit.apps.sentiment.cli",
    "speech": "seqkit.apps.speech.cli",
    "translate": "seqkit.apps.translate.cli",
    "video": "seqkit.apps.video.cli",
}

# Commands that are not applications -> module holding the Click command named `command`.
COMMANDS = {
    "serve": "seqkit.serve.cli",
}


class LazyAppGroup(click.Group):
    """A Click group that imports an application's command group only when it is used."""

    def list_commands(self, ctx):
        return sorted(set(APPLICATIONS) | set(COMMANDS))

    def get_command(self, ctx, name):
        if name in COMMANDS:
            return importlib.import_module(COMMANDS[name]).command
        module_name = APPLICATIONS.get(name)
        if module_name is None:
            return None
        return importlib.import_module(module_name).group


@click.group(cls=LazyAppGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(seqkit.__version__, prog_name="seqkit")
def cli():
    """seqkit: recurrent sequence models as finished applications."""
    warnings.showwarning = _show_warning


def main():
    if needs_tensorflow(sys.argv[1:]) and os.environ.get("SEQKIT_DEBUG") != "1":
        import_tensorflow_quietly()
    cli(prog_name="seqkit")


def _show_warning(message, category, filename, lineno, file=None, line=None):
    """`DataWarning`s as one `Warning: ...` line on stderr; other warnings as Python shows them."""
    from seqkit.errors import DataWarning

    if issubclass(category, DataWarning):
        click.echo(f"Warning: {message}", err=True)
    else:
        _PYTHON_SHOWWARNING(message, category, filename, lineno, file, line)


_PYTHON_SHOWWARNING = warnings.showwarning


def needs_tensorflow(arguments):
    """Whether a command line runs a verb (`seqkit <app> <verb> ...`) rather than asking for help or the version."""
    words = [word for word in arguments if not word.startswith("-")]
    return len(words) >= 2 and not {"-h", "--help", "--version"} & set(arguments)


@contextlib.contextmanager
def native_stderr_silenced():
    """Send what C/C++ code writes to file descriptor 2 to the null device within the block."""
    sys.stderr.flush()
    saved = os.dup(2)
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)


def import_tensorflow_quietly():
    """Import TensorFlow and probe its devices without the start-up lines it prints on every machine.

    TensorFlow's C++ start-up messages (oneDNN, CPU features, "Could not find cuda drivers", "failed call to
    cuInit") are written before its log level applies, so the import and the device probe run with file
    descriptor 2 on the null device; later C++ messages below errors and Python-side TensorFlow warnings are
    hidden through the log levels. `SEQKIT_DEBUG=1` keeps them all. An import that fails is retried with
    stderr restored, so that its error shows.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    try:
        with native_stderr_silenced():
            import tensorflow as tf

            tf.config.list_physical_devices()
            tf.add(tf.zeros(()), 0.0)  # the eager context and its CPU device start here, and log as they do
    except ImportError:
        return
    tf.get_logger().setLevel("ERROR")
    with contextlib.suppress(ImportError):
        from absl import logging as absl_logging

        absl_logging.set_verbosity(absl_logging.ERROR)
