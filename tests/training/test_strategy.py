import json
import os
import pathlib
import socket
import subprocess
import sys
import time

import pytest
import tensorflow as tf

from seqkit.training import strategy as strategy_lib
from seqkit.training.strategy import get_strategy, read_tf_config

WORKER = pathlib.Path(__file__).with_name("_distributed_worker.py")


def test_default_and_auto_on_one_device_are_the_default_strategy():
    assert get_strategy("default") is tf.distribute.get_strategy()
    if len(tf.config.list_logical_devices("GPU")) < 2:
        assert get_strategy("auto") is tf.distribute.get_strategy()
    else:
        assert isinstance(get_strategy("auto"), tf.distribute.MirroredStrategy)


def test_mirrored_without_gpu_mirrors_the_logical_cpus():
    strategy = get_strategy("mirrored")
    assert isinstance(strategy, tf.distribute.MirroredStrategy)
    expected = len(tf.config.list_logical_devices("GPU")) or len(tf.config.list_logical_devices("CPU"))
    assert strategy.num_replicas_in_sync == expected
    assert strategy_lib.is_chief(strategy)
    assert strategy_lib.worker_name(strategy) is None


def test_unknown_strategy_is_rejected():
    with pytest.raises(ValueError, match="Received: strategy='tpu'"):
        get_strategy("tpu")


def test_multiworker_without_tf_config_says_what_is_missing(monkeypatch):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    with pytest.raises(ValueError, match="needs the TF_CONFIG environment variable"):
        get_strategy("multiworker")


@pytest.mark.parametrize(
    "raw, message",
    [("{not json", "TF_CONFIG must be JSON"), ('{"task": {}}', "'cluster' and 'task'")],
)
def test_malformed_tf_config_is_rejected(monkeypatch, raw, message):
    monkeypatch.setenv("TF_CONFIG", raw)
    with pytest.raises(ValueError, match=message):
        read_tf_config()


def _free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _start_worker(mode, run_dir, log_dir, name, environment=None):
    """Starts a worker with its output in files (a full pipe could stall it)."""
    env = {key: value for key, value in os.environ.items() if key != "TF_CONFIG"}
    env.update(environment or {})
    with (
        open(log_dir / f"{name}.out", "w") as out,
        open(log_dir / f"{name}.err", "w") as err,
    ):
        return subprocess.Popen(
            [sys.executable, str(WORKER), mode, str(run_dir)],
            env=env,
            stdout=out,
            stderr=err,
        )


@pytest.fixture(scope="module")
def distributed_runs(tmp_path_factory):
    """Starts the mirrored and the two multi-worker runs together.

    They are separate processes because the device layout and the collective
    ops must be set before TensorFlow initialises; starting them at once
    overlaps their start-up. Returns `{name: (run_dir, returncode, result,
    stderr)}`; every process still running after 240 s in all is killed.
    """
    log_dir = tmp_path_factory.mktemp("logs")
    mirrored_dir = tmp_path_factory.mktemp("mirrored")
    multiworker_dir = tmp_path_factory.mktemp("multiworker")
    runs = {
        "mirrored": (
            mirrored_dir,
            _start_worker("mirrored", mirrored_dir, log_dir, "mirrored"),
        )
    }
    workers = [f"127.0.0.1:{port}" for port in _free_ports(2)]
    for index in range(2):
        tf_config = {
            "cluster": {"worker": workers},
            "task": {"type": "worker", "index": index},
        }
        name = f"worker-{index}"
        runs[name] = (
            multiworker_dir,
            _start_worker(
                "multiworker",
                multiworker_dir,
                log_dir,
                name,
                {"TF_CONFIG": json.dumps(tf_config)},
            ),
        )
    deadline = time.monotonic() + 240
    try:
        for _, process in runs.values():
            try:
                process.wait(timeout=max(1.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    finally:
        for _, process in runs.values():
            if process.poll() is None:
                process.kill()
                process.wait()
    finished = {}
    for name, (run_dir, process) in runs.items():
        stdout = (log_dir / f"{name}.out").read_text().strip().splitlines()
        stderr = (log_dir / f"{name}.err").read_text()[-3000:]
        result = json.loads(stdout[-1]) if process.returncode == 0 else None
        finished[name] = (run_dir, process.returncode, result, stderr)
    return finished


def test_mirrored_strategy_on_two_logical_cpus_trains(distributed_runs):
    run_dir, returncode, result, stderr = distributed_runs["mirrored"]
    assert returncode == 0, stderr
    assert result["replicas"] == 2
    assert len(result["loss"]) == 3
    assert result["loss"][-1] < 0.6 * result["loss"][0]
    assert result["val_loss"][-1] < 0.6 * result["val_loss"][0]
    assert (run_dir / "history.csv").is_file()


def test_multiworker_strategy_with_two_local_workers_trains(distributed_runs):
    results = []
    for name in ("worker-0", "worker-1"):
        run_dir, returncode, result, stderr = distributed_runs[name]
        assert returncode == 0, f"{name}: {stderr}"
        results.append(result)
    chief, other = results
    assert chief["replicas"] == other["replicas"] == 2
    # Gradients are all-reduced, so both workers log the same losses.
    assert chief["loss"] == pytest.approx(other["loss"])
    assert chief["val_loss"] == pytest.approx(other["val_loss"])
    assert chief["loss"][-1] < 0.6 * chief["loss"][0]
    assert chief["val_loss"][-1] < 0.6 * chief["val_loss"][0]
    # The chief writes the run directory; the other worker its own corner.
    assert (run_dir / "history.csv").is_file()
    assert (run_dir / "checkpoints/epoch_0003.weights.h5").is_file()
    assert (run_dir / "workers/worker-1/history.csv").is_file()
