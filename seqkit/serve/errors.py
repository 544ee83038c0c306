"""Errors that `seqkit serve` answers as TF Serving does: `{"error": "<message>"}` with an HTTP status."""


class ServingError(Exception):
    """A request that cannot be answered; the server replies `{"error": message}` with `status`.

    Args:
        message: one line saying what is wrong, as TF Serving words it where it has a word for it.
        status: the HTTP status code (400 bad request, 404 unknown model or version, 413, 503, 504, ...).
        headers: extra response headers, e.g. `{"Retry-After": "1"}`.

    Example:

    >>> error = ServingError("Servable not found for request: Latest(half)", status=404)
    >>> (error.status, str(error))
    (404, 'Servable not found for request: Latest(half)')
    """

    def __init__(self, message, status=400, headers=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.headers = dict(headers or {})


class InvalidArgument(ServingError):
    """A malformed request body: bad JSON, a wrong input name, dtype or shape, a ragged batch (400)."""

    def __init__(self, message):
        super().__init__(message, status=400)


class NotFound(ServingError):
    """An unknown model, version, label or signature path (404)."""

    def __init__(self, message):
        super().__init__(message, status=404)


def tensorflow_error_message(error):
    """The useful part of a TensorFlow error: its cause, without the graph's stack of Python frames.

    Example:

    >>> class FakeError(Exception):
    ...     message = "Graph execution error:\\n\\nDetected at node x defined at:\\n  File a.py\\nbad index 5\\n\\t [[{{node x}}]]"
    >>> tensorflow_error_message(FakeError())
    'bad index 5'
    """
    text = getattr(error, "message", None) or str(error)
    kept = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or line[:1].isspace() or stripped.startswith(("Graph execution error", "Detected at node")):
            continue
        kept.append(stripped)
    return " ".join(kept) if kept else type(error).__name__
