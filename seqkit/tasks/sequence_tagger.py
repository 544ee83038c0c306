"""Many-to-many tagger: one tag per input step (NER, per-base, per-frame)."""

import keras
from keras import ops

from seqkit.tasks import _checks
from seqkit.tasks._front_end import motif_convolution, token_encoder, word_dropout_layer
from seqkit.tasks.character_encoder import CharacterEncoder

HEADS = ("crf", "softmax")

SEQUENCE_TAGGER_PRESETS = {
    # Word + character BiLSTM-CRF sizes of Lample et al. (2016).
    "bilstm_crf": {
        "embedding_dim": 100,
        "cell": "lstm",
        "units": 100,
        "bidirectional": True,
        "dropout": 0.5,
        "head": "crf",
        "char_embedding_dim": 25,
        "char_units": 25,
    },
    "bilstm_softmax": {
        "embedding_dim": 100,
        "cell": "lstm",
        "units": 100,
        "bidirectional": True,
        "dropout": 0.5,
        "head": "softmax",
    },
    "tiny": {
        "embedding_dim": 8,
        "cell": "gru",
        "units": 8,
        "bidirectional": True,
        "head": "crf",
        "char_embedding_dim": 4,
        "char_units": 4,
    },
}


def sequence_tagger(
    vocabulary_size,
    num_tags,
    *,
    embedding_dim=100,
    cell="lstm",
    units=100,
    num_layers=1,
    bidirectional=True,
    merge_mode="concat",
    dropout=0.0,
    recurrent_dropout=0.0,
    head="crf",
    crf_constraints=None,
    word_dropout=0.0,
    word_dropout_min_id=2,
    char_vocabulary_size=None,
    char_embedding_dim=25,
    char_units=25,
    feature_dim=None,
    token_encoding="embedding",
    conv_filters=None,
    conv_kernel_size=9,
    implementation="auto",
    name="sequence_tagger",
):
    """Builds a recurrent tagger that scores every tag at every step.

    Inputs are a dict; any of the three parts may be used, at least one must:

    - `"token_ids"`: int32 `(batch, timesteps)`, 0 = padding (present unless
      `vocabulary_size` is `None`), looked up in the layer named
      `"token_embedding"` (set pretrained vectors with `set_weights`).
    - `"char_ids"`: int32 `(batch, timesteps, max_chars)`, 0 = padding
      (present when `char_vocabulary_size` is set), read per token by a small
      bidirectional LSTM (`CharacterEncoder`) and concatenated.
    - `"features"`: float `(batch, timesteps, feature_dim)` (present when
      `feature_dim` is set), concatenated as they are. When they are the only
      input, all-zero steps are padding.

    In training, `word_dropout` replaces token ids from `word_dropout_min_id` on by `<UNK>` (id 1) at
    random before the lookup (`WordDropout`; with ids ordered by count and `word_dropout_min_id` the first
    id of the words seen once, the singleton replacement of Lample et al. 2016).

    The concatenation goes through a `RecurrentStack` (dropout on its inputs),
    dropout and a dense layer giving per-step scores `(batch, timesteps, num_tags)`: CRF unary
    potentials for `head="crf"` (the layer named `"crf"` holds the
    transitions) or logits for `head="softmax"`. Train with
    `tagger_loss(model)`, decode with `decode_tags(model, outputs, mask)`.

    Args:
        vocabulary_size: int or `None`. Word ids, padding (0) included.
        num_tags: int. Number of tags.
        embedding_dim: int. Word embedding size.
        cell: str. Recurrent cell name (`"lstm"`, `"gru"`, ...).
        units: int. Recurrent units per direction.
        num_layers: int. Stacked recurrent layers.
        bidirectional: bool. Read the sequence in both directions.
        merge_mode: str. How directions are merged (`"concat"`, `"sum"`, ...).
        dropout: float. Dropout on the inputs of every recurrent layer and on
            the last one's outputs.
        recurrent_dropout: float. Dropout on the recurrent state.
        head: str. `"crf"` or `"softmax"`.
        crf_constraints: None or the forbidden paths of the CRF head, as `CRF(constraints=...)` takes
            them (for IOB2 tags `seqkit.layers.crf.iob2_constraints(tags)`).
        word_dropout: float. Probability that a token id is replaced by `<UNK>` in training.
        word_dropout_min_id: int. The first token id word dropout may replace.
        char_vocabulary_size: int or `None`. Character ids, padding included.
        char_embedding_dim: int. Character embedding size.
        char_units: int. Character recurrent units per direction.
        feature_dim: int or `None`. Size of the float features per step.
        token_encoding: str. `"embedding"` (trained lookup) or `"bases"`
            (token ids are DNA base codes, one-hot with IUPAC mixtures by
            the fixed `BaseOneHot` layer; `vocabulary_size` must be 16).
        conv_filters: int or `None`. Filters of a `Conv1D` (ReLU, "same"
            padding) over the step inputs before the recurrent stack.
        conv_kernel_size: int. Its kernel width in steps.
        implementation: str. Passed to `RecurrentStack` (`"auto"` picks fused
            kernels when the configuration allows).
        name: str. Model name.

    Returns:
        A Functional `keras.Model`.

    Example:

    >>> import numpy as np
    >>> model = sequence_tagger(50, 5, embedding_dim=8, units=4)
    >>> ids = np.array([[3, 7, 2, 0]], dtype="int32")
    >>> scores = model({"token_ids": ids})
    >>> tuple(scores.shape)
    (1, 4, 5)
    >>> tuple(decode_tags(model, scores, ids != 0).shape)
    (1, 4)
    """
    from seqkit.layers import RecurrentStack

    _checks.positive_int("vocabulary_size", vocabulary_size, allow_none=True)
    _checks.positive_int("num_tags", num_tags)
    _checks.positive_int("embedding_dim", embedding_dim)
    _checks.positive_int("units", units)
    _checks.positive_int("num_layers", num_layers)
    _checks.rate("dropout", dropout)
    _checks.rate("recurrent_dropout", recurrent_dropout)
    _checks.choice("head", head, HEADS)
    if crf_constraints is not None and head != "crf":
        raise ValueError(f"`crf_constraints` needs head='crf'. Received: head={head!r}")
    _checks.rate("word_dropout", word_dropout)
    _checks.positive_int("word_dropout_min_id", word_dropout_min_id)
    if word_dropout and (vocabulary_size is None or token_encoding != "embedding"):
        raise ValueError(
            "`word_dropout` needs token ids looked up in an embedding. Received: "
            f"word_dropout={word_dropout}, vocabulary_size={vocabulary_size}, token_encoding={token_encoding!r}"
        )
    _checks.positive_int("char_vocabulary_size", char_vocabulary_size, allow_none=True)
    _checks.positive_int("feature_dim", feature_dim, allow_none=True)
    if vocabulary_size is None and not char_vocabulary_size and not feature_dim:
        raise ValueError(
            "At least one of `vocabulary_size`, `char_vocabulary_size` or "
            "`feature_dim` must be set. Received: vocabulary_size=None, "
            "char_vocabulary_size=None, feature_dim=None"
        )

    # === Inputs ===
    inputs = {}
    if vocabulary_size is not None:
        inputs["token_ids"] = keras.Input(shape=(None,), dtype="int32", name="token_ids")
    if char_vocabulary_size is not None:
        inputs["char_ids"] = keras.Input(shape=(None, None), dtype="int32", name="char_ids")
    if feature_dim is not None:
        inputs["features"] = keras.Input(shape=(None, feature_dim), dtype="float32", name="features")

    # === Layers ===
    word_dropout_ids = word_dropout_layer(word_dropout, word_dropout_min_id)
    token_embedding = token_encoder(vocabulary_size, embedding_dim, token_encoding)
    convolution = motif_convolution(conv_filters, conv_kernel_size)
    char_encoder = None
    if char_vocabulary_size is not None:
        char_encoder = CharacterEncoder(
            char_vocabulary_size,
            embedding_dim=_checks.positive_int("char_embedding_dim", char_embedding_dim),
            units=_checks.positive_int("char_units", char_units),
            implementation=implementation,
            name="char_encoder",
        )
    concatenate = keras.layers.Concatenate(name="step_inputs")
    recurrent = RecurrentStack(
        cell=cell,
        units=units,
        num_layers=num_layers,
        bidirectional=bidirectional,
        merge_mode=merge_mode,
        dropout=dropout,
        recurrent_dropout=recurrent_dropout,
        return_sequences=True,
        implementation=implementation,
        name="recurrent",
    )
    output_dropout = keras.layers.Dropout(dropout, name="output_dropout")
    tag_scores = keras.layers.Dense(num_tags, name="tag_scores")
    crf = None
    if head == "crf":
        from seqkit.layers import CRF

        crf = CRF(num_tags, constraints=crf_constraints, name="crf")

    # === Functional Model ===
    parts = []
    if token_embedding is not None:
        token_ids = inputs["token_ids"]
        if word_dropout_ids is not None:
            token_ids = word_dropout_ids(token_ids)
        parts.append(token_embedding(token_ids))
    if char_encoder is not None:
        parts.append(char_encoder(inputs["char_ids"]))
    if feature_dim is not None:
        parts.append(inputs["features"])
    x = parts[0] if len(parts) == 1 else concatenate(parts)
    if convolution is not None:
        x = convolution(x)
    x = recurrent(x, mask=_step_mask(inputs))
    x = output_dropout(x)
    outputs = tag_scores(x)
    if crf is not None:
        outputs = crf(outputs)
    return keras.Model(inputs=inputs, outputs=outputs, name=name)


def _step_mask(inputs):
    """Real (non-padding) steps, from the first input that has padding."""
    if "token_ids" in inputs:
        return ops.not_equal(inputs["token_ids"], 0)
    if "char_ids" in inputs:
        return ops.any(ops.not_equal(inputs["char_ids"], 0), axis=-1)
    return ops.any(ops.not_equal(inputs["features"], 0.0), axis=-1)


def _crf_layer(model):
    """Returns the model's CRF layer, or `None` for a softmax head."""
    from seqkit.layers import CRF

    for layer in model.layers:
        if isinstance(layer, CRF):
            return layer
    return None


def tagger_loss(model):
    """Returns the training loss matching a `sequence_tagger` model's head.

    Labels are int tag ids of shape `(batch, timesteps)`; -1 marks positions
    to ignore. CRF models get the CRF negative log-likelihood; softmax models
    get sparse categorical cross-entropy from logits.

    Args:
        model: a model built by `sequence_tagger`.

    Returns:
        A callable `loss(y_true, y_pred)` for `model.compile(loss=...)`.

    Example:

    >>> model = sequence_tagger(50, 5, embedding_dim=8, units=4, head="softmax")
    >>> model.compile(optimizer="adam", loss=tagger_loss(model))
    """
    crf = _crf_layer(model)
    if crf is not None:
        return crf.loss
    return keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=-1)


def tagger_tag_f1(model_of, outside_tag, name="tag_f1"):
    """A Keras metric: micro-F1 of the tags of the words that are inside entities (gold or predicted).

    A word counts as found when its predicted tag equals its gold tag and is not `outside_tag`; precision is
    found / predicted non-outside words, recall found / gold non-outside words. It is the per-epoch view of
    tagging quality (the entity-level F1 of `seqeval` is computed after training); a model that tags
    everything `O` scores 0, not the share of `O` words. Scores are decoded as `decode_tags` does (Viterbi
    for a CRF head).

    Args:
        model_of: a function of no arguments returning the `sequence_tagger` model (metrics are made before
            the model is built).
        outside_tag: int. The id of the outside tag (`"O"`).
        name: str. The metric's name in the logs (`tag_f1`, `val_tag_f1`).

    Returns:
        A `keras.metrics.Metric`.

    Example:

    >>> model = sequence_tagger(50, 3, embedding_dim=8, units=4)
    >>> model.compile(optimizer="adam", loss=tagger_loss(model), metrics=[tagger_tag_f1(lambda: model, 0)])
    """
    return _TagF1(model_of, outside_tag, name=name)


class _TagF1(keras.metrics.Metric):
    def __init__(self, model_of, outside_tag, name="tag_f1", **kwargs):
        super().__init__(name=name, **kwargs)
        self._model_of = model_of
        self.outside_tag = int(outside_tag)
        self.found = self.add_variable((), initializer="zeros", name="found")
        self.predicted = self.add_variable((), initializer="zeros", name="predicted")
        self.gold = self.add_variable((), initializer="zeros", name="gold")

    def update_state(self, y_true, y_pred, sample_weight=None):
        import tensorflow as tf

        gold = tf.cast(y_true, tf.int32)
        if gold.shape.rank == 3:
            gold = tf.squeeze(gold, axis=-1)
        mask = gold >= 0
        predicted = decode_tags(self._model_of(), y_pred, mask=mask)
        inside_predicted = mask & (predicted != self.outside_tag)
        inside_gold = mask & (gold != self.outside_tag)
        found = inside_predicted & inside_gold & (predicted == gold)
        for variable, flags in ((self.found, found), (self.predicted, inside_predicted), (self.gold, inside_gold)):
            variable.assign_add(tf.reduce_sum(tf.cast(flags, self.dtype)))

    def result(self):
        total = self.predicted + self.gold
        return keras.ops.where(total > 0, 2.0 * self.found / keras.ops.maximum(total, 1.0), 0.0)

    def get_config(self):
        # The model is not part of the configuration: a `.keras` file saved compiled reloads without it
        # (seqkit loads runs uncompiled and compiles them again with a new metric).
        return {"name": self.name, "outside_tag": self.outside_tag}


def decode_tags(model, outputs, mask=None):
    """Turns a `sequence_tagger` model's scores into tag ids, in TF ops.

    CRF models are decoded with Viterbi over the learned transitions, softmax
    models with a per-step argmax. Works inside a `tf.function` with unknown
    batch size and length. Padded steps get tag -1 (the label convention
    for "ignore").

    Args:
        model: a model built by `sequence_tagger`.
        outputs: float tensor `(batch, timesteps, num_tags)` from `model`.
        mask: bool tensor `(batch, timesteps)`, `True` on real steps, or
            `None` when every step is real.

    Returns:
        int32 tensor `(batch, timesteps)`.

    Example:

    >>> import numpy as np
    >>> model = sequence_tagger(50, 3, embedding_dim=4, units=2, head="softmax")
    >>> scores = np.array([[[0.0, 2.0, 1.0], [3.0, 0.0, 0.0]]], dtype="float32")
    >>> decode_tags(model, scores, np.array([[True, False]])).numpy().tolist()
    [[1, -1]]
    """
    outputs = ops.convert_to_tensor(outputs)
    if mask is None:
        mask = ops.ones(ops.shape(outputs)[:2], dtype="bool")
    mask = ops.cast(mask, "bool")
    crf = _crf_layer(model)
    if crf is not None:
        tags = crf.decode(outputs, mask)
    else:
        tags = ops.argmax(outputs, axis=-1)
    return ops.where(mask, ops.cast(tags, "int32"), -1)
