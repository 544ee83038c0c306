"""`bidirectional_layer` is immune to Keras's id-based object sharing during loading (a reused address)."""

import keras
import numpy as np
import pytest
from keras.src.backend.common import global_state
from keras.src.saving import serialization_lib

from seqkit.layers import RecurrentStack
from seqkit.layers.bidirectional import bidirectional_layer


class _EveryIdSeen(dict):
    """A sharing map in which every id was seen before: what a freed and reused address looks like to Keras."""

    def __contains__(self, key):
        return True

    def __getitem__(self, key):
        return {}


class _EveryIdIsTheStaleLayer(dict):
    def __init__(self, stale):
        super().__init__()
        self.stale = stale

    def get(self, key, default=None):
        return self.stale


@pytest.fixture
def reused_addresses():
    """Inside a sharing scope whose maps answer every id with a stale forward GRU."""
    stale = keras.layers.GRU(3, return_sequences=True)
    with serialization_lib.ObjectSharingScope():
        global_state.set_global_attribute("shared_objects/id_to_config_map", _EveryIdSeen())
        global_state.set_global_attribute("shared_objects/id_to_obj_map", _EveryIdIsTheStaleLayer(stale))
        yield stale


def test_plain_keras_bidirectional_takes_the_stale_object(reused_addresses):
    # The failure seen when a bidirectional run was loaded twice in one process.
    with pytest.raises(ValueError, match="go_backwards"):
        keras.layers.Bidirectional(keras.layers.GRU(4, return_sequences=True))


def test_bidirectional_builds_fresh_copies(reused_addresses):
    layer = bidirectional_layer(keras.layers.GRU(4, return_sequences=True))
    assert layer.forward_layer is not reused_addresses and layer.backward_layer is not reused_addresses
    assert (layer.forward_layer.units, layer.backward_layer.units) == (4, 4)
    assert (layer.forward_layer.go_backwards, layer.backward_layer.go_backwards) == (False, True)


def test_the_sharing_scope_is_restored_after_building(reused_addresses):
    bidirectional_layer(keras.layers.GRU(4))
    assert isinstance(global_state.get_global_attribute("shared_objects/id_to_config_map"), _EveryIdSeen)


def test_recurrent_stack_builds_inside_a_poisoned_scope(reused_addresses):
    stack = RecurrentStack("gru", 4, num_layers=2, bidirectional=True)
    outputs = stack(np.zeros((2, 5, 3), "float32"))
    assert outputs.shape == (2, 5, 8)


def test_a_bidirectional_model_loads_many_times_in_one_process(tmp_path):
    inputs = keras.Input((None, 3))
    outputs = RecurrentStack("lstm", 4, num_layers=2, bidirectional=True)(inputs)
    outputs = RecurrentStack("gru", 2, bidirectional=True)(outputs)
    model = keras.Model(inputs, outputs)
    path = tmp_path / "model.keras"
    model.save(path)
    x = np.random.default_rng(0).normal(size=(2, 5, 3)).astype("float32")
    expected = model.predict(x, verbose=0)
    for _ in range(5):
        loaded = keras.saving.load_model(path)
        np.testing.assert_allclose(loaded.predict(x, verbose=0), expected, rtol=1e-6, atol=1e-6)
