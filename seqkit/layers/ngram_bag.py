"""A linear model over the bag of words and hashed word pairs of a sequence."""

import keras
from keras import ops

# Multipliers of the pair hash `(a * LEFT + b * RIGHT) mod buckets`: two large primes, so that pairs of
# neighbouring ids spread over the buckets. Part of the saved model's meaning: never change them.
_LEFT_PRIME = 1_000_003
_RIGHT_PRIME = 7_919


@keras.saving.register_keras_serializable(package="seqkit")
class NGramBag(keras.layers.Layer):
    """Scores a sequence of token ids by its words and neighbouring word pairs.

    A linear bag-of-n-grams model, the "wide" part of a wide-and-deep
    classifier: every token id (unigram) and every pair of neighbouring ids
    (bigram, hashed into `buckets`) has a learned vector of `output_dim`
    weights; the output is

        sum(unigram vectors) / sqrt(#unigrams) + sum(bigram vectors) / sqrt(#bigrams)

    over the unpadded positions (id 0 is padding; a pair with a padded side
    is left out). The square-root scaling keeps long and short texts on one
    scale, as the L2 normalisation of TF-IDF does. Weights start at zero, so
    added to a recurrent model's logits it changes nothing until trained;
    `l2` regularises them. The bigram id of ids `a, b` is
    `(a * 1000003 + b * 7919) mod buckets + 1`, in int64, so the same pairs
    land in the same buckets everywhere (exported SavedModels included).

    Args:
        vocabulary_size: int. Token ids, padding (0) included.
        buckets: int. Hash buckets for word pairs (0: words only).
        output_dim: int. Size of the score vector (e.g. number of classes).
        l2: float. L2 penalty on the weights.
        **kwargs: base layer keyword arguments, such as `name`.

    Call arguments:
        token_ids: int tensor `(batch, time)`, 0 = padding.

    Returns:
        Float tensor `(batch, output_dim)`.

    Example:

    >>> import numpy as np
    >>> bag = NGramBag(vocabulary_size=10, buckets=50, output_dim=2)
    >>> scores = bag(np.array([[3, 4, 0], [5, 0, 0]], "int32"))
    >>> tuple(scores.shape), float(np.abs(scores).max())
    ((2, 2), 0.0)
    """

    def __init__(self, vocabulary_size, buckets, output_dim, l2=0.0, **kwargs):
        super().__init__(**kwargs)
        for name, value, least in (("vocabulary_size", vocabulary_size, 1), ("buckets", buckets, 0)):
            if not isinstance(value, int) or isinstance(value, bool) or value < least:
                raise ValueError(f"`{name}` must be an integer >= {least}. Received: {name}={value!r}")
        if not isinstance(output_dim, int) or output_dim < 1:
            raise ValueError(f"`output_dim` must be a positive integer. Received: output_dim={output_dim!r}")
        if not isinstance(l2, (int, float)) or l2 < 0:
            raise ValueError(f"`l2` must be a non-negative number. Received: l2={l2!r}")
        self.vocabulary_size = vocabulary_size
        self.buckets = buckets
        self.output_dim = output_dim
        self.l2 = float(l2)

    def build(self, input_shape):
        regularizer = keras.regularizers.L2(self.l2) if self.l2 else None
        self.unigram_weights = self.add_weight(
            shape=(self.vocabulary_size, self.output_dim),
            initializer="zeros",
            regularizer=regularizer,
            name="unigram_weights",
        )
        self.bigram_weights = None
        if self.buckets:
            self.bigram_weights = self.add_weight(
                shape=(self.buckets + 1, self.output_dim),
                initializer="zeros",
                regularizer=regularizer,
                name="bigram_weights",
            )

    def call(self, token_ids):
        token_ids = ops.cast(token_ids, "int32")
        scores = _scaled_sum(self.unigram_weights, token_ids, self.compute_dtype)
        if self.bigram_weights is not None:
            scores = scores + _scaled_sum(self.bigram_weights, self.bigram_ids(token_ids), self.compute_dtype)
        return scores

    def bigram_ids(self, token_ids):
        """Bucket ids `(batch, time - 1)` of neighbouring pairs, 0 where either side is padding."""
        left = ops.cast(token_ids[:, :-1], "int64")
        right = ops.cast(token_ids[:, 1:], "int64")
        hashed = ops.mod(left * _LEFT_PRIME + right * _RIGHT_PRIME, self.buckets) + 1
        return ops.cast(ops.where(ops.logical_and(left > 0, right > 0), hashed, 0), "int32")

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.output_dim)

    def get_config(self):
        return {
            **super().get_config(),
            "vocabulary_size": self.vocabulary_size,
            "buckets": self.buckets,
            "output_dim": self.output_dim,
            "l2": self.l2,
        }


def _scaled_sum(weights, ids, dtype):
    """Sum of the rows of `weights` at the non-zero `ids`, divided by the square root of their count."""
    present = ops.cast(ids > 0, dtype)[:, :, None]
    total = ops.sum(ops.take(ops.cast(weights, dtype), ids, axis=0) * present, axis=1)
    return total / ops.sqrt(ops.maximum(ops.sum(present, axis=1), 1.0))
