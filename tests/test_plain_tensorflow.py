"""The helper that the export tests serve their SavedModels with (tests/plain_tensorflow.py) must really be
without seqkit, keep each script's output apart and report a script's exception."""

from plain_tensorflow import run_plain_tensorflow


def test_seqkit_cannot_be_imported_and_each_script_has_its_own_output_and_namespace():
    blocked = run_plain_tensorflow("import seqkit")
    assert blocked.returncode == 1 and "ModuleNotFoundError: import of seqkit halted" in blocked.stderr
    assert run_plain_tensorflow("import cv2").returncode == 1
    first = run_plain_tensorflow("import tensorflow as tf\nvalue = 6\nprint(int(tf.reduce_sum(tf.range(4))))")
    assert (first.returncode, first.stdout, first.stderr) == (0, "6\n", "")
    second = run_plain_tensorflow("print('value' in globals())\nraise ValueError('bad request')")
    assert second.returncode == 1 and second.stdout == "False\n"
    assert second.stderr.strip().splitlines()[-1] == "ValueError: bad request"
