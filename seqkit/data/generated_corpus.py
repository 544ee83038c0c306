"""The command line shared by the scripts that generate seqkit's embedded corpora.

Each embedded corpus (`apps/*/data/`) is committed together with the script that
generated it. A script defines `generate(seed)`, returning `{file name: text}`, and calls
`generator_main`; run with no options it rewrites the files beside it, and with `--check`
it verifies that the committed files are exactly what the generator makes. The output
depends only on `--seed` (default 2026). This module does not import TensorFlow.

Example:

>>> import pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> def generate(seed):
...     return {"numbers.txt": f"{seed}\\n{seed + 1}\\n"}
>>> generator_main("Writes numbers.txt.", generate, folder, [])
wrote .../numbers.txt (2 lines)
0
>>> generator_main("Writes numbers.txt.", generate, folder, ["--check"])
corpus files match the generator: numbers.txt
0
"""

import argparse
import pathlib
import sys

from seqkit.data.atomic import atomic_write_text

DEFAULT_SEED = 2026


def stale_files(files, folder, encoding="utf-8"):
    """The names in `files` whose file in `folder` is missing or differs, byte for byte.

    Args:
        files: a `{file name: text}` mapping, as a generator returns it.
        folder: the folder holding the committed files.
        encoding: the files' text encoding.

    Returns:
        A list of the stale file names, in the order of `files`.

    Example:

    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.txt").write_text("x\\n")
    >>> stale_files({"a.txt": "x\\n", "b.txt": "y\\n"}, folder)
    ['b.txt']
    """
    folder = pathlib.Path(folder)
    stale = []
    for name, text in files.items():
        path = folder / name
        if not path.is_file() or path.read_bytes() != text.encode(encoding):
            stale.append(name)
    return stale


def generator_main(doc, generate, folder, argv=None):
    """Runs a corpus generator script: writes its files, or checks them with `--check`.

    Options: `--seed N` (default 2026) is passed to `generate`; `--out DIR` writes or
    checks the files in `DIR` instead of `folder`; `--check` compares each generated
    text byte for byte with the file of that name, prints the stale ones to stderr and
    returns 1 if any is missing or differs. Without `--check` every file is written
    atomically (`seqkit.data.atomic.atomic_write_text`) and reported on stdout.

    Args:
        doc: the script's docstring; its first line describes the command.
        generate: a function of the seed returning `{file name: text}`.
        folder: the folder the files belong in (usually the script's own).
        argv: the command-line arguments; `None` reads `sys.argv[1:]`.

    Returns:
        The exit status: 0, or 1 when `--check` finds stale files.

    Example:

    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "seed.txt").write_text("1\\n")
    >>> generator_main("Writes seed.txt.", lambda seed: {"seed.txt": f"{seed}\\n"}, folder, ["--check"])
    1
    """
    parser = argparse.ArgumentParser(description=doc.strip().splitlines()[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="the generator's seed")
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path(folder), help="where the files are")
    parser.add_argument("--check", action="store_true", help="verify the committed files instead of writing")
    args = parser.parse_args(argv)
    files = generate(args.seed)
    if args.check:
        stale = stale_files(files, args.out)
        for name in stale:
            print(f"{args.out / name} differs from the generator's output", file=sys.stderr)
        if stale:
            print(f"out of date: {', '.join(stale)} (rerun without --check)", file=sys.stderr)
            return 1
        print(f"corpus files match the generator: {', '.join(files)}")
        return 0
    for name, text in files.items():
        path = atomic_write_text(args.out / name, text)
        lines = text.count("\n")
        print(f"wrote {path} ({lines} line{'' if lines == 1 else 's'})")
    return 0
