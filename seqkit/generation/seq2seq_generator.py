"""Compiled decoding loop for recurrent encoder-decoder models."""

import numbers

import numpy as np
import tensorflow as tf
from keras import ops

from seqkit.generation._stopping import PADDING_ID, pad_after_stop, single_sequence_sampler, stop_ids
from seqkit.generation.beam_search import beam_search, check_beam_arguments
from seqkit.generation.forbidden import FORBIDDEN_LOGIT, forbid, forbidden_mask
from seqkit.generation.samplers import reseed

BEAM_ARGUMENTS = ("num_beams", "length_penalty", "num_return_sequences")


class Seq2SeqGenerator:
    """Decodes target sequences from a `seq2seq` model.

    The source is encoded once; then each new token costs one decoder step,
    the decoder states being carried by the loop. `sampler="beam"` runs
    `seqkit.generation.beam_search.beam_search` (finished hypotheses leave
    the beam for a pool, GNMT length penalty, n-best lists); the other
    samplers are keras-hub's. Decoding is one `tf.function`,
    `decode_function`, traced once for any batch size, source length and
    maximum lengths, made of TensorFlow ops only, so an exporter may call it
    inside its own `tf.function` and the SavedModel needs no seqkit code.

    Args:
        model: a model built by `seqkit.tasks.seq2seq` (or loaded from its
            `.keras` file).
        sampler: a sampler name (`"greedy"`, `"random"`, `"top_k"`,
            `"top_p"`, `"beam"`) or a `keras_hub.samplers.Sampler`.
        start_token_id: int. The first decoder input of every target.
        stop_token_ids: target ids (e.g. `<EOS>`) that end a sequence;
            positions after a row's stop token hold 0 (padding).
        forbidden_ids: target ids never decoded (e.g. `<PAD>`, `<UNK>`,
            `<BOS>`; see `forbidden_special_ids`): their logits are set to
            -1e9 before every sampler, which then picks among the other ids.
            Ids in `[0, target vocabulary_size)`, no stop token among them.
        **sampler_kwargs: arguments of the named sampler. For `"beam"`:
            `num_beams` (default 5), `length_penalty` (the GNMT alpha >= 0,
            default 0: raw log-probabilities) and `num_return_sequences`
            (hypotheses per source, at most `num_beams`, default 1).

    Attributes:
        decode_function: the `tf.function` `(source_ids int32 (None, None),
            max_lengths int32 (None,)) -> dict` behind `decode` (see there
            for the dict; here of tensors). `generate_function` is the
            same function.

    Example:

    >>> import numpy as np
    >>> from seqkit.tasks import seq2seq
    >>> model = seq2seq(20, 15, embedding_dim=4, units=4)
    >>> generator = Seq2SeqGenerator(model, "beam", num_beams=3, length_penalty=0.6,
    ...                              num_return_sequences=2, start_token_id=1,
    ...                              stop_token_ids=[2], forbidden_ids=[0, 1])
    >>> tokens = generator.generate(np.array([[5, 6, 7, 0]]), max_length=6)
    >>> tokens.shape, int(tokens[0, 0]), bool((tokens[0, 1:] != 1).all())
    ((1, 6), 1, True)
    >>> decoded = generator.decode(np.array([[5, 6, 7, 0], [3, 0, 0, 0]]), max_length=[4, 2])
    >>> decoded["tokens"].shape, decoded["scores"].shape  # (batch, hypotheses, 1 + 4)
    ((2, 2, 5), (2, 2))
    >>> bool(decoded["scores"][0, 0] >= decoded["scores"][0, 1])
    True
    """

    def __init__(
        self,
        model,
        sampler="greedy",
        *,
        start_token_id,
        stop_token_ids=None,
        forbidden_ids=None,
        **sampler_kwargs,
    ):
        from seqkit.tasks import seq2seq_decoder_step, seq2seq_encoder

        self.is_beam_search = isinstance(sampler, str) and sampler == "beam"
        if self.is_beam_search:
            self.sampler = None
            self.num_beams, self.length_penalty, self.num_return_sequences = _beam_settings(sampler_kwargs)
        else:
            self.sampler = single_sequence_sampler("Seq2SeqGenerator", sampler, sampler_kwargs)
        self.start_token_id = int(start_token_id)
        self.stop_token_ids = stop_ids(stop_token_ids)
        self.encoder = seq2seq_encoder(model)
        self.decoder_step = seq2seq_decoder_step(model)
        self.vocabulary_size = int(self.decoder_step.outputs[0].shape[-1])
        self.forbidden_mask = forbidden_mask(forbidden_ids, self.vocabulary_size, self.stop_token_ids)
        self.decode_function = tf.function(
            self._decode,
            input_signature=[
                tf.TensorSpec((None, None), tf.int32, name="source_ids"),
                tf.TensorSpec((None,), tf.int32, name="max_lengths"),
            ],
        )
        self.generate_function = self.decode_function

    def generate(self, source_ids, max_length, seed=None):
        """Decodes one target per source row (the best one with beam search).

        Args:
            source_ids: int array `(batch, Tx)`, right-padded with 0.
            max_length: int > 1. Length of every returned row, the start
                token included.
            seed: int or `None`. The same seed gives the same samples.

        Returns:
            int32 NumPy array `(batch, max_length)`: the start token, the
            decoded tokens, then 0 (padding) after a stop token.
        """
        if isinstance(max_length, bool) or not isinstance(max_length, numbers.Integral) or max_length < 2:
            raise ValueError(f"`max_length` must be an integer of at least 2. Received: max_length={max_length!r}")
        tokens = self.decode(source_ids, int(max_length) - 1, seed=seed)["tokens"]
        return tokens[:, 0] if tokens.ndim == 3 else tokens

    def decode(self, source_ids, max_length, seed=None):
        """Decodes targets and their scores.

        Args:
            source_ids: int array `(batch, Tx)`, right-padded with 0.
            max_length: positive int, or one per source row (an int array
                `(batch,)`): the most decoded tokens, the stop token
                included (e.g. relative to each source's length).
            seed: int or `None`. The same seed gives the same samples
                (beam search and greedy decoding ignore it).

        Returns:
            A dict of NumPy arrays, with `L = 1 + max(max_length)`:
            - `"tokens"`: int32, the start token, the decoded tokens, then
              0 after a stop token or the row's maximum length: `(batch,
              num_return_sequences, L)` with beam search, best first, else
              `(batch, L)`,
            - `"log_probs"`: float32 `(batch, num_return_sequences)` or
              `(batch,)`, the log-probability of the decoded tokens (the
              stop token included) at temperature 1, over the ids not
              forbidden,
            - `"scores"`: the same, divided by the length penalty with beam
              search (the ranking score),
            - `"finished"`: bool, whether the target ends with a stop token.
        """
        source_ids = _checked_source(source_ids)
        max_lengths = _checked_max_lengths(max_length, len(source_ids))
        if seed is not None and self.sampler is not None:
            reseed(self.sampler, seed)
        decoded = self.decode_function(source_ids, max_lengths)
        return {key: np.asarray(value) for key, value in decoded.items()}

    def _decode(self, source_ids, max_lengths):
        max_lengths = tf.maximum(max_lengths, 1)
        encoder_outputs, source_mask, *states = self.encoder(source_ids)
        if self.is_beam_search:
            return self._beam_decode(encoder_outputs, source_mask, states, max_lengths)
        return self._sample_decode(encoder_outputs, source_mask, states, max_lengths)

    def _beam_decode(self, encoder_outputs, source_mask, states, max_lengths):
        # The same for every beam of a row: repeated once, never gathered.
        beam_outputs = tf.repeat(encoder_outputs, self.num_beams, axis=0)
        beam_mask = tf.repeat(source_mask, self.num_beams, axis=0)

        def step(tokens, states):
            logits, _, *new_states = self.decoder_step([tokens[:, None], beam_outputs, beam_mask, *states])
            return logits[:, 0, :], tuple(new_states)

        found = beam_search(
            step,
            tuple(states),
            self.start_token_id,
            max_lengths=max_lengths,
            num_beams=self.num_beams,
            stop_token_ids=self.stop_token_ids,
            length_penalty=self.length_penalty,
            num_return=self.num_return_sequences,
            forbidden_mask=self.forbidden_mask,
        )
        shape = tf.shape(found["tokens"])
        start = tf.fill([shape[0], shape[1], 1], self.start_token_id)
        return {
            "tokens": tf.concat([start, found["tokens"]], axis=2),
            "scores": found["scores"],
            "log_probs": found["log_probs"],
            "finished": found["finished"],
        }

    def _sample_decode(self, encoder_outputs, source_mask, states, max_lengths):
        batch_size = tf.shape(max_lengths)[0]
        positions = tf.range(1 + tf.maximum(tf.reduce_max(max_lengths), 1))[None, :]
        prompt = tf.where(positions == 0, self.start_token_id, tf.zeros([batch_size, 1], tf.int32) + PADDING_ID)
        given = tf.broadcast_to(positions == 0, tf.shape(prompt))
        past_end = self._past_end_logits()

        def next(prompt, cache, index):
            encoder_outputs, source_mask, *states = cache
            token = ops.expand_dims(prompt[:, index - 1], axis=1)
            logits, _, *new_states = self.decoder_step([token, encoder_outputs, source_mask, *states])
            logits = forbid(logits[:, 0, :], self.forbidden_mask)
            if past_end is not None:
                # A row past its maximum length draws a stop token (erased below), so the loop can end early.
                logits = tf.where((index > max_lengths)[:, None], past_end, tf.cast(logits, tf.float32))
            return logits, None, (encoder_outputs, source_mask, *new_states)

        tokens = self.sampler(
            next,
            prompt,
            cache=(encoder_outputs, source_mask, *states),
            index=1,
            mask=given,
            stop_token_ids=self.stop_token_ids,
        )
        tokens = pad_after_stop(tokens, given, self.stop_token_ids, PADDING_ID)
        tokens = tf.where(positions > max_lengths[:, None], PADDING_ID, tokens)
        log_probs = self._teacher_forced_log_probs(tokens, encoder_outputs, source_mask, states)
        return {
            "tokens": tokens,
            "scores": log_probs,
            "log_probs": log_probs,
            "finished": tf.reduce_any(self._is_stop(tokens[:, 1:]), axis=1),
        }

    def _past_end_logits(self):
        """Logits `(vocabulary_size,)` that only allow the first stop token, or `None` without stop tokens."""
        if self.stop_token_ids is None:
            return None
        logits = np.full(self.vocabulary_size, FORBIDDEN_LOGIT, np.float32)
        logits[self.stop_token_ids[0]] = 0.0
        return tf.constant(logits)

    def _is_stop(self, tokens):
        is_stop = tf.zeros_like(tokens, tf.bool)
        for token_id in self.stop_token_ids or ():
            is_stop = is_stop | tf.equal(tokens, token_id)
        return is_stop

    def _teacher_forced_log_probs(self, tokens, encoder_outputs, source_mask, states):
        """Log-probability `(batch,)` of `tokens[:, 1:]` (0 = padding) in one decoder pass."""
        inputs, targets = tokens[:, :-1], tokens[:, 1:]
        logits = self.decoder_step([inputs, encoder_outputs, source_mask, *states])[0]
        log_probs = tf.nn.log_softmax(tf.cast(forbid(logits, self.forbidden_mask), tf.float32), axis=-1)
        picked = tf.gather(log_probs, targets, batch_dims=2)
        return tf.reduce_sum(tf.where(targets != PADDING_ID, picked, 0.0), axis=1)


def _beam_settings(sampler_kwargs):
    """`(num_beams, length_penalty, num_return_sequences)` from the kwargs of `sampler="beam"`."""
    unknown = sorted(set(sampler_kwargs) - set(BEAM_ARGUMENTS))
    if unknown:
        raise ValueError(
            "`sampler='beam'` takes `num_beams`, `length_penalty` and `num_return_sequences`. "
            f"Received: {', '.join(f'{name}={sampler_kwargs[name]!r}' for name in unknown)}"
        )
    return check_beam_arguments(
        sampler_kwargs.get("num_beams", 5),
        sampler_kwargs.get("length_penalty", 0.0),
        sampler_kwargs.get("num_return_sequences", 1),
        num_return_name="num_return_sequences",
    )


def _checked_source(source_ids):
    source_ids = np.asarray(source_ids, dtype=np.int32)
    if source_ids.ndim != 2 or not np.all((source_ids != 0).any(axis=1)):
        raise ValueError(
            "`source_ids` must be a 2D batch with at least one token per row. "
            f"Received: source_ids with shape {source_ids.shape}"
        )
    return source_ids


def _checked_max_lengths(max_length, batch_size):
    """An int32 array `(batch_size,)` from a positive int or one per row."""
    values = np.asarray(max_length)
    if values.ndim == 0:
        values = np.full(batch_size, values)
    valid = (
        values.shape == (batch_size,)
        and (values.dtype.kind in "iu" or (values.dtype == object and all(_is_int(v) for v in values)))
        and bool(np.all(values >= 1))
    )
    if not valid:
        raise ValueError(
            "`max_length` must be a positive integer or one positive integer per source row "
            f"({batch_size}). Received: max_length={max_length!r}"
        )
    return values.astype(np.int32)


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)
