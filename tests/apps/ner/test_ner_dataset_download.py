"""`--dataset conll2003` downloads, verifies, caches and reads the standard splits (served locally here)."""

import functools
import hashlib
import http.server
import threading
import zipfile

import pytest

from seqkit.application.sources import resolve_sources
from seqkit.apps.ner.application import APPLICATION
from seqkit.data import downloads
from seqkit.errors import UserInputError

IOB1_TRAIN = "-DOCSTART- -X- -X- O\n\nEU NNP B-NP I-ORG\nrejects VBZ B-VP O\nGerman JJ B-NP I-MISC\ncall NN I-NP O\n\n"
IOB1_VALID = "Peter NNP B-NP I-PER\nBlackburn NNP I-NP I-PER\n\n"


@pytest.fixture
def local_conll_server(tmp_path, monkeypatch):
    served = tmp_path / "served"
    served.mkdir()
    archive = served / "conll2003.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("train.txt", IOB1_TRAIN)
        zipped.writestr("valid.txt", IOB1_VALID)
        zipped.writestr("test.txt", IOB1_VALID)
    requests = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            requests.append(self.path)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(served)))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/conll2003.zip"
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    files = {split: (url, digest, member) for split, member in
             (("train", "train.txt"), ("validation", "valid.txt"), ("test", "test.txt"))}
    monkeypatch.setitem(downloads.DATASETS, "conll2003", downloads.DatasetSpec(files=files))
    monkeypatch.setenv("SEQKIT_HOME", str(tmp_path / "home"))
    yield requests
    server.shutdown()
    server.server_close()


def _resolve(dataset):
    settings = APPLICATION.settings("tiny", {}, {}, {})
    return resolve_sources(APPLICATION, settings, dataset=dataset)


def test_conll2003_is_downloaded_once_and_normalised_to_iob2(local_conll_server):
    train, valid, sources = _resolve("conll2003")
    assert [s.tokens for s in train] == [["EU", "rejects", "German", "call"]]
    assert [s.tags for s in train] == [["B-ORG", "O", "B-MISC", "O"]]
    assert next(iter(valid)).tags == ["B-PER", "I-PER"]
    assert sources["train"].endswith("train.txt") and sources["test"].endswith("test.txt")
    _resolve("conll2003")
    assert len([path for path in local_conll_server if path.endswith(".zip")]) == 1


def test_unknown_dataset_names_the_choices():
    with pytest.raises(UserInputError, match="unknown dataset 'imdb' for `seqkit ner`; known datasets: conll2003"):
        _resolve("imdb")
