"""Encoder-decoder with attention: translation-style sequence to sequence."""

import keras
from keras import ops

from seqkit.tasks import _checks
from seqkit.tasks._recurrent import stateful_recurrent_layer

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
    dropout=0.0,
    attention="bahdanau",
    attention_units=None,
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

    Args:
        source_vocabulary_size: int. Source ids, padding (0) included.
        target_vocabulary_size: int. Target ids, padding (0) included.
        embedding_dim: int. Size of both embeddings.
        cell: str. Recurrent cell name.
        units: int. Units of every encoder and decoder layer.
        num_layers: int. Layers in the encoder and in the decoder.
        dropout: float. Dropout on the encoder's recurrent inputs and on the
            decoder outputs.
        attention: `"bahdanau"`, `"luong"` or `None`.
        attention_units: int. Bahdanau projection size (default `units`).
        implementation: str. As in `RecurrentStack`.
        name: str. Model name.

    Returns:
        A Functional `keras.Model`.

    Example:

    >>> import numpy as np
    >>> model = seq2seq(30, 40, embedding_dim=4, units=5, attention="luong")
    >>> model({"source_ids": np.array([[4, 5, 6]], "int32"),
    ...        "target_ids": np.array([[1, 7]], "int32")}).shape
    TensorShape([1, 2, 40])
    """
    _checks.positive_int("source_vocabulary_size", source_vocabulary_size)
    _checks.positive_int("target_vocabulary_size", target_vocabulary_size)
    _checks.positive_int("embedding_dim", embedding_dim)
    _checks.positive_int("units", units)
    _checks.positive_int("num_layers", num_layers)
    _checks.rate("dropout", dropout)
    _checks.choice("attention", attention, ATTENTIONS)
    attention_units = _checks.positive_int("attention_units", attention_units or units)

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
        dropout=dropout,
        attention=attention,
        attention_units=attention_units,
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


def _make_layers(
    source_vocabulary_size,
    target_vocabulary_size,
    *,
    embedding_dim,
    cell,
    units,
    num_layers,
    dropout,
    attention,
    attention_units,
    implementation,
):
    from seqkit.layers import BahdanauAttention, LuongAttention, RecurrentStack

    layers = {
        "source_embedding": keras.layers.Embedding(source_vocabulary_size, embedding_dim, name="source_embedding"),
        "target_embedding": keras.layers.Embedding(target_vocabulary_size, embedding_dim, name="target_embedding"),
        "encoders": [
            RecurrentStack(
                cell=cell,
                units=units,
                dropout=dropout,
                return_sequences=True,
                return_state=True,
                implementation=implementation,
                name=f"encoder_{index}",
            )
            for index in range(num_layers)
        ],
        "decoders": [
            stateful_recurrent_layer(cell, units, implementation=implementation, name=f"decoder_{index}")
            for index in range(num_layers)
        ],
        "decoder_dropout": keras.layers.Dropout(dropout, name="decoder_dropout"),
        "attention": None,
        "logits": keras.layers.Dense(target_vocabulary_size, name="logits"),
    }
    if attention is not None:
        if attention == "bahdanau":
            layers["attention"] = BahdanauAttention(attention_units, name="attention")
        else:
            layers["attention"] = LuongAttention(score="general", name="attention")
        layers["concatenate"] = keras.layers.Concatenate(name="decoder_and_context")
        layers["attention_projection"] = keras.layers.Dense(
            units, activation="tanh", use_bias=False, name="attention_projection"
        )
    return layers


def _layers_of(model):
    """The named layers of a model built by `seq2seq`."""
    encoders, decoders = [], []
    names = {layer.name for layer in model.layers}
    while f"encoder_{len(encoders)}" in names:
        encoders.append(model.get_layer(f"encoder_{len(encoders)}"))
    while f"decoder_{len(decoders)}" in names:
        decoders.append(model.get_layer(f"decoder_{len(decoders)}"))
    if not encoders or len(encoders) != len(decoders):
        raise ValueError(
            "`model` must be built by `seq2seq` (layers 'encoder_<i>' and "
            f"'decoder_<i>'). Received: model={model.name!r}"
        )
    layers = {
        "source_embedding": model.get_layer("source_embedding"),
        "target_embedding": model.get_layer("target_embedding"),
        "encoders": encoders,
        "decoders": decoders,
        "decoder_dropout": model.get_layer("decoder_dropout"),
        "attention": None,
        "logits": model.get_layer("logits"),
    }
    if "attention" in names:
        layers["attention"] = model.get_layer("attention")
        layers["concatenate"] = model.get_layer("decoder_and_context")
        layers["attention_projection"] = model.get_layer("attention_projection")
    return layers


def _encode(layers, source_ids):
    source_mask = ops.not_equal(source_ids, 0)
    x = layers["source_embedding"](source_ids)
    states = []
    for encoder in layers["encoders"]:
        x, *layer_states = encoder(x, mask=source_mask)
        states.append(layer_states)
    return x, source_mask, states


def _decode(layers, target_ids, states, encoder_outputs, source_mask):
    """Returns logits, attention weights (or `None`) and new states."""
    target_mask = ops.not_equal(target_ids, 0)
    x = layers["target_embedding"](target_ids)
    new_states = []
    for decoder, initial in zip(layers["decoders"], states):
        x, *layer_states = decoder(x, initial_state=list(initial), mask=target_mask)
        new_states.append(layer_states)
    x = layers["decoder_dropout"](x)
    weights = None
    if layers["attention"] is not None:
        context, weights = layers["attention"](x, encoder_outputs, mask=source_mask)
        x = layers["attention_projection"](layers["concatenate"]([x, context]))
    return layers["logits"](x), weights, new_states


def seq2seq_loss():
    """Sparse categorical cross-entropy from logits; labels -1 are ignored."""
    return keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=-1)


def seq2seq_encoder(model):
    """The encoder of a `seq2seq` model, sharing its weights.

    Takes `source_ids` `(batch, Tx)`; returns `[encoder_outputs (batch, Tx,
    units), source_mask (batch, Tx) bool, *states]`, the states layer by
    layer (`h, c` for LSTM, `h` for GRU), ready for `seq2seq_decoder_step`.

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
    units = layers["encoders"][-1].units
    target_ids = keras.Input(shape=(None,), dtype="int32", name="target_ids")
    encoder_outputs = keras.Input(shape=(None, units), name="encoder_outputs")
    source_mask = keras.Input(shape=(None,), dtype="bool", name="source_mask")
    states, state_inputs = [], []
    for index, decoder in enumerate(layers["decoders"]):
        sizes = decoder.cell.state_size
        sizes = list(sizes) if isinstance(sizes, (list, tuple)) else [sizes]
        layer_states = [
            keras.Input(shape=(size,), name=f"state_{index}_{position}") for position, size in enumerate(sizes)
        ]
        states.append(layer_states)
        state_inputs.extend(layer_states)
    logits, weights, new_states = _decode(layers, target_ids, states, encoder_outputs, source_mask)
    if weights is None:
        weights = ops.zeros_like(
            ops.cast(source_mask[:, None, :], "float32") * ops.cast(ops.not_equal(target_ids, 0), "float32")[:, :, None]
        )
    flat_states = [state for layer_states in new_states for state in layer_states]
    return keras.Model(
        [target_ids, encoder_outputs, source_mask, *state_inputs],
        [logits, weights, *flat_states],
        name=f"{model.name}_decoder_step",
    )


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
