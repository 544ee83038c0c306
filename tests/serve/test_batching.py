"""The bounded queue and dynamic batching, with a fake model call (no TensorFlow, no server)."""

import threading

import numpy as np
import pytest

from seqkit.serve.batching import Batcher, QueueFull, WorkItem, trim_padding


def split_words(signature, inputs):
    """A fake ragged model: words padded with "" and positions padded with -1 to the longest sentence."""
    rows = [sentence.split() for sentence in inputs["sentences"].tolist()]
    width = max((len(words) for words in rows), default=0)
    words = np.full((len(rows), width), b"", dtype=object)
    positions = np.full((len(rows), width), -1, dtype=np.int32)
    for index, row in enumerate(rows):
        words[index, : len(row)] = row
        positions[index, : len(row)] = np.arange(len(row))
    return {"words": words, "positions": positions, "count": np.array([len(row) for row in rows])}


class Collector:
    def __init__(self):
        self.results = {}
        self.done = threading.Event()
        self.expected = 0
        self.lock = threading.Lock()

    def item(self, key, sentences, signature="serving_default"):
        array = np.array([s.encode() for s in sentences], dtype=object)

        def deliver(value, error):
            with self.lock:
                self.results[key] = error if error is not None else value
                if len(self.results) == self.expected:
                    self.done.set()

        self.expected += 1
        return WorkItem(signature, {"sentences": array}, len(sentences), deliver)


def ragged_policy(signature):
    return {"words": b"", "positions": -1, "count": None}


def test_concurrent_requests_become_one_call_and_each_gets_its_own_rows():
    calls = []

    def call(signature, inputs):
        calls.append(len(inputs["sentences"]))
        return split_words(signature, inputs)

    batcher = Batcher(call, policy=ragged_policy, threads=1, capacity=16, max_batch_size=8, batch_timeout_s=0.2)
    collector = Collector()
    requests = {"a": ["one two three four five"], "b": ["hi", "a b"], "c": ["x y z"]}
    for key, sentences in requests.items():
        batcher.submit(collector.item(key, sentences))
    assert collector.done.wait(10)
    batcher.close()
    assert calls == [4]
    for key, sentences in requests.items():
        alone = split_words("serving_default", {"sentences": np.array([s.encode() for s in sentences], object)})
        for name, value in alone.items():
            np.testing.assert_array_equal(collector.results[key][name], value)


def test_incompatible_requests_and_unbatchable_signatures_run_alone():
    calls = []

    def call(signature, inputs):
        calls.append((signature, len(inputs["sentences"])))
        return split_words(signature, inputs)

    policy = lambda signature: None if signature == "plain" else ragged_policy(signature)
    batcher = Batcher(call, policy=policy, threads=1, capacity=16, max_batch_size=4, batch_timeout_s=0.1)
    collector = Collector()
    batcher.submit(collector.item("big", ["a", "b", "c", "d"]))  # as large as a whole batch
    batcher.submit(collector.item("plain1", ["a"], signature="plain"))
    batcher.submit(collector.item("plain2", ["b"], signature="plain"))
    assert collector.done.wait(10)
    batcher.close()
    assert sorted(calls) == [("plain", 1), ("plain", 1), ("serving_default", 4)]


def test_a_full_queue_is_refused_and_a_failing_call_does_not_kill_the_worker():
    release = threading.Event()
    started = threading.Event()

    def call(signature, inputs):
        started.set()
        release.wait(10)
        if inputs["sentences"][0] == b"boom":
            raise RuntimeError("model failed")
        return split_words(signature, inputs)

    batcher = Batcher(call, policy=ragged_policy, threads=1, capacity=2, max_batch_size=1)
    collector = Collector()
    batcher.submit(collector.item("boom", ["boom"]))
    assert started.wait(10)  # the worker is busy with it; the queue is empty
    batcher.submit(collector.item("q1", ["a"]))
    batcher.submit(collector.item("q2", ["b"]))
    with pytest.raises(QueueFull) as refused:
        batcher.submit(collector.item("q3", ["c"]))
    collector.expected -= 1
    assert refused.value.status == 503 and refused.value.headers == {"Retry-After": "1"}
    assert batcher.depth == 2
    release.set()
    assert collector.done.wait(10)
    batcher.close()
    assert collector.results["boom"].status == 500
    assert collector.results["q2"]["count"].tolist() == [1]


def test_abandoned_requests_are_skipped():
    calls = []
    gate = threading.Event()

    def call(signature, inputs):
        calls.append(inputs["sentences"].tolist())
        gate.wait(10)
        return split_words(signature, inputs)

    batcher = Batcher(call, policy=ragged_policy, threads=1, capacity=8, max_batch_size=1)
    collector = Collector()
    first, second = collector.item("first", ["a"]), collector.item("second", ["b"])
    batcher.submit(first)
    batcher.submit(second)
    second.abandon()
    collector.expected -= 1
    gate.set()
    assert collector.done.wait(10)
    batcher.close()
    assert calls == [[b"a"]]


def test_trim_padding_cuts_only_trailing_padding_on_non_batch_axes():
    array = np.array([[[1, -1], [-1, -1], [-1, -1]]])
    assert trim_padding(array, -1).shape == (1, 1, 1)
    assert trim_padding(np.array([[0, -1, 2, -1]]), -1).tolist() == [[0, -1, 2]]
    assert trim_padding(np.array([[1.0, 0.0]]), None).shape == (1, 2)
