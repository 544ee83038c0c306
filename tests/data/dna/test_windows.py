import weakref

import numpy as np
import pytest

from seqkit.data.dna.windows import WindowStitcher, centre_slices, check_window, stitch, window_starts
from seqkit.errors import UserInputError

LENGTHS = (1, 2, 3, 5, 8, 13, 21, 40)


def _combos(length):
    """(window, stride) pairs: windows shorter, as long as and longer than the record; strides 1 to window."""
    for window in (1, 2, 3, 4, 7, 8, 16):
        for stride in sorted({1, 2, 3, window // 2 or 1, window - 1 or 1, window}):
            if stride <= window:
                yield window, stride


def _expected_starts(length, window, stride):
    """Brute force: regular starts while the window ends before the end, then one ending at the end."""
    if length <= window:
        return [0]
    starts = []
    start = 0
    while start + window < length:
        starts.append(start)
        start += stride
    return starts + [length - window]


def _nearest_window(length, starts, window):
    """For each position, the index of the covering window whose centre is nearest (ties: the earlier)."""
    owner = []
    for position in range(length):
        best = None
        for index, start in enumerate(starts):
            end = min(start + window, length)
            if start <= position < end:
                distance = abs(position - (start + (end - start - 1) / 2))
                if best is None or distance < best[0]:
                    best = (distance, index)
        owner.append(best[1])
    return np.array(owner)


@pytest.mark.parametrize("length", LENGTHS)
def test_window_starts(length):
    for window, stride in _combos(length):
        _check_starts(length, window, stride)


def _check_starts(length, window, stride):
    starts = window_starts(length, window=window, stride=stride)
    assert starts == _expected_starts(length, window, stride)
    assert len(set(starts)) == len(starts) and starts == sorted(starts)
    ends = [min(start + window, length) for start in starts]
    assert ends[-1] == length
    if length >= window:
        assert all(end - start == window for start, end in zip(starts, ends))
    assert all(b - a <= stride for a, b in zip(starts, starts[1:]))


def test_window_starts_examples_and_errors():
    assert window_starts(10, window=4, stride=4) == [0, 4, 6]
    assert window_starts(12, window=4, stride=4) == [0, 4, 8]
    assert window_starts(4, window=4, stride=1) == [0]
    assert window_starts(3, window=8, stride=8) == [0]
    with pytest.raises(ValueError, match="Received: length=0"):
        window_starts(0, window=4, stride=1)


@pytest.mark.parametrize(
    "window, stride, message",
    [
        (0, 1, "`window` must be a positive integer. Received: window=0"),
        (2.0, 1, "Received: window=2.0"),
        (True, 1, "Received: window=True"),
        (8, 0, r"`stride` must be an integer from 1 to window \(8\). Received: stride=0"),
        (8, 9, "Received: stride=9"),
        (8, None, "Received: stride=None"),
    ],
)
def test_check_window(window, stride, message):
    with pytest.raises(UserInputError, match=message):
        check_window(window, stride)


@pytest.mark.parametrize("length", LENGTHS)
def test_stitch_reproduces_the_record_and_picks_the_central_window(length):
    for window, stride in _combos(length):
        _check_stitch(length, window, stride)


def _check_stitch(length, window, stride):
    truth = np.random.default_rng(length * 100 + window).normal(size=length).astype("float32")
    starts = window_starts(length, window=window, stride=stride)
    # Each window's prediction: the true values, and a marker column naming the window.
    predictions = [
        np.stack([truth[s : s + window], np.full(min(window, length - s), i, "float32")], axis=1)
        for i, s in enumerate(starts)
    ]
    stitched = stitch(starts, predictions, record_length=length)
    assert stitched.shape == (length, 2) and stitched.dtype == np.float32
    np.testing.assert_array_equal(stitched[:, 0], truth)
    owner = _nearest_window(length, starts, window)
    np.testing.assert_array_equal(stitched[:, 1], owner)
    assert owner[0] == 0 and owner[-1] == len(starts) - 1  # first window keeps its left edge, last its right

    # centre_slices says the same.
    slices = centre_slices(starts, window=window, length=length)
    rebuilt = np.concatenate([p[cut] for p, cut in zip(predictions, slices)])
    np.testing.assert_array_equal(rebuilt, stitched)


def test_overlaps_are_split_in_halves():
    # Windows of 6 with stride 2: each overlap of 4 is split 2 / 2.
    starts = window_starts(10, window=6, stride=2)
    assert starts == [0, 2, 4]
    marked = stitch(starts, [np.full(6, i) for i in range(3)], record_length=10)
    np.testing.assert_array_equal(marked, [0, 0, 0, 0, 1, 1, 2, 2, 2, 2])
    # An odd overlap (3): the middle position goes to the earlier window.
    marked = stitch([0, 3], [np.full(6, 0), np.full(6, 1)], record_length=9)
    np.testing.assert_array_equal(marked, [0, 0, 0, 0, 0, 1, 1, 1, 1])
    # End-aligned last window overlapping its neighbour by 5 of 6.
    marked = stitch([0, 6, 7], [np.full(6, i) for i in range(3)], record_length=13)
    np.testing.assert_array_equal(marked, [0] * 6 + [1] * 4 + [2] * 3)


def test_stitch_accepts_window_objects_and_multi_dimensional_predictions():
    class Item:
        def __init__(self, start):
            self.start = start

    truth = np.arange(30).reshape(10, 3)
    starts = [0, 3, 6]
    result = stitch([Item(s) for s in starts], [truth[s : s + 4] for s in starts], record_length=10)
    np.testing.assert_array_equal(result, truth)
    assert result.dtype == truth.dtype


def test_stitcher_streams_final_chunks_as_soon_as_known():
    length, window, stride = 50, 8, 3
    truth = np.arange(length) * 2
    starts = window_starts(length, window=window, stride=stride)
    stitcher = WindowStitcher(record_length=length)
    chunks = []
    for i, start in enumerate(starts):
        chunk = stitcher.add(start, truth[start : start + window])
        chunks.append(chunk)
        if i == 0:
            assert len(chunk) == 0
        elif i < len(starts) - 1:
            # The positions of window i-1 up to the middle of its overlap with window i are final.
            previous_end = starts[i - 1] + window
            assert stitcher.position == (start + previous_end + 1) // 2
        np.testing.assert_array_equal(np.concatenate(chunks), truth[: stitcher.position])
    assert stitcher.done and stitcher.position == length
    np.testing.assert_array_equal(np.concatenate(chunks), truth)
    assert len(stitcher.finish()) == 0  # idempotent


def test_stitcher_without_record_length():
    stitcher = WindowStitcher()
    out = [stitcher.add(0, np.zeros(4)), stitcher.add(2, np.ones(4))]
    assert not stitcher.done
    out.append(stitcher.finish())
    np.testing.assert_array_equal(np.concatenate(out), [0, 0, 0, 1, 1, 1])
    assert stitcher.done

    stitcher = WindowStitcher()
    out = [stitcher.add(0, np.zeros(4)), stitcher.add(3, np.ones(4), is_last=True)]
    np.testing.assert_array_equal(np.concatenate(out), [0, 0, 0, 0, 1, 1, 1])
    # A record shorter than the window: one short window.
    np.testing.assert_array_equal(WindowStitcher(record_length=3).add(0, np.arange(3)), [0, 1, 2])


def test_stitcher_holds_at_most_two_windows():
    length, window, stride = 2_000, 100, 10
    starts = window_starts(length, window=window, stride=stride)
    stitcher = WindowStitcher(record_length=length)
    alive = []
    total = 0
    for start in starts:
        prediction = np.full((window, 2), start, "float32")
        alive.append(weakref.ref(prediction))
        chunk = stitcher.add(start, prediction)
        total += len(chunk)
        del prediction, chunk  # arrays are freed by reference counting, no garbage collection needed
        assert sum(ref() is not None for ref in alive) <= 2
    assert total == length
    assert sum(ref() is not None for ref in alive) == 0  # the last window is released too


@pytest.mark.parametrize(
    "calls, message",
    [
        ([(1, 4)], "the first window must start at 0. Received: start=1"),
        ([(0, 4), (5, 4)], "no gap. Received: start=5"),
        ([(0, 4), (0, 4)], "in order of their starts"),
        ([(0, 4), (1, 2)], "must end after the one before it"),
        ([(0, 11)], r"at or before the record's end \(10\)"),
        ([(0, 0)], "one row per base"),
        ([(0.5, 4)], "`start` must be an integer"),
    ],
)
def test_stitcher_errors(calls, message):
    stitcher = WindowStitcher(record_length=10)
    with pytest.raises(ValueError, match=message):
        for start, size in calls:
            stitcher.add(start, np.zeros(size))


def test_stitcher_state_errors():
    with pytest.raises(ValueError, match="no window was added"):
        WindowStitcher().finish()
    stitcher = WindowStitcher(record_length=10)
    stitcher.add(0, np.zeros(4))
    with pytest.raises(ValueError, match=r"must end at the record's end \(10\). Received: it ends at 4"):
        stitcher.finish()
    stitcher = WindowStitcher(record_length=4)
    stitcher.add(0, np.zeros(4))
    with pytest.raises(ValueError, match="already added"):
        stitcher.add(2, np.zeros(4))
    stitcher = WindowStitcher()
    stitcher.add(0, np.zeros((4, 2)))
    with pytest.raises(ValueError, match="same shape per base"):
        stitcher.add(2, np.zeros((4, 3)))
    with pytest.raises(ValueError, match="Received: record_length=0"):
        WindowStitcher(record_length=0)
    with pytest.raises(ValueError, match="at least one window"):
        stitch([], [], record_length=3)
    with pytest.raises(ValueError, match="the last window must end"):
        stitch([0], [np.zeros(4)], record_length=6)
    with pytest.raises(ValueError, match="the first window must start at 0"):
        centre_slices([1, 3], window=4, length=7)
