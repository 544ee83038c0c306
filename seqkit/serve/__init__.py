"""`seqkit serve`: exported models over HTTP with TensorFlow Serving's REST API.

`seqkit serve --models saved_models/` serves the latest version of every model under the folder (the layout
`seqkit <app> export` writes) on 127.0.0.1:8501, so that a client written against TF Serving works unchanged.
Parts: `json_tensors` (TF Serving's JSON ⇄ NumPy), `batching` (bounded queue, worker threads, dynamic
batching), `servable` (one loaded version), `repository` (versions found on disk, hot swap), `metrics`
(Prometheus), `app` (the Starlette application), `server` (uvicorn), `cli` (the Click command).

Only `cli` and `settings` are imported by `seqkit --help`; Starlette, uvicorn, prometheus_client (the `serve`
extra) and TensorFlow are imported when the server starts.
"""
