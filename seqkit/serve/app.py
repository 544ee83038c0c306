"""The ASGI application: TF Serving's REST API on Starlette, model calls in worker threads.

```
GET  /v1/models/<name>[/versions/<v>]              model status (TF Serving's GetModelStatusResponse)
GET  /v1/models/<name>[/versions/<v>]/metadata     signatures with dtypes and shapes (GetModelMetadataResponse)
POST /v1/models/<name>[/versions/<v>]:predict      {"instances": ...} or {"inputs": ...}, "signature_name"
GET  /metrics                                      Prometheus text format (also /monitoring/prometheus/metrics)
```

Every error is `{"error": "<message>"}` with the status TF Serving would use (400 bad request, 404 unknown
model or version, 405 wrong method, 413 body too large, 503 queue full with `Retry-After`, 504 timed out, 500
unexpected); nothing raises through to the server, so a bad request never costs a worker.
"""

import asyncio
import json
import logging
import re
import time

from seqkit.serve.errors import InvalidArgument, NotFound, ServingError
from seqkit.serve.json_tensors import decode_predict_request, encode_predict_response, parse_json_body

_MODEL_PATH = re.compile(
    r"/v1/models/(?P<name>[^/:]+)"
    r"(?:/versions/(?P<version>[^/:]+)|/labels/(?P<label>[^/:]+))?"
    r"(?P<verb>/metadata|:[A-Za-z]+)?/?"
)
_DECODE_IN_THREAD_BYTES = 256 * 1024
_JSON = "application/json"

logger = logging.getLogger("seqkit.serve")
access_logger = logging.getLogger("seqkit.serve.access")


def create_app(settings, repository=None):
    """The Starlette application serving the models of `settings.models`.

    Args:
        settings: a `ServeSettings`.
        repository: a `ModelRepository` to serve (default: one over `settings.models`); it is started when the
            application starts and stopped when it shuts down.

    Returns:
        A Starlette application; `app.state.repository` and `app.state.metrics` hold the repository and the
        Prometheus metrics.
    """
    import contextlib

    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import Response
    from starlette.routing import Route

    from seqkit.serve.metrics import ServeMetrics
    from seqkit.serve.repository import ModelRepository

    holder = {}
    if repository is None:
        repository = ModelRepository(
            settings.models,
            settings,
            on_call=lambda model, rows, requests: holder["metrics"].observe_call(model, rows, requests),
            on_load=lambda model, version, outcome: holder["metrics"].observe_load(model, version, outcome),
        )
    metrics = ServeMetrics(repository.queue_depths, repository.served_versions)
    holder["metrics"] = metrics

    def json_response(payload, status=200, headers=None):
        body = payload if isinstance(payload, bytes) else _dumps(payload)
        return Response(body, status_code=status, headers=headers, media_type=_JSON)

    def error_response(error):
        return json_response({"error": error.message}, status=error.status, headers=error.headers)

    async def models_endpoint(request):
        try:
            return await _dispatch(request)
        except ServingError as error:
            if error.status in (413, 503, 504):
                reason = {413: "too_large", 503: "queue_full", 504: "timeout"}[error.status]
                name = _model_label(request.url.path, repository)
                metrics.rejected.labels(name, reason).inc()
            return error_response(error)
        except Exception as error:  # a bug, not a bad request: log it, answer 500, keep serving
            logger.exception("unexpected error answering %s %s", request.method, request.url.path)
            return error_response(ServingError(f"Internal error: {type(error).__name__}: {error}", status=500))

    async def _dispatch(request):
        match = _MODEL_PATH.fullmatch(request.url.path)
        if match is None:
            raise NotFound(f"Malformed request: {request.method} {request.url.path}")
        name, label, verb = match["name"], match["label"], match["verb"]
        version = _parse_version(match["version"])
        if label is not None:
            raise NotFound(f"Servable not found for request: Label({name}, {label}) (seqkit serve has no version labels)")
        if verb in (None, "/metadata"):
            if request.method != "GET":
                raise ServingError(f"Method {request.method} is not allowed here; use GET", status=405)
            if verb is None:
                return json_response(repository.status(name, version))
            return json_response(_metadata(name, version))
        if request.method != "POST":
            raise ServingError(f"Method {request.method} is not allowed here; use POST", status=405)
        if verb != ":predict":
            if verb in (":classify", ":regress"):
                raise ServingError(f"{verb[1:]} is not implemented by seqkit serve; use :predict", status=501)
            raise NotFound(f"Malformed request: {request.method} {request.url.path}")
        return await _predict(request, name, version)

    def _metadata(name, version):
        with repository.lease(name, version) as servable:
            return {
                "model_spec": {"name": name, "signature_name": "", "version": str(servable.version)},
                "metadata": {"signature_def": {"signature_def": servable.signature_defs}},
            }

    async def _predict(request, name, version):
        started = time.monotonic()
        loop = asyncio.get_running_loop()
        with repository.lease(name, version) as servable:
            body = await _read_body(request, settings.max_request_bytes)
            if len(body) > _DECODE_IN_THREAD_BYTES:
                decoded = await run_in_threadpool(_decode, body, servable.signatures)
            else:
                decoded = _decode(body, servable.signatures)
            future = loop.create_future()

            def deliver(value, error):
                try:
                    loop.call_soon_threadsafe(_resolve, future, value, error)
                except RuntimeError:  # the loop is gone (shutdown)
                    pass

            fmt = decoded.format
            item = servable.submit(decoded, deliver, encode=lambda outputs: _dumps(encode_predict_response(outputs, fmt)))
            remaining = settings.request_timeout - (time.monotonic() - started)
            try:
                body = await asyncio.wait_for(future, timeout=max(remaining, 0.0))
            except asyncio.TimeoutError:
                item.abandon()
                raise ServingError(
                    f"Request timed out after {settings.request_timeout:g} s (--request-timeout)", status=504
                ) from None
        return json_response(body)

    async def metrics_endpoint(request):
        body, content_type = metrics.render()
        return Response(body, headers={"Content-Type": content_type})

    async def not_found(request):
        return error_response(NotFound(f"Malformed request: {request.method} {request.url.path}"))

    @contextlib.asynccontextmanager
    async def lifespan(app):
        await run_in_threadpool(repository.start)
        served = repository.served_versions()
        if served:
            for name, version in sorted(served.items()):
                logger.info("serving model %s version %s", name, version)
        else:
            logger.warning("no complete model version under %s yet; polling for one", settings.models)
        try:
            yield
        finally:
            await run_in_threadpool(repository.stop)

    routes = [
        Route("/v1/models/{rest:path}", models_endpoint, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
        Route("/metrics", metrics_endpoint, methods=["GET"]),
        Route("/monitoring/prometheus/metrics", metrics_endpoint, methods=["GET"]),
        Route("/{rest:path}", not_found, methods=["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"]),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.repository = repository
    app.state.metrics = metrics
    app.state.settings = settings
    return AccessLog(app, metrics, repository)


class AccessLog:
    """ASGI middleware: one log line per request (client, method, path, status, latency) and its metrics."""

    def __init__(self, app, metrics, repository):
        self.app = app
        self.metrics = metrics
        self.repository = repository
        self.state = app.state

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = [500]

        async def send_with_status(message):
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        self.metrics.in_flight.inc()
        try:
            await self.app(scope, receive, send_with_status)
        finally:
            self.metrics.in_flight.dec()
            elapsed = time.perf_counter() - started
            path = scope.get("path", "")
            model, api = _model_label(path, self.repository), _api_label(path)
            self.metrics.requests.labels(model, api, str(status[0])).inc()
            self.metrics.latency.labels(model, api).observe(elapsed)
            client = scope.get("client") or ("-", 0)
            access_logger.info(
                '%s "%s %s" %d %.1fms', client[0], scope.get("method", "-"), path, status[0], elapsed * 1000
            )


async def _read_body(request, limit):
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            declared = int(declared)
        except ValueError:
            raise InvalidArgument(f"Invalid Content-Length header: {declared!r}") from None
        if declared > limit:
            raise _too_large(declared, limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(size, limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(size, limit):
    return ServingError(
        f"Request body of {size} bytes is larger than the limit of {limit} bytes (--max-request-bytes)", status=413
    )


def _decode(body, signatures):
    return decode_predict_request(parse_json_body(body), signatures)


def _resolve(future, value, error):
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(value)


def _parse_version(text):
    if text is None:
        return None
    if not text.isascii() or not text.isdigit():
        raise NotFound(f"Malformed request: version must be an integer. Received: {text!r}")
    return int(text)


def _model_label(path, repository):
    match = _MODEL_PATH.fullmatch(path)
    if match is None:
        return ""
    name = match["name"]
    return name if repository.is_known(name) else "unknown"


def _api_label(path):
    if path in ("/metrics", "/monitoring/prometheus/metrics"):
        return "metrics"
    match = _MODEL_PATH.fullmatch(path)
    if match is None:
        return "other"
    verb = match["verb"]
    if verb is None:
        return "status"
    if verb == "/metadata":
        return "metadata"
    return verb[1:] if verb[1:] in ("predict", "classify", "regress") else "other"


def _dumps(payload):
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
