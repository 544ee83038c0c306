import keras
import numpy as np
from tensorflow.python.framework import config as tf_config

from seqkit.training.determinism import reproducible


def test_same_seed_same_numbers_and_determinism_is_scoped():
    was_enabled = tf_config.is_op_determinism_enabled()
    with reproducible(11):
        assert tf_config.is_op_determinism_enabled()
        first = keras.random.normal((3,)).numpy()
    with reproducible(11):
        second = keras.random.normal((3,)).numpy()
    with reproducible(12):
        other = keras.random.normal((3,)).numpy()
    np.testing.assert_array_equal(first, second)
    assert not np.allclose(first, other)
    assert tf_config.is_op_determinism_enabled() == was_enabled


def test_no_seed_changes_nothing():
    was_enabled = tf_config.is_op_determinism_enabled()
    with reproducible(None):
        assert tf_config.is_op_determinism_enabled() == was_enabled
