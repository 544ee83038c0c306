"""Checks every task builder test runs, one line each."""

import keras
import numpy as np
from keras import tree


def _as_numpy(outputs):
    return [np.asarray(x) for x in tree.flatten(outputs)]


def assert_save_load_identical(model, inputs, tmp_path, atol=1e-6):
    """Saves `model` as `.keras`, reloads it without custom objects and
    checks that the reloaded model gives the same outputs on `inputs`."""
    path = tmp_path / f"{model.name}.keras"
    model.save(path)
    restored = keras.saving.load_model(path)
    assert type(restored) is type(model)
    assert [w.shape for w in restored.weights] == [w.shape for w in model.weights]
    expected = _as_numpy(model(inputs, training=False))
    actual = _as_numpy(restored(inputs, training=False))
    assert len(expected) == len(actual)
    for want, got in zip(expected, actual):
        np.testing.assert_allclose(got, want, atol=atol)
    return restored


def assert_training_step_changes_all_weights(model, loss, inputs, targets):
    """Runs one optimizer step and checks that every trainable weight moved.

    Adam moves every weight that has a non-zero gradient by about the
    learning rate, so a weight that stays exactly equal got no gradient.
    """
    before = {w.path: np.array(w.numpy()) for w in model.trainable_weights}
    assert before, "the model has no trainable weights"
    # Eagerly: one step of a tiny model is faster than tracing a graph.
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.01),
        loss=loss,
        run_eagerly=True,
    )
    value = model.train_on_batch(inputs, targets)
    assert np.isfinite(value)
    unchanged = [w.path for w in model.trainable_weights if np.array_equal(before[w.path], w.numpy())]
    assert not unchanged, f"weights not updated by one step: {unchanged}"
    return value
