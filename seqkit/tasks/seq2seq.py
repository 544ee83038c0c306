"""Encoder-decoder with attention: translation-style sequence to sequence."""

import keras
from keras import ops

from seqkit.tasks import _checks
from seqkit.tasks._recurrent import stateful_recurrent_layer

try:
    # Per-position losses carry a Keras mask (the positions that count),
    # which `keras.losses.Loss` averages over; Keras exports no accessor.
    from keras.src.backend import get_keras_mask, set_keras_mask
except ImportError:  # older Keras 3: the mask is a plain tensor attribute

    def get_keras_mask(x):
        return getattr(x, "_keras_mask", None)

    def set_keras_mask(x, mask):
        x._keras_mask = mask


ATTENTIONS = ("bahdanau", "luong", None)

SEQ2SEQ_PRESETS = {
    "translation": {
        "embedding_dim": 256,
        "cell": "lstm",
        "units": 512,
        "num_layers": 2,
        "dropout": 0.2,
        "attention": "luong",
    },
    # Luong et al. (2015) with a bidirectional encoder: input feeding, and
    # the target embedding reused as the output layer.
    "translation_input_feeding": {
        "embedding_dim": 256,
        "cell": "lstm",
        "units": 512,
        "num_layers": 2,
        "bidirectional": True,
        "dropout": 0.2,
        "attention": "luong",
        "input_feeding": True,
        "tie_embeddings": True,
    },
    "tiny": {"embedding_dim": 8, "cell": "gru", "units": 8, "attention": "bahdanau"},
}


def seq2seq(
    source_vocabulary_size,
    target_vocabulary_size,
    *,
    embedding_dim=128,
    cell="lstm",
    units=256,
    num_layers=1,
    bidirectional=False,
    dropout=0.0,
    attention="bahdanau",
    attention_units=None,
    input_feeding=False,
    tie_embeddings=False,
    implementation="auto",
    name="seq2seq",
):
    """Builds a recurrent encoder-decoder trained with teacher forcing.

    Inputs (dict): `"source_ids"` int32 `(batch, Tx)` and `"target_ids"`
    int32 `(batch, Ty)`, the decoder inputs (the target shifted right, after
    a start token); 0 = padding in both. Output: `(batch, Ty,
    target_vocabulary_size)` logits for the next target token.

    Encoder layer `i` (`encoder_<i>`, a `RecurrentStack`) hands its final
    states to decoder layer `i` (`decoder_<i>`). With attention, every
    decoder output queries the encoder outputs (global attention, scored
    additively for `"bahdanau"` or multiplicatively for `"luong"`), and
    `tanh(W [decoder output; context])` feeds the output layer. Teacher
    forcing thus runs every step in parallel; `seq2seq_encoder` and
    `seq2seq_decoder_step` give inference models with the same weights, and
    `seq2seq_attention_weights` the weights for plots.

    Options:

    - `bidirectional=True`: every encoder layer reads the source in both
      directions with `units // 2` units each; its outputs (size `units`)
      are the two directions' outputs side by side, and each of its final
      states is `[forward; backward]` (`h` with `h`, `c` with `c`), the
      initial state of the decoder layer of the same index.
    - `input_feeding=True` (needs attention): the attentional vector
      `h̃<t-1> = tanh(W [h<t-1>; context<t-1>])` is appended to the target
      embedding of step `t` (zeros at the first step). The decoder then
      runs step after step: one `seqkit.layers.InputFeedingDecoder` layer
      named `decoder` holds the stacked decoder cells (seqkit cells, e.g.
      seqkit's `GRUCell`, not Keras's `GRU`), the attention and `W`, and
      `h̃` becomes the last decoder state.
    - `tie_embeddings=True`: the target embedding (a
      `keras_hub.layers.ReversibleEmbedding`) is also the output layer:
      `logits = x Eᵀ + b`. `x` then has `embedding_dim` features: the
      attention projection `W` outputs `embedding_dim`, or, without
      attention, a bias-free `Dense` layer `pre_logits` maps the decoder
      output to it. The bias `b` is the single row of the `Embedding(1,
      target_vocabulary_size)` layer `logits_bias`. Padded target steps
      get `x = 0`, so their logits are `b`.

    Args:
        source_vocabulary_size: int. Source ids, padding (0) included.
        target_vocabulary_size: int. Target ids, padding (0) included.
        embedding_dim: int. Size of both embeddings.
        cell: str. Recurrent cell name.
        units: int. Units of every decoder layer, and the output size of
            every encoder layer (even with `bidirectional=True`).
        num_layers: int. Layers in the encoder and in the decoder.
        bidirectional: bool. Whether the encoder layers are bidirectional.
        dropout: float. Dropout on the encoder's recurrent inputs and on the
            decoder outputs.
        attention: `"bahdanau"`, `"luong"` or `None`.
        attention_units: int. Bahdanau projection size (default `units`).
        input_feeding: bool. Whether the decoder inputs carry the previous
            attentional vector.
        tie_embeddings: bool. Whether the output layer reuses the target
            embedding matrix.
        implementation: str. As in `RecurrentStack` (the encoder, and the
            decoder layers without input feeding).
        name: str. Model name.

    Returns:
        A Functional `keras.Model`.

    Example:

    >>> import numpy as np
    >>> model = seq2seq(30, 40, embedding_dim=4, units=5, attention="luong")
    >>> model({"source_ids": np.array([[4, 5, 6]], "int32"),
    ...        "target_ids": np.array([[1, 7]], "int32")}).shape
    TensorShape([1, 2, 40])
    >>> model = seq2seq(30, 40, embedding_dim=4, units=6, bidirectional=True,
    ...                 input_feeding=True, tie_embeddings=True)
    >>> model.get_layer("decoder").state_size  # h, c, then h̃
    [6, 6, 4]
    """
    _checks.positive_int("source_vocabulary_size", source_vocabulary_size)
    _checks.positive_int("target_vocabulary_size", target_vocabulary_size)
    _checks.positive_int("embedding_dim", embedding_dim)
    _checks.positive_int("units", units)
    _checks.positive_int("num_layers", num_layers)
    _check_bool("bidirectional", bidirectional)
    _checks.rate("dropout", dropout)
    _checks.choice("attention", attention, ATTENTIONS)
    attention_units = _checks.positive_int("attention_units", attention_units or units)
    _check_bool("input_feeding", input_feeding)
    _check_bool("tie_embeddings", tie_embeddings)
    if bidirectional and units % 2:
        raise ValueError(f"`units` must be even with bidirectional=True. Received: units={units}")
    if input_feeding and attention is None:
        raise ValueError(
            "`input_feeding=True` feeds the attentional vector back, so it needs an attention. "
            f"Received: attention={attention!r}"
        )

    # === Inputs ===
    source_ids = keras.Input(shape=(None,), dtype="int32", name="source_ids")
    target_ids = keras.Input(shape=(None,), dtype="int32", name="target_ids")

    # === Layers ===
    layers = _make_layers(
        source_vocabulary_size,
        target_vocabulary_size,
        embedding_dim=embedding_dim,
        cell=cell,
        units=units,
        num_layers=num_layers,
        bidirectional=bidirectional,
        dropout=dropout,
        attention=attention,
        attention_units=attention_units,
        input_feeding=input_feeding,
        tie_embeddings=tie_embeddings,
        implementation=implementation,
    )

    # === Functional Model ===
    encoder_outputs, source_mask, states = _encode(layers, source_ids)
    logits, _, _ = _decode(layers, target_ids, states, encoder_outputs, source_mask)
    return keras.Model(
        inputs={"source_ids": source_ids, "target_ids": target_ids},
        outputs=logits,
        name=name,
    )


def _check_bool(name, value):
    if not isinstance(value, bool):
        raise ValueError(f"`{name}` must be a boolean. Received: {name}={value!r}")


def _make_layers(
    source_vocabulary_size,
    target_vocabulary_size,
    *,
    embedding_dim,
    cell,
    units,
    num_layers,
    bidirectional,
    dropout,
    attention,
    attention_units,
    input_feeding,
    tie_embeddings,
    implementation,
):
    from seqkit.layers import BahdanauAttention, InputFeedingDecoder, LuongAttention, RecurrentStack

    if tie_embeddings:
        import keras_hub

        target_embedding = keras_hub.layers.ReversibleEmbedding(
            target_vocabulary_size, embedding_dim, tie_weights=True, name="target_embedding"
        )
    else:
        target_embedding = keras.layers.Embedding(target_vocabulary_size, embedding_dim, name="target_embedding")
    # Size of the vector the logits are computed from.
    output_dim = embedding_dim if tie_embeddings else units
    layers = {
        "source_embedding": keras.layers.Embedding(source_vocabulary_size, embedding_dim, name="source_embedding"),
        "target_embedding": target_embedding,
        "encoders": [
            RecurrentStack(
                cell=cell,
                units=units // 2 if bidirectional else units,
                bidirectional=bidirectional,
                dropout=dropout,
                return_sequences=True,
                return_state=True,
                implementation=implementation,
                name=f"encoder_{index}",
            )
            for index in range(num_layers)
        ],
        "decoders": [],
        "input_feeding_decoder": None,
        "decoder_dropout": None,
        "attention": None,
        "pre_logits": None,
        "logits": None,
        "logits_bias": None,
    }
    if input_feeding:
        layers["input_feeding_decoder"] = InputFeedingDecoder(
            cell,
            units,
            num_layers=num_layers,
            attention=attention,
            attention_units=attention_units,
            output_dim=output_dim,
            dropout=dropout,
            name="decoder",
        )
        layers["attention"] = layers["input_feeding_decoder"].attention
    else:
        layers["decoders"] = [
            stateful_recurrent_layer(cell, units, implementation=implementation, name=f"decoder_{index}")
            for index in range(num_layers)
        ]
        layers["decoder_dropout"] = keras.layers.Dropout(dropout, name="decoder_dropout")
        if attention is not None:
            if attention == "bahdanau":
                layers["attention"] = BahdanauAttention(attention_units, name="attention")
            else:
                layers["attention"] = LuongAttention(score="general", name="attention")
            layers["concatenate"] = keras.layers.Concatenate(name="decoder_and_context")
            layers["attention_projection"] = keras.layers.Dense(
                output_dim, activation="tanh", use_bias=False, name="attention_projection"
            )
        elif tie_embeddings:
            layers["pre_logits"] = keras.layers.Dense(embedding_dim, use_bias=False, name="pre_logits")
    if tie_embeddings:
        layers["logits_bias"] = keras.layers.Embedding(
            1, target_vocabulary_size, embeddings_initializer="zeros", name="logits_bias"
        )
    else:
        layers["logits"] = keras.layers.Dense(target_vocabulary_size, name="logits")
    return layers


def _layers_of(model):
    """The named layers of a model built by `seq2seq`."""
    from seqkit.layers import InputFeedingDecoder

    encoders, decoders = [], []
    names = {layer.name for layer in model.layers}
    while f"encoder_{len(encoders)}" in names:
        encoders.append(model.get_layer(f"encoder_{len(encoders)}"))
    while f"decoder_{len(decoders)}" in names:
        decoders.append(model.get_layer(f"decoder_{len(decoders)}"))
    feeding = model.get_layer("decoder") if "decoder" in names else None
    if not isinstance(feeding, InputFeedingDecoder):
        feeding = None
    num_decoders = len(decoders) if feeding is None else feeding.num_layers
    if not encoders or len(encoders) != num_decoders or (feeding is not None and decoders):
        raise ValueError(
            "`model` must be built by `seq2seq` (layers 'encoder_<i>' and "
            f"'decoder_<i>' or 'decoder'). Received: model={model.name!r}"
        )

    def optional(name):
        return model.get_layer(name) if name in names else None

    layers = {
        "source_embedding": model.get_layer("source_embedding"),
        "target_embedding": model.get_layer("target_embedding"),
        "encoders": encoders,
        "decoders": decoders,
        "input_feeding_decoder": feeding,
        "decoder_dropout": optional("decoder_dropout"),
        "attention": optional("attention"),
        "pre_logits": optional("pre_logits"),
        "logits": optional("logits"),
        "logits_bias": optional("logits_bias"),
    }
    if feeding is not None:
        layers["attention"] = feeding.attention
    elif layers["attention"] is not None:
        layers["concatenate"] = model.get_layer("decoder_and_context")
        layers["attention_projection"] = model.get_layer("attention_projection")
    return layers


def _encode(layers, source_ids):
    """Returns encoder outputs, the source mask and the states per layer."""
    source_mask = ops.not_equal(source_ids, 0)
    x = layers["source_embedding"](source_ids)
    states = []
    for encoder in layers["encoders"]:
        x, *layer_states = encoder(x, mask=source_mask)
        if encoder.bidirectional:
            # Forward states then backward ones: pair each with its twin.
            half = len(layer_states) // 2
            layer_states = [
                ops.concatenate([forward, backward], axis=-1)
                for forward, backward in zip(layer_states[:half], layer_states[half:])
            ]
        states.append(layer_states)
    return x, source_mask, states


def _state_sizes(layers):
    """Sizes of the decoder states, one list per decoder layer.

    With input feeding, one list: the cells' states then `h̃`.
    """
    if layers["input_feeding_decoder"] is not None:
        return [layers["input_feeding_decoder"].state_size]
    sizes = []
    for decoder in layers["decoders"]:
        size = decoder.cell.state_size
        sizes.append(list(size) if isinstance(size, (list, tuple)) else [size])
    return sizes


def _decode(layers, target_ids, states, encoder_outputs, source_mask):
    """Returns logits, attention weights (or `None`) and the new states.

    `states` and the new states are flat lists in the layout of
    `seq2seq_decoder_step` (a model's own forward pass may leave out the
    trailing `h̃` of input feeding: zeros start it).
    """
    states = [state for layer_states in states for state in layer_states]
    target_mask = ops.not_equal(target_ids, 0)
    x = layers["target_embedding"](target_ids)
    feeding = layers["input_feeding_decoder"]
    if feeding is not None:
        x, weights, *new_states = feeding(x, encoder_outputs, source_mask, initial_states=states, mask=target_mask)
    else:
        new_states, start = [], 0
        for decoder, sizes in zip(layers["decoders"], _state_sizes(layers)):
            initial = states[start : start + len(sizes)]
            start += len(sizes)
            x, *layer_states = decoder(x, initial_state=initial, mask=target_mask)
            new_states.extend(layer_states)
        x = layers["decoder_dropout"](x)
        weights = None
        if layers["attention"] is not None:
            context, weights = layers["attention"](x, encoder_outputs, mask=source_mask)
            x = layers["attention_projection"](layers["concatenate"]([x, context]))
        elif layers["pre_logits"] is not None:
            x = layers["pre_logits"](x)
    if layers["logits"] is not None:
        logits = layers["logits"](x)
    else:
        # Zero the padded steps with an op, which also ends the Keras mask
        # there: `ReversibleEmbedding` does not support masks.
        x = ops.where(target_mask[:, :, None], x, 0.0)
        logits = layers["target_embedding"](x, reverse=True)
        # (batch, 1, vocabulary): the bias row, broadcast over the steps.
        bias = layers["logits_bias"](ops.zeros_like(target_ids[:, :1]))
        logits = ops.add(logits, bias)
    return logits, weights, new_states


@keras.saving.register_keras_serializable(package="seqkit")
class LabelSmoothedCrossentropy(keras.losses.Loss):
    """Sparse cross-entropy from logits with uniform label smoothing.

    Per position, with `p = softmax(logits)` over `V` classes, label `y`
    and smoothing `ε`:

    ```
    loss = (1 - ε) · (-log p[y]) + ε · mean_v(-log p[v])
    ```

    the cross-entropy against the target `(1 - ε) · onehot(y) + ε / V`.
    Positions labelled `ignore_class` count for nothing; the reduction
    (default `"sum_over_batch_size"`) averages over the other positions,
    exactly as `keras.losses.SparseCategoricalCrossentropy(ignore_class=...)`
    does, which this loss equals for `ε = 0`.

    Args:
        label_smoothing: float in `[0, 1)`, `ε`.
        ignore_class: int label of the positions to ignore (default -1).
        reduction: as in `keras.losses.Loss`.
        name: str. Name of the loss.
        dtype: dtype of the loss computation, as in `keras.losses.Loss`.

    Example:

    >>> import numpy as np
    >>> loss = LabelSmoothedCrossentropy(label_smoothing=0.1)
    >>> logits = np.log(np.array([[[0.5, 0.25, 0.25], [0.2, 0.3, 0.5]]], "float32"))
    >>> round(float(loss(np.array([[0, -1]]), logits)), 4)  # second position ignored
    0.7394
    """

    def __init__(
        self,
        label_smoothing=0.0,
        ignore_class=-1,
        reduction="sum_over_batch_size",
        name="label_smoothed_crossentropy",
        dtype=None,
    ):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.label_smoothing = _checks.rate("label_smoothing", label_smoothing)
        self.ignore_class = int(ignore_class)

    def call(self, y_true, y_pred):
        nll = keras.losses.sparse_categorical_crossentropy(
            y_true, y_pred, from_logits=True, ignore_class=self.ignore_class
        )
        if not self.label_smoothing:
            return nll
        valid = get_keras_mask(nll)
        uniform = -ops.mean(ops.log_softmax(y_pred, axis=-1), axis=-1)
        epsilon = self.label_smoothing
        losses = ops.where(valid, (1.0 - epsilon) * nll + epsilon * uniform, 0.0)
        set_keras_mask(losses, valid)
        return losses

    def get_config(self):
        return {
            **super().get_config(),
            "label_smoothing": self.label_smoothing,
            "ignore_class": self.ignore_class,
        }


def seq2seq_loss(label_smoothing=0.0):
    """Sparse categorical cross-entropy from logits; labels -1 are ignored.

    Args:
        label_smoothing: float in `[0, 1)`. With `ε > 0`, each position
            costs `(1 - ε) · (-log p[label]) + ε · mean over the vocabulary
            of (-log p)` (see `LabelSmoothedCrossentropy`).

    Returns:
        A Keras loss `loss(y_true, y_pred)`, averaging over the positions
        whose label is not -1: `keras.losses.SparseCategoricalCrossentropy`
        for `ε = 0`, else a `LabelSmoothedCrossentropy`.

    Example:

    >>> import numpy as np
    >>> logits = np.zeros((1, 2, 4), "float32")
    >>> round(float(seq2seq_loss()(np.array([[3, -1]]), logits)), 4)
    1.3863
    >>> round(float(seq2seq_loss(0.1)(np.array([[3, -1]]), logits)), 4)
    1.3863
    """
    _checks.rate("label_smoothing", label_smoothing)
    if not label_smoothing:
        return keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=-1)
    return LabelSmoothedCrossentropy(label_smoothing=label_smoothing, ignore_class=-1)


def seq2seq_encoder(model):
    """The encoder of a `seq2seq` model, sharing its weights.

    Takes `source_ids` `(batch, Tx)`; returns `[encoder_outputs (batch, Tx,
    units), source_mask (batch, Tx) bool, *states]`, the initial decoder
    states in the layout of `seq2seq_decoder_step`: layer by layer (`h, c`
    for LSTM, `h` for GRU; each `[forward; backward]` for a bidirectional
    encoder), then, with input feeding, a zero `h̃`.

    Example:

    >>> import numpy as np
    >>> model = seq2seq(30, 40, embedding_dim=4, units=5, cell="gru")
    >>> outputs, mask, h = seq2seq_encoder(model)(np.array([[4, 5, 0]], "int32"))
    >>> tuple(outputs.shape), mask.numpy().tolist(), tuple(h.shape)
    ((1, 3, 5), [[True, True, False]], (1, 5))
    """
    layers = _layers_of(model)
    source_ids = keras.Input(shape=(None,), dtype="int32", name="source_ids")
    encoder_outputs, source_mask, states = _encode(layers, source_ids)
    # Hand the mask over explicitly (as `source_mask`), not as a Keras mask
    # attached to the outputs, which the decoder step model would drop.
    encoder_outputs = ops.where(source_mask[:, :, None], encoder_outputs, 0.0)
    flat_states = [state for layer_states in states for state in layer_states]
    feeding = layers["input_feeding_decoder"]
    if feeding is not None:
        zero = ops.zeros_like(encoder_outputs[:, 0, :1])
        flat_states.append(ops.tile(zero, [1, feeding.output_dim]))
    return keras.Model(
        source_ids,
        [encoder_outputs, source_mask, *flat_states],
        name=f"{model.name}_encoder",
    )


def seq2seq_decoder_step(model):
    """The decoder of a `seq2seq` model for step-by-step decoding.

    Takes `[target_ids (batch, T), encoder_outputs, source_mask, *states]`
    (T = 1 for one step) and returns `[logits (batch, T, vocabulary),
    attention_weights (batch, T, Tx), *new_states]`; the weights are zeros
    for a model without attention. Shares the model's weights.

    The states are those `seq2seq_encoder` returns: every decoder layer's
    states in cell order (`h, c` for LSTM, `h` for GRU and simple RNN),
    layer by layer, each `(batch, units)`; with input feeding they end with
    the attentional vector `h̃` `(batch, embedding_dim)` if the embeddings
    are tied, else `(batch, units)`.

    Example:

    >>> import numpy as np
    >>> model = seq2seq(30, 40, embedding_dim=4, units=5, cell="gru")
    >>> encoded = seq2seq_encoder(model)(np.array([[4, 5, 0]], "int32"))
    >>> start = keras.ops.convert_to_tensor(np.array([[1]], "int32"))
    >>> logits, weights, h = seq2seq_decoder_step(model)([start, *encoded])
    >>> tuple(logits.shape), tuple(weights.shape)
    ((1, 1, 40), (1, 1, 3))
    """
    layers = _layers_of(model)
    target_ids = keras.Input(shape=(None,), dtype="int32", name="target_ids")
    encoder_outputs = keras.Input(shape=(None, layers["encoders"][-1].output_dim), name="encoder_outputs")
    source_mask = keras.Input(shape=(None,), dtype="bool", name="source_mask")
    if layers["input_feeding_decoder"] is not None:
        state_inputs = _input_feeding_state_inputs(layers["input_feeding_decoder"])
    else:
        state_inputs = [
            keras.Input(shape=(size,), name=f"state_{index}_{position}")
            for index, sizes in enumerate(_state_sizes(layers))
            for position, size in enumerate(sizes)
        ]
    logits, weights, new_states = _decode(layers, target_ids, [state_inputs], encoder_outputs, source_mask)
    if weights is None:
        weights = ops.zeros_like(
            ops.cast(source_mask[:, None, :], "float32") * ops.cast(ops.not_equal(target_ids, 0), "float32")[:, :, None]
        )
    return keras.Model(
        [target_ids, encoder_outputs, source_mask, *state_inputs],
        [logits, weights, *new_states],
        name=f"{model.name}_decoder_step",
    )


def _input_feeding_state_inputs(decoder):
    """Named inputs for the states of an `InputFeedingDecoder`."""
    inputs = []
    for index, cell in enumerate(decoder.cells):
        sizes = cell.state_size
        sizes = list(sizes) if isinstance(sizes, (list, tuple)) else [sizes]
        inputs.extend(
            keras.Input(shape=(size,), name=f"state_{index}_{position}") for position, size in enumerate(sizes)
        )
    inputs.append(keras.Input(shape=(decoder.output_dim,), name="attentional_vector"))
    return inputs


def seq2seq_attention_weights(model):
    """A model giving the teacher-forced attention weights, for plots.

    Takes the training inputs (`source_ids`, `target_ids`) and returns
    `(batch, Ty, Tx)` weights, rows summing to 1 over the real source steps.

    Example:

    >>> import numpy as np
    >>> model = seq2seq(30, 40, embedding_dim=4, units=5)
    >>> weights = seq2seq_attention_weights(model)(
    ...     {"source_ids": np.array([[4, 5, 6]], "int32"),
    ...      "target_ids": np.array([[1, 7]], "int32")})
    >>> tuple(weights.shape)
    (1, 2, 3)
    """
    layers = _layers_of(model)
    if layers["attention"] is None:
        raise ValueError("`model` has no attention layer. Received: a seq2seq model built with attention=None")
    source_ids = keras.Input(shape=(None,), dtype="int32", name="source_ids")
    target_ids = keras.Input(shape=(None,), dtype="int32", name="target_ids")
    encoder_outputs, source_mask, states = _encode(layers, source_ids)
    _, weights, _ = _decode(layers, target_ids, states, encoder_outputs, source_mask)
    return keras.Model(
        {"source_ids": source_ids, "target_ids": target_ids},
        weights,
        name=f"{model.name}_attention_weights",
    )
