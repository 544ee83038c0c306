"""Sliding windows over a DNA record, and per-base predictions of overlapping windows stitched back together.

A model sees a long record (a chromosome) as windows of `window` bases; `window_starts` gives where they
start: at `0, stride, 2 * stride, ...` while a window ends before the record's end, then one last window
that ends exactly at the record's end (it starts at `length - window`, so it may overlap the one before it
by more than `window - stride`). Every window is full length, except the only window of a record shorter
than `window`, which is the whole record.

Where windows overlap, each position keeps the prediction of the window whose centre is nearest: two
consecutive windows split their overlap in halves (the earlier one takes the middle position of an odd
overlap); the first window keeps its left edge and the last its right edge. `WindowStitcher` does this as a
stream, holding one window at a time; `stitch` and `centre_slices` do it for a whole record.

Example:

>>> import numpy as np
>>> starts = window_starts(10, window=4, stride=3)
>>> starts
[0, 3, 6]
>>> truth = np.arange(10) * 10
>>> stitch(starts, [truth[s:s + 4] for s in starts], record_length=10)
array([ 0, 10, 20, 30, 40, 50, 60, 70, 80, 90])
>>> centre_slices(starts, window=4, length=10)
[slice(0, 4, None), slice(1, 4, None), slice(1, 4, None)]
"""

import numpy as np

from seqkit.errors import UserInputError


def _is_integer(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def check_window(window, stride):
    """Check the `window` and `stride` options (a positive window, a stride from 1 to `window`).

    Raises:
        seqkit.errors.UserInputError: e.g. "`stride` must be an integer from 1 to window (8). Received:
            stride=9".
    """
    if not _is_integer(window) or window < 1:
        raise UserInputError(f"`window` must be a positive integer. Received: window={window!r}")
    if not _is_integer(stride) or not 1 <= stride <= window:
        raise UserInputError(f"`stride` must be an integer from 1 to window ({window}). Received: stride={stride!r}")


def window_starts(length, *, window, stride):
    """The 0-based starts of the windows of a record of `length` bases (see the module docstring).

    Example:

    >>> window_starts(10, window=4, stride=4), window_starts(3, window=4, stride=2)
    ([0, 4, 6], [0])
    """
    check_window(window, stride)
    if not _is_integer(length) or length < 1:
        raise ValueError(f"`length` must be a positive integer. Received: length={length!r}")
    if length <= window:
        return [0]
    starts = list(range(0, length - window, stride))
    return starts + [length - window]


def _boundary(start, previous_end):
    """Where the window at `start` takes over from the window before it, ending at `previous_end`:
    the middle of their overlap, the middle position of an odd overlap going to the earlier window."""
    return (start + previous_end + 1) // 2


def centre_slices(starts, window, length):
    """The part of each window that `stitch` keeps, as a slice of the window.

    Args:
        starts: the sorted window starts (such as `window_starts(length, ...)`).
        window: the window length; a window is cut at the record's end.
        length: the record length.

    Returns:
        One `slice` per window, in window coordinates: window `i` gives positions `starts[i] + slice`.

    Example:

    >>> centre_slices([0, 2, 4], window=4, length=8)
    [slice(0, 3, None), slice(1, 3, None), slice(1, 4, None)]
    """
    starts = [int(start) for start in starts]
    ends = [min(start + window, length) for start in starts]
    _check_layout(starts, ends, length)
    cuts = [0] + [_boundary(start, end) for start, end in zip(starts[1:], ends)] + [length]
    return [slice(cuts[i] - start, cuts[i + 1] - start) for i, start in enumerate(starts)]


def _check_layout(starts, ends, length):
    if not starts:
        raise ValueError("`starts` must name at least one window. Received: starts=[]")
    if starts[0] != 0:
        raise ValueError(f"the first window must start at 0. Received: starts[0]={starts[0]}")
    for i in range(1, len(starts)):
        _check_next(starts[i - 1], ends[i - 1], starts[i], ends[i])
    if ends[-1] != length:
        raise ValueError(f"the last window must end at the record's end ({length}). Received: it ends at {ends[-1]}")


def _check_next(previous_start, previous_end, start, end):
    if start <= previous_start:
        raise ValueError(
            f"windows must come in order of their starts. Received: start={start} after start={previous_start}"
        )
    if start > previous_end:
        raise ValueError(
            f"windows must leave no gap. Received: start={start} after a window ending at {previous_end}"
        )
    if end <= previous_end:
        raise ValueError(
            f"a window must end after the one before it. Received: a window {start}..{end} after one ending at "
            f"{previous_end}"
        )


class WindowStitcher:
    """Joins the per-base predictions of overlapping windows of one record, as a stream.

    Feed the windows in order with `add`; each call returns the positions that are final (constant memory:
    the stitcher holds the last window only). Each position keeps the prediction of the window whose centre
    is nearest (see the module docstring).

    Args:
        record_length: the record length, if known. The window that ends there is the last one (`add`
            returns the rest of the record), and a window past it is an error. Without it, mark the last
            window with `add(..., is_last=True)` or call `finish`.

    Example:

    >>> import numpy as np
    >>> stitcher = WindowStitcher(record_length=6)
    >>> stitcher.add(0, np.array([0, 0, 0, 0])), stitcher.add(2, np.array([1, 1, 1, 1]))
    (array([], dtype=int64), array([0, 0, 0, 1, 1, 1]))
    >>> stitcher.done, stitcher.position
    (True, 6)
    """

    def __init__(self, record_length=None):
        if record_length is not None and (not _is_integer(record_length) or record_length < 1):
            raise ValueError(
                f"`record_length` must be a positive integer or None. Received: record_length={record_length!r}"
            )
        self.record_length = record_length
        self._pending = None  # (start, prediction) of the last window added
        self._position = 0
        self._done = False
        self._trailing = None  # shape and dtype of a position's prediction

    @property
    def position(self):
        """The number of positions returned so far (the record position the next chunk starts at)."""
        return self._position

    @property
    def done(self):
        """Whether the last window was added (or `finish` called)."""
        return self._done

    def add(self, start, prediction, *, is_last=False):
        """Add the next window's predictions and return the positions that became final.

        Args:
            start: the window's 0-based start in the record.
            prediction: an array `(window_length, ...)`, one row per base of the window.
            is_last: whether this is the record's last window (implied when it ends at `record_length`).

        Returns:
            A new array `(n, ...)` of the predictions of positions `position - n` to `position` (`n` may be 0).
        """
        if self._done:
            raise ValueError("the last window was already added; use a new WindowStitcher for the next record")
        prediction = np.asarray(prediction)
        if prediction.ndim < 1 or len(prediction) < 1:
            raise ValueError(
                f"`prediction` must have one row per base of the window. Received: prediction.shape={prediction.shape}"
            )
        if not _is_integer(start):
            raise ValueError(f"`start` must be an integer. Received: start={start!r}")
        start = int(start)
        end = start + len(prediction)
        trailing = (prediction.shape[1:], prediction.dtype)
        if self._trailing is not None and trailing[0] != self._trailing[0]:
            raise ValueError(
                f"every window's prediction must have the same shape per base. Received: {prediction.shape[1:]} "
                f"after {self._trailing[0]}"
            )
        if self.record_length is not None and end > self.record_length:
            raise ValueError(
                f"a window must end at or before the record's end ({self.record_length}). Received: start={start} "
                f"with {len(prediction)} predictions"
            )
        if self._pending is None:
            if start != 0:
                raise ValueError(f"the first window must start at 0. Received: start={start}")
            chunk = prediction[:0]
        else:
            previous_start, previous = self._pending
            _check_next(previous_start, previous_start + len(previous), start, end)
            cut = _boundary(start, previous_start + len(previous))
            chunk = previous[self._position - previous_start : cut - previous_start]
            self._position = cut
        self._trailing = trailing
        self._pending = (start, prediction)
        if is_last or end == self.record_length:
            return np.concatenate([chunk, self.finish()])
        return np.array(chunk)

    def finish(self):
        """Mark the last added window as the record's last and return its remaining positions.

        Returns an empty array when the last window was already added.

        Raises:
            ValueError: no window was added, or `record_length` is known and the last window ends before it.
        """
        if self._pending is None:
            raise ValueError("no window was added")
        start, prediction = self._pending
        end = start + len(prediction)
        if self.record_length is not None and end != self.record_length:
            raise ValueError(
                f"the last window must end at the record's end ({self.record_length}). Received: it ends at {end}"
            )
        chunk = np.array(prediction[self._position - start :])
        self._position = end
        self._done = True
        # Keep only an empty placeholder, so the window's memory is released.
        self._pending = (end, np.empty((0,) + prediction.shape[1:], prediction.dtype))
        return chunk


def stitch(windows, predictions, record_length):
    """The per-base predictions of a whole record, from those of its overlapping windows.

    Args:
        windows: the windows in order: their starts (ints), or objects with a `start` attribute such as
            the `Window`s of `seqkit.data.dna.fasta.iter_fasta_windows`.
        predictions: one array `(window_length, ...)` per window.
        record_length: the record length; the last window must end there.

    Returns:
        An array `(record_length, ...)` of the predictions' dtype.

    Example:

    >>> import numpy as np
    >>> stitch([0, 2], [np.zeros(4, int), np.ones(4, int)], record_length=6)
    array([0, 0, 0, 1, 1, 1])
    """
    stitcher = WindowStitcher(record_length)
    output = None
    for window, prediction in zip(windows, predictions, strict=True):
        chunk = stitcher.add(getattr(window, "start", window), prediction)
        if output is None:
            output = np.empty((record_length,) + chunk.shape[1:], chunk.dtype)
        output[stitcher.position - len(chunk) : stitcher.position] = chunk
    if output is None:
        raise ValueError("`windows` must name at least one window. Received: no windows")
    stitcher.finish()
    return output
