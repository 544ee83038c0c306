"""The gated recurrent unit (full and simplified)."""

import keras
from keras import ops

from seqkit.cells._base import ProjectedCell, check_choice

VARIANTS = ("full", "simplified")


@keras.saving.register_keras_serializable(package="seqkit")
class GRUCell(ProjectedCell):
    """Gated recurrent unit with update gate `Γu` and relevance gate `Γr`.

    Full variant, per step (`σ` is the logistic sigmoid, `*` elementwise):

    ```
    Γu  = σ(W_u [c<t-1>, x<t>] + b_u)
    Γr  = σ(W_r [c<t-1>, x<t>] + b_r)
    c̃   = g(W_c [Γr * c<t-1>, x<t>] + b_c)
    c<t> = Γu * c̃ + (1 - Γu) * c<t-1>,   a<t> = c<t>
    ```

    The simplified variant has no `Γr`: `c̃ = g(W_c [c<t-1>, x<t>] + b_c)`.

    Weights: `kernel` `(features, k * units)` holds the `x<t>` columns of
    `W_u, W_r, W_c` (full, `k = 3`) or `W_u, W_c` (simplified, `k = 2`) in
    that order; `recurrent_kernel` `(units, k * units)` holds the `c<t-1>`
    columns in the same order; `bias` `(k * units,)`. Note that Keras's
    `GRUCell` gate `z` is `1 - Γu`, so its weights map to these with a sign
    flip of the update-gate block.

    Recurrent dropout multiplies `c<t-1>` where it enters the recurrent
    kernel; the carry `(1 - Γu) * c<t-1>` uses the undropped state.

    Args:
        units: positive integer, size of the state `c<t>`.
        variant: `"full"` (default) or `"simplified"`.
        activation: `g` of the candidate, `"tanh"` (default) or `"relu"`.
        use_bias: whether to add the biases.
        kernel_initializer: initializer of `kernel`.
        recurrent_initializer: initializer of `recurrent_kernel`.
        bias_initializer: initializer of `bias`.
        dropout: rate in `[0, 1)` of dropout on `x<t>`; one mask per sequence.
        recurrent_dropout: rate in `[0, 1)` of dropout on `c<t-1>`; one mask
            per sequence.
        seed: integer seed of the dropout masks, or `None`.
        **kwargs: base layer arguments such as `name` and `dtype`.

    Call arguments:
        inputs: `(batch, features)`, the step input `x<t>`.
        states: list with one tensor `(batch, units)`, `c<t-1>`.
        training: Python boolean, whether dropout applies.

    Returns:
        `(c<t>, [c<t>])`.

    Example:

    >>> import numpy as np, keras
    >>> from seqkit.cells import GRUCell
    >>> layer = keras.layers.RNN(GRUCell(4, variant="simplified"))
    >>> layer(np.ones((2, 3, 5), "float32")).shape
    TensorShape([2, 4])
    """

    def __init__(self, units, variant="full", **kwargs):
        check_choice("variant", variant, VARIANTS)
        super().__init__(units, **kwargs)
        self.variant = variant
        self.num_blocks = 3 if variant == "full" else 2

    def loop_constants(self):
        """Tensors every step reuses, which `seqkit.layers.RNN` computes once before its loop.

        For the full variant: the recurrent kernel split into its gate
        columns `(units, 2 * units)` and candidate columns `(units, units)`
        (split inside the loop, it would be split again, and its gradient
        concatenated, at every step). `None` for the simplified variant.
        """
        if self.variant != "full":
            return None
        return ops.split(self.recurrent_kernel, [2 * self.units], axis=-1)

    def recurrent_step(self, projected, states, training=None, constants=None):
        (c_prev,) = self.unpack_states(states)
        c_in = self.drop_recurrent(c_prev, training)
        if self.variant == "full":
            # Split (not slice) the fused blocks: split's gradient is a cheap
            # concatenation, a slice's a full-size scatter per step.
            x_gates, x_candidate = ops.split(projected, [2 * self.units], axis=-1)
            r_gates, r_candidate = self.loop_constants() if constants is None else constants
            gates = ops.sigmoid(x_gates + ops.matmul(c_in, r_gates))
            update, relevance = ops.split(gates, 2, axis=-1)
            candidate = self.activation(x_candidate + ops.matmul(relevance * c_in, r_candidate))
        else:
            z = projected + ops.matmul(c_in, self.recurrent_kernel)
            z_update, z_candidate = ops.split(z, 2, axis=-1)
            update = ops.sigmoid(z_update)
            candidate = self.activation(z_candidate)
        c = update * candidate + (1.0 - update) * c_prev
        return c, self.pack_states([c], states)

    def get_config(self):
        return {**super().get_config(), "variant": self.variant}
