import json
import os
import pathlib
import subprocess
import sys
import threading
import time

import pytest
import tensorflow as tf

from seqkit.errors import UserInputError
from seqkit.export import saved_model
from seqkit.export.saved_model import METADATA_FILE, export_saved_model, publish_version, remove_stale_staging


class _Lengths(tf.Module):
    @tf.function(input_signature=[tf.TensorSpec([None], tf.string), tf.TensorSpec([None, None, 3], tf.uint8)])
    def serve(self, sentences, frames):
        return {"length": tf.strings.length(sentences), "pixels": tf.cast(tf.size(frames), tf.int64)}


def _export(root, **kwargs):
    module = _Lengths()
    return export_saved_model(module, export_root=root, app="demo",
                              signatures={"serving_default": module.serve.get_concrete_function()}, **kwargs)


def test_metadata_records_the_signature_inputs_and_outputs(tmp_path):
    path = _export(tmp_path)
    assert path == tmp_path / "demo" / "1"
    metadata = json.loads((path / METADATA_FILE).read_text())
    assert metadata["version"] == 1 and metadata["app"] == "demo"
    assert metadata["signatures"]["serving_default"] == {
        "inputs": {"sentences": {"dtype": "string", "shape": [None]},
                   "frames": {"dtype": "uint8", "shape": [None, None, 3]}},
        "outputs": {"length": {"dtype": "int32", "shape": [None]}, "pixels": {"dtype": "int64", "shape": []}},
    }
    # The names are those the loaded signature takes.
    served = tf.saved_model.load(str(path)).signatures["serving_default"]
    assert sorted(served.structured_input_signature[1]) == ["frames", "sentences"]
    assert _export(tmp_path).name == "2"
    assert sorted(p.name for p in (tmp_path / "demo").iterdir()) == ["1", "2"]  # no staging folder left


def test_an_existing_version_is_never_overwritten(tmp_path):
    _export(tmp_path, version=3)
    with pytest.raises(UserInputError, match="version 3 already exists"):
        _export(tmp_path, version=3)
    assert _export(tmp_path).name == "4"


def test_a_failed_save_leaves_no_staging_folder(tmp_path, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(tf.saved_model, "save", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        _export(tmp_path)
    assert list((tmp_path / "demo").iterdir()) == []


def _staged(root, name):
    staging = root / name
    staging.mkdir()
    (staging / "saved_model.pb").write_bytes(b"pb")
    return staging


def test_concurrent_publishers_take_distinct_versions(tmp_path):
    stagings = [_staged(tmp_path, f".export.tmp-x-{i}-s") for i in range(16)]
    results, errors = [], []
    start = threading.Barrier(len(stagings))

    def publish(staging):
        start.wait()
        try:
            results.append(publish_version(staging, tmp_path, None, {"app": "demo"}))
        except Exception as error:  # noqa: BLE001 - recorded for the assertion
            errors.append(error)

    threads = [threading.Thread(target=publish, args=(s,)) for s in stagings]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(int(p.name) for p in results) == list(range(1, 17))
    for path in results:  # each seqkit.json names the version it landed in
        assert json.loads((path / METADATA_FILE).read_text())["version"] == int(path.name)


def test_a_version_taken_between_choice_and_rename_is_skipped(tmp_path, monkeypatch):
    (tmp_path / "1").mkdir()
    (tmp_path / "1" / "saved_model.pb").write_bytes(b"other export")
    monkeypatch.setattr(saved_model, "next_version", lambda root: 1)  # a stale choice
    path = publish_version(_staged(tmp_path, ".export.tmp-x-1-s"), tmp_path, None, {"app": "demo"})
    assert path.name == "2" and (tmp_path / "1" / "saved_model.pb").read_bytes() == b"other export"
    with pytest.raises(UserInputError, match="version 2 was written by another export meanwhile"):
        publish_version(_staged(tmp_path, ".export.tmp-x-2-s"), tmp_path, 2, {"app": "demo"})


def test_stale_staging_folders_are_removed(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    host = saved_model._host()
    killed = _staged(tmp_path, f".export.tmp-{host}-{int(dead.stdout)}-abc")
    running = _staged(tmp_path, f".export.tmp-{host}-{os.getpid()}-abc")
    old_legacy = _staged(tmp_path, ".3.tmp-k2j4")
    new_legacy = _staged(tmp_path, ".4.tmp-k2j4")
    long_ago = time.time() - 2 * saved_model.STALE_STAGING_SECONDS
    os.utime(old_legacy, (long_ago, long_ago))
    version = _staged(tmp_path, "1")
    assert sorted(remove_stale_staging(tmp_path)) == sorted([killed, old_legacy])
    assert running.is_dir() and new_legacy.is_dir() and version.is_dir()
    assert not pathlib.Path(killed).exists()
