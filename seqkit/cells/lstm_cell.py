"""The long short-term memory cell, with optional peephole connections."""

import keras
from keras import ops

from seqkit.cells._base import ProjectedCell, check_bool


@keras.saving.register_keras_serializable(package="seqkit")
class LSTMCell(ProjectedCell):
    """Long short-term memory cell with update, forget and output gates.

    Per step (`σ` is the logistic sigmoid, `*` elementwise):

    ```
    c̃    = g(W_c [a<t-1>, x<t>] + b_c)
    Γu   = σ(W_u [a<t-1>, x<t>] + b_u)
    Γf   = σ(W_f [a<t-1>, x<t>] + b_f)
    Γo   = σ(W_o [a<t-1>, x<t>] + b_o)
    c<t> = Γu * c̃ + Γf * c<t-1>
    a<t> = Γo * g(c<t>)
    ```

    With `peephole=True` each gate also sees the previous memory cell
    through a diagonal weight (one weight per unit, as in Gers &
    Schmidhuber, "Recurrent nets that time and count", 2000), so
    `Γu = σ(W_u [a<t-1>, x<t>] + p_u * c<t-1> + b_u)` and likewise for `Γf`
    and `Γo`. Unlike Gers & Schmidhuber, whose output gate peeks at the
    updated `c<t>`, all three gates here peek at `c<t-1>`, as the seqkit
    design states; this keeps the three gates one fused computation.

    Weights: `kernel` `(features, 4 * units)` and `recurrent_kernel`
    `(units, 4 * units)` hold the blocks `u, f, c, o` in that order (the
    order of Keras's `LSTMCell` `i, f, c, o`); `bias` `(4 * units,)`;
    with peepholes, `peephole_kernel` `(3 * units,)` holds `p_u, p_f, p_o`.

    Args:
        units: positive integer, size of `a<t>` and `c<t>`.
        peephole: whether the gates see `c<t-1>`.
        unit_forget_bias: whether to add 1 to the initial forget-gate bias
            (the bias block of `Γf` starts at ones).
        activation: `g`, `"tanh"` (default) or `"relu"`.
        use_bias: whether to add the biases.
        kernel_initializer: initializer of `kernel`.
        recurrent_initializer: initializer of `recurrent_kernel`.
        bias_initializer: initializer of `bias`.
        peephole_initializer: initializer of `peephole_kernel` (default
            `"zeros"`: the cell starts as a plain LSTM).
        dropout: rate in `[0, 1)` of dropout on `x<t>`; one mask per sequence.
        recurrent_dropout: rate in `[0, 1)` of dropout on `a<t-1>` where it
            enters the recurrent kernel; one mask per sequence.
        seed: integer seed of the dropout masks, or `None`.
        **kwargs: base layer arguments such as `name` and `dtype`.

    Call arguments:
        inputs: `(batch, features)`, the step input `x<t>`.
        states: list `[a<t-1>, c<t-1>]`, each `(batch, units)`.
        training: Python boolean, whether dropout applies.

    Returns:
        `(a<t>, [a<t>, c<t>])`.

    Example:

    >>> import numpy as np, keras
    >>> from seqkit.cells import LSTMCell
    >>> layer = keras.layers.RNN(LSTMCell(4, peephole=True), return_state=True)
    >>> output, a, c = layer(np.ones((2, 3, 5), "float32"))
    >>> output.shape, c.shape
    (TensorShape([2, 4]), TensorShape([2, 4]))
    """

    num_blocks = 4

    def __init__(
        self,
        units,
        peephole=False,
        unit_forget_bias=True,
        peephole_initializer="zeros",
        **kwargs,
    ):
        check_bool("peephole", peephole)
        check_bool("unit_forget_bias", unit_forget_bias)
        super().__init__(units, **kwargs)
        self.peephole = peephole
        self.unit_forget_bias = unit_forget_bias
        self.peephole_initializer = keras.initializers.get(peephole_initializer)

    @property
    def state_size(self):
        return [self.units, self.units]

    def build(self, input_shape):
        super().build(input_shape)
        self.peephole_kernel = None
        if self.peephole:
            self.peephole_kernel = self.add_weight(
                shape=(3 * self.units,),
                initializer=self.peephole_initializer,
                name="peephole_kernel",
            )

    def build_bias_initializer(self):
        if not self.unit_forget_bias:
            return self.bias_initializer
        base, n = self.bias_initializer, self.units

        def initializer(shape, dtype=None):
            return ops.concatenate(
                [
                    base((n,), dtype=dtype),
                    ops.ones((n,), dtype=dtype),
                    base((2 * n,), dtype=dtype),
                ]
            )

        return initializer

    def recurrent_step(self, projected, states, training=None):
        a_prev, c_prev = self.unpack_states(states)
        a_in = self.drop_recurrent(a_prev, training)
        z = projected + ops.matmul(a_in, self.recurrent_kernel)
        z_u, z_f, z_c, z_o = ops.split(z, 4, axis=-1)
        if self.peephole:
            p_u, p_f, p_o = ops.split(self.peephole_kernel, 3)
            z_u = z_u + p_u * c_prev
            z_f = z_f + p_f * c_prev
            z_o = z_o + p_o * c_prev
        c = ops.sigmoid(z_u) * self.activation(z_c) + ops.sigmoid(z_f) * c_prev
        a = ops.sigmoid(z_o) * self.activation(c)
        return a, [a, c]

    def get_config(self):
        config = {
            "peephole": self.peephole,
            "unit_forget_bias": self.unit_forget_bias,
            "peephole_initializer": keras.initializers.serialize(self.peephole_initializer),
        }
        return {**super().get_config(), **config}
