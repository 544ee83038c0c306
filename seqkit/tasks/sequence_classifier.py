"""Many-to-one classifier: one label (or value) per sequence."""

import keras
from keras import ops

from seqkit.tasks import _checks
from seqkit.tasks._front_end import motif_convolution, token_encoder
from seqkit.tasks.cumulative_logits import CumulativeLogits, ordinal_loss, ordinal_probabilities

HEADS = ("softmax", "ordinal", "regression")
POOLINGS = ("last", "mean", "max", "attention")
# The name of the last layer tells the helpers which head a model has.
_HEAD_LAYERS = {
    "class_logits": "softmax",
    "cumulative_logits": "ordinal",
    "values": "regression",
}

SEQUENCE_CLASSIFIER_PRESETS = {
    "sentiment": {
        "embedding_dim": 100,
        "cell": "lstm",
        "units": 128,
        "bidirectional": True,
        "dropout": 0.3,
        "pooling": "last",
        "head": "softmax",
    },
    "rating": {
        "embedding_dim": 100,
        "cell": "gru",
        "units": 128,
        "bidirectional": True,
        "dropout": 0.3,
        "pooling": "mean",
        "head": "ordinal",
    },
    "tiny": {"embedding_dim": 8, "cell": "gru", "units": 8, "pooling": "mean"},
}


def sequence_classifier(
    vocabulary_size=None,
    num_classes=None,
    *,
    embedding_dim=100,
    feature_dim=None,
    cell="lstm",
    units=100,
    num_layers=1,
    bidirectional=False,
    dropout=0.0,
    recurrent_dropout=0.0,
    pooling="last",
    head="softmax",
    ngram_buckets=None,
    ngram_l2=1e-5,
    token_encoding="embedding",
    conv_filters=None,
    conv_kernel_size=9,
    implementation="auto",
    name="sequence_classifier",
):
    """Builds a recurrent many-to-one model (sentiment, activity, DNA class).

    Inputs are a dict: `"token_ids"` int32 `(batch, timesteps)` with
    0 = padding (unless `vocabulary_size` is `None`) and/or `"features"`
    float `(batch, timesteps, feature_dim)` (all-zero steps are padding when
    there are no token ids). A `RecurrentStack` reads the sequence; `pooling`
    turns it into one vector: `"last"` takes the stack's final output (both
    directions' final states when bidirectional), `"mean"` / `"max"` pool
    the unmasked steps (`MaskedPooling`), `"attention"` weights them by a
    learned score (`AttentionPooling` with `units` hidden units). Heads:

    - `"softmax"`: `(batch, num_classes)` logits.
    - `"ordinal"`: `(batch, num_classes - 1)` cumulative logits of
      `P(y > k)` with ordered thresholds (`CumulativeLogits`).
    - `"regression"`: `(batch, num_classes)` real values (`num_classes` is the
      number of predicted values, usually 1).

    With `ngram_buckets`, an `NGramBag` (a linear model over the token ids
    and hashed pairs of neighbouring ids, "wide and deep") adds its scores to
    the head's logits (softmax, regression) or to the ordinal score. On small
    data it gives the robustness of a bag-of-n-grams classifier while the
    recurrent part learns what word order adds.

    Train with `classifier_loss(model)`; `class_probabilities(model,
    outputs)` gives `(batch, num_classes)` probabilities for the first two.

    Args:
        vocabulary_size: int or `None`. Token ids, padding (0) included.
        num_classes: int. Classes (values for regression).
        embedding_dim: int. Token embedding size.
        feature_dim: int or `None`. Size of the float features per step.
        cell: str. Recurrent cell name.
        units: int. Recurrent units per direction.
        num_layers: int. Stacked recurrent layers.
        bidirectional: bool. Read the sequence in both directions.
        dropout: float. Dropout on the inputs of every recurrent layer and
            on the pooled vector.
        recurrent_dropout: float. Dropout on the recurrent state.
        pooling: str. `"last"`, `"mean"`, `"max"` or `"attention"`.
        head: str. `"softmax"`, `"ordinal"` or `"regression"`.
        ngram_buckets: int or `None`. Hash buckets of the word-pair part of
            an `NGramBag` added to the head (0: words only; `None`: none).
            Needs token ids.
        ngram_l2: float. L2 penalty on the `NGramBag` weights.
        token_encoding: str. `"embedding"` (trained lookup) or `"bases"`
            (token ids are DNA base codes, one-hot with IUPAC mixtures by
            the fixed `BaseOneHot` layer; `vocabulary_size` must be 16).
        conv_filters: int or `None`. Filters of a `Conv1D` (ReLU, "same"
            padding) over the step inputs before the recurrent stack.
        conv_kernel_size: int. Its kernel width in steps.
        implementation: str. Passed to `RecurrentStack`.
        name: str. Model name.

    Returns:
        A Functional `keras.Model`.

    Example:

    >>> import numpy as np
    >>> model = sequence_classifier(50, 5, embedding_dim=4, units=3, head="ordinal")
    >>> outputs = model({"token_ids": np.array([[4, 9, 0]], "int32")})
    >>> tuple(outputs.shape), tuple(class_probabilities(model, outputs).shape)
    ((1, 4), (1, 5))
    """
    from seqkit.layers import AttentionPooling, MaskedPooling, NGramBag, RecurrentStack

    _checks.positive_int("vocabulary_size", vocabulary_size, allow_none=True)
    _checks.positive_int("num_classes", num_classes)
    _checks.positive_int("embedding_dim", embedding_dim)
    _checks.positive_int("feature_dim", feature_dim, allow_none=True)
    _checks.positive_int("units", units)
    _checks.positive_int("num_layers", num_layers)
    _checks.rate("dropout", dropout)
    _checks.rate("recurrent_dropout", recurrent_dropout)
    _checks.choice("pooling", pooling, POOLINGS)
    _checks.choice("head", head, HEADS)
    if head != "regression" and num_classes < 2:
        raise ValueError(f"`num_classes` must be at least 2 for head={head!r}. Received: num_classes={num_classes}")
    if ngram_buckets is not None and (isinstance(ngram_buckets, bool) or not isinstance(ngram_buckets, int) or ngram_buckets < 0):
        raise ValueError(f"`ngram_buckets` must be None or an integer >= 0. Received: ngram_buckets={ngram_buckets!r}")
    if ngram_buckets is not None and vocabulary_size is None:
        raise ValueError(
            "`ngram_buckets` needs token ids: set `vocabulary_size`. Received: vocabulary_size=None, "
            f"ngram_buckets={ngram_buckets}"
        )
    if vocabulary_size is None and feature_dim is None:
        raise ValueError(
            "At least one of `vocabulary_size` or `feature_dim` must be set. "
            "Received: vocabulary_size=None, feature_dim=None"
        )

    # === Inputs ===
    inputs = {}
    if vocabulary_size is not None:
        inputs["token_ids"] = keras.Input(shape=(None,), dtype="int32", name="token_ids")
    if feature_dim is not None:
        inputs["features"] = keras.Input(shape=(None, feature_dim), dtype="float32", name="features")

    # === Layers ===
    token_embedding = token_encoder(vocabulary_size, embedding_dim, token_encoding)
    convolution = motif_convolution(conv_filters, conv_kernel_size)
    concatenate = keras.layers.Concatenate(name="step_inputs")
    recurrent = RecurrentStack(
        cell=cell,
        units=units,
        num_layers=num_layers,
        bidirectional=bidirectional,
        dropout=dropout,
        recurrent_dropout=recurrent_dropout,
        return_sequences=pooling != "last",
        implementation=implementation,
        name="recurrent",
    )
    pool = None
    if pooling == "attention":
        pool = AttentionPooling(units, name="pooling")
    elif pooling != "last":
        pool = MaskedPooling(pooling, name="pooling")
    pooled_dropout = keras.layers.Dropout(dropout, name="pooled_dropout")
    if head == "ordinal":
        score = keras.layers.Dense(1, use_bias=False, name="ordinal_score")
        output_layer = CumulativeLogits(num_classes, name="cumulative_logits")
    else:
        score = None
        output_layer = keras.layers.Dense(
            num_classes,
            name="class_logits" if head == "softmax" else "values",
        )

    ngram_bag = None
    if ngram_buckets is not None:
        ngram_bag = NGramBag(
            vocabulary_size,
            ngram_buckets,
            1 if head == "ordinal" else num_classes,
            l2=ngram_l2,
            name="ngram_bag",
        )
    add_ngram_scores = keras.layers.Add(name="add_ngram_scores")

    # === Functional Model ===
    parts = []
    if token_embedding is not None:
        parts.append(token_embedding(inputs["token_ids"]))
    if feature_dim is not None:
        parts.append(inputs["features"])
    x = parts[0] if len(parts) == 1 else concatenate(parts)
    if convolution is not None:
        x = convolution(x)
    mask = _step_mask(inputs)
    x = recurrent(x, mask=mask)
    if pool is not None:
        x = pool(x, mask=mask)
    x = pooled_dropout(x)
    ngram_scores = None if ngram_bag is None else ngram_bag(inputs["token_ids"])
    if score is not None:
        x = score(x)
        if ngram_scores is not None:
            x = add_ngram_scores([x, ngram_scores])
        outputs = output_layer(x)
    else:
        outputs = output_layer(x)
        if ngram_scores is not None:
            outputs = add_ngram_scores([outputs, ngram_scores])
    return keras.Model(inputs=inputs, outputs=outputs, name=name)


def _step_mask(inputs):
    if "token_ids" in inputs:
        return ops.not_equal(inputs["token_ids"], 0)
    return ops.any(ops.not_equal(inputs["features"], 0.0), axis=-1)


def classifier_head(model):
    """`"softmax"`, `"ordinal"` or `"regression"` for a `sequence_classifier`."""
    for layer_name, head in _HEAD_LAYERS.items():
        try:
            model.get_layer(layer_name)
        except ValueError:
            continue
        return head
    raise ValueError(
        "`model` must be built by `sequence_classifier` (no head layer "
        f"{tuple(_HEAD_LAYERS)}). Received: model={model.name!r}"
    )


def classifier_loss(model):
    """Returns the training loss matching a `sequence_classifier`'s head.

    Softmax: sparse categorical cross-entropy from logits (labels
    `(batch,)`, -1 ignored). Ordinal: `ordinal_loss` (binary cross-entropy
    of every `y > k`). Regression: mean squared error.

    Example:

    >>> model = sequence_classifier(30, 3, embedding_dim=4, units=3)
    >>> model.compile(optimizer="adam", loss=classifier_loss(model))
    """
    head = classifier_head(model)
    if head == "softmax":
        return keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=-1)
    if head == "ordinal":
        return ordinal_loss
    return keras.losses.MeanSquaredError()


def class_probabilities(model, outputs):
    """Class probabilities `(batch, num_classes)` from a classifier's outputs.

    Softmax heads apply a softmax; ordinal heads take differences of the
    cumulative probabilities. Regression heads have no classes.

    Example:

    >>> import numpy as np
    >>> model = sequence_classifier(30, 2, embedding_dim=4, units=3)
    >>> class_probabilities(model, np.zeros((1, 2), "float32")).numpy().tolist()
    [[0.5, 0.5]]
    """
    head = classifier_head(model)
    if head == "softmax":
        return ops.softmax(ops.convert_to_tensor(outputs), axis=-1)
    if head == "ordinal":
        return ordinal_probabilities(outputs)
    raise ValueError("`class_probabilities` needs a softmax or ordinal head. Received: a model with head='regression'")
