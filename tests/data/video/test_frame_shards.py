"""Clips in a training shard: the batches keep the frames' size and channels in their static shape (issue 17).

A shard used to declare every dimension of its fields unknown, so a video model's train step was traced on frames
`(None, None, None, None, None)`: `FramePreprocessing` resized every frame of every batch to the size it already
had, and the first convolution, not knowing its input channels, ran a slower kernel. The sizes every clip shares
are now part of the batches' shapes; the batches themselves are unchanged.
"""

import dataclasses

import numpy as np
import tensorflow as tf

from seqkit.data.shards import read_shard, shard_dataset, write_shard
from seqkit.layers import FramePreprocessing


def _clips(lengths, height=8, width=6, seed=0):
    rng = np.random.default_rng(seed)
    return [
        {"frames": rng.integers(0, 256, (length, height, width, 3)).astype(np.uint8), "lengths": np.int32(length),
         "labels": np.int32(index % 3)}
        for index, length in enumerate(lengths)
    ]


def _write(tmp_path, clips):
    return write_shard(tmp_path / "train.tfrecord", clips, length_key="frames", byte_fields=("frames",))


def _dataset(shard):
    return shard_dataset(shard, batch_size=3, feature_keys=["frames", "lengths"], label_key="labels", shuffle=True,
                         seed=0)


def _epochs(dataset, count=2):
    return [[(features["frames"].numpy(), features["lengths"].numpy(), labels.numpy()) for features, labels in dataset]
            for _ in range(count)]


def test_batches_of_clips_know_the_frame_size_and_channels(tmp_path):
    shard = _write(tmp_path, _clips([3, 5, 4, 5, 2, 3, 5]))
    assert shard.inner_shapes == {"frames": (8, 6, 3)}
    reread = read_shard(shard.path)
    assert reread == shard
    features, labels = _dataset(reread).element_spec
    assert features["frames"].shape.as_list() == [None, None, 8, 6, 3]
    assert features["lengths"].shape.as_list() == [None] and labels.shape.as_list() == [None]


def test_the_static_shapes_leave_the_batches_and_their_order_unchanged(tmp_path):
    shard = _write(tmp_path, _clips([3, 5, 4, 5, 2, 3, 5, 1, 4]))
    unknown = dataclasses.replace(shard, inner_shapes={})  # every dimension unknown, as shards were before
    assert _dataset(unknown).element_spec[0]["frames"].shape.as_list() == [None] * 5
    known, before = _epochs(_dataset(shard)), _epochs(_dataset(unknown))
    assert [len(epoch) for epoch in known] == [len(epoch) for epoch in before]
    for epoch_known, epoch_before in zip(known, before):
        for batch_known, batch_before in zip(epoch_known, epoch_before):
            for array_known, array_before in zip(batch_known, batch_before):
                np.testing.assert_array_equal(array_known, array_before)


def test_sizes_that_differ_between_clips_stay_unknown(tmp_path):
    clips = _clips([2, 3], height=8) + _clips([4], height=10, seed=1)
    shard = _write(tmp_path, clips)
    assert read_shard(shard.path).inner_shapes == {"frames": (None, 6, 3)}
    features, _ = next(iter(shard_dataset(shard, batch_size=3, label_key="labels", bucket_boundaries=None)))
    assert features["frames"].shape == (3, 4, 10, 6, 3)  # padded to the longest and largest clip, as before
    np.testing.assert_array_equal(features["frames"][2], clips[2]["frames"])


def test_preprocessing_traced_on_the_batches_does_not_resize_frames_of_the_model_size(tmp_path):
    features, _ = _dataset(_write(tmp_path, _clips([3, 5, 4], height=8, width=8))).element_spec
    layer = FramePreprocessing(frame_size=8, frame_differences=True, scale="symmetric")

    @tf.function
    def preprocess(inputs):
        return layer(inputs["frames"], inputs["lengths"])

    graph = preprocess.get_concrete_function(features).graph
    op_types = {op.type for op in graph.get_operations()}
    assert not any(kind.startswith("ResizeBilinear") for kind in op_types)
    assert graph.outputs[0].shape.as_list() == [None, None, 8, 8, 6]
