"""The simple (Elman) recurrent cell."""

import keras
from keras import ops

from seqkit.cells._base import ProjectedCell


@keras.saving.register_keras_serializable(package="seqkit")
class SimpleRNNCell(ProjectedCell):
    """Simple recurrent cell: `a<t> = g(W_aa a<t-1> + W_ax x<t> + b_a)`.

    The stacked matrix `W_a = [W_aa | W_ax]` of the course notation is kept
    as two weights, `recurrent_kernel` (`W_aa`, `(units, units)`) and
    `kernel` (`W_ax`, `(features, units)`), so that `seqkit.layers.RNN` can
    compute `W_ax x<t> + b_a` for all steps before the loop. The output of
    the cell is the state: `ŷ<t>` is left to a `Dense` layer on top.

    Args:
        units: positive integer, size of the state `a<t>`.
        activation: `g`, `"tanh"` (default) or `"relu"`.
        use_bias: whether to add `b_a`.
        kernel_initializer: initializer of `kernel` (`W_ax`).
        recurrent_initializer: initializer of `recurrent_kernel` (`W_aa`).
        bias_initializer: initializer of `bias` (`b_a`).
        dropout: rate in `[0, 1)` of dropout on `x<t>`; one mask per sequence.
        recurrent_dropout: rate in `[0, 1)` of dropout on `a<t-1>` where it
            enters `W_aa`; one mask per sequence.
        seed: integer seed of the dropout masks, or `None`.
        **kwargs: base layer arguments such as `name` and `dtype`.

    Call arguments:
        inputs: `(batch, features)`, the step input `x<t>`.
        states: list with one tensor `(batch, units)`, `a<t-1>`.
        training: Python boolean, whether dropout applies.

    Returns:
        `(a<t>, [a<t>])`.

    Example:

    >>> import numpy as np, keras
    >>> from seqkit.cells import SimpleRNNCell
    >>> layer = keras.layers.RNN(SimpleRNNCell(4), return_sequences=True)
    >>> layer(np.ones((2, 3, 5), "float32")).shape
    TensorShape([2, 3, 4])
    """

    num_blocks = 1

    def recurrent_step(self, projected, states, training=None):
        (a_prev,) = self.unpack_states(states)
        a_in = self.drop_recurrent(a_prev, training)
        a = self.activation(projected + ops.matmul(a_in, self.recurrent_kernel))
        return a, self.pack_states([a], states)
