import numpy as np
import pytest

from seqkit.data.audio.segmentation import split_at_silences


def test_long_recording_is_cut_in_its_pauses_and_nothing_is_lost():
    rng = np.random.default_rng(0)
    rate = 16_000
    samples = (0.3 * rng.normal(size=rate * 47)).astype(np.float32)
    for pause in (15.5, 31.0):  # 0.2 s pauses, each inside the last third of a 20 s stretch
        samples[int(pause * rate) : int((pause + 0.2) * rate)] = 0.0
    pieces = split_at_silences(samples, rate, max_seconds=20)
    assert len(pieces) == 3
    np.testing.assert_array_equal(np.concatenate(pieces), samples)
    assert all(len(piece) <= 20 * rate for piece in pieces)
    # Each cut falls in a pause: the samples just after it are silent.
    ends = np.cumsum([len(piece) for piece in pieces])[:-1]
    assert all(np.all(samples[end : end + 100] == 0.0) for end in ends)


def test_short_recording_is_one_piece_and_bad_limit_is_refused():
    samples = np.ones(16_000, np.float32)
    [piece] = split_at_silences(samples, 16_000)
    assert len(piece) == 16_000
    with pytest.raises(ValueError, match="max_seconds"):
        split_at_silences(samples, 16_000, max_seconds=0)
