"""`--dataset fsdd` downloads the archive, unpacks its recordings folder and reads transcripts from the names."""

import functools
import hashlib
import http.server
import threading
import zipfile

import numpy as np
import pytest

from seqkit.application.sources import resolve_sources
from seqkit.apps.speech.application import APPLICATION
from seqkit.data import downloads


@pytest.fixture
def local_fsdd_server(tmp_path, monkeypatch):
    from seqkit.data.audio.waveforms import write_wav

    served = tmp_path / "served"
    served.mkdir()
    clips = tmp_path / "clips"
    archive = served / "fsdd.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for name in ("7_jackson_3.wav", "0_theo_12.wav", "3_george_5.wav"):
            write_wav(clips / name, np.zeros(800, np.float32) + 0.1, 8000)
            zipped.write(clips / name, f"free-spoken-digit-dataset-master/recordings/{name}")

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(served)))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/fsdd.zip"
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    member = "free-spoken-digit-dataset-master/recordings"
    monkeypatch.setitem(downloads.DATASETS, "fsdd", downloads.DatasetSpec(files={"train": (url, digest, member)}))
    monkeypatch.setenv("SEQKIT_HOME", str(tmp_path / "home"))
    yield
    server.shutdown()
    server.server_close()


def test_fsdd_transcripts_come_from_the_file_names(local_fsdd_server):
    settings = APPLICATION.settings("tiny", {}, {}, {})
    train, valid, sources = resolve_sources(APPLICATION, settings, dataset="fsdd")
    transcripts = sorted(u.transcript for u in list(train) + list(valid))
    assert transcripts == ["seven", "three", "zero"]
    assert settings.options["transcript_from_name"] == "digits"
    assert sources["dataset"] == "fsdd"
