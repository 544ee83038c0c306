"""A bounded request queue and the worker threads that run model calls, batching concurrent requests.

Each loaded model version owns one `Batcher`: requests wait in a bounded queue (a full queue is answered 503,
never grown), and `threads` worker threads take them off and call the model, so the event loop never runs a
model. With `max_batch_size > 1`, a worker that takes a request also takes the queued requests that can be
concatenated with it along axis 0 (same signature, same dtypes, same shapes after the 0-th dimension), waiting
up to `batch_timeout_s` for more to arrive, makes one call, and splits the outputs back by rows.

Splitting is exact only when a request's rows of the batched output are what the request alone would get.
Row-wise models give that, except for outputs whose non-batch dimensions depend on the contents (the words of
the longest sentence, the most entities): in a batch they are padded to the longest request. A signature is
therefore batched only when each such output has a known padding value (`pads`), and each request's piece is
trimmed back to its own extent (the last position holding anything but padding). Signatures with scalar
inputs (generation requests), or with dynamic outputs of unknown padding, run one request per call.

Example:

>>> import numpy as np
>>> calls = []
>>> def call(signature, inputs):
...     calls.append(len(inputs["x"]))
...     return {"y": inputs["x"] * 2}
>>> batcher = Batcher(call, policy=lambda signature: {"y": None}, threads=1, capacity=8, max_batch_size=4,
...                   batch_timeout_s=0.05)
>>> results = []
>>> items = [WorkItem("serving_default", {"x": np.array([i])}, 1, lambda value, error: results.append(value))
...          for i in range(3)]
>>> for item in items:
...     batcher.submit(item)
>>> batcher.close()
>>> sorted(int(result["y"][0]) for result in results), calls
([0, 2, 4], [3])
"""

import collections
import threading
import time

import numpy as np

from seqkit.serve.errors import ServingError


class QueueFull(ServingError):
    """The model's queue holds `capacity` requests already: answered 503 with `Retry-After`."""

    def __init__(self, capacity, retry_after=1):
        super().__init__(
            f"The server is overloaded: {capacity} requests are already queued for this model; retry later",
            status=503,
            headers={"Retry-After": str(retry_after)},
        )


class WorkItem:
    """One predict request waiting for a model call.

    Args:
        signature_name: the signature to call.
        inputs: `{name: np.ndarray}`.
        rows: the common size of the inputs' 0-th dimension, or `None` when the request cannot join a batch.
        deliver: `deliver(outputs, error)`, called once from a worker thread with the request's own outputs
            (`{name: np.ndarray}`) or an exception.
        encode: optional `encode(outputs) -> object` run in the worker thread before `deliver` (e.g. the JSON
            answer), so that the event loop does not do it.
    """

    __slots__ = ("signature_name", "inputs", "rows", "deliver", "encode", "abandoned", "key")

    def __init__(self, signature_name, inputs, rows, deliver, encode=None):
        self.signature_name = signature_name
        self.inputs = inputs
        self.rows = rows
        self.deliver = deliver
        self.encode = encode
        self.abandoned = False
        self.key = None

    def abandon(self):
        """The client stopped waiting (timeout): skip the call if it has not started."""
        self.abandoned = True


class RequestQueue:
    """A FIFO of `WorkItem`s with a fixed capacity, from which a worker takes a compatible batch."""

    def __init__(self, capacity):
        if not isinstance(capacity, int) or capacity < 1:
            raise ValueError(f"`capacity` must be a positive integer. Received: capacity={capacity!r}")
        self.capacity = capacity
        self._items = collections.deque()
        self._condition = threading.Condition()
        self._closed = False
        self._forming = False

    def __len__(self):
        return len(self._items)

    def put(self, item):
        with self._condition:
            if self._closed:
                raise ServingError("The model version is being unloaded; retry", status=503, headers={"Retry-After": "1"})
            if len(self._items) >= self.capacity:
                raise QueueFull(self.capacity)
            self._items.append(item)
            self._condition.notify_all()

    def close(self):
        """No new items; workers drain what is queued, then `take` returns `None`."""
        with self._condition:
            self._closed = True
            self._condition.notify_all()

    def take(self, max_rows, timeout_s, may_grow=None):
        """Block until an item is queued; return it with the compatible items that fit in `max_rows`.

        One worker forms a batch at a time (the others wait), so concurrent requests gather into one batch
        instead of several half-full ones. It waits up to `timeout_s` for the batch to fill, but not when
        `may_grow(requests_in_batch, requests_queued)` says no other request is on its way. Returns `None` once
        the queue is closed and empty.
        """
        with self._condition:
            while True:
                while self._forming or (not self._items and not self._closed):
                    self._condition.wait()
                self._drop_abandoned()
                if self._items:
                    break
                if self._closed:
                    return None
            first = self._items.popleft()
            batch = [first]
            if first.key is None or max_rows <= 1:
                return batch
            self._forming = True
            try:
                rows = first.rows
                deadline = time.monotonic() + timeout_s
                while True:
                    rows = self._gather(first.key, rows, max_rows, batch)
                    remaining = deadline - time.monotonic()
                    if rows >= max_rows or remaining <= 0 or self._closed:
                        break
                    if may_grow is not None and not may_grow(len(batch), len(self._items)):
                        break
                    self._condition.wait(remaining)
            finally:
                self._forming = False
                self._condition.notify_all()
            return batch

    def _gather(self, key, rows, max_rows, batch):
        kept = collections.deque()
        while self._items:
            item = self._items.popleft()
            if item.abandoned:
                continue
            if item.key == key and rows + item.rows <= max_rows:
                batch.append(item)
                rows += item.rows
            else:
                kept.append(item)
        self._items = kept
        return rows

    def _drop_abandoned(self):
        if any(item.abandoned for item in self._items):
            self._items = collections.deque(item for item in self._items if not item.abandoned)


class Batcher:
    """Worker threads calling a model for queued requests, one at a time or in batches.

    Args:
        call: `call(signature_name, inputs) -> {name: np.ndarray}`, the model call (run in worker threads).
        policy: `policy(signature_name)` → `None` when the signature must not be batched, else
            `{output_name: pad}` with `pad` `None` for outputs whose non-batch dimensions are fixed and the
            padding value for outputs with content-dependent dimensions.
        threads: worker threads (model calls that may run at once).
        capacity: requests that may wait in the queue; one more is refused with `QueueFull` (503).
        max_batch_size: most rows in one call; 1 turns batching off.
        batch_timeout_s: how long a worker waits for more requests to fill a batch.
        describe_error: `describe_error(exception) -> ServingError` for failed calls.
        on_call: `on_call(rows, requests)` after each model call (metrics).
        outstanding: optional `outstanding()`, the requests being answered by this model now (queued, in a
            call, or still being read and decoded). A worker waits for a batch to fill only while some of them
            are neither queued nor in a call, so a lone client never waits `batch_timeout_s`.
        name: thread name prefix.
    """

    def __init__(
        self,
        call,
        *,
        policy,
        threads=1,
        capacity=128,
        max_batch_size=1,
        batch_timeout_s=0.0,
        describe_error=None,
        on_call=None,
        outstanding=None,
        name="seqkit-serve",
    ):
        if not isinstance(threads, int) or threads < 1:
            raise ValueError(f"`threads` must be a positive integer. Received: threads={threads!r}")
        if not isinstance(max_batch_size, int) or max_batch_size < 1:
            raise ValueError(f"`max_batch_size` must be a positive integer. Received: max_batch_size={max_batch_size!r}")
        if batch_timeout_s < 0:
            raise ValueError(f"`batch_timeout_s` must be >= 0. Received: batch_timeout_s={batch_timeout_s!r}")
        self._call = call
        self._policy = policy
        self._max_batch_size = max_batch_size
        self._batch_timeout_s = batch_timeout_s
        self._describe_error = describe_error or _default_error
        self._on_call = on_call
        self._outstanding = outstanding
        self._in_calls = 0
        self._in_calls_lock = threading.Lock()
        self.queue = RequestQueue(capacity)
        self._policies = {}
        self._workers = [
            threading.Thread(target=self._work, name=f"{name}-{index}", daemon=True) for index in range(threads)
        ]
        for worker in self._workers:
            worker.start()

    @property
    def depth(self):
        """Requests waiting in the queue (not yet in a model call)."""
        return len(self.queue)

    def submit(self, item):
        """Queue `item`; raises `QueueFull` when the queue is full."""
        item.key = self._batch_key(item)
        self.queue.put(item)

    def close(self, wait=True):
        """Stop taking requests; the workers finish the queued ones and exit."""
        self.queue.close()
        if wait:
            for worker in self._workers:
                if worker is not threading.current_thread():
                    worker.join()

    def _signature_policy(self, signature_name):
        if signature_name not in self._policies:
            self._policies[signature_name] = self._policy(signature_name)
        return self._policies[signature_name]

    def _batch_key(self, item):
        if self._max_batch_size <= 1 or item.rows is None or item.rows >= self._max_batch_size:
            return None
        if self._signature_policy(item.signature_name) is None:
            return None
        parts = tuple(
            (name, array.dtype.str, array.shape[1:]) for name, array in sorted(item.inputs.items())
        )
        return (item.signature_name, parts)

    def _may_grow(self, in_batch, queued):
        if self._outstanding is None:
            return True
        return self._outstanding() > in_batch + queued + self._in_calls

    def _work(self):
        while True:
            batch = self.queue.take(self._max_batch_size, self._batch_timeout_s, self._may_grow)
            if batch is None:
                return
            with self._in_calls_lock:
                self._in_calls += len(batch)
            try:
                self._run(batch)
            except BaseException as error:  # never let a worker thread die
                for item in batch:
                    _deliver(item, None, self._describe_error(error))
            finally:
                with self._in_calls_lock:
                    self._in_calls -= len(batch)

    def _run(self, batch):
        batch = [item for item in batch if not item.abandoned]
        if not batch:
            return
        if len(batch) == 1:
            self._run_alone(batch[0])
            return
        rows = [item.rows for item in batch]
        total = sum(rows)
        first = batch[0]
        inputs = {name: np.concatenate([item.inputs[name] for item in batch]) for name in first.inputs}
        try:
            outputs = self._call(first.signature_name, inputs)
        except Exception:
            # A batch fails as a whole; run each request alone so only a bad one gets an error.
            for item in batch:
                self._run_alone(item)
            return
        self._observe(total, len(batch))
        if any(np.ndim(value) == 0 or np.shape(value)[0] != total for value in outputs.values()):
            for item in batch:
                self._run_alone(item)
            return
        pads = self._signature_policy(first.signature_name) or {}
        start = 0
        for item, size in zip(batch, rows):
            piece = {
                name: trim_padding(value[start : start + size], pads.get(name))
                for name, value in outputs.items()
            }
            start += size
            self._finish(item, piece)

    def _run_alone(self, item):
        try:
            outputs = self._call(item.signature_name, item.inputs)
        except Exception as error:
            self._observe(item.rows or 1, 1)
            _deliver(item, None, self._describe_error(error))
            return
        self._observe(item.rows or 1, 1)
        self._finish(item, outputs)

    def _finish(self, item, outputs):
        try:
            value = item.encode(outputs) if item.encode is not None else outputs
        except Exception as error:
            _deliver(item, None, self._describe_error(error))
            return
        _deliver(item, value, None)

    def _observe(self, rows, requests):
        if self._on_call is not None:
            try:
                self._on_call(rows, requests)
            except Exception:
                pass


def trim_padding(array, pad):
    """Cut the trailing positions of every non-batch axis of `array` that hold only `pad` (no-op for `None`).

    Example:

    >>> import numpy as np
    >>> trim_padding(np.array([[b"a", b"b", b""], [b"c", b"", b""]], object), b"").tolist()
    [[b'a', b'b'], [b'c', b'']]
    >>> trim_padding(np.array([[-1, -1]]), -1).shape
    (1, 0)
    """
    if pad is None or array.ndim < 2:
        return array
    is_content = array != pad
    index = [slice(None)] * array.ndim
    for axis in range(1, array.ndim):
        other_axes = tuple(a for a in range(array.ndim) if a != axis)
        used = np.flatnonzero(is_content.any(axis=other_axes))
        index[axis] = slice(0, int(used[-1]) + 1 if used.size else 0)
    return array[tuple(index)]


def _deliver(item, value, error):
    try:
        item.deliver(value, error)
    except Exception:
        pass


def _default_error(error):
    if isinstance(error, ServingError):
        return error
    return ServingError(f"{type(error).__name__}: {error}", status=500)
