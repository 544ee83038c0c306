"""Attention over encoder outputs for encoder-decoder models."""

import keras
from keras import ops

_LUONG_SCORES = ("general", "dot")


class _EncoderDecoderAttention(keras.layers.Layer):
    """Shared call logic: projections, then a Keras attention layer.

    Subclasses set `self.attention` (a `keras.layers.Attention` or
    `AdditiveAttention`) and implement `_project(query, values)` returning the
    query and key tensors that the attention layer scores.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, query, values, mask=None, query_mask=None, values_mask=None,
             training=None):
        if mask is None:
            mask = values_mask
        single_step = len(query.shape) == 2
        if single_step:
            query = ops.expand_dims(query, axis=1)
            query_mask = None
        query, keys = self._project(query, values)
        masks = None if mask is None and query_mask is None else [query_mask, mask]
        context, weights = self.attention(
            [query, values, keys],
            mask=masks,
            training=training,
            return_attention_scores=True,
        )
        if single_step:
            context = ops.squeeze(context, axis=1)
            weights = ops.squeeze(weights, axis=1)
        return context, weights

    def compute_mask(self, query, mask=None):
        # Keras passes the query and the query's mask.
        if mask is None or len(query.shape) == 2:
            return None
        return [mask, None]

    def compute_output_shape(self, query_shape, values_shape):
        prefix = tuple(query_shape[:-1])
        return prefix + (values_shape[-1],), prefix + (values_shape[1],)


@keras.saving.register_keras_serializable(package="seqkit")
class BahdanauAttention(_EncoderDecoderAttention):
    """Additive attention: `score(q, k) = v · tanh(W1 q + W2 k)`.

    For each query (a decoder state), the scores over the values (encoder
    outputs) are turned into weights by a softmax over the unmasked values,
    and the context is the weighted sum of the values. `W1` and `W2` are
    bias-free `Dense` projections to `units`; `v` is the scale vector of
    `keras.layers.AdditiveAttention`, which computes the rest.

    Args:
        units: positive integer, size of the projected space.
        **kwargs: base layer keyword arguments, such as `name`.

    Call arguments:
        query: `(batch, query_dim)` for one decoder step or
            `(batch, Tq, query_dim)` for a sequence of them.
        values: `(batch, Tv, value_dim)`.
        mask: optional boolean `(batch, Tv)`; `False` marks padded values,
            which get weight 0. If omitted, the Keras mask of `values` is used
            (Keras passes it as `values_mask`).
        query_mask: optional boolean `(batch, Tq)`; masked queries get a zero
            context.
        training: Python boolean, passed on to the Keras attention layer.

    Returns:
        `(context, weights)`: context `(batch, value_dim)` or
        `(batch, Tq, value_dim)`; weights `(batch, Tv)` or `(batch, Tq, Tv)`,
        summing to 1 over the unmasked values.

    Example:

    >>> import numpy as np
    >>> attention = BahdanauAttention(units=8)
    >>> context, weights = attention(np.ones((2, 6), "float32"),
    ...                              np.ones((2, 5, 4), "float32"))
    >>> tuple(context.shape), tuple(weights.shape)
    ((2, 4), (2, 5))
    """

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        if isinstance(units, bool) or not isinstance(units, int) or units < 1:
            raise ValueError(f"`units` must be a positive integer. Received: units={units}")
        self.units = units
        self.query_projection = keras.layers.Dense(
            units, use_bias=False, name="w1", dtype=self.dtype_policy
        )
        self.key_projection = keras.layers.Dense(
            units, use_bias=False, name="w2", dtype=self.dtype_policy
        )
        self.attention = keras.layers.AdditiveAttention(
            use_scale=True, name="v", dtype=self.dtype_policy
        )

    def build(self, query_shape, values_shape):
        self.query_projection.build(query_shape)
        self.key_projection.build(values_shape)
        projected = (values_shape[0], None, self.units)
        self.attention.build([projected, values_shape, projected])
        self.built = True

    def _project(self, query, values):
        return self.query_projection(query), self.key_projection(values)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


@keras.saving.register_keras_serializable(package="seqkit")
class LuongAttention(_EncoderDecoderAttention):
    """Multiplicative attention: `score(q, k) = q · W k` or `q · k`.

    With `score="general"` the values are projected by a bias-free `Dense`
    layer `W` to the query size before the dot product (so query and value
    sizes may differ); with `score="dot"` they are used as they are (the
    sizes must match). `keras.layers.Attention` computes the softmax over
    the unmasked values and the weighted sum.

    Args:
        score: `"general"` or `"dot"`.
        **kwargs: base layer keyword arguments, such as `name`.

    Call arguments:
        query: `(batch, query_dim)` for one decoder step or
            `(batch, Tq, query_dim)` for a sequence of them.
        values: `(batch, Tv, value_dim)`.
        mask: optional boolean `(batch, Tv)`; `False` marks padded values,
            which get weight 0. If omitted, the Keras mask of `values` is used
            (Keras passes it as `values_mask`).
        query_mask: optional boolean `(batch, Tq)`; masked queries get a zero
            context.
        training: Python boolean, passed on to the Keras attention layer.

    Returns:
        `(context, weights)`: context `(batch, value_dim)` or
        `(batch, Tq, value_dim)`; weights `(batch, Tv)` or `(batch, Tq, Tv)`,
        summing to 1 over the unmasked values.

    Example:

    >>> import numpy as np
    >>> attention = LuongAttention(score="general")
    >>> context, weights = attention(np.ones((2, 3, 6), "float32"),
    ...                              np.ones((2, 5, 4), "float32"))
    >>> tuple(context.shape), tuple(weights.shape)
    ((2, 3, 4), (2, 3, 5))
    """

    def __init__(self, score="general", **kwargs):
        super().__init__(**kwargs)
        if score not in _LUONG_SCORES:
            raise ValueError(
                f"`score` must be one of {_LUONG_SCORES}. Received: score={score!r}"
            )
        self.score = score
        self.key_projection = None
        self.attention = keras.layers.Attention(
            score_mode="dot", name="dot", dtype=self.dtype_policy
        )

    def build(self, query_shape, values_shape):
        query_dim, value_dim = query_shape[-1], values_shape[-1]
        if self.score == "dot" and query_dim != value_dim:
            raise ValueError(
                "score='dot' needs queries and values of the same size. "
                f"Received: query_shape={query_shape}, values_shape={values_shape}"
            )
        if self.score == "general":
            # The query size is only known here, so W is created at build.
            self.key_projection = keras.layers.Dense(
                query_dim, use_bias=False, name="w", dtype=self.dtype_policy
            )
            self.key_projection.build(values_shape)
        keys = (values_shape[0], None, query_dim)
        self.attention.build([(query_shape[0], None, query_dim), values_shape, keys])
        self.built = True

    def _project(self, query, values):
        if self.key_projection is None:
            return query, values
        return query, self.key_projection(values)

    def get_config(self):
        return {**super().get_config(), "score": self.score}
