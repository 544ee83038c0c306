"""Recurrent language model: next-token logits at every position."""

import keras
from keras import ops

from seqkit.tasks import _checks
from seqkit.tasks._recurrent import stateful_recurrent_layer

LANGUAGE_MODEL_PRESETS = {
    "small": {"embedding_dim": 128, "cell": "lstm", "units": 256, "num_layers": 1},
    "medium": {
        "embedding_dim": 256,
        "cell": "lstm",
        "units": 512,
        "num_layers": 2,
        "dropout": 0.2,
    },
    "tiny": {"embedding_dim": 8, "cell": "gru", "units": 8, "num_layers": 1},
}


def language_model(
    vocabulary_size,
    *,
    embedding_dim=128,
    cell="lstm",
    units=256,
    num_layers=1,
    dropout=0.0,
    recurrent_dropout=0.0,
    implementation="auto",
    name="language_model",
):
    """Builds a recurrent language model `P(y<t> | y<1..t-1>)`.

    Input `"token_ids"` int32 `(batch, timesteps)` with 0 = padding; output
    float `(batch, timesteps, vocabulary_size)` logits, position `t` scoring
    the token at `t + 1`. Token ids stay ids (an embedding lookup, no one-hot),
    so large vocabularies build; train on `(ids[:, :-1], ids[:, 1:])` with
    `language_model_loss()`. The recurrent layers (`recurrent_<i>`) accept
    initial states, so that `language_model_step` can run the same weights
    one token at a time with explicit states.

    Args:
        vocabulary_size: int. Number of token ids, padding (0) included.
        embedding_dim: int. Token embedding size.
        cell: str. Recurrent cell name (`"lstm"`, `"gru"`, ...).
        units: int. Units of every recurrent layer.
        num_layers: int. Stacked recurrent layers.
        dropout: float. Dropout on the inputs of every recurrent layer and
            on the last layer's outputs.
        recurrent_dropout: float. Dropout on the recurrent state.
        implementation: str. `"auto"`, `"keras"` or `"seqkit"`, as in
            `RecurrentStack`.
        name: str. Model name.

    Returns:
        A Functional `keras.Model`.

    Example:

    >>> import numpy as np
    >>> model = language_model(100_000, embedding_dim=4, units=4)
    >>> model(np.array([[5, 17, 99_999]], dtype="int32")).shape
    TensorShape([1, 3, 100000])
    """
    _checks.positive_int("vocabulary_size", vocabulary_size)
    _checks.positive_int("embedding_dim", embedding_dim)
    _checks.positive_int("units", units)
    _checks.positive_int("num_layers", num_layers)
    _checks.rate("dropout", dropout)
    _checks.rate("recurrent_dropout", recurrent_dropout)

    # === Inputs ===
    token_ids = keras.Input(shape=(None,), dtype="int32", name="token_ids")

    # === Layers ===
    token_embedding = keras.layers.Embedding(vocabulary_size, embedding_dim, name="token_embedding")
    input_dropouts = [keras.layers.Dropout(dropout, name=f"input_dropout_{index}") for index in range(num_layers)]
    recurrent_layers = [
        stateful_recurrent_layer(
            cell,
            units,
            recurrent_dropout=recurrent_dropout,
            implementation=implementation,
            name=f"recurrent_{index}",
        )
        for index in range(num_layers)
    ]
    output_dropout = keras.layers.Dropout(dropout, name="output_dropout")
    logits = keras.layers.Dense(vocabulary_size, name="logits")

    # === Functional Model ===
    mask = ops.not_equal(token_ids, 0)
    x = token_embedding(token_ids)
    for input_dropout, layer in zip(input_dropouts, recurrent_layers):
        x = layer(input_dropout(x), mask=mask)[0]
    outputs = logits(output_dropout(x))
    return keras.Model(inputs=token_ids, outputs=outputs, name=name)


def language_model_loss():
    """Sparse categorical cross-entropy from logits; labels -1 are ignored.

    Example:

    >>> model = language_model(50, embedding_dim=4, units=4)
    >>> model.compile(optimizer="adam", loss=language_model_loss())
    """
    return keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=-1)


def _state_sizes(layer):
    sizes = layer.cell.state_size
    return list(sizes) if isinstance(sizes, (list, tuple)) else [sizes]


def language_model_step(model):
    """Returns a model running `model`'s weights with explicit states.

    The step model takes `[token_ids, *states]` and returns
    `[logits, *new_states]`: `token_ids` is int32 `(batch, timesteps)`
    (`timesteps` is 1 for one generation step, or a whole primer consumed in
    one pass), every state is float `(batch, units)` (layer by layer, in the
    cell's state order: `h, c` for LSTM, `h` for GRU), and `logits` is
    `(batch, timesteps, vocabulary_size)`. Zero states start a sequence. It
    shares the layers (and so the weights) of `model`; dropout is inactive.

    Args:
        model: a model built by `language_model` (or loaded from its
            `.keras` file).

    Returns:
        A Functional `keras.Model`.

    Example:

    >>> import numpy as np
    >>> model = language_model(30, embedding_dim=4, units=3, cell="lstm")
    >>> step = language_model_step(model)
    >>> logits, h, c = step([np.array([[7]], "int32"),
    ...                      np.zeros((1, 3), "float32"),
    ...                      np.zeros((1, 3), "float32")])
    >>> logits.shape, h.shape
    (TensorShape([1, 1, 30]), TensorShape([1, 3]))
    """
    names = {layer.name for layer in model.layers}
    layers = []
    while f"recurrent_{len(layers)}" in names:
        layers.append(model.get_layer(f"recurrent_{len(layers)}"))
    if not layers:
        raise ValueError(
            f"`model` must be built by `language_model` (no layer named 'recurrent_0'). Received: model={model.name!r}"
        )
    token_ids = keras.Input(shape=(None,), dtype="int32", name="token_ids")
    state_inputs = []
    new_states = []
    mask = ops.not_equal(token_ids, 0)
    x = model.get_layer("token_embedding")(token_ids)
    for index, layer in enumerate(layers):
        states = [
            keras.Input(shape=(size,), name=f"state_{index}_{position}")
            for position, size in enumerate(_state_sizes(layer))
        ]
        x, *layer_states = layer(x, initial_state=states, mask=mask)
        state_inputs.extend(states)
        new_states.extend(layer_states)
    logits = model.get_layer("logits")(x)
    return keras.Model(
        inputs=[token_ids, *state_inputs],
        outputs=[logits, *new_states],
        name=f"{model.name}_step",
    )
