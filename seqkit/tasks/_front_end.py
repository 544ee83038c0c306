"""The per-step input layers the tagger and classifier builders share: token encoding and a motif convolution.

- `token_encoding="embedding"`: token ids are looked up in a trained `Embedding` (words, characters).
- `token_encoding="bases"`: token ids are DNA base codes (`seqkit.data.dna.alphabet`), mapped by the fixed
  `BaseOneHot` layer to A/C/G/T distributions (IUPAC codes as their base mixtures); nothing is trained.
- `conv_filters`: a `Conv1D` ("same" padding, ReLU) over the step inputs before the recurrent stack — motif
  detectors for DNA, local n-gram features elsewhere. Padding steps are zeros, as the convolution's own
  padding is, so a sequence's outputs do not depend on how much padding its batch has.
- `word_dropout`: in training only, token ids from `min_id` on are replaced by `<UNK>` with some probability
  (`WordDropout`), so that the `<UNK>` embedding learns to stand for words never seen.
"""

import keras
from keras import ops

from seqkit.tasks import _checks

UNK_ID = 1

TOKEN_ENCODINGS = ("embedding", "bases")


def token_encoder(vocabulary_size, embedding_dim, token_encoding):
    """The layer that turns token ids into step vectors, or None without token ids."""
    _checks.choice("token_encoding", token_encoding, TOKEN_ENCODINGS)
    if vocabulary_size is None:
        return None
    if token_encoding == "bases":
        from seqkit.data.dna.alphabet import NUM_CODES
        from seqkit.layers import BaseOneHot

        if vocabulary_size != NUM_CODES:
            raise ValueError(
                f"`vocabulary_size` must be {NUM_CODES} (the base codes) with token_encoding='bases'. "
                f"Received: vocabulary_size={vocabulary_size}"
            )
        return BaseOneHot(mask_padding=False, name="base_one_hot")
    return keras.layers.Embedding(vocabulary_size, embedding_dim, name="token_embedding")


def motif_convolution(conv_filters, conv_kernel_size):
    """A `Conv1D` front-end, or None when `conv_filters` is None."""
    _checks.positive_int("conv_filters", conv_filters, allow_none=True)
    if conv_filters is None:
        return None
    _checks.positive_int("conv_kernel_size", conv_kernel_size)
    return keras.layers.Conv1D(
        conv_filters, conv_kernel_size, padding="same", activation="relu", name="motif_convolution"
    )


def word_dropout_layer(rate, min_id):
    """A `WordDropout` in front of the token lookup, or None when `rate` is 0."""
    _checks.rate("word_dropout", rate)
    if not rate:
        return None
    return WordDropout(rate, min_id=min_id, name="word_dropout")


@keras.saving.register_keras_serializable(package="seqkit")
class WordDropout(keras.layers.Layer):
    """Replaces token ids by `<UNK>` at random, in training only (word dropout, Lample et al. 2016).

    Each id `>= min_id` becomes `unk_id` with probability `rate` when `training=True`; padding (0), `<UNK>`
    and the ids below `min_id` are kept, and outside training the ids pass unchanged. With a vocabulary
    ordered by count (`seqkit.data.vocabulary.Vocabulary`), `min_id` = the first id of the words seen once
    makes it the singleton replacement of Lample et al.: the `<UNK>` embedding is trained on rare words, whose
    other features (characters) then tag the unknown words of new text. The draws come from a
    `keras.random.SeedGenerator`, whose state is saved with the layer's variables (exact resume).

    Args:
        rate: float in [0, 1). Probability of replacing an eligible id.
        min_id: int. The first id that may be replaced.
        unk_id: int. The id put in their place.
        seed: int or None. Seed of the draws (None: from Keras's global seed).
        **kwargs: base layer keyword arguments, such as `name`.

    Call arguments:
        ids: int tensor `(batch, timesteps)`.
        training: bool. Replace only when true.

    Returns:
        The ids, same shape and dtype.

    Example:

    >>> import numpy as np
    >>> layer = WordDropout(0.5, min_id=3, seed=0)
    >>> ids = np.array([[0, 1, 2, 5, 9]], "int32")
    >>> layer(ids).numpy().tolist()  # not training: unchanged
    [[0, 1, 2, 5, 9]]
    >>> out = layer(ids, training=True).numpy()
    >>> out[0, :3].tolist(), set(out[0, 3:].tolist()) <= {1, 5, 9}
    ([0, 1, 2], True)
    """

    def __init__(self, rate, min_id=2, unk_id=UNK_ID, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = _checks.rate("rate", rate)
        self.min_id = _checks.positive_int("min_id", min_id)
        self.unk_id = _checks.positive_int("unk_id", unk_id)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.built = True

    def call(self, ids, training=None):
        if not training or not self.rate:
            return ids
        ids = ops.convert_to_tensor(ids)
        draws = keras.random.uniform(ops.shape(ids), seed=self.seed_generator)
        replace = ops.logical_and(draws < self.rate, ids >= self.min_id)
        return ops.where(replace, ops.cast(self.unk_id, ids.dtype), ids)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "min_id": self.min_id, "unk_id": self.unk_id, "seed": self.seed})
        return config
