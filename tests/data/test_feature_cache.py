import os

import numpy as np

from seqkit.data.feature_cache import FeatureCache, file_digest, weights_digest


def _counting(value):
    calls = []

    def compute(path):
        calls.append(path)
        return np.full((3, 2), value, np.float32)

    return compute, calls


def test_keyed_by_content_not_by_name(tmp_path):
    first, copy = tmp_path / "a.avi", tmp_path / "b.avi"
    first.write_bytes(b"same bytes")
    copy.write_bytes(b"same bytes")
    cache = FeatureCache(tmp_path / "cache", {"num_frames": 8})
    compute, calls = _counting(1.0)
    cache.get_or_compute(first, compute)
    np.testing.assert_array_equal(cache.get_or_compute(copy, compute), np.ones((3, 2)))
    assert len(calls) == 1 and (cache.hits, cache.misses) == (1, 1)


def test_edited_file_or_other_settings_miss(tmp_path):
    clip = tmp_path / "a.avi"
    clip.write_bytes(b"one")
    cache = FeatureCache(tmp_path / "cache", {"num_frames": 8})
    compute, calls = _counting(1.0)
    cache.get_or_compute(clip, compute)
    other = FeatureCache(tmp_path / "cache", {"num_frames": 16})
    assert other.get(clip) is None
    clip.write_bytes(b"two, edited")
    os.utime(clip, ns=(1, 1))
    assert cache.get(clip) is None
    cache.get_or_compute(clip, compute)
    assert len(calls) == 2


def test_entries_are_npy_and_no_temporary_is_left(tmp_path):
    clip = tmp_path / "a.avi"
    clip.write_bytes(b"x")
    cache = FeatureCache(tmp_path / "cache", {})
    entry = cache.put(clip, np.arange(4, dtype=np.float32))
    assert entry.suffix == ".npy" and entry.stem == file_digest(clip)
    np.testing.assert_array_equal(np.load(entry, allow_pickle=False), np.arange(4))
    assert [p.name for p in entry.parent.iterdir()] == [entry.name]


def test_a_damaged_entry_is_recomputed(tmp_path):
    clip = tmp_path / "a.avi"
    clip.write_bytes(b"x")
    cache = FeatureCache(tmp_path / "cache", {})
    entry = cache.put(clip, np.zeros((3, 2), np.float32))
    entry.write_bytes(entry.read_bytes()[:20])  # truncated, as by a crash without the atomic rename
    compute, calls = _counting(5.0)
    np.testing.assert_array_equal(cache.get_or_compute(clip, compute), np.full((3, 2), 5.0))
    assert len(calls) == 1


def test_object_arrays_are_never_unpickled(tmp_path):
    clip = tmp_path / "a.avi"
    clip.write_bytes(b"x")
    cache = FeatureCache(tmp_path / "cache", {})
    entry = cache.entry_path(clip)
    entry.parent.mkdir(parents=True)
    np.save(entry, np.array([{"evil": 1}], dtype=object), allow_pickle=True)
    assert cache.get(clip) is None


def test_weights_digest_tells_models_apart_by_their_values():
    import keras

    def model():
        return keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])

    first, second = model(), model()
    assert weights_digest(first) != weights_digest(second)  # two random initialisations
    second.set_weights(first.get_weights())
    assert weights_digest(first) == weights_digest(second)
    assert len(weights_digest(first)) == 64
