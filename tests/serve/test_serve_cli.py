"""`seqkit serve` as a command: instant help, and a graceful shutdown on SIGTERM in a real process."""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import httpx
import pytest
from click.testing import CliRunner

from seqkit.cli.main import cli


def test_serve_is_listed_and_its_help_does_not_import_tensorflow():
    assert "  serve" in CliRunner().invoke(cli, ["--help"]).output
    code = (
        "import sys\n"
        "from seqkit.cli.main import cli\n"
        "try:\n"
        "    cli(['serve', '--help'], prog_name='seqkit')\n"
        "except SystemExit as exit:\n"
        "    assert exit.code == 0\n"
        "print(sorted(m for m in ('tensorflow', 'keras', 'numpy', 'starlette', 'uvicorn') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "--max-batch-size" in result.stdout and "--poll-seconds" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_bad_options_exit_2(tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["serve", "--models", str(tmp_path / "missing")])
    assert result.exit_code == 2 and "missing" in result.output
    assert runner.invoke(cli, ["serve", "--models", str(tmp_path), "--max-batch-size", "0"]).exit_code == 2


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
def test_sigterm_lets_the_request_in_flight_finish(toy_models_root):
    port = _free_port()
    command = [sys.executable, "-c", "from seqkit.cli.main import main; main()", "serve", "--models", str(toy_models_root),
               "--port", str(port)]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/v1/models/toy", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            raise AssertionError("the server did not start")
        answer = {}

        def send():  # a model call of 1.5 s: in flight when SIGTERM arrives
            body = {"signature_name": "sleep", "instances": [1.5]}
            answer["response"] = httpx.post(f"{url}/v1/models/toy:predict", content=json.dumps(body), timeout=30)

        client = threading.Thread(target=send)
        client.start()
        time.sleep(0.5)
        process.send_signal(signal.SIGTERM)
        client.join(30)
        assert answer["response"].status_code == 200
        assert answer["response"].json() == {"predictions": [1.5]}
        # uvicorn re-raises the signal once shut down, so the exit status says SIGTERM, as for any process.
        assert process.wait(30) in (0, -signal.SIGTERM)
        log = process.stderr.read()
        assert '"POST /v1/models/toy:predict" 200' in log
        assert "Shutting down" in log and "Application shutdown complete" in log and "Traceback" not in log
        with pytest.raises(httpx.TransportError):
            httpx.get(f"{url}/v1/models/toy", timeout=2)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
