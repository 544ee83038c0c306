"""Per-token character encoder used by the sequence tagger."""

import keras
from keras import ops

from seqkit.tasks import _checks


@keras.saving.register_keras_serializable(package="seqkit")
class CharacterEncoder(keras.layers.Layer):
    """Encodes the characters of every token with a small recurrent network.

    Character ids of shape `(batch, timesteps, max_chars)` are embedded, the
    batch and time axes are merged so that every token is one short sequence,
    a (by default bidirectional) recurrent stack reads each token's characters
    and its final state(s) become the token's vector. Character id 0 is
    padding. Tokens made only of padding get a vector too (the first position
    is always read, so no sequence is empty); the layer's output mask marks
    them as padding.

    Args:
        vocabulary_size: int. Number of character ids, padding (0) included.
        embedding_dim: int. Size of the character embedding.
        units: int. Units of the recurrent layer (per direction).
        cell: str. Recurrent cell name, as in `seqkit.layers.RecurrentStack`.
        bidirectional: bool. Read characters in both directions.
        implementation: str. Passed to `seqkit.layers.RecurrentStack`.
        **kwargs: base layer arguments such as `name` and `dtype`.

    Call arguments:
        char_ids: int tensor of shape `(batch, timesteps, max_chars)`.
        training: bool, whether dropout inside the stack is active.

    Returns:
        Float tensor of shape `(batch, timesteps, units * directions)`, with a
        mask of shape `(batch, timesteps)` that is `False` for all-padding
        tokens.

    Example:

    >>> import numpy as np
    >>> encoder = CharacterEncoder(vocabulary_size=30, embedding_dim=4, units=3)
    >>> tuple(encoder(np.array([[[5, 6, 0], [0, 0, 0]]], dtype="int32")).shape)
    (1, 2, 6)
    """

    def __init__(
        self,
        vocabulary_size,
        embedding_dim=25,
        units=25,
        cell="lstm",
        bidirectional=True,
        implementation="auto",
        **kwargs,
    ):
        super().__init__(**kwargs)
        from seqkit.layers import RecurrentStack

        self.vocabulary_size = _checks.positive_int("vocabulary_size", vocabulary_size)
        self.embedding_dim = _checks.positive_int("embedding_dim", embedding_dim)
        self.units = _checks.positive_int("units", units)
        self.cell = cell
        self.bidirectional = bool(bidirectional)
        self.implementation = implementation
        self.embedding = keras.layers.Embedding(
            vocabulary_size,
            embedding_dim,
            dtype=self.dtype_policy,
            name="char_embedding",
        )
        self.recurrent = RecurrentStack(
            cell=cell,
            units=units,
            bidirectional=bidirectional,
            return_sequences=False,
            implementation=implementation,
            dtype=self.dtype_policy,
            name="char_recurrent",
        )

    def build(self, input_shape):
        self.embedding.build(input_shape)
        self.recurrent.build((None, input_shape[-1], self.embedding_dim))
        self.built = True

    def call(self, char_ids, training=None):
        char_ids = ops.cast(char_ids, "int32")
        shape = ops.shape(char_ids)
        flat_ids = ops.reshape(char_ids, (-1, shape[-1]))
        # Every token reads at least its first position, so an all-padding
        # token is a length-1 sequence rather than an empty one (which some
        # fused kernels reject). Its vector is masked out downstream.
        positions = ops.arange(shape[-1])
        mask = ops.logical_or(ops.not_equal(flat_ids, 0), ops.equal(positions, 0)[None, :])
        vectors = self.recurrent(self.embedding(flat_ids), mask=mask, training=training)
        return ops.reshape(vectors, (shape[0], shape[1], -1))

    def compute_mask(self, char_ids, mask=None):
        return ops.any(ops.not_equal(char_ids, 0), axis=-1)

    def compute_output_shape(self, input_shape):
        directions = 2 if self.bidirectional else 1
        return (input_shape[0], input_shape[1], self.units * directions)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "vocabulary_size": self.vocabulary_size,
                "embedding_dim": self.embedding_dim,
                "units": self.units,
                "cell": self.cell,
                "bidirectional": self.bidirectional,
                "implementation": self.implementation,
            }
        )
        return config
