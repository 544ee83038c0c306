"""TF Serving's REST API over a real socket: every endpoint and every error, on hand-made SavedModels."""

import base64
import concurrent.futures
import json
import logging
import time

import httpx
import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def toy(toy_models_root, serve):
    with serve(toy_models_root, max_batch_size=8, batch_timeout_ms=20, threads=1, max_request_bytes=4096) as running:
        yield running


@pytest.fixture
def client(toy):
    return toy[1]


def predict(client, body, path="/v1/models/toy:predict"):
    return client.post(path, content=body if isinstance(body, (bytes, str)) else json.dumps(body))


def test_model_status_and_version_status(client):
    expected = {"model_version_status": [{"version": "1", "state": "AVAILABLE", "status": {"error_code": "OK", "error_message": ""}}]}
    assert client.get("/v1/models/toy").json() == expected
    assert client.get("/v1/models/toy/versions/1").json() == expected
    response = client.get("/v1/models/toy/versions/7")
    assert response.status_code == 404 and "version 7" in response.json()["error"]


def test_metadata_lists_signatures_with_dtypes_and_shapes(client):
    metadata = client.get("/v1/models/toy/metadata").json()
    assert metadata["model_spec"] == {"name": "toy", "signature_name": "", "version": "1"}
    signatures = metadata["metadata"]["signature_def"]["signature_def"]
    default = signatures["serving_default"]
    assert default["method_name"] == "tensorflow/serving/predict"
    assert default["inputs"]["x"]["dtype"] == "DT_FLOAT"
    assert default["inputs"]["x"]["tensor_shape"] == {"dim": [{"size": "-1", "name": ""}], "unknown_rank": False}
    assert signatures["pixels"]["inputs"]["image"]["dtype"] == "DT_UINT8"
    assert [d["size"] for d in signatures["multi"]["inputs"]["values"]["tensor_shape"]["dim"]] == ["-1", "3"]
    assert client.get("/v1/models/toy/versions/1/metadata").json() == metadata


def test_predict_row_and_columnar_formats_as_tf_serving_answers_them(client):
    # The example of TF Serving's REST documentation (half_plus_three).
    assert predict(client, {"instances": [1.0, 2.0, 5.0]}).json() == {"predictions": [3.5, 4.0, 5.5]}
    assert predict(client, {"inputs": [1.0, 2.0, 5.0]}).json() == {"outputs": [3.5, 4.0, 5.5]}
    assert predict(client, {"instances": [1.0]}, "/v1/models/toy/versions/1:predict").json() == {"predictions": [3.5]}
    multi = {"signature_name": "multi", "instances": [{"text": "héllo", "values": [1, 2, 3]}, {"text": "ab", "values": [0.5, 0, 0]}]}
    assert predict(client, multi).json() == {
        "predictions": [
            {"length": 6, "text_bytes": {"b64": base64.b64encode("héllo".encode()).decode()}, "total": 6.0},
            {"length": 2, "text_bytes": {"b64": "YWI="}, "total": 0.5},
        ]
    }
    columnar = {"signature_name": "multi", "inputs": {"text": ["ab"], "values": [[1, 1, 1]]}}
    assert predict(client, columnar).json() == {"outputs": {"length": [2], "text_bytes": [{"b64": "YWI="}], "total": [3.0]}}


def test_b64_bytes_uint8_and_scalar_inputs(client):
    raw = {"signature_name": "multi", "instances": [{"text": {"b64": base64.b64encode(b"\x00\xff\x10").decode()}, "values": [0, 0, 0]}]}
    assert predict(client, raw).json()["predictions"][0]["length"] == 3
    image = {"signature_name": "pixels", "instances": [[[0, 255], [255, 0]], [[255, 255], [255, 255]]]}
    assert predict(client, image).json() == {"predictions": [0.5, 1.0]}
    scaled = {"signature_name": "scaled", "inputs": {"x": [1.0, 2.0], "scale": 4.0}}
    assert predict(client, scaled).json() == {"outputs": [4.0, 8.0]}


@pytest.mark.parametrize(
    "body, status, message",
    [
        (b'{"instances": [1.0,', 400, "JSON Parse error"),
        (b"not json", 400, "JSON Parse error"),
        ({"instances": [{"z": 1.0}]}, 400, "keys must be equal to: x"),
        ({"inputs": {"z": [1.0]}}, 400, "Unknown input 'z'"),
        ({"instances": ["one"]}, 400, "not of expected type: DT_FLOAT"),
        ({"signature_name": "pixels", "instances": [[[0, 300], [0, 0]]]}, 400, "out of range for DT_UINT8"),
        ({"signature_name": "multi", "instances": [{"text": "a", "values": [1, 2, 3]}, {"text": "b", "values": [1]}]}, 400, "ragged"),
        ({"signature_name": "scaled", "instances": [{"x": 1.0, "scale": 2.0}]}, 400, "scale"),
        ({"signature_name": "missing", "instances": [1.0]}, 400, 'signature name: "missing" not found'),
        ({"instances": [1.0]}, 404, "Servable not found for request: Latest(nosuchmodel)"),
    ],
)
def test_bad_requests_get_tf_serving_errors_and_the_server_keeps_answering(client, body, status, message):
    path = "/v1/models/nosuchmodel:predict" if status == 404 else "/v1/models/toy:predict"
    response = predict(client, body, path)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert set(response.json()) == {"error"}
    assert message in response.json()["error"]
    assert "Traceback" not in response.text
    assert predict(client, {"instances": [1.0]}).status_code == 200


def test_unknown_version_paths_methods_and_sizes(client):
    assert predict(client, {"instances": [1.0]}, "/v1/models/toy/versions/2:predict").json() == {
        "error": "Servable not found for request: Specific(toy, 2)"
    }
    assert client.get("/v1/models/nosuchmodel").status_code == 404
    assert client.get("/v1/models/toy/versions/abc").status_code == 404
    assert client.get("/v2/anything").json()["error"].startswith("Malformed request")
    assert client.get("/v1/models/toy:predict").status_code == 405
    assert client.post("/v1/models/toy:classify", content="{}").status_code == 501
    too_large = predict(client, {"instances": [1.0] * 2000})
    assert too_large.status_code == 413 and "--max-request-bytes" in too_large.json()["error"]
    assert predict(client, {"instances": [1.0]}).status_code == 200


def test_concurrent_ragged_requests_are_batched_and_trimmed_to_their_own_answers(toy, client):
    server, _ = toy
    sentences = [["one two three four five six"], ["hi"], ["a b", "c"], ["x y z"], ["lone"], ["p q r s"]]

    def one(batch):
        body = {"signature_name": "split", "instances": batch}
        with httpx.Client(base_url=server.url, timeout=30) as own:
            return own.post("/v1/models/toy:predict", content=json.dumps(body)).json()

    # A slow call keeps the only worker busy while the requests arrive, so that they queue and form a batch.
    with concurrent.futures.ThreadPoolExecutor(len(sentences) + 1) as pool:
        slow = pool.submit(one_body, server.url, {"signature_name": "sleep", "instances": [0.5]})
        time.sleep(0.1)
        batched = list(pool.map(one, sentences))
        assert slow.result() == {"predictions": [0.5]}
    for batch, answer in zip(sentences, batched):
        width = max(len(s.split()) for s in batch)
        expected = [
            {"positions": list(range(len(s.split()))) + [-1] * (width - len(s.split())),
             "words": s.split() + [""] * (width - len(s.split()))}
            for s in batch
        ]
        assert answer == {"predictions": expected}
    metrics = client.get("/metrics").text
    calls = _sample(metrics, 'seqkit_serve_batch_requests_count{model="toy"}')
    requests = _sample(metrics, 'seqkit_serve_batch_requests_sum{model="toy"}')
    assert requests > calls  # at least one model call answered several requests
    repository = server.app.state.repository
    with repository.lease("toy") as servable:
        assert servable._batch_policy("split") == {"words": b"", "positions": -1}
        assert servable._batch_policy("split_scores") is None  # float output of content-dependent width
        assert servable._batch_policy("scaled") is None  # scalar input


def test_metrics_in_prometheus_text_format(client):
    predict(client, {"instances": [1.0]})
    predict(client, b"{")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert _sample(text, 'seqkit_serve_requests_total{api="predict",code="200",model="toy"}') >= 1
    assert _sample(text, 'seqkit_serve_requests_total{api="predict",code="400",model="toy"}') >= 1
    assert 'seqkit_serve_request_duration_seconds_bucket{api="predict",le="0.1",model="toy"}' in text
    assert 'seqkit_serve_queue_depth{model="toy"} 0.0' in text
    assert 'seqkit_serve_batch_size_bucket{le="1.0",model="toy"}' in text
    assert 'seqkit_serve_model_version{model="toy"} 1.0' in text
    assert client.get("/monitoring/prometheus/metrics").status_code == 200


def test_one_log_line_per_request_with_method_path_status_and_latency(client, caplog):
    with caplog.at_level(logging.INFO, logger="seqkit.serve.access"):
        predict(client, {"instances": [1.0]})
        client.get("/v1/models/nosuchmodel")

        def lines():  # a line is written once the answer is sent, so it may come just after the client has it
            return [record.getMessage() for record in caplog.records if record.name == "seqkit.serve.access"]

        _wait_for(lambda: len(lines()) >= 2)
    lines = lines()
    assert len(lines) == 2
    assert '"POST /v1/models/toy:predict" 200 ' in lines[0] and lines[0].endswith("ms")
    assert '"GET /v1/models/nosuchmodel" 404 ' in lines[1]


def test_full_queue_answers_503_with_retry_after_and_slow_answers_504(toy_models_root, serve):
    # One worker, a queue of 2: while a slow call runs, two requests wait and the third is refused.
    with serve(toy_models_root, max_queue=2, threads=1, request_timeout=10) as (server, client):
        def send(body):
            with httpx.Client(base_url=server.url, timeout=30) as own:
                return own.post("/v1/models/toy:predict", content=json.dumps(body))

        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            slow = pool.submit(send, {"signature_name": "sleep", "instances": [2.0]})
            _wait_for(lambda: _sample(client.get("/metrics").text, "seqkit_serve_in_flight_requests") >= 2)
            time.sleep(0.2)  # the worker has taken the slow request off the queue
            queued = [pool.submit(send, {"instances": [1.0]}) for _ in range(2)]
            _wait_for(lambda: _sample(client.get("/metrics").text, 'seqkit_serve_queue_depth{model="toy"}') == 2)
            refused = send({"instances": [1.0]})
            assert refused.status_code == 503
            assert refused.headers["retry-after"] == "1"
            assert "overloaded" in refused.json()["error"]
            assert slow.result().json() == {"predictions": [2.0]}
            assert [f.result().json() for f in queued] == [{"predictions": [3.5]}] * 2
        metrics = client.get("/metrics").text
        assert 'seqkit_serve_rejected_requests_total{model="toy",reason="queue_full"} 1.0' in metrics
    with serve(toy_models_root, request_timeout=0.3) as (server, client):
        late = client.post("/v1/models/toy:predict", content=json.dumps({"signature_name": "sleep", "instances": [1.0]}))
        assert late.status_code == 504
        assert "timed out after 0.3 s" in late.json()["error"]
        assert 'seqkit_serve_rejected_requests_total{model="toy",reason="timeout"} 1.0' in client.get("/metrics").text
        assert client.post("/v1/models/toy:predict", content=json.dumps({"instances": [1.0]})).status_code == 200


def one_body(url, body):
    with httpx.Client(base_url=url, timeout=30) as own:
        return own.post("/v1/models/toy:predict", content=json.dumps(body)).json()


def _wait_for(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError("condition not met in time")


def _sample(text, name):
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[-1])
    return 0.0
