"""Compiled sampling loop for recurrent language models."""

import numbers

import numpy as np
import tensorflow as tf
from keras import ops

from seqkit.generation._stopping import PADDING_ID, pad_after_stop, single_sequence_sampler, stop_ids
from seqkit.generation.forbidden import FORBIDDEN_LOGIT, forbid, forbidden_mask
from seqkit.generation.samplers import reseed


class SequenceGenerator:
    """Samples continuations of primers from a recurrent language model.

    The loop is one `tf.function` traced once (unknown batch size and
    length). The recurrent state is the keras-hub sampler's cache: the primer
    is read in one pass to build the state, then every new token costs one
    recurrent step, never a re-run of the prefix. Primers of different
    lengths may share a batch: the common prefix is read in one pass and
    each row's remaining primer tokens are fed (not sampled) step by step.

    Args:
        model: a model built by `seqkit.tasks.language_model` (or loaded from
            its `.keras` file).
        sampler: a sampler name (`"greedy"`, `"random"`, `"top_k"`,
            `"top_p"`, `"beam"`) or a `keras_hub.samplers.Sampler`.
        stop_token_ids: token ids (e.g. `<EOS>`) that end a sequence; once
            every row has produced one, the loop stops. Positions after a
            row's stop token hold 0 (padding).
        forbidden_ids: token ids never sampled (e.g. `<PAD>`, `<UNK>`,
            `<BOS>`; see `forbidden_special_ids`): their logits are set to
            -1e9 before every sampler (greedy, random, top-k, top-p, beam),
            which then picks among the other ids. Ids in
            `[0, vocabulary_size)`, no stop token among them. Primer tokens
            are kept as given.
        padding_id: int. Must be 0, the padding id of `language_model`
            (accepted for explicitness).
        **sampler_kwargs: arguments of the named sampler (`temperature`,
            `k`, `p`, `num_beams`, ...).

    Example:

    >>> from seqkit.tasks import language_model
    >>> model = language_model(20, embedding_dim=4, units=4)
    >>> generator = SequenceGenerator(model, "top_k", k=5, stop_token_ids=[2],
    ...                               forbidden_ids=[0, 1])
    >>> tokens = generator.generate([[1], [1, 7, 9]], max_length=6, seed=3)
    >>> tokens.shape, tokens[1, :3].tolist()
    ((2, 6), [1, 7, 9])
    >>> bool((tokens[:, 3:] != 1).all())
    True

    With `min_length`, a stop token is not sampled before that many tokens
    follow a row's primer (its logit is set to -1e9, a probability of
    exactly 0), so `max_length - len(primer)` tokens can be asked for:

    >>> tokens = generator.generate([[1]], max_length=9, seed=3, min_length=8)
    >>> bool((tokens[0, 1:] != 2).all() and (tokens[0, 1:] != 0).all())
    True
    """

    def __init__(
        self,
        model,
        sampler="greedy",
        *,
        stop_token_ids=None,
        forbidden_ids=None,
        padding_id=PADDING_ID,
        **sampler_kwargs,
    ):
        from seqkit.tasks import language_model_step

        if padding_id != PADDING_ID:
            raise ValueError(
                f"`padding_id` must be {PADDING_ID}, the id `language_model` masks. Received: padding_id={padding_id!r}"
            )

        self.sampler = single_sequence_sampler("SequenceGenerator", sampler, sampler_kwargs)
        self.stop_token_ids = stop_ids(stop_token_ids)
        self.step_model = language_model_step(model)
        self.state_sizes = [int(s.shape[-1]) for s in self.step_model.inputs[1:]]
        self.vocabulary_size = int(self.step_model.outputs[0].shape[-1])
        self.forbidden_mask = forbidden_mask(forbidden_ids, self.vocabulary_size, self.stop_token_ids)
        self.stop_mask = _stop_mask(self.stop_token_ids, self.vocabulary_size)
        # `min_length` is a tensor input with a default, so `generate_function(prompt, primer_mask)` still works
        # and no value of it re-traces the loop.
        self.generate_function = tf.function(
            self._generate,
            input_signature=[
                tf.TensorSpec((None, None), tf.int32, name="prompt"),
                tf.TensorSpec((None, None), tf.bool, name="primer_mask"),
                tf.TensorSpec((), tf.int32, name="min_length"),
            ],
        )

    def generate(self, primers, max_length, seed=None, min_length=0):
        """Samples tokens after each primer, up to `max_length` in total.

        Args:
            primers: a list of token-id lists, or an int array `(batch, P)`
                right-padded with 0. Every primer has at least one
                token (a start token when generating from nothing).
            max_length: int. Length of every returned row, primer included.
            seed: int or `None`. The same seed gives the same samples.
            min_length: int, tokens every row generates after its primer
                before a stop token may be sampled (the stop tokens' logits
                are masked until then); from 0 to `max_length` minus the
                longest primer. With `max_length - len(primer)`, exactly
                that many tokens are generated.

        Returns:
            int32 NumPy array `(batch, max_length)`: primer, then sampled
            tokens, then 0 (padding) after a stop token.
        """
        prompt, primer_mask = self.pad_primers(primers, max_length)
        check_min_length(min_length, max_length - int(primer_mask.sum(axis=1).max()))
        if seed is not None:
            reseed(self.sampler, seed)
        tokens = self.generate_function(prompt, primer_mask, np.int32(min_length))
        return np.asarray(tokens)

    def pad_primers(self, primers, max_length):
        """Returns the `(prompt, primer_mask)` arrays the compiled loop takes."""
        rows = [[int(t) for t in row if int(t) != PADDING_ID] for row in primers]
        if not rows or min(len(row) for row in rows) == 0:
            raise ValueError(
                "Every primer needs at least one token (a start token to "
                f"generate from nothing). Received: primers={primers!r}"
            )
        longest = max(len(row) for row in rows)
        if isinstance(max_length, bool) or not isinstance(max_length, numbers.Integral) or (max_length <= longest):
            raise ValueError(
                "`max_length` must be an integer larger than the longest "
                f"primer ({longest}). Received: max_length={max_length!r}"
            )
        prompt = np.full((len(rows), max_length), PADDING_ID, np.int32)
        primer_mask = np.zeros((len(rows), max_length), bool)
        for index, row in enumerate(rows):
            prompt[index, : len(row)] = row
            primer_mask[index, : len(row)] = True
        return prompt, primer_mask

    def _zero_states(self, batch_size):
        return tuple(ops.zeros((batch_size, size)) for size in self.state_sizes)

    def _read_prefix(self, prompt, start):
        """States after reading `prompt[:, :start - 1]` in one pass."""
        batch_size = ops.shape(prompt)[0]

        def read():
            outputs = self.step_model([prompt[:, : start - 1], *self._zero_states(batch_size)])
            return tuple(outputs[1:])

        return ops.cond(start > 1, read, lambda: self._zero_states(batch_size))

    def _generate(self, prompt, primer_mask, min_length=0):
        primer_lengths = ops.sum(ops.cast(primer_mask, "int32"), axis=1)
        start = ops.min(primer_lengths)
        states = self._read_prefix(prompt, start)

        def next(prompt, cache, index):
            # `cache` holds each row's primer length (carried there so that
            # beams, which repeat and reorder the cache, keep theirs) and the
            # states after tokens `0 .. index - 2`; feeding token
            # `index - 1` gives the logits for position `index`.
            lengths, states = cache
            token = ops.expand_dims(prompt[:, index - 1], axis=1)
            logits, *new_states = self.step_model([token, *states])
            logits = forbid(logits[:, 0, :], self.forbidden_mask)
            if self.stop_mask is not None:
                # Position `index` follows `index - lengths` generated tokens.
                too_short = ops.less(index - lengths, min_length)
                masked = ops.logical_and(too_short[:, None], ops.convert_to_tensor(self.stop_mask)[None, :])
                logits = ops.where(masked, FORBIDDEN_LOGIT, ops.cast(logits, "float32"))
            return logits, None, (lengths, tuple(new_states))

        tokens = self.sampler(
            next,
            prompt,
            cache=(primer_lengths, states),
            index=start,
            mask=primer_mask,
            stop_token_ids=self.stop_token_ids,
        )
        return pad_after_stop(tokens, primer_mask, self.stop_token_ids, PADDING_ID)


def check_min_length(min_length, most):
    """Raises `ValueError` unless `min_length` is an integer in `[0, most]`."""
    if isinstance(min_length, bool) or not isinstance(min_length, numbers.Integral) or not 0 <= min_length <= most:
        raise ValueError(
            f"`min_length` must be an integer from 0 to {most} (max_length minus the longest primer). "
            f"Received: min_length={min_length!r}"
        )


def _stop_mask(stop_token_ids, vocabulary_size):
    """A bool NumPy mask `(vocabulary_size,)` of the stop ids, or `None` without any."""
    ids = [i for i in stop_token_ids or () if 0 <= i < vocabulary_size]
    if not ids:
        return None
    mask = np.zeros(vocabulary_size, bool)
    mask[ids] = True
    return mask
