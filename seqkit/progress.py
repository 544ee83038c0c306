"""Progress of long passes (reading, encoding, evaluating, exporting), on standard error.

On a terminal, a pass that lasts more than `delay` seconds (2 by default) shows a live line (a bar when the
total is known); elsewhere (a log file, CI) a pass that lasts more than 10 s writes one line every `interval`
seconds while it runs and one when it ends. Short passes print nothing, so quick commands and `--json` output
stay clean. Training has its own
progress bar (Keras's).

`quiet()` silences every progress line in its scope (the CLI's `--quiet`).

Example:

>>> import io
>>> stream = io.StringIO()
>>> with Progress("reading train.txt", unit="sentence", stream=stream, delay=0) as progress:
...     for _ in range(3):
...         progress.update()
>>> stream.getvalue().splitlines()[-1].split(": ")[1].split(" in ")[0]
'3 sentences'
"""

import contextlib
import sys
import time

_QUIET = [False]


@contextlib.contextmanager
def quiet(enabled=True):
    """Within this context, no `Progress` prints anything (when `enabled`)."""
    previous = _QUIET[0]
    _QUIET[0] = previous or bool(enabled)
    try:
        yield
    finally:
        _QUIET[0] = previous


class Progress:
    """Counts the items of one pass and reports them.

    Args:
        description: what the pass does, e.g. `"reading train.txt"`.
        unit: what an item is (singular), e.g. `"sentence"`; an `s` is added for counts other than 1.
        total: the number of items, when known (a bar and a percentage on a terminal).
        stream: where to write; standard error by default.
        delay: seconds before anything is shown (short passes show nothing); by default 2 on a terminal and
            10 elsewhere.
        interval: seconds between lines when the stream is not a terminal.
    """

    def __init__(self, description, unit="item", total=None, stream=None, delay=None, interval=30.0):
        self.description = description
        self.unit = unit
        self.total = total
        self.count = 0
        self.stream = stream if stream is not None else sys.stderr
        self._live = bool(getattr(self.stream, "isatty", lambda: False)())
        self.delay = delay if delay is not None else (2.0 if self._live else 10.0)
        self.interval = interval
        self._start = time.monotonic()
        self._last_shown = None
        self._shown = False

    def update(self, n=1):
        """Count `n` more items."""
        self.count += n
        now = time.monotonic()
        if _QUIET[0] or now - self._start < self.delay:
            return
        every = 0.2 if self._live else self.interval
        if self._last_shown is None or now - self._last_shown >= every:
            self._show(now, final=False)

    def close(self):
        """Show the final count (if the pass was long enough to be shown at all)."""
        now = time.monotonic()
        if _QUIET[0] or (now - self._start < self.delay and not self._shown):
            return
        self._show(now, final=True)

    def _show(self, now, final):
        elapsed = now - self._start
        counted = f"{self.count:,} {self.unit}{'' if self.count == 1 else 's'}"
        if self.total:
            share = min(self.count / self.total, 1.0)
            counted += f" of {self.total:,} ({share:.0%})"
            if self._live and not final:
                filled = int(share * 20)
                counted = f"[{'#' * filled}{'.' * (20 - filled)}] " + counted
        rate = f", {self.count / elapsed:,.0f}/s" if elapsed > 0 and self.count else ""
        line = f"{self.description}: {counted} in {elapsed:.1f} s{rate}"
        if self._live:
            self.stream.write("\r\033[K" + line + ("\n" if final else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()
        self._last_shown = now
        self._shown = True

    def __enter__(self):
        return self

    def __exit__(self, kind, value, traceback):
        if kind is None:
            self.close()
        elif self._live and self._shown:
            self.stream.write("\n")


def track(iterable, description, unit="item", total=None, **kwargs):
    """Yield the items of `iterable`, counting them with a `Progress`.

    Example:

    >>> sum(track(range(4), "adding", unit="number"))
    6
    """
    with Progress(description, unit=unit, total=total, **kwargs) as progress:
        for item in iterable:
            yield item
            progress.update()


@contextlib.contextmanager
def step(description, stream=None, delay=None):
    """Report a pass without items (e.g. writing an export): one line when it ends, if it took `delay` s
    (as for `Progress`).

    Example:

    >>> with step("exporting"):
    ...     pass
    """
    progress = Progress(description, unit="step", stream=stream, delay=delay)
    yield progress
    now = time.monotonic()
    if not _QUIET[0] and now - progress._start >= progress.delay:
        progress.stream.write(f"{description}: done in {now - progress._start:.1f} s\n")
        progress.stream.flush()
