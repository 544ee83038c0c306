"""`seqkit serve`: the Click command (imports nothing heavy until it runs)."""

import click

from seqkit.cli.errors import report_errors

SERVE_PACKAGES = ("starlette", "uvicorn", "prometheus_client")


@click.command("serve", context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--models",
    type=click.Path(exists=True, file_okay=False),
    default="saved_models",
    show_default=True,
    help="Models root: <models>/<name>/<version>/ as `seqkit <app> export` writes it; every model is served.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every interface).")
@click.option("--port", type=click.IntRange(0, 65535), default=8501, show_default=True, help="REST API port.")
@click.option(
    "--poll-seconds",
    type=click.FloatRange(min=0.0),
    default=1.0,
    show_default=True,
    help="How often the models root is read for new versions (0: only at start-up).",
)
@click.option(
    "--max-batch-size",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Most instances in one model call made of concurrent requests; 1 turns dynamic batching off.",
)
@click.option(
    "--batch-timeout-ms",
    type=click.FloatRange(min=0.0),
    default=2.0,
    show_default=True,
    help="How long a model call waits for more requests to fill a batch.",
)
@click.option(
    "--max-queue",
    type=click.IntRange(min=1),
    default=128,
    show_default=True,
    help="Requests that may wait for each model; more are answered 503 with Retry-After.",
)
@click.option(
    "--threads", type=click.IntRange(min=1), default=2, show_default=True, help="Model calls that may run at once per model."
)
@click.option(
    "--request-timeout",
    type=click.FloatRange(min=0.0, min_open=True),
    default=30.0,
    show_default=True,
    help="Seconds a predict request may take before it is answered 504.",
)
@click.option(
    "--max-request-bytes",
    type=click.IntRange(min=1),
    default=32 * 1024 * 1024,
    show_default=True,
    help="Largest request body; a larger one is answered 413.",
)
@click.option(
    "--graceful-seconds",
    type=click.FloatRange(min=0.0, min_open=True),
    default=30.0,
    show_default=True,
    help="On SIGTERM or Ctrl-C, how long in-flight requests have to finish.",
)
@report_errors
def command(models, **options):
    """Serve exported models over HTTP with TensorFlow Serving's REST API.

    \b
    GET  /v1/models/<name>[/versions/<v>]            version status
    GET  /v1/models/<name>[/versions/<v>]/metadata   signatures, dtypes, shapes
    POST /v1/models/<name>[/versions/<v>]:predict    {"instances": [...]} or {"inputs": ...}
    GET  /metrics                                    Prometheus metrics

    The latest complete version of each model is served; a new version that appears is loaded and swapped
    in without dropping requests.
    """
    from seqkit.optional import import_optional
    from seqkit.serve.settings import ServeSettings

    for package in SERVE_PACKAGES:
        import_optional(package, "serve")
    settings = ServeSettings(models=models, **options)
    from seqkit.serve.server import serve

    serve(settings)
