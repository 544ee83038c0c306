import warnings

import keras
import pytest

from seqkit.training.precision import dtype_policy_scope, resolve_precision


def test_float32_stays_float32_with_or_without_gpu():
    assert resolve_precision("float32", gpu_available=True) == "float32"
    assert resolve_precision("float32", gpu_available=False) == "float32"


def test_mixed_uses_float16_policy_only_with_a_gpu():
    assert resolve_precision("mixed", gpu_available=True) == "mixed_float16"
    with pytest.warns(UserWarning, match="needs a GPU and none is visible"):
        assert resolve_precision("mixed", gpu_available=False) == "float32"


def test_mixed_on_this_cpu_machine_asks_tensorflow_and_stays_float32():
    import tensorflow as tf

    if tf.config.list_physical_devices("GPU"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert resolve_precision("mixed") == "mixed_float16"
    else:
        with pytest.warns(UserWarning):
            assert resolve_precision("mixed") == "float32"


def test_unknown_precision_is_rejected():
    with pytest.raises(ValueError, match="Received: precision='half'"):
        resolve_precision("half")


def test_policy_scope_applies_inside_and_restores_after():
    before = keras.config.dtype_policy().name
    with dtype_policy_scope("mixed_float16"):
        layer = keras.layers.Dense(2)
    assert layer.dtype_policy.name == "mixed_float16"
    assert keras.config.dtype_policy().name == before
