"""Versions appearing, half-written, failing and disappearing while clients keep sending requests."""

import gc
import json
import shutil
import threading
import time
import weakref

import httpx
import pytest

pytestmark = pytest.mark.slow


def served_version(client):
    statuses = client.get("/v1/models/m").json()["model_version_status"]
    return [int(s["version"]) for s in statuses if s["state"] == "AVAILABLE"]


def wait_until(condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


class Hammer:
    """Client threads sending predict requests without pause; records every (status, version) answer."""

    def __init__(self, url, threads=3):
        self.url = url
        self.stop = threading.Event()
        self.answers = [[] for _ in range(threads)]
        self.threads = [threading.Thread(target=self._run, args=(answers,)) for answers in self.answers]

    def _run(self, answers):
        with httpx.Client(base_url=self.url, timeout=30) as client:
            while not self.stop.is_set():
                response = client.post("/v1/models/m:predict", content='{"instances": [0.0]}')
                value = response.json()["predictions"][0] if response.status_code == 200 else None
                answers.append((response.status_code, value))

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stop.set()
        for thread in self.threads:
            thread.join()


def test_versions_are_swapped_in_without_dropping_requests(tmp_path, version_model_factory, serve):
    root = tmp_path / "models"
    shutil.copytree(version_model_factory(1), root / "m" / "1")
    with serve(root, poll_seconds=0.1) as (server, client):
        repository = server.app.state.repository
        with repository.lease("m") as first:
            pass
        loaded_v1 = weakref.ref(first._loaded)
        with Hammer(server.url) as hammer:
            # A staging folder as `seqkit <app> export` writes it, and a version still being copied (no
            # seqkit.json yet): neither is loaded.
            staging = root / "m" / ".2.tmp-x1y2"
            shutil.copytree(version_model_factory(2), staging)
            (root / "m" / "3").mkdir()
            shutil.copy(version_model_factory(3) / "saved_model.pb", root / "m" / "3")
            time.sleep(0.6)
            assert served_version(client) == [1]
            staging.rename(root / "m" / "2")
            assert wait_until(lambda: served_version(client) == [2])
            time.sleep(0.3)
        answers = [answer for thread in hammer.answers for answer in thread]
        assert len(answers) > 20
        assert {status for status, _ in answers} == {200}
        for thread in hammer.answers:
            versions = [value for _, value in thread]
            assert versions == sorted(versions)  # 1, ..., 1, 2, ..., 2: never back
            assert versions[-1] == 2.0
        assert client.get("/v1/models/m").json() == {
            "model_version_status": [
                {"version": "2", "state": "AVAILABLE", "status": {"error_code": "OK", "error_message": ""}},
                {"version": "1", "state": "END", "status": {"error_code": "OK", "error_message": ""}},
            ]
        }
        assert first.released.wait(10)
        gc.collect()
        assert loaded_v1() is None  # the old SavedModel is gone from memory

        # The copy of version 3 completes: it is loaded once its files have settled.
        shutil.copytree(version_model_factory(3), root / "m" / "3", dirs_exist_ok=True)
        assert wait_until(lambda: served_version(client) == [3])
        assert client.post("/v1/models/m:predict", content='{"instances": [0.0]}').json() == {"predictions": [3.0]}

        # A version that cannot be loaded is reported; the previous one keeps serving.
        broken = root / "m" / "4"
        broken.mkdir()
        (broken / "saved_model.pb").write_bytes(b"not a protocol buffer")
        (broken / "seqkit.json").write_text(json.dumps({"app": "versioned", "version": 4}))
        assert wait_until(lambda: client.get("/v1/models/m/versions/4").status_code == 200
                          and client.get("/v1/models/m/versions/4").json()["model_version_status"][0]["state"] == "END")
        status = client.get("/v1/models/m/versions/4").json()["model_version_status"][0]
        assert status["status"]["error_code"] == "UNKNOWN" and "Failed to load version 4" in status["status"]["error_message"]
        assert served_version(client) == [3]
        assert client.post("/v1/models/m:predict", content='{"instances": [0.0]}').json() == {"predictions": [3.0]}

        # The served version is deleted: the latest remaining one that loads takes its place.
        shutil.rmtree(root / "m" / "3")
        assert wait_until(lambda: served_version(client) == [2])
        assert client.post("/v1/models/m/versions/2:predict", content='{"instances": [0.0]}').json() == {"predictions": [2.0]}
        loads = client.get("/metrics").text
        assert 'seqkit_serve_model_loads_total{model="m",outcome="failure"} 1.0' in loads


def test_a_model_that_appears_later_is_served(tmp_path, version_model_factory, serve):
    root = tmp_path / "models"
    root.mkdir()
    with serve(root, poll_seconds=0.1) as (server, client):
        assert client.get("/v1/models/m").status_code == 404
        shutil.copytree(version_model_factory(5), root / ".m.tmp")
        (root / ".m.tmp").rename(root / "m")  # wrong layout (no version folder): ignored
        time.sleep(0.4)
        assert client.get("/v1/models/m").status_code == 404
        shutil.rmtree(root / "m")
        shutil.copytree(version_model_factory(5), root / "m" / "5")
        assert wait_until(lambda: client.get("/v1/models/m").status_code == 200 and served_version(client) == [5])
        assert client.post("/v1/models/m:predict", content='{"inputs": [1.0, 2.0]}').json() == {"outputs": [5.0, 5.0]}
