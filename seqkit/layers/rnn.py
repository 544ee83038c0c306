"""Recurrent layer that projects all time steps before the loop."""

import keras

# The time loop behind `keras.layers.RNN` (masking, `go_backwards`,
# `unroll`); Keras does not export it publicly.
from keras.src import backend


def supports_projection(cell):
    """Whether `cell` splits its step into input projection and recurrence.

    A cell qualifies when it has both methods of the protocol:

    - `project_inputs(inputs, training=None)`: maps a sequence `(batch,
      timesteps, features)` to the input part of every step, `(batch,
      timesteps, k)`, applying its (one per sequence) input dropout mask
      first;
    - `recurrent_step(projected, states, training=None)`: one step given the
      projected input `(batch, k)`, returning `(output, new_states)`.

    A cell may also have `loop_constants()`, returning tensors that every
    step reuses (such as a split recurrent kernel) or `None`; the layer then
    computes them once before the loop and passes them to every step as
    `recurrent_step(..., constants=...)`.
    """
    return callable(getattr(cell, "project_inputs", None)) and callable(getattr(cell, "recurrent_step", None))


@keras.saving.register_keras_serializable(package="seqkit")
class RNN(keras.layers.RNN):
    """`keras.layers.RNN` with the input projection taken out of the loop.

    In a recurrent cell most of the work on `x<t>` (`W_x x<t> + b` for every
    gate) does not depend on the previous state. When the cell supports it
    (see `supports_projection`; every `seqkit.cells` cell does), this layer
    computes that part for all time steps with one large matrix product
    before the loop, after the sequence's input-dropout mask, and the loop
    only runs `cell.recurrent_step`, the `a<t-1>`-dependent work. Other
    cells, and lists of cells (`StackedRNNCells`, whose upper cells depend
    on the step outputs below), run step by step exactly as in
    `keras.layers.RNN`. Results equal those of `keras.layers.RNN` with the
    same cell.

    Everything else is inherited: masks (a masked step carries the state and
    repeats the previous output), `return_sequences`, `return_state`,
    `go_backwards`, `stateful`, `unroll`, `zero_output_for_mask`, use inside
    `keras.layers.Bidirectional`, and `.keras` saving.

    Args:
        cell: a cell instance or a list of cells (see `keras.layers.RNN`).
        return_sequences: whether to return every step's output.
        return_state: whether to return the final states too.
        go_backwards: whether to process the sequence backwards.
        stateful: whether the final states of a batch are the initial
            states of the next one.
        unroll: whether to unroll the loop (fixed length only).
        zero_output_for_mask: whether masked steps output zeros.
        **kwargs: base layer arguments such as `name`.

    Call arguments:
        sequences: `(batch, timesteps, features)`.
        initial_state: optional list of initial state tensors.
        mask: optional boolean `(batch, timesteps)`; `False` skips a step.
        training: Python boolean, whether cell dropout applies.

    Example:

    >>> import numpy as np, keras
    >>> from seqkit.cells import LSTMCell
    >>> from seqkit.layers.rnn import RNN
    >>> layer = keras.layers.Bidirectional(
    ...     RNN(LSTMCell(4), return_sequences=True))
    >>> layer(np.ones((2, 3, 5), "float32")).shape
    TensorShape([2, 3, 8])
    """

    def inner_loop(self, sequences, initial_state, mask, training=False):
        if not supports_projection(self.cell):
            return super().inner_loop(sequences, initial_state, mask, training)
        cell = self.cell
        projected = cell.project_inputs(sequences, training=training)
        constants = cell.loop_constants() if callable(getattr(cell, "loop_constants", None)) else None
        extra = {} if constants is None else {"constants": constants}

        def step(projected_t, states):
            output, new_states = cell.recurrent_step(projected_t, states, training=training, **extra)
            if not isinstance(new_states, (list, tuple)):
                new_states = [new_states]
            return output, new_states

        if not isinstance(initial_state, (list, tuple)):
            initial_state = [initial_state]
        return backend.rnn(
            step,
            projected,
            initial_state,
            go_backwards=self.go_backwards,
            mask=mask,
            unroll=self.unroll,
            input_length=sequences.shape[1],
            zero_output_for_mask=self.zero_output_for_mask,
            return_all_outputs=self.return_sequences,
        )
