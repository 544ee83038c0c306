"""Shared checks for the cell tests: each test states a cell and calls one."""

import keras
import numpy as np

from seqkit.layers.rnn import RNN

BATCH, STEPS, FEATURES = 3, 5, 4
ATOL = 1e-5

# Both loops every cell must work in: Keras's (per-step projection) and
# seqkit's (projection before the loop).
LAYERS = [keras.layers.RNN, RNN]
LAYER_IDS = ["keras_RNN", "seqkit_RNN"]

# Rows: a full sequence, trailing padding, a masked step in the middle.
MASK = np.array([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0], [1, 0, 1, 1, 0]], dtype=bool)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def inputs(seed=0, steps=STEPS):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(BATCH, steps, FEATURES)).astype("float32")


def seed_weights(cell, seed=1):
    """Gives every trainable weight of a built cell seeded normal values."""
    rng = np.random.default_rng(seed)
    for weight in cell.trainable_weights:
        weight.assign(rng.normal(scale=0.5, size=weight.shape))


def weights_of(cell):
    """The cell's weights as NumPy arrays, by attribute name."""
    names = ("kernel", "recurrent_kernel", "bias", "peephole_kernel")
    return {name: getattr(cell, name).numpy() for name in names if getattr(cell, name, None) is not None}


def numpy_rnn(step, x, states, mask=None, go_backwards=False):
    """Reference loop with Keras's conventions.

    A masked step keeps the states and repeats the previous output (zeros
    before the first step); `go_backwards` returns outputs in processing
    order. Returns `(outputs (batch, steps, units), final_states)`.
    """
    steps = x.shape[1]
    mask = np.ones(x.shape[:2], bool) if mask is None else mask
    order = range(steps - 1, -1, -1) if go_backwards else range(steps)
    output = np.zeros_like(states[0])
    outputs = []
    for t in order:
        new_output, new_states = step(x[:, t], states)
        keep = mask[:, t][:, None]
        output = np.where(keep, new_output, output)
        states = [np.where(keep, new, old) for new, old in zip(new_states, states)]
        outputs.append(output)
    return np.stack(outputs, axis=1), states


def built_layer(layer_cls, cell, **kwargs):
    layer = layer_cls(cell, return_sequences=True, return_state=True, **kwargs)
    layer.build((BATCH, STEPS, FEATURES))
    seed_weights(layer.cell)
    return layer


def zero_states(cell):
    sizes = cell.state_size
    sizes = sizes if isinstance(sizes, (list, tuple)) else [sizes]
    return [np.zeros((BATCH, size), "float32") for size in sizes]


def assert_matches_numpy(layer_cls, cell, numpy_step, mask=None, go_backwards=False, dropout=False):
    """Layer outputs and final states equal the NumPy reference.

    `numpy_step(weights, x_t, states, recurrent_mask)` is the test's own
    implementation of the cell equations. With `dropout=True` the cell must
    have nonzero dropout rates; fixed masks are planted in the cell's
    per-sequence mask cache and the layer runs in training mode, so the
    reference applies those same masks at every step.
    """
    layer = built_layer(layer_cls, cell, go_backwards=go_backwards)
    x = inputs()
    weights = weights_of(cell)
    input_mask = np.ones((BATCH, FEATURES), "float32")
    recurrent_mask = np.ones((BATCH, cell.units), "float32")
    if dropout:
        rng = np.random.default_rng(7)
        input_mask = rng.choice([0.0, 2.0], size=input_mask.shape)
        recurrent_mask = rng.choice([0.0, 2.0], size=recurrent_mask.shape)
        cell._dropout_mask = keras.ops.convert_to_tensor(input_mask, "float32")
        cell._recurrent_dropout_mask = keras.ops.convert_to_tensor(recurrent_mask, "float32")
    output, *states = layer(x, mask=mask, training=dropout)

    def step(x_t, step_states):
        return numpy_step(weights, x_t * input_mask, step_states, recurrent_mask)

    want_output, want_states = numpy_rnn(step, x, zero_states(cell), mask, go_backwards)
    np.testing.assert_allclose(output, want_output, atol=ATOL)
    for got, want in zip(states, want_states):
        np.testing.assert_allclose(got, want, atol=ATOL)


def assert_matches_keras(layer_cls, cell, keras_cell, map_weights):
    """Same outputs as a Keras cell given `map_weights(cell weights)`."""
    layer = built_layer(layer_cls, cell)
    reference = keras.layers.RNN(keras_cell, return_sequences=True, return_state=True)
    reference.build((BATCH, STEPS, FEATURES))
    reference.cell.set_weights(map_weights(weights_of(cell)))
    x = inputs()
    for got, want in zip(layer(x, mask=MASK), reference(x, mask=MASK)):
        np.testing.assert_allclose(got, want, atol=ATOL)


def assert_config_round_trip(cell):
    """`from_config(get_config())` rebuilds the same config, via serialize too."""
    config = cell.get_config()
    assert type(cell).from_config(config).get_config() == config
    restored = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(cell))
    assert type(restored) is type(cell)
    assert restored.get_config() == config


def assert_bidirectional_save_load(make_cell, tmp_path):
    """A Bidirectional stack of seqkit RNNs survives `.keras` save/load.

    Loads without `custom_objects` and predicts the same numbers.
    """
    model = keras.Sequential(
        [
            keras.Input((None, FEATURES)),
            keras.layers.Bidirectional(RNN(make_cell(), return_sequences=True)),
            keras.layers.Bidirectional(RNN(make_cell())),
        ]
    )
    x = inputs()
    path = tmp_path / "stack.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    first = loaded.layers[0]
    assert type(first.forward_layer) is RNN
    assert type(first.backward_layer.cell) is type(model.layers[0].forward_layer.cell)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)
