"""Linear-chain conditional random field for sequence tagging."""

import weakref

import keras
import tensorflow as tf

PAD_TAG = -1

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

    Masks may be any pattern of padding: masked steps are removed from the
    sequence (the steps around them become neighbours). The layer consumes
    the mask: its outputs carry no Keras mask, so that Keras does not
    re-weight the per-sequence loss by per-step masks. Inputs need at least
    one time step; a sequence whose steps are all masked has log-likelihood 0
    and decodes to -1 everywhere.

    Args:
        num_tags: positive integer, number of tags.
        transitions_initializer: initializer of the three transition weights.
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

    def __init__(self, num_tags, transitions_initializer="glorot_uniform", **kwargs):
        super().__init__(**kwargs)
        if isinstance(num_tags, bool) or not isinstance(num_tags, int) or num_tags < 1:
            raise ValueError(
                f"`num_tags` must be a positive integer. Received: num_tags={num_tags}"
            )
        self.num_tags = num_tags
        self.transitions_initializer = keras.initializers.get(transitions_initializer)
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
        transitions = tf.convert_to_tensor(self.transitions)
        steps = tf.transpose(potentials, [1, 0, 2])
        step_mask = tf.transpose(mask)
        # One masked step more at the end, so that the scans below never run over zero steps (one-word
        # sentences): a graph with an unknown batch size cannot stack an empty list. Its pointers are the
        # identity, and its column is dropped from the path.
        steps = tf.concat([steps, tf.zeros_like(steps[:1])], axis=0)
        step_mask = tf.concat([step_mask, tf.zeros_like(step_mask[:1])], axis=0)
        first = tf.convert_to_tensor(self.start_transitions) + steps[0]
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
        last_tag = tf.argmax(
            final + tf.convert_to_tensor(self.end_transitions), axis=1, output_type=tf.int32
        )

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

    def _path_score(self, potentials, tags, mask):
        """Score of `tags` on right-padded inputs."""
        maskf = tf.cast(mask, potentials.dtype)
        emissions = tf.gather(potentials, tags, batch_dims=2)
        score = tf.reduce_sum(emissions * maskf, axis=1)
        pairs = tf.stack([tags[:, :-1], tags[:, 1:]], axis=-1)
        steps = tf.gather_nd(tf.convert_to_tensor(self.transitions), pairs)
        score += tf.reduce_sum(steps * maskf[:, 1:], axis=1)
        lengths = tf.reduce_sum(tf.cast(mask, tf.int32), axis=1)
        last = tf.gather(tags, tf.maximum(lengths - 1, 0), batch_dims=1)
        score += tf.gather(tf.convert_to_tensor(self.start_transitions), tags[:, 0])
        score += tf.gather(tf.convert_to_tensor(self.end_transitions), last)
        return score

    def _log_partition(self, potentials, mask):
        """`log Z` on right-padded inputs (forward algorithm)."""
        transitions = tf.convert_to_tensor(self.transitions)
        steps = tf.transpose(potentials, [1, 0, 2])
        step_mask = tf.transpose(mask)
        # One masked step more at the end, so that the scans below never run over zero steps (one-word
        # sentences): a graph with an unknown batch size cannot stack an empty list. Its pointers are the
        # identity, and its column is dropped from the path.
        steps = tf.concat([steps, tf.zeros_like(steps[:1])], axis=0)
        step_mask = tf.concat([step_mask, tf.zeros_like(step_mask[:1])], axis=0)
        first = tf.convert_to_tensor(self.start_transitions) + steps[0]

        def forward(alpha, step):
            emission, valid = step
            new_alpha = tf.reduce_logsumexp(alpha[:, :, None] + transitions, axis=1)
            return tf.where(valid[:, None], new_alpha + emission, alpha)

        alpha = tf.foldl(forward, (steps[1:], step_mask[1:]), initializer=first)
        return tf.reduce_logsumexp(
            alpha + tf.convert_to_tensor(self.end_transitions), axis=1
        )

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "num_tags": self.num_tags,
                "transitions_initializer": keras.initializers.serialize(
                    self.transitions_initializer
                ),
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
