"""Linear-chain conditional random field for sequence tagging."""

import weakref

import keras
import numpy as np
import tensorflow as tf

PAD_TAG = -1

# Added to the score of a forbidden transition, start or end: exp() of it is 0 in float32, so forbidden paths
# drop out of the partition function, and Viterbi never takes one while a legal path exists. A finite number,
# not -inf, so that sums and differences of scores stay finite.
FORBIDDEN_SCORE = -1e4
CONSTRAINT_KEYS = ("transitions", "start", "end")

# The latest CRF layer created under each name, so that a loss loaded from a
# `.keras` file binds to the CRF layer loaded with it (see `CRF.loss`).
_LAYERS_BY_NAME = weakref.WeakValueDictionary()


@keras.saving.register_keras_serializable(package="seqkit")
class CRF(keras.layers.Layer):
    """Linear-chain CRF over per-step tag scores ("potentials").

    The layer owns the tag transition scores: `transitions[i, j]` is added
    when tag `j` follows tag `i`, `start_transitions[j]` when a sequence
    starts with tag `j` and `end_transitions[i]` when it ends with tag `i`.
    The score of a tag path `y` is the sum of its potentials and transitions;
    `p(y | x) = exp(score(y)) / Z(x)`, summed over all paths for `Z`.

    Calling the layer returns the potentials unchanged, so it can be the last
    layer of a Functional tagger (whose outputs are then per-step scores) and
    its weights are saved with the model. Training uses `crf.loss` and
    prediction `crf.decode`; both are plain TensorFlow ops that work in
    graphs and SavedModels with unknown batch size and sequence length.

    `constraints` forbids some paths outright (for IOB2 tags, `iob2_constraints`: `I-X` only after `B-X` or
    `I-X`, never first): a forbidden transition, start or end gets `FORBIDDEN_SCORE` added to its learned
    score, in the log-likelihood's path score and partition function and in Viterbi decoding, so the
    probabilities of the legal paths sum to one and decoding returns a legal path. The constraints are part
    of the layer's configuration, so saved models and SavedModel exports keep them.

    Masks may be any pattern of padding: masked steps are removed from the
    sequence (the steps around them become neighbours). The layer consumes
    the mask: its outputs carry no Keras mask, so that Keras does not
    re-weight the per-sequence loss by per-step masks. Inputs need at least
    one time step; a sequence whose steps are all masked has log-likelihood 0
    and decodes to -1 everywhere.

    Args:
        num_tags: positive integer, number of tags.
        transitions_initializer: initializer of the three transition weights.
        constraints: None (every path allowed) or a dict with any of `"transitions"` (`num_tags` x
            `num_tags` booleans, `[i][j]` true when tag `j` may follow tag `i`), `"start"` and `"end"`
            (`num_tags` booleans: the tags a sequence may start / end with); a missing key allows all.
        **kwargs: base layer keyword arguments, such as `name`.

    Call arguments:
        potentials: float tensor `(batch, time, num_tags)`, unnormalized
            per-step tag scores (for example the output of a `Dense` layer).
        mask: optional boolean tensor `(batch, time)`.

    Returns:
        The potentials, unchanged (without a Keras mask).

    Example:

    >>> import numpy as np, keras
    >>> inputs = keras.Input((None,), dtype="int32")
    >>> x = keras.layers.Embedding(20, 8, mask_zero=True)(inputs)
    >>> x = keras.layers.Bidirectional(keras.layers.LSTM(8, return_sequences=True))(x)
    >>> crf = CRF(num_tags=5)
    >>> model = keras.Model(inputs, crf(keras.layers.Dense(5)(x)))
    >>> model.compile(optimizer="adam", loss=crf.loss)
    >>> tokens = np.array([[3, 4, 5], [6, 7, 0]])
    >>> tags = np.array([[1, 2, 0], [3, 4, -1]])  # -1: padding
    >>> history = model.fit(tokens, tags, epochs=1, verbose=0)
    >>> crf.decode(model(tokens), mask=tokens != 0).shape
    TensorShape([2, 3])
    """

    def __init__(self, num_tags, transitions_initializer="glorot_uniform", constraints=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(num_tags, bool) or not isinstance(num_tags, int) or num_tags < 1:
            raise ValueError(
                f"`num_tags` must be a positive integer. Received: num_tags={num_tags}"
            )
        self.num_tags = num_tags
        self.transitions_initializer = keras.initializers.get(transitions_initializer)
        self.constraints = _check_constraints(constraints, num_tags)
        self._penalties = _penalties(self.constraints, num_tags)
        self.supports_masking = True
        _LAYERS_BY_NAME[self.name] = self

    def build(self, input_shape=None):
        if input_shape is not None and input_shape[-1] not in (None, self.num_tags):
            raise ValueError(
                "The last dimension of the potentials must equal `num_tags`. "
                f"Received: input_shape={input_shape}, num_tags={self.num_tags}"
            )
        k = self.num_tags
        self.transitions = self.add_weight(
            shape=(k, k), initializer=self.transitions_initializer, name="transitions"
        )
        self.start_transitions = self.add_weight(
            shape=(k,), initializer=self.transitions_initializer, name="start_transitions"
        )
        self.end_transitions = self.add_weight(
            shape=(k,), initializer=self.transitions_initializer, name="end_transitions"
        )
        self.built = True

    def call(self, potentials, mask=None):
        # A new tensor, so that Keras attaches `compute_mask`'s None to it.
        return tf.identity(potentials)

    def compute_mask(self, inputs, mask=None):
        return None

    def compute_output_shape(self, input_shape):
        return input_shape

    def log_likelihood(self, potentials, tags, mask=None):
        """Log-probability of each tag sequence, by the forward algorithm.

        Args:
            potentials: float tensor `(batch, time, num_tags)`.
            tags: integer tensor `(batch, time)`; values at masked steps are
                ignored (they may be -1).
            mask: optional boolean tensor `(batch, time)`.

        Returns:
            Float32 tensor `(batch,)`, `log p(tags | potentials)`; 0 for a
            sequence with no unmasked step.
        """
        self._ensure_built()
        potentials, mask, order = _compact(potentials, mask)
        tags = tf.gather(tf.cast(tags, tf.int32), order, batch_dims=1)
        tags = tf.where(mask, tags, 0)
        has_steps = tf.reduce_any(mask, axis=1)
        score = self._path_score(potentials, tags, mask)
        log_partition = self._log_partition(potentials, mask)
        return tf.where(has_steps, score - log_partition, 0.0)

    def decode(self, potentials, mask=None):
        """Most likely tag sequences, by the Viterbi algorithm.

        Args:
            potentials: float tensor `(batch, time, num_tags)`.
            mask: optional boolean tensor `(batch, time)`.

        Returns:
            Int32 tensor `(batch, time)` of tags; masked steps hold -1.
        """
        self._ensure_built()
        potentials, mask, order = _compact(potentials, mask)
        transitions, start, end = self._scores()
        steps = tf.transpose(potentials, [1, 0, 2])
        step_mask = tf.transpose(mask)
        # One masked step more at the end, so that the scans below never run over zero steps (one-word
        # sentences): a graph with an unknown batch size cannot stack an empty list. Its pointers are the
        # identity, and its column is dropped from the path.
        steps = tf.concat([steps, tf.zeros_like(steps[:1])], axis=0)
        step_mask = tf.concat([step_mask, tf.zeros_like(step_mask[:1])], axis=0)
        first = start + steps[0]
        identity = tf.broadcast_to(tf.range(self.num_tags), tf.shape(first))

        def forward(carry, step):
            best, _ = carry
            emission, valid = step
            candidates = best[:, :, None] + transitions
            new_best = tf.reduce_max(candidates, axis=1) + emission
            pointers = tf.argmax(candidates, axis=1, output_type=tf.int32)
            valid = valid[:, None]
            return tf.where(valid, new_best, best), tf.where(valid, pointers, identity)

        bests, pointers = tf.scan(
            forward, (steps[1:], step_mask[1:]), initializer=(first, identity)
        )
        final = tf.concat([first[None], bests], axis=0)[-1]
        last_tag = tf.argmax(final + end, axis=1, output_type=tf.int32)

        def backward(tag, step_pointers):
            return tf.gather(step_pointers, tag, batch_dims=1)

        earlier = tf.scan(backward, pointers, initializer=last_tag, reverse=True)
        path = tf.transpose(tf.concat([earlier, last_tag[None]], axis=0))[:, :-1]
        path = tf.where(mask, path, PAD_TAG)
        return tf.gather(path, tf.argsort(order, axis=1), batch_dims=1)

    @property
    def loss(self):
        """A Keras loss bound to this layer: mean negative log-likelihood.

        `loss(y_true, y_pred)` takes integer tags `(batch, time)` with -1 at
        positions to ignore (padding) and the potentials `(batch, time,
        num_tags)`; per sequence it returns `-log_likelihood`, which Keras
        averages over the batch. Use it as `model.compile(loss=crf.loss)`.

        A model compiled with it and saved to a `.keras` file reloads
        compiled: the loss finds the CRF layer by name, taking the latest
        CRF layer created under that name (the one loaded with the model).
        """
        return _CRFLoss(self)

    def _ensure_built(self):
        if not self.built:
            self.build((None, None, self.num_tags))

    def _scores(self):
        """The transition, start and end scores paths are scored with: the weights plus the constraints'
        `FORBIDDEN_SCORE`s."""
        scores = (self.transitions, self.start_transitions, self.end_transitions)
        scores = [tf.convert_to_tensor(weight) for weight in scores]
        if self._penalties is None:
            return scores
        return [score + tf.constant(penalty) for score, penalty in zip(scores, self._penalties)]

    def _path_score(self, potentials, tags, mask):
        """Score of `tags` on right-padded inputs."""
        transitions, start, end = self._scores()
        maskf = tf.cast(mask, potentials.dtype)
        emissions = tf.gather(potentials, tags, batch_dims=2)
        score = tf.reduce_sum(emissions * maskf, axis=1)
        pairs = tf.stack([tags[:, :-1], tags[:, 1:]], axis=-1)
        steps = tf.gather_nd(transitions, pairs)
        score += tf.reduce_sum(steps * maskf[:, 1:], axis=1)
        lengths = tf.reduce_sum(tf.cast(mask, tf.int32), axis=1)
        last = tf.gather(tags, tf.maximum(lengths - 1, 0), batch_dims=1)
        score += tf.gather(start, tags[:, 0])
        score += tf.gather(end, last)
        return score

    def _log_partition(self, potentials, mask):
        """`log Z` on right-padded inputs (forward algorithm)."""
        transitions, start, end = self._scores()
        steps = tf.transpose(potentials, [1, 0, 2])
        step_mask = tf.transpose(mask)
        # One masked step more at the end, so that the scans below never run over zero steps (one-word
        # sentences): a graph with an unknown batch size cannot stack an empty list. Its pointers are the
        # identity, and its column is dropped from the path.
        steps = tf.concat([steps, tf.zeros_like(steps[:1])], axis=0)
        step_mask = tf.concat([step_mask, tf.zeros_like(step_mask[:1])], axis=0)
        first = start + steps[0]

        def forward(alpha, step):
            emission, valid = step
            new_alpha = tf.reduce_logsumexp(alpha[:, :, None] + transitions, axis=1)
            return tf.where(valid[:, None], new_alpha + emission, alpha)

        alpha = tf.foldl(forward, (steps[1:], step_mask[1:]), initializer=first)
        return tf.reduce_logsumexp(alpha + end, axis=1)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "num_tags": self.num_tags,
                "transitions_initializer": keras.initializers.serialize(
                    self.transitions_initializer
                ),
                "constraints": self.constraints,
            }
        )
        return config


@keras.saving.register_keras_serializable(package="seqkit", name="CRFLoss")
class _CRFLoss(keras.losses.Loss):
    """Mean negative log-likelihood of a `CRF` layer (see `CRF.loss`)."""

    def __init__(self, crf, name="crf_loss", **kwargs):
        super().__init__(name=name, **kwargs)
        # A weak reference behind a method: Keras's saving walks every
        # attribute, and the layer's `loss` property makes a new loss on each
        # visit, so a reachable layer here would recurse without end.
        self._crf = weakref.ref(crf)

    def layer(self):
        """The `CRF` layer this loss belongs to."""
        crf = self._crf()
        if crf is None:
            raise ValueError("The CRF layer of this loss no longer exists.")
        return crf

    def get_config(self):
        return {**super().get_config(), "crf": self.layer().name}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        crf_name = config.pop("crf")
        crf = _LAYERS_BY_NAME.get(crf_name)
        if crf is None:
            raise ValueError(
                "The CRF loss refers to a CRF layer that does not exist. "
                f"Received: crf={crf_name!r}"
            )
        return cls(crf, **config)

    def call(self, y_true, y_pred):
        if y_true.shape.rank == 3:
            y_true = tf.squeeze(y_true, axis=-1)
        tags = tf.cast(y_true, tf.int32)
        return -self.layer().log_likelihood(y_pred, tags, mask=tags >= 0)


def iob2_constraints(tags):
    """The `CRF` constraints of IOB2 tags: `I-X` only after `B-X` or `I-X`, and never first.

    Args:
        tags: the tag names in id order, each `"O"`, `"B-<type>"` or `"I-<type>"`.

    Returns:
        A dict for `CRF(constraints=...)`: `"transitions"` and `"start"` (lists of booleans).

    Raises:
        ValueError: a tag is not an IOB2 tag.

    Example:

    >>> constraints = iob2_constraints(["O", "B-PER", "I-PER"])
    >>> constraints["start"]
    [True, True, False]
    >>> constraints["transitions"][0]  # after O: O, B-PER; not I-PER
    [True, True, False]
    """
    parsed = []
    for tag in tags:
        if tag == "O":
            parsed.append(("O", None))
        elif isinstance(tag, str) and len(tag) > 2 and tag[:2] in ("B-", "I-"):
            parsed.append((tag[0], tag[2:]))
        else:
            raise ValueError(f"IOB2 tags are 'O', 'B-<type>' or 'I-<type>'. Received: tag={tag!r}")

    def allowed(previous, tag):
        prefix, kind = tag
        return prefix != "I" or (previous is not None and previous[0] in ("B", "I") and previous[1] == kind)

    return {
        "transitions": [[allowed(previous, tag) for tag in parsed] for previous in parsed],
        "start": [allowed(None, tag) for tag in parsed],
    }


def is_iob2(tags):
    """Whether every tag is `"O"`, `"B-<type>"` or `"I-<type>"` (so `iob2_constraints(tags)` applies)."""
    try:
        iob2_constraints(tags)
    except ValueError:
        return False
    return True


def _check_constraints(constraints, num_tags):
    """`constraints` as plain lists of booleans (JSON for the config), or None."""
    if constraints is None:
        return None
    shapes = {"transitions": (num_tags, num_tags), "start": (num_tags,), "end": (num_tags,)}
    if not isinstance(constraints, dict) or not set(constraints) <= set(CONSTRAINT_KEYS):
        raise ValueError(
            f"`constraints` must be None or a dict with keys among {CONSTRAINT_KEYS}. "
            f"Received: constraints={constraints!r}"
        )
    checked = {}
    for key in CONSTRAINT_KEYS:
        if constraints.get(key) is None:
            continue
        array = np.asarray(constraints[key])
        if array.shape != shapes[key] or not (array.dtype == bool or np.isin(array, (0, 1)).all()):
            raise ValueError(
                f"`constraints[{key!r}]` must be booleans of shape {shapes[key]} (num_tags={num_tags}). "
                f"Received: shape {array.shape}"
            )
        checked[key] = array.astype(bool).tolist()
    return checked


def _penalties(constraints, num_tags):
    """`FORBIDDEN_SCORE` where `constraints` forbid, 0 elsewhere, for the transitions, starts and ends; or
    None without constraints."""
    if constraints is None:
        return None
    shapes = {"transitions": (num_tags, num_tags), "start": (num_tags,), "end": (num_tags,)}
    return [
        np.where(np.asarray(constraints.get(key, np.ones(shapes[key], bool))), 0.0, FORBIDDEN_SCORE).astype(
            np.float32
        )
        for key in CONSTRAINT_KEYS
    ]


def _compact(potentials, mask):
    """Moves every sequence's unmasked steps to the front, in order.

    Returns the reordered float32 potentials, the reordered boolean mask and
    the permutation `order` (`compact[:, j] = original[:, order[:, j]]`).
    """
    potentials = tf.cast(potentials, tf.float32)
    shape = tf.shape(potentials)
    if mask is None:
        mask = tf.ones(shape[:2], tf.bool)
    mask = tf.cast(mask, tf.bool)
    order = tf.argsort(tf.cast(tf.logical_not(mask), tf.int32), axis=1, stable=True)
    potentials = tf.gather(potentials, order, batch_dims=1)
    mask = tf.gather(mask, order, batch_dims=1)
    return potentials, mask, order
