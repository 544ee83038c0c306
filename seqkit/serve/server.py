"""Run the application under uvicorn: in the foreground (`seqkit serve`) or in a thread (tests, benchmarks)."""

import logging
import socket
import sys
import threading

from seqkit.serve.app import create_app

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def uvicorn_config(app, settings, **overrides):
    """A `uvicorn.Config` for `app`: our own access log instead of uvicorn's, graceful shutdown on SIGTERM."""
    import uvicorn

    options = dict(
        host=settings.host,
        port=settings.port,
        access_log=False,
        log_config=None,
        lifespan="on",
        timeout_graceful_shutdown=settings.graceful_seconds,
        timeout_keep_alive=5,
    )
    options.update(overrides)
    return uvicorn.Config(app, **options)


def configure_logging(level=logging.INFO, stream=None):
    """Log lines of seqkit serve and uvicorn on standard error (one line per request at INFO)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    for name in ("seqkit.serve", "uvicorn.error"):
        log = logging.getLogger(name)
        log.handlers[:] = [handler]
        log.setLevel(level)
        log.propagate = False


def serve(settings):
    """Serve until SIGINT/SIGTERM; in-flight requests finish (up to `settings.graceful_seconds`)."""
    import uvicorn

    configure_logging()
    app = create_app(settings)
    server = uvicorn.Server(uvicorn_config(app, settings))
    server.run()
    if not server.started:
        raise SystemExit(1)


class BackgroundServer:
    """A server on a free port of 127.0.0.1 in a thread of this process, for tests and benchmarks.

    Example (not run here: it loads models):

        with BackgroundServer(ServeSettings(models="saved_models", port=0)) as server:
            httpx.get(f"{server.url}/v1/models/ner")

    Attributes:
        url: `http://127.0.0.1:<port>`.
        app: the application (`app.state.repository`, `app.state.metrics`).
    """

    def __init__(self, settings, start_timeout=120):
        self.settings = settings
        self.start_timeout = start_timeout
        self.app = None
        self.url = None
        self._server = None
        self._thread = None
        self._socket = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def start(self):
        import uvicorn

        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((self.settings.host, self.settings.port))
        host, port = self._socket.getsockname()[:2]
        self.url = f"http://{host}:{port}"
        self.app = create_app(self.settings)
        self._server = uvicorn.Server(uvicorn_config(self.app, self.settings, port=port))
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, name="seqkit-serve", daemon=True
        )
        self._thread.start()
        deadline = threading.Event()
        for _ in range(int(self.start_timeout * 20)):
            if self._server.started or not self._thread.is_alive():
                break
            deadline.wait(0.05)
        if not self._server.started:
            self.stop()
            raise RuntimeError("the server did not start")

    def stop(self):
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=self.settings.graceful_seconds + 30)
        if self._socket is not None:
            self._socket.close()
