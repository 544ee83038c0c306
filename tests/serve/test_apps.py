"""A real export of `seqkit ner` answers over HTTP what `seqkit ner predict` prints, alone and batched.

(The sentiment export goes through the server in `benchmarks/serve_load.py`, which checks its answers against
the SavedModel called in-process; training a second app here would double this file's cost.)
"""

import concurrent.futures
import json
import threading
import time

import httpx
import pytest
from click.testing import CliRunner

from seqkit.cli.main import cli

pytestmark = pytest.mark.slow

SENTENCES = [
    "Maria Costa joined Nordbank in Lima .",
    "Tomas Lind visited Oslo",
    "Hi Oslo",
    "Anna Berg , John Smith and Li Wei joined Acme Corp in Paris , Berlin and Kyoto .",
]


def invoke(*args):
    result = CliRunner().invoke(cli, [str(arg) for arg in args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    """A tiny NER model trained for one epoch on a small CoNLL file, exported under a models root."""
    folder = tmp_path_factory.mktemp("apps")
    people, places, orgs = ["Anna Berg", "Tomas Lind", "Maria Costa", "Li Wei"], ["Paris", "Oslo", "Lima"], ["Acme Corp", "Nordbank"]
    lines = []
    for i in range(40):
        for words, tag in ((people[i % 4], "PER"), ("joined", None), (orgs[i % 2], "ORG"), ("in", None), (places[i % 3], "LOC"), (".", None)):
            for index, word in enumerate(words.split()):
                lines.append(f"{word} {'O' if tag is None else ('B-' if index == 0 else 'I-') + tag}")
        lines.append("")
    (folder / "ner.txt").write_text("\n".join(lines), encoding="utf-8")
    runs, root = folder / "runs", folder / "saved_models"
    common = ("--preset", "tiny", "--epochs", "1", "--seed", "0", "--quiet", "--run-eagerly")
    invoke("ner", "fit", "--data", folder / "ner.txt", "--out", runs / "ner", *common)
    invoke("ner", "export", "--model", runs / "ner", "--out", root)
    return runs, root


@pytest.fixture(scope="module")
def server(exports, serve):
    with serve(exports[1], max_batch_size=16, batch_timeout_ms=50, threads=1) as running:
        yield running


def cli_predictions(app, run, inputs):
    output = invoke(app, "predict", "--model", run, "--json", *inputs)
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_ner_export_answers_as_seqkit_ner_predict_alone_and_in_concurrent_batches(exports, server):
    runs, _ = exports
    url, client = server[0].url, server[1]
    expected = cli_predictions("ner", runs / "ner", SENTENCES)

    def check(prediction, want):
        assert prediction["words"][: prediction["lengths"]] == [token["text"] for token in want["tokens"]]
        assert prediction["tags"][: prediction["lengths"]] == want["tags"]
        entities = [(text, kind) for text, kind in zip(prediction["entity_texts"], prediction["entity_types"]) if kind]
        assert entities == [(entity["text"], entity["type"]) for entity in want["entities"]]

    together = client.post("/v1/models/ner:predict", json={"instances": SENTENCES}).json()["predictions"]
    for prediction, want in zip(together, expected):
        check(prediction, want)

    start = threading.Barrier(2 * len(SENTENCES))

    def alone(sentence):
        with httpx.Client(base_url=url, timeout=30) as own:
            start.wait()
            return own.post("/v1/models/ner:predict", json={"instances": [sentence]}).json()["predictions"][0]

    # Concurrent one-sentence requests are batched (--max-batch-size 16) while a large request keeps the only
    # worker busy; each answer is trimmed back to what the sentence alone gets: no padding of the longest
    # sentence of the batch.
    with concurrent.futures.ThreadPoolExecutor(2 * len(SENTENCES) + 1) as pool:
        large = pool.submit(client.post, "/v1/models/ner:predict", json={"instances": SENTENCES * 250})
        time.sleep(0.2)
        answers = list(pool.map(alone, SENTENCES * 2))
        assert large.result().status_code == 200
    for prediction, want in zip(answers, expected * 2):
        check(prediction, want)
        assert len(prediction["words"]) == prediction["lengths"]
        assert len(prediction["entity_types"]) == len(want["entities"])
    metrics = client.get("/metrics").text
    calls = [line for line in metrics.splitlines() if line.startswith('seqkit_serve_batch_requests_count{model="ner"}')]
    answered = [line for line in metrics.splitlines() if line.startswith('seqkit_serve_batch_requests_sum{model="ner"}')]
    assert float(answered[0].split()[-1]) > float(calls[0].split()[-1])  # some calls answered several requests
    metadata = client.get("/v1/models/ner/metadata").json()
    assert metadata["metadata"]["signature_def"]["signature_def"]["serving_default"]["inputs"]["sentences"]["dtype"] == "DT_STRING"


def test_a_call_of_one_word_sentences_only_is_answered(exports, server):
    # It used to fail inside the export's CRF decode (a `tf.scan` over zero steps); the server answered 400.
    response = server[1].post("/v1/models/ner:predict", json={"instances": ["Oslo", "Lima"]})
    assert response.status_code == 200, response.text
    predictions = response.json()["predictions"]
    assert [p["words"][: p["lengths"]] for p in predictions] == [["Oslo"], ["Lima"]]
    assert all(len(p["tags"][: p["lengths"]]) == 1 and p["tags"][0] for p in predictions)
