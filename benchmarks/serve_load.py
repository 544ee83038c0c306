"""Load test of `seqkit serve` on 127.0.0.1: throughput and latency against the SavedModel called in-process.

For the NER and sentiment exports (trained here on the embedded data with `--preset tiny --epochs 1`, or
taken from `--models DIR` holding `ner/` and `sentiment/`), the script

1. calls each SavedModel in this process with batches of 1, 8 and 32 instances (the baseline);
2. starts `seqkit serve` in a subprocess, without and with dynamic batching, and sends a fixed number of
   one-instance predict requests from 1, 8 and 32 concurrent clients (keep-alive connections on asyncio
   streams, in this process):
   throughput, p50/p99 latency, errors, mean batch size, and throughput relative to the in-process call at
   batch 1 and at the batch size the clients can fill;
3. checks that served answers equal the in-process ones;
4. overloads a server whose queue holds `--overload-queue` requests with `--overload-clients` clients: every
   answer must be 200 or 503 (with Retry-After), the server's resident memory must stay bounded, and it must
   answer normally afterwards.

Every request goes to 127.0.0.1 and every run stops after a fixed number of requests.

    python benchmarks/serve_load.py [--models saved_models] [--requests 400] [--clients 1,8,32]
"""

import argparse
import asyncio
import json
import os
import pathlib
import socket
import subprocess
import sys
import tempfile
import threading
import time

SEQKIT = [sys.executable, "-c", "from seqkit.cli.main import main; main()"]

NER_SENTENCES = [
    "Maria Silva, a Brazilian engineer, moved from Lisbon to Toronto.",
    "Angela Merkel visited Paris.",
    "The United Nations met in Geneva on Monday to discuss the report of the World Health Organization.",
    "Shares of Acme Corp fell after the Reuters story.",
    "John lives in New York",
    "Yesterday the team from Barcelona beat Real Madrid two to one in front of eighty thousand fans at the Camp Nou.",
    "Hello there, Paris",
    "Professor Wei Chen of Tsinghua University will speak at the conference in Berlin next week about climate models.",
]
REVIEWS = [
    "Great product, works well.",
    "Stopped working after two days.",
    "It is okay.",
    "The battery lasts forever and the screen is bright, but the speaker is weak and the case scratches easily.",
    "Terrible. Would not buy again.",
    "Five stars! Exactly as described, arrived early, and the seller answered every question within an hour.",
    "meh",
    "Not bad for the price, though I expected better build quality from this brand after reading the reviews.",
]
INPUTS = {"ner": NER_SENTENCES, "sentiment": REVIEWS}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def rss_mib(pid):
    try:
        for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def train_and_export(root, preset, work):
    for app in ("ner", "sentiment"):
        run = work / "runs" / app
        started = time.perf_counter()
        subprocess.run([*SEQKIT, app, "fit", "--preset", preset, "--epochs", "1", "--seed", "0", "--quiet", "--out", str(run)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run([*SEQKIT, app, "export", "--model", str(run), "--out", str(root)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        print(f"trained and exported {app} (--preset {preset} --epochs 1) in {time.perf_counter() - started:.0f} s", flush=True)


def in_process_throughput(path, inputs, batch_sizes, seconds):
    """Instances per second of the SavedModel's serving_default called here, for each batch size."""
    import numpy as np
    import tensorflow as tf

    loaded = tf.saved_model.load(str(path))
    fn = loaded.signatures["serving_default"]
    (name,) = fn.structured_input_signature[1]
    results = {}
    for batch_size in batch_sizes:
        batch = tf.constant(np.array([inputs[i % len(inputs)].encode() for i in range(batch_size)], dtype=object))
        fn(**{name: batch})  # warm up this shape
        calls, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds:
            fn(**{name: batch})
            calls += 1
        results[batch_size] = calls * batch_size / (time.perf_counter() - started)
    reference = {key: value.numpy() for key, value in fn(**{name: tf.constant(np.array([s.encode() for s in inputs], object))}).items()}
    del loaded, fn
    return results, reference


class Server:
    """`seqkit serve` in a subprocess on a free port of 127.0.0.1, its log in a file."""

    def __init__(self, models, log_path, *options):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(log_path, "w")
        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
        self.process = subprocess.Popen(
            [*SEQKIT, "serve", "--models", str(models), "--port", str(self.port), *options],
            stdout=self.log, stderr=subprocess.STDOUT, env=env,
        )

    def wait_ready(self, model, timeout=180):
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}; see {self.log.name}")
            try:
                statuses = httpx.get(f"{self.url}/v1/models/{model}", timeout=2).json()["model_version_status"]
                if any(status["state"] == "AVAILABLE" for status in statuses):
                    return
            except Exception:
                pass
            time.sleep(0.3)
        raise RuntimeError("the server did not start in time")

    def metrics(self):
        import httpx

        samples = {}
        for line in httpx.get(f"{self.url}/metrics", timeout=10).text.splitlines():
            if line and not line.startswith("#"):
                key, _, value = line.rpartition(" ")
                samples[key] = float(value)
        return samples

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


async def load(url, model, inputs, requests, clients, timeout=60.0):
    """Send `requests` one-instance predict requests from `clients` concurrent keep-alive connections.

    The client is a minimal HTTP/1.1 writer and reader on asyncio streams, so that it costs the shared cores
    as little as possible (an httpx.AsyncClient costs about three times the server's own time per request).

    Returns:
        `(seconds, latencies, {status: latencies}, retry_after_values)`.
    """
    host, port = url.split("//")[1].split(":")
    port = int(port)
    requests_bytes = []
    for text in inputs:
        body = json.dumps({"instances": [text]}).encode()
        head = (
            f"POST /v1/models/{model}:predict HTTP/1.1\r\nHost: {host}:{port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        requests_bytes.append(head.encode() + body)
    latencies, by_status, retry_after = [], {}, []
    counter = iter(range(requests))

    async def exchange(connection, payload):
        reader, writer = connection
        writer.write(payload)
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = dict(line.split(":", 1) for line in lines[1:] if ":" in line)
        headers = {key.strip().lower(): value.strip() for key, value in headers.items()}
        await reader.readexactly(int(headers.get("content-length", "0")))
        return status, headers

    async def client():
        connection = None
        for index in counter:
            started = time.perf_counter()
            try:
                if connection is None:
                    connection = await asyncio.open_connection(host, port)
                status, headers = await asyncio.wait_for(exchange(connection, requests_bytes[index % len(requests_bytes)]), timeout)
                if status == 503:
                    retry_after.append(headers.get("retry-after"))
                if headers.get("connection", "").lower() == "close":
                    connection[1].close()
                    connection = None
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, asyncio.TimeoutError) as error:
                status = type(error).__name__
                if connection is not None:
                    connection[1].close()
                connection = None
            latencies.append(time.perf_counter() - started)
            by_status.setdefault(status, []).append(latencies[-1])
        if connection is not None:
            connection[1].close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return time.perf_counter() - started, latencies, by_status, retry_after


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def check_answers(url, model, inputs, reference):
    import httpx
    import numpy as np

    answer = httpx.post(f"{url}/v1/models/{model}:predict", json={"inputs": inputs}, timeout=60).json()["outputs"]
    for name, expected in reference.items():
        got = np.array(answer[name])
        if expected.dtype.kind == "f":
            if not np.allclose(got, expected, atol=1e-5):
                return f"{name} differs"
        elif expected.dtype.kind == "O":
            if got.tolist() != [[v.decode() for v in row] if np.ndim(row) else row.decode() for row in expected]:
                return f"{name} differs"
        elif got.tolist() != expected.tolist():
            return f"{name} differs"
    return "equal"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=pathlib.Path, help="Models root with ner/ and sentiment/ exports. Default: train tiny ones.")
    parser.add_argument("--preset", default="tiny", help="Preset of the models trained when --models is not given.")
    parser.add_argument("--requests", type=int, default=400, help="Requests per (model, batching, clients) run.")
    parser.add_argument("--clients", default="1,8,32", help="Concurrent clients of each run, comma separated.")
    parser.add_argument("--max-batch-size", type=int, default=32)
    parser.add_argument("--batch-timeout-ms", type=float, default=2.0)
    parser.add_argument("--baseline-seconds", type=float, default=2.0, help="Time spent on each in-process batch size.")
    parser.add_argument("--overload-clients", type=int, default=128)
    parser.add_argument("--overload-queue", type=int, default=16)
    parser.add_argument("--overload-requests", type=int, default=10000)
    args = parser.parse_args()
    client_counts = [int(c) for c in args.clients.split(",")]
    started_all = time.perf_counter()

    work = pathlib.Path(tempfile.mkdtemp(prefix="serve_load-"))
    root = args.models
    if root is None:
        root = work / "saved_models"
        train_and_export(root, args.preset, work)
    models = ["ner", "sentiment"]

    def latest(model):
        return max((p for p in (root / model).iterdir() if p.name.isdigit()), key=lambda p: int(p.name))

    baseline, references = {}, {}
    for model in models:
        baseline[model], references[model] = in_process_throughput(
            latest(model), INPUTS[model], sorted({1, *client_counts, args.max_batch_size}), args.baseline_seconds
        )
        print(f"in-process {model}: " + ", ".join(f"batch {b}: {v:,.0f} inst/s" for b, v in baseline[model].items()), flush=True)

    rows = []
    for batching in (False, True):
        options = ["--max-batch-size", str(args.max_batch_size), "--batch-timeout-ms", str(args.batch_timeout_ms)] if batching else []
        server = Server(root, work / f"serve-{'batched' if batching else 'plain'}.log", *options)
        try:
            for model in models:
                server.wait_ready(model)
                agreement = check_answers(server.url, model, INPUTS[model], references[model])
                asyncio.run(load(server.url, model, INPUTS[model], 50, 4))  # warm up
                for clients in client_counts:
                    before = server.metrics()
                    elapsed, latencies, by_status, _ = asyncio.run(load(server.url, model, INPUTS[model], args.requests, clients))
                    after = server.metrics()
                    statuses = {status: len(values) for status, values in by_status.items()}
                    calls = after.get(f'seqkit_serve_batch_size_count{{model="{model}"}}', 0) - before.get(f'seqkit_serve_batch_size_count{{model="{model}"}}', 0)
                    instances = after.get(f'seqkit_serve_batch_size_sum{{model="{model}"}}', 0) - before.get(f'seqkit_serve_batch_size_sum{{model="{model}"}}', 0)
                    throughput = args.requests / elapsed
                    fill = min(clients, args.max_batch_size) if batching else 1
                    rows.append({
                        "model": model, "batching": batching, "clients": clients, "throughput": throughput,
                        "p50_ms": 1000 * percentile(latencies, 0.50), "p99_ms": 1000 * percentile(latencies, 0.99),
                        "errors": args.requests - statuses.get(200, 0), "mean_batch": instances / calls if calls else float("nan"),
                        "vs_batch1": throughput / baseline[model][1], "vs_fill": throughput / baseline[model][fill], "fill": fill,
                        "answers": agreement,
                    })
                    r = rows[-1]
                    print(f"{model:9s} batching={'on ' if batching else 'off'} clients={clients:3d}: {throughput:7.1f} req/s  "
                          f"p50 {r['p50_ms']:6.1f} ms  p99 {r['p99_ms']:6.1f} ms  errors {r['errors']}  "
                          f"mean batch {r['mean_batch']:.1f}  x{r['vs_batch1']:.2f} of in-process batch 1, "
                          f"x{r['vs_fill']:.2f} of batch {fill}  answers {agreement}", flush=True)
        finally:
            server.stop()

    # === Overload ===
    server = Server(root, work / "serve-overload.log", "--max-queue", str(args.overload_queue), "--threads", "1")
    try:
        server.wait_ready("ner")
        idle_rss = rss_mib(server.process.pid)
        peak = [idle_rss]
        stop = threading.Event()

        def sample():
            while not stop.wait(0.1):
                peak[0] = max(peak[0], rss_mib(server.process.pid))

        sampler = threading.Thread(target=sample)
        sampler.start()
        elapsed, latencies, by_status, retry_after = asyncio.run(
            load(server.url, "ner", NER_SENTENCES, args.overload_requests, args.overload_clients)
        )
        stop.set()
        sampler.join()
        after_rss = rss_mib(server.process.pid)
        import httpx

        follow_up = httpx.post(f"{server.url}/v1/models/ner:predict", json={"instances": NER_SENTENCES[:1]}, timeout=30)
        metrics = server.metrics()
        statuses = {status: len(values) for status, values in by_status.items()}
        ok, refused = by_status.get(200, [0.0]), by_status.get(503, [0.0])
        only_200_503 = set(statuses) <= {200, 503}
        rejected = metrics.get('seqkit_serve_rejected_requests_total{model="ner",reason="queue_full"}', 0)
        print(
            f"overload: {args.overload_clients} clients, queue {args.overload_queue}, {args.overload_requests} requests in "
            f"{elapsed:.1f} s: statuses {dict(sorted(statuses.items(), key=str))}, only 200/503: {only_200_503}, "
            f"Retry-After on every 503: {all(value == '1' for value in retry_after)}; server RSS idle {idle_rss:.0f} MiB, "
            f"peak {peak[0]:.0f} MiB, after {after_rss:.0f} MiB; p50/p99 latency of the 200s "
            f"{1000 * percentile(ok, 0.5):.0f}/{1000 * percentile(ok, 0.99):.0f} ms, of the 503s "
            f"{1000 * percentile(refused, 0.5):.1f}/{1000 * percentile(refused, 0.99):.1f} ms; afterwards: {follow_up.status_code}; "
            f"rejected (metrics): {rejected:.0f}",
            flush=True,
        )
    finally:
        server.stop()

    below_saturation_errors = sum(r["errors"] for r in rows)
    print(f"errors below saturation: {below_saturation_errors}; total time {time.perf_counter() - started_all:.0f} s; logs in {work}")
    (work / "results.json").write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
