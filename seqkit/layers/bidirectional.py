"""`bidirectional_layer`: `keras.layers.Bidirectional`, safe to build while a model is being loaded.

`keras.saving.load_model` deserialises inside an object-sharing scope that recognises an object seen before by
its `id()`. `Bidirectional(layer)` serialises `layer` twice (forward and backward copies), and a layer built
inside another layer's `from_config` is a temporary: once it is freed, the next temporary can get the same
address, and Keras then hands back the copies it made of the *earlier* layer — both with the same direction
("Forward layer and backward layer should have different `go_backwards` value"), or an unrelated object whose
saved id matches. Whether it happens depends on what the process allocated before (a model saved and loaded
again in one process, after other work). Building the wrapper outside the scope makes the copies independent.

Example:

>>> import keras
>>> layer = bidirectional_layer(keras.layers.GRU(4, return_sequences=True), merge_mode="concat")
>>> layer.forward_layer.go_backwards, layer.backward_layer.go_backwards
(False, True)
"""

import contextlib

import keras

try:  # Keras 3 keeps the scope's maps in its global state; without them there is nothing to step out of.
    from keras.src.backend.common import global_state as _global_state
except ImportError:  # pragma: no cover - a Keras without this module
    _global_state = None

_SHARING_MAPS = ("shared_objects/id_to_obj_map", "shared_objects/id_to_config_map")


@contextlib.contextmanager
def outside_object_sharing():
    """Suspend Keras's object-sharing scope (if one is active) for the block, then restore it."""
    if _global_state is None:
        yield
        return
    saved = {name: _global_state.get_global_attribute(name) for name in _SHARING_MAPS}
    for name in _SHARING_MAPS:
        _global_state.set_global_attribute(name, None)
    try:
        yield
    finally:
        for name, value in saved.items():
            _global_state.set_global_attribute(name, value)


def bidirectional_layer(layer, **kwargs):
    """`keras.layers.Bidirectional(layer, **kwargs)` built outside Keras's object-sharing scope."""
    with outside_object_sharing():
        return keras.layers.Bidirectional(layer, **kwargs)
