"""Truncated back-propagation through time: a language model whose recurrent state runs on from batch to batch.

`StatefulLanguageModel` wraps the layers of a model built by `seqkit.tasks.language_model` (sharing its
weights) and keeps each recurrent layer's state, `(batch_size, units)` per state tensor, in non-trainable
variables: every batch starts from the states the previous batch ended with (gradients stop there), so row `s`
of consecutive batches must continue the same stream (`seqkit.apps.lm.encoding.stream_windows`). Being
non-trainable variables of the model, the states are saved with the training state, so a run resumed in the
middle of an epoch continues with them. `CarriedStateCallback` zeroes them at the start of every epoch and
keeps validation from disturbing them. Save `model.inner` (the plain functional model): it has the weights
and none of the states.

Example:

>>> import numpy as np
>>> from seqkit.tasks import language_model
>>> inner = language_model(10, embedding_dim=3, units=4, cell="gru")
>>> model = StatefulLanguageModel(inner, batch_size=2)
>>> model(np.ones((2, 5), "int32")).shape
TensorShape([2, 5, 10])
>>> bool(np.any(model.states[0].numpy() != 0))
True
"""

import keras
from keras import ops

from seqkit.tasks.language_model import _state_sizes


def _recurrent_layers(model):
    names = {layer.name for layer in model.layers}
    layers = []
    while f"recurrent_{len(layers)}" in names:
        layers.append(model.get_layer(f"recurrent_{len(layers)}"))
    return layers


class StatefulLanguageModel(keras.Model):
    """A language model carrying its recurrent states across batches (truncated BPTT).

    Args:
        inner: a functional model built by `seqkit.tasks.language_model`; its layers (and weights) are used.
        batch_size: int, rows of every batch (the number of parallel streams).

    Call arguments:
        token_ids: int32 `(batch_size, timesteps)`.
        training: whether dropout is active.

    Returns logits `(batch_size, timesteps, vocabulary_size)`; the final states are stored for the next call.
    """

    def __init__(self, inner, batch_size, **kwargs):
        super().__init__(name=kwargs.pop("name", f"stateful_{inner.name}"), **kwargs)
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"`batch_size` must be a positive integer. Received: batch_size={batch_size!r}")
        self.inner = inner
        self.batch_size = batch_size
        self.recurrent = _recurrent_layers(inner)
        if not self.recurrent:
            raise ValueError(f"`inner` must be built by `language_model`. Received: inner={inner.name!r}")
        self.token_embedding = inner.get_layer("token_embedding")
        self.input_dropouts = [inner.get_layer(f"input_dropout_{i}") for i in range(len(self.recurrent))]
        self.output_dropout = inner.get_layer("output_dropout")
        self.logits = inner.get_layer("logits")
        self.state_groups = [
            [
                self.add_weight(
                    shape=(batch_size, size),
                    initializer="zeros",
                    trainable=False,
                    name=f"carried_state_{index}_{position}",
                )
                for position, size in enumerate(_state_sizes(layer))
            ]
            for index, layer in enumerate(self.recurrent)
        ]
        self.built = True

    @property
    def states(self):
        """The carried state variables, layer by layer."""
        return [variable for group in self.state_groups for variable in group]

    def reset_states(self):
        for variable in self.states:
            variable.assign(ops.zeros(variable.shape, variable.dtype))

    def call(self, token_ids, training=False):
        mask = ops.not_equal(token_ids, 0)
        x = self.token_embedding(token_ids)
        for dropout, layer, group in zip(self.input_dropouts, self.recurrent, self.state_groups):
            initial = [ops.cast(variable, x.dtype) for variable in group]
            x, *final = layer(dropout(x, training=training), initial_state=initial, mask=mask, training=training)
            for variable, value in zip(group, final):
                variable.assign(ops.cast(ops.stop_gradient(value), variable.dtype))
        return self.logits(self.output_dropout(x, training=training))

    def get_config(self):
        return {"batch_size": self.batch_size, "name": self.name}


class CarriedStateCallback(keras.callbacks.Callback):
    """Zeroes the carried states at the start of each epoch (not in the middle of one, where a resumed run
    goes on with the restored states), and around validation: validation starts from zero states and training
    continues afterwards with the states it had.

    Args:
        batches_per_epoch: int, training batches in an epoch (to tell a resumed, half-done epoch).
    """

    def __init__(self, batches_per_epoch):
        super().__init__()
        self.batches_per_epoch = batches_per_epoch
        self._saved = None

    def on_epoch_begin(self, epoch, logs=None):
        iterations = int(ops.convert_to_numpy(self.model.optimizer.iterations))
        if not self.batches_per_epoch or iterations % self.batches_per_epoch == 0:
            self.model.reset_states()

    def on_test_begin(self, logs=None):
        self._saved = [ops.convert_to_numpy(variable) for variable in self.model.states]
        self.model.reset_states()

    def on_test_end(self, logs=None):
        if self._saved is not None:
            for variable, value in zip(self.model.states, self._saved):
                variable.assign(value)
            self._saved = None
