"""Run a script in a Python process where seqkit cannot be imported, as a user without seqkit loads an export.

The export tests check that `tf.saved_model.load` serves a SavedModel without seqkit (nor keras-hub,
tensorflow-text or OpenCV). Each used to start its own Python and import TensorFlow anew (5-12 s of CPU on two
cores); `run_plain_tensorflow` sends the script to one such process per test worker, started on first use,
which has imported TensorFlow once. Every script runs in a fresh namespace, its `print`s captured.

Example (in a test):

>>> served = run_plain_tensorflow("import tensorflow as tf\\nprint(int(tf.constant(2) * 3))")  # doctest: +SKIP
>>> served.returncode, served.stdout                                                        # doctest: +SKIP
(0, '6\\n')
"""

import atexit
import json
import os
import selectors
import subprocess
import sys

BLOCKED_MODULES = ("seqkit", "keras_nlp", "keras_hub", "tensorflow_text", "cv2")

# Replies go to a private copy of the original stdout; file descriptor 1 is pointed at stderr, so that nothing
# TensorFlow's C++ side prints can be taken for a reply.
_SERVER = f"""
import contextlib, io, json, os, sys, traceback
for name in {BLOCKED_MODULES!r}:
    sys.modules[name] = None
replies = os.fdopen(os.dup(1), "w")
os.dup2(2, 1)
import numpy, tensorflow
for line in sys.stdin:
    output = io.StringIO()
    try:
        with contextlib.redirect_stdout(output):
            exec(compile(json.loads(line), "<plain tensorflow script>", "exec"), {{"__name__": "__main__"}})
        reply = {{"returncode": 0, "stdout": output.getvalue(), "stderr": ""}}
    except BaseException:
        reply = {{"returncode": 1, "stdout": output.getvalue(), "stderr": traceback.format_exc()}}
    replies.write(json.dumps(reply) + "\\n")
    replies.flush()
"""

_process = None


def _server():
    global _process
    if _process is None or _process.poll() is not None:
        env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
        # `-I`: the working directory (the repository, where `seqkit/` lies) is not on sys.path either.
        _process = subprocess.Popen(
            [sys.executable, "-I", "-c", _SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, text=True, env=env,
        )
        atexit.register(_process.kill)
    return _process


def run_plain_tensorflow(script, timeout=300):
    """`script`'s exit status, stdout and traceback as a `subprocess.CompletedProcess` (`returncode` 1 if it
    raised); the process is killed and the test fails if no answer comes within `timeout` seconds."""
    process = _server()
    process.stdin.write(json.dumps(script) + "\n")
    process.stdin.flush()
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            process.kill()
            raise TimeoutError(f"the plain TensorFlow process gave no answer in {timeout} s")
    line = process.stdout.readline()
    if not line:
        raise RuntimeError(f"the plain TensorFlow process ended (exit {process.wait()}) before answering")
    reply = json.loads(line)
    return subprocess.CompletedProcess(["<plain tensorflow>"], reply["returncode"], reply["stdout"], reply["stderr"])
