"""Prometheus metrics of `seqkit serve`, in a registry of their own (one per server)."""

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)


class ServeMetrics:
    """Request counts, latencies, queue depths, batch sizes and model loads.

    `seqkit_serve_requests_total{model,api,code}`, `seqkit_serve_request_duration_seconds{model,api}`
    (histogram), `seqkit_serve_in_flight_requests`, `seqkit_serve_queue_depth{model}` (requests waiting for a
    model call, read when scraped), `seqkit_serve_batch_size{model}` (instances per model call, histogram),
    `seqkit_serve_batch_requests{model}` (requests per model call), `seqkit_serve_rejected_requests_total{model,
    reason}` (`queue_full`, `timeout`, `too_large`), `seqkit_serve_model_loads_total{model,outcome}` and
    `seqkit_serve_model_version{model}`.

    Args:
        queue_depths: `queue_depths() -> {model: waiting}`.
        served_versions: `served_versions() -> {model: version}`.
    """

    def __init__(self, queue_depths, served_versions):
        import prometheus_client
        from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

        if hasattr(prometheus_client, "disable_created_metrics"):
            prometheus_client.disable_created_metrics()  # no `*_created` series: start times say nothing here
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "seqkit_serve_requests", "HTTP requests answered.", ["model", "api", "code"], registry=self.registry
        )
        self.latency = Histogram(
            "seqkit_serve_request_duration_seconds",
            "Time from receiving a request to sending its answer.",
            ["model", "api"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.in_flight = Gauge("seqkit_serve_in_flight_requests", "Requests being answered.", registry=self.registry)
        self.batch_size = Histogram(
            "seqkit_serve_batch_size", "Instances per model call.", ["model"], buckets=BATCH_BUCKETS,
            registry=self.registry,
        )
        self.batch_requests = Histogram(
            "seqkit_serve_batch_requests", "Requests answered by one model call.", ["model"], buckets=BATCH_BUCKETS,
            registry=self.registry,
        )
        self.rejected = Counter(
            "seqkit_serve_rejected_requests", "Requests refused: queue full (503), timed out (504), too large (413).",
            ["model", "reason"], registry=self.registry,
        )
        self.loads = Counter(
            "seqkit_serve_model_loads", "Model version loads.", ["model", "outcome"], registry=self.registry
        )
        self.registry.register(_LiveCollector(queue_depths, served_versions))

    def observe_call(self, model, rows, requests):
        self.batch_size.labels(model).observe(rows)
        self.batch_requests.labels(model).observe(requests)

    def observe_load(self, model, version, outcome):
        self.loads.labels(model, outcome).inc()

    def render(self):
        """The metrics in Prometheus's text format: `(body, content_type)`."""
        from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

        return generate_latest(self.registry), CONTENT_TYPE_LATEST


class _LiveCollector:
    """Gauges read from the repository when scraped."""

    def __init__(self, queue_depths, served_versions):
        self._queue_depths = queue_depths
        self._served_versions = served_versions

    def describe(self):
        return []

    def collect(self):
        from prometheus_client.core import GaugeMetricFamily

        depth = GaugeMetricFamily(
            "seqkit_serve_queue_depth", "Requests waiting for a model call.", labels=["model"]
        )
        for model, value in sorted(self._queue_depths().items()):
            depth.add_metric([model], value)
        yield depth
        version = GaugeMetricFamily("seqkit_serve_model_version", "Version being served.", labels=["model"])
        for model, value in sorted(self._served_versions().items()):
            version.add_metric([model], value)
        yield version
