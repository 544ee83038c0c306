"""Base codes to distributions over A, C, G, T: a one-hot encoding that understands ambiguity codes."""

import keras
from keras import ops

from seqkit.data.dna.alphabet import BASE_DISTRIBUTIONS, N_CODE, NUM_CODES


@keras.saving.register_keras_serializable(package="seqkit")
class BaseOneHot(keras.layers.Layer):
    """Maps base codes to their distribution over A, C, G, T, masking padding.

    The codes are those of `seqkit.data.dna.alphabet` (0 = padding, 1 to 4 = A, C, G, T, 5 = N, 6 to 15 =
    IUPAC ambiguity codes). Each code becomes its row of the fixed table `BASE_DISTRIBUTIONS`: one-hot for
    A, C, G, T, uniform over the bases of an ambiguity code (N is 0.25 each, R is 0.5 A and 0.5 G), zeros
    for padding. The table is a constant, not a weight: nothing is trained and nothing is saved. A code
    outside 0 to 15 is read as N. With `mask_padding`, the output mask is `codes != 0`, so recurrent layers
    after it skip the padding.

    Args:
        mask_padding: bool. Attach the padding mask (as `Embedding(mask_zero=True)` does). The task builders
            turn it off and pass the mask to the recurrent stack themselves, since a convolution between the
            two would drop it.
        **kwargs: base layer keyword arguments, such as `name` or `dtype`.

    Call arguments:
        codes: integer tensor `(batch, time)` of base codes.

    Returns:
        Float tensor `(batch, time, 4)` (the layer's compute dtype), with a mask `(batch, time)`.

    Example:

    >>> import numpy as np
    >>> layer = BaseOneHot()
    >>> codes = np.array([[1, 6, 0]])  # A, R (A or G), padding
    >>> np.asarray(layer(codes))[0].tolist()
    [[1.0, 0.0, 0.0, 0.0], [0.5, 0.0, 0.5, 0.0], [0.0, 0.0, 0.0, 0.0]]
    >>> np.asarray(layer.compute_mask(codes)).tolist()
    [[True, True, False]]
    """

    def __init__(self, mask_padding=True, **kwargs):
        super().__init__(**kwargs)
        self.mask_padding = bool(mask_padding)
        self.supports_masking = True

    def call(self, codes):
        codes = ops.cast(codes, "int32")
        codes = ops.where(ops.logical_and(codes >= 0, codes < NUM_CODES), codes, N_CODE)
        table = ops.convert_to_tensor(BASE_DISTRIBUTIONS, dtype=self.compute_dtype)
        return ops.take(table, codes, axis=0)

    def compute_mask(self, codes, mask=None):
        if not self.mask_padding:
            return mask
        padding = ops.not_equal(codes, 0)
        return padding if mask is None else ops.logical_and(padding, ops.cast(mask, "bool"))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (4,)

    def get_config(self):
        return {**super().get_config(), "mask_padding": self.mask_padding}
