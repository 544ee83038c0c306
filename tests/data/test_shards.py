import collections
import json
import os

import numpy as np
import pytest
import tensorflow as tf

from seqkit.data.pipeline import (
    auto_bucket_boundaries,
    auto_num_buckets,
    auto_bucket_boundaries_from_counts,
    count_batches,
    make_dataset,
)
from seqkit.data import shards
from seqkit.data.shards import ShardWriter, read_shard, shard_dataset, write_shard


def _examples(count, seed=0):
    """Examples with every kind of field: rank-1 and rank-2 ints, rank-0 and rank-1 floats, a rank-0 int."""
    rng = np.random.default_rng(seed)
    examples = []
    for _ in range(count):
        length = int(rng.integers(1, 12))
        examples.append(
            {
                "token_ids": rng.integers(1, 50, length),
                "char_ids": rng.integers(1, 30, (length, int(rng.integers(1, 5)))),
                "weights": rng.random(length),
                "score": float(rng.random()),
                "tags": rng.integers(0, 4, length),
                "label": int(rng.integers(0, 3)),
            }
        )
    return examples


def _batches(dataset):
    return [tf.nest.map_structure(lambda tensor: tensor.numpy(), batch) for batch in dataset]


def _assert_same_batches(expected, actual):
    assert len(actual) == len(expected) > 0
    for want, got in zip(expected, actual):
        tf.nest.assert_same_structure(want, got)
        for a, b in zip(tf.nest.flatten(want), tf.nest.flatten(got)):
            assert a.dtype == b.dtype
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "options",
    [
        {"label_key": "tags"},
        {"label_key": "label", "shuffle": True, "seed": 3, "shuffle_buffer": 5},
        {"label_key": "tags", "shuffle": True, "seed": 7, "bucket_boundaries": "auto"},
        {"label_key": None, "bucket_boundaries": [4, 8], "pad_values": {"token_ids": 99}},
        {"label_key": "score", "shuffle": True, "seed": 1, "bucket_boundaries": "auto", "drop_remainder": True},
        {"label_key": "label", "feature_keys": ["char_ids", "token_ids"], "bucket_boundaries": "auto"},
    ],
)
@pytest.mark.parametrize("in_memory", [True, False], ids=["parsed-once", "streamed"])
def test_shard_gives_the_batches_of_make_dataset(tmp_path, monkeypatch, options, in_memory):
    if not in_memory:
        monkeypatch.setattr(shards, "IN_MEMORY_SHARD_BYTES", 0)
    examples = _examples(70)  # 17 full batches: "auto" makes 3 buckets
    shard = write_shard(tmp_path / "train.tfrecord", examples, length_key="token_ids")
    common = {"batch_size": 4, **options}
    expected = make_dataset(examples, length_key="token_ids", **{"bucket_boundaries": None, **common})
    actual = shard_dataset(shard, **{"bucket_boundaries": None, **common})
    # Two epochs: a shuffled pipeline reshuffles, and both reshuffle alike.
    epochs = [_batches(actual) for _ in range(2)]
    for epoch in epochs:
        _assert_same_batches(_batches(expected), epoch)
    first_tokens = [tf.nest.flatten(epoch[0])[0].tolist() for epoch in epochs]
    assert (first_tokens[0] != first_tokens[1]) == bool(options.get("shuffle"))


@pytest.mark.parametrize("limit, reads_every_epoch", [(None, False), (0, True)], ids=["small", "over-the-limit"])
def test_a_small_shard_is_read_once_and_a_large_one_every_epoch(tmp_path, monkeypatch, limit, reads_every_epoch):
    if limit is not None:
        monkeypatch.setattr(shards, "IN_MEMORY_SHARD_BYTES", limit)
    examples = _examples(29)
    shard = write_shard(tmp_path / "train.tfrecord", examples, length_key="token_ids")
    dataset = shard_dataset(shard, batch_size=4, label_key="tags", shuffle=True, seed=5, bucket_boundaries="auto")
    first = _batches(dataset)
    # The same lengths with other token ids in the file: a reader that goes back to the file sees them.
    changed = [{**example, "token_ids": example["token_ids"] % 49 + 1} for example in examples]
    write_shard(tmp_path / "train.tfrecord", changed, length_key="token_ids")
    second = _batches(dataset)
    assert len(first) == len(second) > 1
    original_tokens = sorted(tuple(row[row > 0]) for features, _ in first for row in features["token_ids"])
    tokens_now = sorted(tuple(row[row > 0]) for features, _ in second for row in features["token_ids"])
    assert (tokens_now != original_tokens) == reads_every_epoch


def test_shard_fields_keep_their_dtypes_and_padding(tmp_path):
    examples = [
        {"token_ids": np.array([5, 6, 7]), "char_ids": np.array([[1, 2], [3, 0], [4, 4]]), "weights": [0.5, 1.0, 2.0],
         "label": 2},
        {"token_ids": np.array([8]), "char_ids": np.array([[9, 9, 9]]), "weights": [0.25], "label": 0},
    ]
    shard = write_shard(tmp_path / "train.tfrecord", examples, length_key="token_ids")
    assert shard.fields == {
        "token_ids": {"dtype": "int32", "rank": 1},
        "char_ids": {"dtype": "int32", "rank": 2},
        "weights": {"dtype": "float32", "rank": 1},
        "label": {"dtype": "int32", "rank": 0},
    }
    (features, labels), = _batches(shard_dataset(shard, batch_size=2, label_key="label", bucket_boundaries=None))
    assert features["char_ids"].tolist() == [[[1, 2, 0], [3, 0, 0], [4, 4, 0]], [[9, 9, 9], [0, 0, 0], [0, 0, 0]]]
    assert features["weights"].dtype == np.float32
    np.testing.assert_array_equal(features["weights"], [[0.5, 1.0, 2.0], [0.25, 0.0, 0.0]])
    assert labels.tolist() == [2, 0]


@pytest.mark.parametrize("bucket_boundaries", [None, "auto", [3, 6, 9]])
@pytest.mark.parametrize("drop_remainder", [False, True])
def test_cardinality_is_the_number_of_batches_produced(tmp_path, bucket_boundaries, drop_remainder):
    shard = write_shard(tmp_path / "train.tfrecord", _examples(23, seed=5), length_key="token_ids")
    dataset = shard_dataset(
        shard, batch_size=3, label_key="tags", shuffle=True, seed=0,
        bucket_boundaries=bucket_boundaries, drop_remainder=drop_remainder,
    )
    produced = len(_batches(dataset))
    assert produced > 0
    assert int(dataset.cardinality()) == produced


def test_shard_without_length_key_batches_plainly_with_known_cardinality(tmp_path):
    shard = write_shard(tmp_path / "train.tfrecord", _examples(10))
    assert shard.length_key is None and shard.length_counts == {}
    dataset = shard_dataset(shard, batch_size=4, label_key="label", bucket_boundaries=None)
    assert int(dataset.cardinality()) == len(_batches(dataset)) == 3
    with pytest.raises(ValueError, match="needs its `length_key`"):
        shard_dataset(shard, batch_size=4, label_key="label")


def test_bucketing_arguments_are_checked(tmp_path):
    shard = write_shard(tmp_path / "train.tfrecord", _examples(4), length_key="token_ids")
    with pytest.raises(ValueError, match="strictly increasing"):
        shard_dataset(shard, batch_size=2, bucket_boundaries=[5, 3])
    with pytest.raises(ValueError, match="`batch_size` must be a positive integer. Received: batch_size=0"):
        shard_dataset(shard, batch_size=0)


def test_read_shard_round_trips_the_description(tmp_path):
    examples = [{"token_ids": [1, 2, 3], "tags": [0, 1, 0]}, {"token_ids": [4], "tags": [2]},
                {"token_ids": [5, 6, 7], "tags": [1, 1, 1]}]
    path = tmp_path / "train.tfrecord"
    shard = write_shard(path, examples, length_key="token_ids")
    assert json.loads((tmp_path / "train.tfrecord.json").read_text(encoding="utf-8")) == {
        "count": 3,
        "fields": {"token_ids": {"dtype": "int32", "rank": 1}, "tags": {"dtype": "int32", "rank": 1}},
        "length_key": "token_ids",
        "length_counts": {"1": 1, "3": 2},
    }
    loaded = read_shard(path)
    assert loaded == shard
    assert loaded.length_counts == {1: 1, 3: 2}
    _assert_same_batches(
        _batches(shard_dataset(shard, batch_size=2, label_key="tags")),
        _batches(shard_dataset(loaded, batch_size=2, label_key="tags")),
    )


def test_a_writer_interrupted_midway_leaves_nothing(tmp_path):
    folder = tmp_path / "shards"
    examples = _examples(3)
    with pytest.raises(RuntimeError, match="interrupted"):
        with ShardWriter(folder / "train.tfrecord", length_key="token_ids") as writer:
            writer.write(examples[0])
            writer.write(examples[1])
            raise RuntimeError("interrupted")
    assert os.listdir(folder) == []

    def failing():
        yield examples[0]
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError, match="interrupted"):
        write_shard(folder / "train.tfrecord", failing(), length_key="token_ids")
    assert os.listdir(folder) == []
    # The same path can be written afterwards.
    assert write_shard(folder / "train.tfrecord", examples, length_key="token_ids").count == 3
    assert sorted(os.listdir(folder)) == ["train.tfrecord", "train.tfrecord.json"]


def _with(example, **changes):
    return {**example, **changes}


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda e: {k: v for k, v in e.items() if k != "weights"}, r"must have the fields .* in example 2"),
        (lambda e: _with(e, extra=[1]), r"must have the fields .* in example 2"),
        (lambda e: _with(e, char_ids=np.array([1, 2])), r"Field 'char_ids' must be a rank-2 int32 .* in example 2"),
        (lambda e: _with(e, label=[1]), r"Field 'label' must be a rank-0 int32 .* in example 2"),
        (lambda e: _with(e, tags=np.array([0.5])), r"Field 'tags' must be a rank-1 int32 .*float64 in example 2"),
        (lambda e: _with(e, weights=np.array([1, 2])), r"Field 'weights' must be a rank-1 float32 .* in example 2"),
    ],
)
def test_mismatched_examples_name_their_index_and_leave_nothing(tmp_path, change, message):
    examples = _examples(4)
    examples[2] = change(examples[2])
    with pytest.raises(ValueError, match=message):
        write_shard(tmp_path / "shards" / "train.tfrecord", examples, length_key="token_ids")
    assert os.listdir(tmp_path / "shards") == []


def test_length_key_and_field_types_are_checked(tmp_path):
    with pytest.raises(ValueError, match="`length_key` must name a field of rank 1 or more"):
        write_shard(tmp_path / "a.tfrecord", _examples(2), length_key="label")
    with pytest.raises(ValueError, match="`length_key` must name a field of rank 1 or more"):
        write_shard(tmp_path / "a.tfrecord", _examples(2), length_key="missing")
    with pytest.raises(TypeError, match="Field 'words' must hold integers or floats"):
        write_shard(tmp_path / "a.tfrecord", [{"words": np.array(["a", "b"])}])
    assert os.listdir(tmp_path) == []


def test_an_empty_shard_raises_and_leaves_nothing(tmp_path):
    with pytest.raises(ValueError, match="A shard needs at least one example"):
        write_shard(tmp_path / "shards" / "train.tfrecord", [], length_key="token_ids")
    assert os.listdir(tmp_path / "shards") == []


def test_bool_fields_are_written_as_integers_like_make_dataset(tmp_path):
    examples = [{"token_ids": np.array([3, 4]), "mask": np.array([True, False])},
                {"token_ids": np.array([5]), "mask": np.array([True])}]
    shard = write_shard(tmp_path / "train.tfrecord", examples, length_key="token_ids")
    _assert_same_batches(
        _batches(make_dataset(examples, batch_size=2)),
        _batches(shard_dataset(shard, batch_size=2, bucket_boundaries=None)),
    )


def test_auto_boundaries_from_counts_equal_those_of_the_lengths():
    assert auto_bucket_boundaries_from_counts({}) == auto_bucket_boundaries([]) == []
    for case in range(300):
        rng = np.random.default_rng(case)
        size = int(rng.integers(1, 400))
        if case % 3 == 0:
            lengths = rng.geometric(float(rng.uniform(0.02, 0.5)), size)
        else:
            lengths = rng.integers(int(rng.integers(0, 3)), int(rng.choice([3, 6, 40, 1000])), size)
        num_buckets = int(rng.integers(1, 13))
        counts = dict(collections.Counter(lengths.tolist()))
        if case % 5 == 0:
            counts[int(lengths.max()) + 7] = 0  # a length seen no time changes nothing
        assert auto_bucket_boundaries_from_counts(counts, num_buckets) == auto_bucket_boundaries(
            lengths, num_buckets
        ), f"case {case}"


def test_count_batches_matches_the_batches_of_a_real_dataset():
    for case in range(8):
        rng = np.random.default_rng(100 + case)
        lengths = rng.integers(1, 16, int(rng.integers(1, 40))).tolist()
        boundaries = sorted(rng.choice(np.arange(2, 16), int(rng.integers(0, 4)), replace=False).tolist())
        batch_size = int(rng.integers(1, 7))
        drop_remainder = bool(case % 2)

        def examples(lengths=lengths):
            for length in lengths:
                yield {"token_ids": np.ones(length, np.int32)}

        dataset = make_dataset(
            examples, batch_size=batch_size, bucket_boundaries=boundaries or None, drop_remainder=drop_remainder
        )
        produced = sum(1 for _ in dataset)
        counts = dict(collections.Counter(lengths))
        assert count_batches(counts, batch_size, boundaries, drop_remainder) == produced, f"case {case}"


def test_byte_fields_round_trip_as_uint8(tmp_path):
    frames = [np.arange(2 * 3 * 2, dtype=np.uint8).reshape(2, 3, 2), np.full((1, 3, 2), 255, np.uint8)]
    examples = [{"frames": f, "lengths": np.int32(len(f)), "labels": np.int32(i)} for i, f in enumerate(frames)]
    shard = write_shard(tmp_path / "clips.tfrecord", examples, length_key="frames", byte_fields=("frames",))
    assert shard.fields["frames"] == {"dtype": "uint8", "rank": 3}
    assert shard.fields["lengths"]["dtype"] == "int32"
    reread = read_shard(shard.path)
    dataset = shard_dataset(reread, batch_size=2, label_key="labels", bucket_boundaries=None)
    features, labels = next(iter(dataset))
    assert features["frames"].dtype == tf.uint8
    batch = features["frames"].numpy()
    np.testing.assert_array_equal(batch[0], frames[0])
    np.testing.assert_array_equal(batch[1, :1], frames[1])
    assert not batch[1, 1:].any()  # padded with 0
    assert labels.numpy().tolist() == [0, 1]


def test_byte_fields_refuse_values_outside_a_byte(tmp_path):
    with pytest.raises(ValueError, match="0..255"):
        write_shard(tmp_path / "bad.tfrecord", [{"frames": np.array([[1, 300]])}], byte_fields=("frames",))
    assert not list(tmp_path.iterdir())
