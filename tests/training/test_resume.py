"""Exact resume after a real `kill -9`, at an epoch boundary and in the middle of an epoch."""

import csv
import os
import pathlib
import signal
import subprocess
import sys

import numpy as np
import pytest

WORKER = pathlib.Path(__file__).with_name("_resume_worker.py")
TIMEOUT = 240


def _start(run_dir, log_dir, name, *arguments):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(WORKER.parents[2]), os.environ.get("PYTHONPATH", "")])}
    with open(log_dir / f"{name}.err", "w") as err:
        return subprocess.Popen(
            [sys.executable, str(WORKER), str(run_dir), *arguments], env=env, stdout=subprocess.DEVNULL, stderr=err
        )


def _wait_all(processes):
    codes = {}
    try:
        for name, process in processes.items():
            codes[name] = process.wait(timeout=TIMEOUT)
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.kill()
                process.wait()
    return codes


def _history(run_dir):
    with open(run_dir / "history.csv", newline="") as file:
        return list(csv.DictReader(file))


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """An uninterrupted run and two runs killed with SIGKILL, then resumed; `{name: run_dir}`.

    Epochs have 6 batches; states are saved every 4 batches. `boundary` is killed once epoch 2 has
    ended; `mid_epoch` after batch 11 of the run (batch 5 of epoch 2), 3 batches after its last
    state (batch 8), so its resume skips the 2 batches of epoch 2 already trained.
    """
    root = tmp_path_factory.mktemp("resume")
    logs = root / "logs"
    logs.mkdir()
    dirs = {name: root / name for name in ("straight", "boundary", "mid_epoch")}
    every = ("--checkpoint-every", "4")
    first = _wait_all(
        {
            "straight": _start(dirs["straight"], logs, "straight", *every),
            "boundary": _start(dirs["boundary"], logs, "boundary", *every, "--kill-at", "epoch:2"),
            "mid_epoch": _start(dirs["mid_epoch"], logs, "mid_epoch", *every, "--kill-at", "step:11"),
        }
    )
    for name, code in first.items():
        expected = 0 if name == "straight" else -signal.SIGKILL
        assert code == expected, f"{name}: exit {code}\n{(logs / f'{name}.err').read_text()[-3000:]}"
    # What the kill left: the rows of the finished epochs, no final model.
    assert len(_history(dirs["boundary"])) == 2
    assert len(_history(dirs["mid_epoch"])) == 1
    assert not (dirs["mid_epoch"] / "final_weights.npz").exists()
    resumed = _wait_all(
        {
            name: _start(dirs[name], logs, f"{name}-resumed", *every, "--resume")
            for name in ("boundary", "mid_epoch")
        }
    )
    for name, code in resumed.items():
        assert code == 0, f"{name}: exit {code}\n{(logs / f'{name}-resumed.err').read_text()[-3000:]}"
    return dirs


@pytest.mark.parametrize("killed", ["boundary", "mid_epoch"])
def test_a_run_killed_and_resumed_equals_an_uninterrupted_one(runs, killed):
    straight, resumed = _history(runs["straight"]), _history(runs[killed])
    assert [row["epoch"] for row in resumed] == [row["epoch"] for row in straight] == ["1", "2", "3", "4"]
    for name in ("loss", "val_loss"):
        np.testing.assert_allclose(
            [float(row[name]) for row in resumed], [float(row[name]) for row in straight], rtol=0, atol=1e-6
        )
    with np.load(runs["straight"] / "final_weights.npz") as want, np.load(runs[killed] / "final_weights.npz") as got:
        assert len(got.files) == len(want.files)
        for key in want.files:
            np.testing.assert_allclose(got[key], want[key], rtol=0, atol=1e-6)
