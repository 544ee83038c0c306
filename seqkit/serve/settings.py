"""The settings of `seqkit serve`, validated once (TF-free: the CLI builds them before any heavy import)."""

import dataclasses


@dataclasses.dataclass(frozen=True)
class ServeSettings:
    """How `seqkit serve` listens, polls, queues and batches.

    Args:
        models: the models root: one folder per model, one integer folder per version (`saved_models/`).
        host: the address to listen on; 127.0.0.1 (this machine only) by default.
        port: the REST port; 8501 as TF Serving's.
        poll_seconds: how often the models root is read for new or removed versions (0: never).
        max_batch_size: most instances in one model call made of concurrent requests; 1 turns batching off.
        batch_timeout_ms: how long a model call waits for more requests to fill a batch.
        max_queue: requests that may wait for a model version; beyond that the answer is 503.
        threads: model calls that may run at once for each model version.
        request_timeout: seconds a predict request may take before it is answered 504.
        max_request_bytes: largest request body; a larger one is answered 413.
        graceful_seconds: on SIGTERM, how long in-flight requests have to finish.

    Example:

    >>> ServeSettings(models="saved_models").port
    8501
    >>> ServeSettings(models="saved_models", max_batch_size=0)  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    ...
    ValueError: `max_batch_size` must be a positive integer. Received: max_batch_size=0
    """

    models: str
    host: str = "127.0.0.1"
    port: int = 8501
    poll_seconds: float = 1.0
    max_batch_size: int = 1
    batch_timeout_ms: float = 2.0
    max_queue: int = 128
    threads: int = 2
    request_timeout: float = 30.0
    max_request_bytes: int = 32 * 1024 * 1024
    graceful_seconds: float = 30.0

    def __post_init__(self):
        for name in ("max_batch_size", "max_queue", "threads", "max_request_bytes"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value!r}")
        if not isinstance(self.port, int) or not 0 <= self.port <= 65535:
            raise ValueError(f"`port` must be an integer from 0 to 65535. Received: port={self.port!r}")
        for name in ("poll_seconds", "batch_timeout_ms"):
            if getattr(self, name) < 0:
                raise ValueError(f"`{name}` must be >= 0. Received: {name}={getattr(self, name)!r}")
        for name in ("request_timeout", "graceful_seconds"):
            if getattr(self, name) <= 0:
                raise ValueError(f"`{name}` must be > 0. Received: {name}={getattr(self, name)!r}")
