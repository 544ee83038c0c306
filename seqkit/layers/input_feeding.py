"""A recurrent attention decoder with input feeding (Luong et al., 2015)."""

import keras
from keras import ops

# The time loop behind `keras.layers.RNN` (masks, states); Keras does not
# export it publicly (see `seqkit.layers.rnn`).
from keras.src import backend

from seqkit import cells
from seqkit.layers.attention import BahdanauAttention, LuongAttention

_ATTENTIONS = ("bahdanau", "luong")
_SCORES = ("general", "dot")


@keras.saving.register_keras_serializable(package="seqkit")
class InputFeedingDecoder(keras.layers.Layer):
    """Stacked recurrent decoder whose inputs carry the last attentional vector.

    At every target step `t` (Luong et al., 2015, "input feeding"):

    ```
    x<t>      = [e<t>; h̃<t-1>]                  (h̃<0> = 0)
    h<t>      = stacked cells (x<t>, states<t-1>) (top layer's output)
    c<t>      = attention(h<t>, encoder outputs)  (context vector)
    h̃<t>      = tanh(W [h<t>; c<t>])             (the attentional vector)
    ```

    `e<t>` is the target embedding of step `t`; `h̃<t>` is the layer's output
    for step `t` (the caller maps it to logits) and is fed back as part of
    the next step's input. Because `h<t>` depends on the attention of step
    `t - 1`, the steps run one after another, all inside this layer: the
    decoder cells, the attention and `W` are its sublayers. The final
    `h̃<T>` is returned as an extra state, after the cells' states, so that
    a step-by-step decoder can carry it.

    The cells are seqkit cells (`seqkit.cells.get(cell, units)`); layer
    `i > 0` reads the output of layer `i - 1`. The keys of the attention
    (`W2 k` for Bahdanau, `W k` for Luong's `"general"` score) are computed
    once per call, not once per step.

    Args:
        cell: a cell name: `"rnn"`, `"gru"`, `"gru-simplified"`, `"lstm"`
            or `"lstm-peephole"`.
        units: positive integer, size of every decoder layer.
        num_layers: positive integer, number of stacked decoder layers.
        attention: `"bahdanau"` (additive, `BahdanauAttention`) or
            `"luong"` (multiplicative, `LuongAttention`).
        attention_units: positive integer, size of the Bahdanau projection
            (default `units`). Only with `attention="bahdanau"`.
        score: Luong score, `"general"` (`q · W k`) or `"dot"` (`q · k`,
            needs encoder outputs of size `units`). Only with
            `attention="luong"`.
        output_dim: positive integer, size of `h̃` (default `units`).
        dropout: float in `[0, 1)`, dropout on `h<t>` before it queries the
            attention (a fresh mask per step, as a `Dropout` layer on the
            decoder outputs would draw).
        seed: integer seed of the dropout, or `None`.
        **kwargs: base layer keyword arguments, such as `name`.

    Call arguments:
        target_embeddings: float `(batch, T, features)`, the embedded
            decoder inputs.
        encoder_outputs: float `(batch, Tx, encoder_dim)`.
        source_mask: optional boolean `(batch, Tx)`; `False` marks padded
            source steps, which get attention weight 0.
        initial_states: optional flat list of `(batch, size)` tensors: the
            cells' states layer by layer (cell order: `h, c` for LSTM, `h`
            for GRU), optionally followed by `h̃<0>` `(batch, output_dim)`.
            Zeros for what is left out (all states when omitted).
        mask: optional boolean `(batch, T)`; a masked step keeps every state
            and repeats the previous outputs.
        training: Python boolean, whether dropout is active.

    Returns:
        A list `[outputs, attention_weights, *final_states]`: `outputs`
        `(batch, T, output_dim)` holds `h̃<1..T>`, `attention_weights`
        `(batch, T, Tx)` the attention weights of every step, and
        `final_states` the cells' final states followed by `h̃<T>`, in the
        layout of `initial_states` (`state_size` gives their sizes).

    Example:

    >>> import numpy as np
    >>> decoder = InputFeedingDecoder("gru", units=6, attention="luong",
    ...                               output_dim=4)
    >>> outputs, weights, h, feed = decoder(
    ...     np.ones((2, 3, 5), "float32"), np.ones((2, 7, 8), "float32"))
    >>> tuple(outputs.shape), tuple(weights.shape), tuple(h.shape), tuple(feed.shape)
    ((2, 3, 4), (2, 3, 7), (2, 6), (2, 4))
    >>> decoder.state_size
    [6, 4]
    """

    def __init__(
        self,
        cell="lstm",
        units=None,
        num_layers=1,
        attention="luong",
        attention_units=None,
        score="general",
        output_dim=None,
        dropout=0.0,
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if cell not in cells.names():
            raise ValueError(f"`cell` must be one of {cells.names()}. Received: cell={cell!r}")
        _check_positive_int("units", units)
        _check_positive_int("num_layers", num_layers)
        if attention not in _ATTENTIONS:
            raise ValueError(f"`attention` must be one of {_ATTENTIONS}. Received: attention={attention!r}")
        if score not in _SCORES:
            raise ValueError(f"`score` must be one of {_SCORES}. Received: score={score!r}")
        if attention_units is not None:
            _check_positive_int("attention_units", attention_units)
        if output_dim is not None:
            _check_positive_int("output_dim", output_dim)
        if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) or not 0 <= dropout < 1:
            raise ValueError(f"`dropout` must be a float in [0, 1). Received: dropout={dropout!r}")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise ValueError(f"`seed` must be an integer or None. Received: seed={seed!r}")
        self.cell = cell
        self.units = units
        self.num_layers = num_layers
        self.attention_name = attention
        self.attention_units = attention_units
        self.score = score
        self.output_dim = output_dim or units
        self.dropout = float(dropout)
        self.seed = seed
        self.supports_masking = True

        self.cells = [
            cells.get(cell, units, name=f"cell_{index}", dtype=self.dtype_policy) for index in range(num_layers)
        ]
        if attention == "bahdanau":
            self.attention = BahdanauAttention(attention_units or units, name="attention", dtype=self.dtype_policy)
        else:
            self.attention = LuongAttention(score=score, name="attention", dtype=self.dtype_policy)
        self.projection = keras.layers.Dense(
            self.output_dim, activation="tanh", use_bias=False, name="attention_projection", dtype=self.dtype_policy
        )
        self.seed_generator = keras.random.SeedGenerator(seed) if self.dropout else None
        self._cell_state_sizes = [_sizes(c.state_size) for c in self.cells]

    @property
    def state_size(self):
        """Sizes of the states: the cells' states, layer by layer, then `h̃`."""
        return [size for sizes in self._cell_state_sizes for size in sizes] + [self.output_dim]

    def build(self, target_embeddings_shape, encoder_outputs_shape):
        batch = target_embeddings_shape[0]
        features = target_embeddings_shape[-1] + self.output_dim
        for cell in self.cells:
            cell.build((batch, features))
            features = self.units
        self.attention.build((batch, None, self.units), tuple(encoder_outputs_shape))
        self.projection.build((batch, self.units + encoder_outputs_shape[-1]))
        self.built = True

    def call(
        self,
        target_embeddings,
        encoder_outputs,
        source_mask=None,
        initial_states=None,
        mask=None,
        training=None,
    ):
        batch = ops.shape(target_embeddings)[0]
        states = self._initial_states(initial_states, batch)
        keys = encoder_outputs
        if self.attention.key_projection is not None:
            keys = self.attention.key_projection(encoder_outputs)
        inputs = target_embeddings
        dropout = bool(training) and self.dropout > 0
        if dropout:
            # One mask per step, drawn before the loop and read with the step.
            ones = ops.ones(tuple(ops.shape(target_embeddings)[:2]) + (self.units,), dtype=self.compute_dtype)
            keep = keras.random.dropout(ones, self.dropout, seed=self.seed_generator)
            inputs = ops.concatenate([target_embeddings, keep], axis=-1)
        embedding_dim = target_embeddings.shape[-1]

        def step(inputs_t, step_states):
            if dropout:
                embedded, keep_t = inputs_t[:, :embedding_dim], inputs_t[:, embedding_dim:]
            else:
                embedded = inputs_t
            *cell_states, feed = step_states
            x = ops.concatenate([embedded, feed], axis=-1)
            new_states, start = [], 0
            for cell, sizes in zip(self.cells, self._cell_state_sizes):
                layer_states = list(cell_states[start : start + len(sizes)])
                start += len(sizes)
                x, layer_states = cell(x, layer_states, training=training)
                new_states.extend(layer_states if isinstance(layer_states, (list, tuple)) else [layer_states])
            if dropout:
                x = x * keep_t
            context, weights = self._attend(x, keys, encoder_outputs, source_mask, training)
            feed = self.projection(ops.concatenate([x, context], axis=-1))
            # One output tensor per step: h̃<t> and the weights side by side.
            return ops.concatenate([feed, weights], axis=-1), new_states + [feed]

        _, outputs, final_states = backend.rnn(
            step,
            inputs,
            states,
            mask=mask,
            input_length=target_embeddings.shape[1],
        )
        feeds, weights = outputs[..., : self.output_dim], outputs[..., self.output_dim :]
        return [feeds, weights, *final_states]

    def _attend(self, query, keys, values, source_mask, training):
        """Context `(batch, values_dim)` and weights `(batch, Tx)` of one step."""
        if isinstance(self.attention, BahdanauAttention):
            query = self.attention.query_projection(query)
        context, weights = self.attention.attention(
            [ops.expand_dims(query, 1), values, keys],
            mask=None if source_mask is None else [None, source_mask],
            training=training,
            return_attention_scores=True,
        )
        return context[:, 0], weights[:, 0]

    def _initial_states(self, initial_states, batch):
        sizes = self.state_size
        states = [] if initial_states is None else list(initial_states)
        if states and len(states) not in (len(sizes) - 1, len(sizes)):
            raise ValueError(
                f"`initial_states` must hold the {len(sizes) - 1} cell states, optionally followed by the "
                f"attentional vector. Received: {len(states)} states"
            )
        for size in sizes[len(states) :]:
            states.append(ops.zeros((batch, size), dtype=self.compute_dtype))
        return states

    def compute_output_spec(
        self,
        target_embeddings,
        encoder_outputs,
        source_mask=None,
        initial_states=None,
        mask=None,
        training=None,
    ):
        batch, steps = target_embeddings.shape[0], target_embeddings.shape[1]
        dtype = self.compute_dtype
        outputs = keras.KerasTensor((batch, steps, self.output_dim), dtype=dtype)
        weights = keras.KerasTensor((batch, steps, encoder_outputs.shape[1]), dtype=dtype)
        states = [keras.KerasTensor((batch, size), dtype=dtype) for size in self.state_size]
        return [outputs, weights, *states]

    def compute_mask(self, target_embeddings, mask=None):
        if mask is None:
            return None
        return [mask, mask] + [None] * len(self.state_size)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "cell": self.cell,
                "units": self.units,
                "num_layers": self.num_layers,
                "attention": self.attention_name,
                "attention_units": self.attention_units,
                "score": self.score,
                "output_dim": self.output_dim,
                "dropout": self.dropout,
                "seed": self.seed,
            }
        )
        return config


def _sizes(state_size):
    return list(state_size) if isinstance(state_size, (list, tuple)) else [state_size]


def _check_positive_int(name, value):
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value!r}")
