"""The per-step input layers the tagger and classifier builders share: token encoding and a motif convolution.

- `token_encoding="embedding"`: token ids are looked up in a trained `Embedding` (words, characters).
- `token_encoding="bases"`: token ids are DNA base codes (`seqkit.data.dna.alphabet`), mapped by the fixed
  `BaseOneHot` layer to A/C/G/T distributions (IUPAC codes as their base mixtures); nothing is trained.
- `conv_filters`: a `Conv1D` ("same" padding, ReLU) over the step inputs before the recurrent stack — motif
  detectors for DNA, local n-gram features elsewhere. Padding steps are zeros, as the convolution's own
  padding is, so a sequence's outputs do not depend on how much padding its batch has.
"""

import keras

from seqkit.tasks import _checks

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
