"""Shared machinery of the seqkit recurrent cells (private).

Every seqkit cell splits one step of its recurrence in two parts:

- `project_inputs(inputs, training=None)`: the part that depends on `x<t>` only,
  `x<t> W_x + b` for all gates at once (input dropout applied first). It accepts
  one step `(batch, features)` or a whole sequence `(batch, timesteps,
  features)`.
- `recurrent_step(projected, states, training=None)`: the part that depends on
  the previous state, given the projected input of one step.

`call()` chains the two, so a cell works unchanged inside `keras.layers.RNN`
(projecting one step at a time), while `seqkit.layers.RNN` projects the whole
sequence with one large matrix product before the loop and only runs
`recurrent_step` per step.
"""

import numbers

import keras
from keras import ops

# The mixin that caches one dropout mask per sequence. `keras.layers.RNN`
# recognises (and resets) cells by this exact class, so the private import is
# required: Keras does not export it publicly.
from keras.src.layers.rnn.dropout_rnn_cell import DropoutRNNCell

ACTIVATIONS = ("tanh", "relu")


def check_positive_int(name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value!r}")


def check_rate(name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0.0 <= value < 1.0:
        raise ValueError(f"`{name}` must be a float in [0, 1). Received: {name}={value!r}")


def check_choice(name, value, choices):
    if value not in choices:
        expected = ", ".join(repr(c) for c in choices)
        raise ValueError(f"`{name}` must be one of {expected}. Received: {name}={value!r}")


def check_bool(name, value):
    if not isinstance(value, bool):
        raise ValueError(f"`{name}` must be a boolean. Received: {name}={value!r}")


class ProjectedCell(keras.layers.Layer, DropoutRNNCell):
    """Base class: weights, dropout and input projection of a seqkit cell.

    Subclasses set `num_blocks` (how many `units`-wide blocks the kernels
    hold, one per gate or candidate) and implement `recurrent_step()`.
    The input kernel `(features, num_blocks * units)` and the recurrent
    kernel `(units, num_blocks * units)` are separate weights.
    """

    num_blocks = 1

    def __init__(
        self,
        units,
        activation="tanh",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        **kwargs,
    ):
        check_positive_int("units", units)
        check_choice("activation", activation, ACTIVATIONS)
        check_bool("use_bias", use_bias)
        check_rate("dropout", dropout)
        check_rate("recurrent_dropout", recurrent_dropout)
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
            raise ValueError(f"`seed` must be an integer or None. Received: seed={seed!r}")
        super().__init__(**kwargs)
        self.units = int(units)
        self.activation_name = activation
        self.activation = keras.activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.recurrent_initializer = keras.initializers.get(recurrent_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.dropout = float(dropout)
        self.recurrent_dropout = float(recurrent_dropout)
        self.seed = None if seed is None else int(seed)
        self.seed_generator = keras.random.SeedGenerator(seed=self.seed)

    # --- Keras cell contract -------------------------------------------------

    @property
    def state_size(self):
        return self.units

    @property
    def output_size(self):
        return self.units

    def get_initial_state(self, batch_size=None):
        sizes = self.state_size
        sizes = sizes if isinstance(sizes, (list, tuple)) else [sizes]
        return [ops.zeros((batch_size, size), dtype=self.compute_dtype) for size in sizes]

    def build(self, input_shape):
        width = self.num_blocks * self.units
        self.kernel = self.add_weight(
            shape=(input_shape[-1], width),
            initializer=self.kernel_initializer,
            name="kernel",
        )
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, width),
            initializer=self.recurrent_initializer,
            name="recurrent_kernel",
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                shape=(width,),
                initializer=self.build_bias_initializer(),
                name="bias",
            )

    def build_bias_initializer(self):
        """Initializer of the `(num_blocks * units,)` bias; override to vary."""
        return self.bias_initializer

    def call(self, inputs, states, training=None):
        projected = self.project_inputs(inputs, training=training)
        return self.recurrent_step(projected, states, training=training)

    # --- The two halves of a step ----------------------------------------------

    def project_inputs(self, inputs, training=None):
        """Input part of the step, for one step or a whole sequence.

        Args:
            inputs: one step `(batch, features)`, or a sequence
                `(batch, timesteps, features)`.
            training: whether to apply the input dropout mask. The mask is
                `(batch, features)`, one per sequence: every time step of a
                sequence is multiplied by the same one.

        Returns:
            `x W_x + b`, shaped like `inputs` with the last axis
            `num_blocks * units`.
        """
        if training and self.dropout > 0:
            is_sequence = len(inputs.shape) == 3
            mask = self.get_dropout_mask(inputs[:, 0] if is_sequence else inputs)
            inputs = inputs * (ops.expand_dims(mask, 1) if is_sequence else mask)
        projected = ops.matmul(inputs, self.kernel)
        if self.use_bias:
            projected = projected + self.bias
        return projected

    def recurrent_step(self, projected, states, training=None):
        """State part of the step; returns `(output, new_states)`."""
        raise NotImplementedError

    def drop_recurrent(self, state, training):
        """Applies the per-sequence recurrent dropout mask to `a<t-1>`."""
        if training and self.recurrent_dropout > 0:
            return state * self.get_recurrent_dropout_mask(state)
        return state

    @staticmethod
    def unpack_states(states):
        return list(states) if isinstance(states, (list, tuple)) else [states]

    @staticmethod
    def pack_states(new_states, states):
        """Returns new states in the structure the caller passed in."""
        if isinstance(states, (list, tuple)):
            return list(new_states)
        return new_states[0]

    # --- Serialization ---------------------------------------------------------

    def get_config(self):
        config = {
            "units": self.units,
            "activation": self.activation_name,
            "use_bias": self.use_bias,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": keras.initializers.serialize(self.recurrent_initializer),
            "bias_initializer": keras.initializers.serialize(self.bias_initializer),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
        }
        return {**super().get_config(), **config}
