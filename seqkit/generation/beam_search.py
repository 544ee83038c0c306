"""Beam search with a pool of finished hypotheses and the GNMT length penalty, in TensorFlow ops.

Unlike keras-hub's `BeamSampler`, a hypothesis that emits a stop token
leaves the beam for a pool of finished hypotheses (it is never extended
again), hypotheses are ranked by their length-normalised score, every row
has its own maximum length, and the loop ends as soon as no alive beam can
beat the finished ones.
"""

import numbers

import tensorflow as tf

from seqkit.generation.forbidden import forbid

# The log-probability of an empty slot: dead beams and unfilled pool entries.
EMPTY = float("-inf")


def check_beam_arguments(num_beams, length_penalty, num_return, num_return_name="num_return"):
    """Checks the beam search settings and returns them as `(int, float, int)`.

    Raises `ValueError` in the house form, e.g. "`num_beams` must be a
    positive integer. Received: num_beams=0".

    Example:

    >>> check_beam_arguments(4, 0.6, 2)
    (4, 0.6, 2)
    """
    if isinstance(num_beams, bool) or not isinstance(num_beams, numbers.Integral) or num_beams < 1:
        raise ValueError(f"`num_beams` must be a positive integer. Received: num_beams={num_beams!r}")
    if isinstance(length_penalty, bool) or not isinstance(length_penalty, numbers.Real) or not length_penalty >= 0:
        raise ValueError(f"`length_penalty` must be a non-negative number. Received: length_penalty={length_penalty!r}")
    name = num_return_name
    if isinstance(num_return, bool) or not isinstance(num_return, numbers.Integral) or not 1 <= num_return <= num_beams:
        raise ValueError(
            f"`{name}` must be a positive integer at most `num_beams` ({num_beams}). Received: {name}={num_return!r}"
        )
    return int(num_beams), float(length_penalty), int(num_return)


def length_penalty_factor(lengths, alpha):
    """The GNMT length penalty `((5 + length) / 6) ** alpha`, as float32.

    A hypothesis of `length` tokens (its stop token included) and
    log-probability `log_prob` is ranked by `log_prob / factor`; `alpha = 0`
    gives 1, so raw log-probabilities.

    Example:

    >>> round(float(length_penalty_factor(7, 1.0)), 4), float(length_penalty_factor(7, 0.0))
    (2.0, 1.0)
    """
    lengths = tf.cast(lengths, tf.float32)
    if alpha == 0:
        return tf.ones_like(lengths)
    return tf.pow((5.0 + lengths) / 6.0, alpha)


def beam_search(
    step,
    cache,
    start_ids,
    *,
    max_lengths,
    num_beams,
    stop_token_ids=None,
    length_penalty=0.0,
    num_return=1,
    forbidden_mask=None,
):
    """Finds the best sequences of a step-by-step model by beam search.

    Each step takes, for every alive beam, the best `2 * num_beams`
    extensions (by log-probability). A candidate ending in a stop token
    joins the row's pool of `num_beams` finished hypotheses if it ranks
    among the `num_beams` best candidates of its step (as fairseq and
    Hugging Face do, so `num_beams=1` is greedy decoding); the best
    `num_beams` other candidates stay alive. The pool keeps the best
    hypotheses by normalised score `log_prob / ((5 + length) / 6) **
    length_penalty`, `length` counting the generated tokens, the stop token
    included. When a row's alive beams reach its maximum length they join
    the pool as unfinished hypotheses. A row is done when its best alive
    beam cannot beat the worst hypothesis of a full pool (no completion of
    log-probability `p <= 0` scores above `p / penalty(max_length)`); the
    loop (`tf.while_loop`) ends when every row is done.

    Runs eagerly and inside a `tf.function`, traced once for any batch size
    and maximum lengths (only TensorFlow ops, so a SavedModel holding it
    needs no Python code).

    Args:
        step: a function `step(tokens, cache) -> (logits, new_cache)`:
            `tokens` int32 `(batch * num_beams,)`, the last token of every
            beam (row `b`, beam `k` at index `b * num_beams + k`); `logits`
            `(batch * num_beams, vocabulary_size)` for the next token.
            Tensors that are the same for every beam of a row (e.g. encoder
            outputs) may be closed over, repeated with
            `tf.repeat(x, num_beams, axis=0)`.
        cache: a nested structure (e.g. a tuple) of tensors with leading
            dimension `batch`, such as recurrent states. It is repeated for
            every beam and, each step, gathered along the beams kept.
        start_ids: int, or int tensor `(batch,)`: the first tokens fed to
            `step`.
        max_lengths: int tensor `(batch,)`: the most generated tokens of
            each row, the stop token included (values below 1 count as 1).
        num_beams: int >= 1. Beam width, and size of the finished pool.
        stop_token_ids: list of ints (usually just `<EOS>`), or `None`
            (every hypothesis then ends unfinished at its maximum length).
        length_penalty: float >= 0, the GNMT `alpha`; 0 ranks by raw
            log-probability.
        num_return: int in `[1, num_beams]`: hypotheses returned per row.
        forbidden_mask: bool NumPy array `(vocabulary_size,)`, `True` for
            ids never generated (see `forbidden.forbidden_mask`), or `None`.
            Log-probabilities are those of the distribution over the
            allowed ids (`log_softmax` of the float32 logits after
            `forbidden.forbid`).

    Returns:
        A dict of tensors, hypotheses best first:
        - `"tokens"`: int32 `(batch, num_return, max(max_lengths))`, the
          generated tokens (the start token excluded), 0 after a stop token
          and after an unfinished hypothesis's last token,
        - `"scores"`: float32 `(batch, num_return)`, normalised scores,
        - `"log_probs"`: float32 `(batch, num_return)`, log-probabilities,
        - `"finished"`: bool `(batch, num_return)`, whether the hypothesis
          ends with a stop token (`False`: cut at the row's maximum length),
        - `"lengths"`: int32 `(batch, num_return)`, generated tokens.
        A row with fewer than `num_return` distinct hypotheses fills the
        rest with score and log-probability `-inf`, tokens 0.

    Example (a bigram table where greedy decoding, `num_beams=1`, is
    wrong: after the start token 0, token 2 is likelier than 3, but 3 is
    then very likely followed by the stop token 1):

    >>> import numpy as np
    >>> probabilities = np.array([[0.0, 0.1, 0.5, 0.4],     # after 0
    ...                           [0.0, 0.1, 0.5, 0.4],     # after 1 (never read)
    ...                           [0.0, 0.3, 0.36, 0.34],   # after 2
    ...                           [0.0, 0.9, 0.05, 0.05]])  # after 3
    >>> table = tf.math.log(tf.constant(probabilities, tf.float32))
    >>> def step(tokens, cache):
    ...     return tf.gather(table, tokens), cache
    >>> def search(num_beams):
    ...     return beam_search(step, (), 0, max_lengths=tf.constant([5]), num_beams=num_beams,
    ...                        stop_token_ids=[1])
    >>> greedy = search(1)
    >>> greedy["tokens"].numpy().tolist(), greedy["finished"].numpy().tolist()
    ([[[2, 2, 2, 2, 2]]], [[False]])
    >>> best = search(2)
    >>> best["tokens"].numpy().tolist(), round(float(best["log_probs"][0, 0]), 4)  # log(0.4 * 0.9)
    ([[[3, 1, 0, 0, 0]]], -1.0217)
    """
    num_beams, alpha, num_return = check_beam_arguments(num_beams, length_penalty, num_return)
    stop_token_ids = () if stop_token_ids is None else tuple(int(i) for i in stop_token_ids)
    max_lengths = tf.maximum(tf.cast(max_lengths, tf.int32), 1)
    batch_size = tf.shape(max_lengths)[0]
    max_steps = tf.maximum(tf.reduce_max(max_lengths), 1)
    search = _Search(step, num_beams, alpha, stop_token_ids, forbidden_mask, batch_size, max_lengths)

    start_ids = tf.broadcast_to(tf.cast(start_ids, tf.int32), [batch_size])
    cache = tf.nest.map_structure(lambda x: tf.repeat(x, num_beams, axis=0), cache)
    alive = search.initial_alive(start_ids, max_steps)
    pool = search.empty_pool(max_steps)

    def cond(index, alive, pool, cache):
        return tf.logical_and(index < max_steps, tf.reduce_any(alive["log_probs"] > EMPTY))

    _, _, pool, _ = tf.while_loop(cond, search.advance, (tf.constant(0), alive, pool, cache))
    return _best(pool, num_return)


class _Search:
    """The pieces of one beam search: settings, initial state and one step (`advance`)."""

    def __init__(self, step, num_beams, alpha, stop_token_ids, forbidden_mask, batch_size, max_lengths):
        self.step = step
        self.num_beams = num_beams
        self.alpha = alpha
        self.stop_token_ids = stop_token_ids
        self.forbidden_mask = forbidden_mask
        self.batch_size = batch_size
        self.max_lengths = max_lengths

    def initial_alive(self, start_ids, max_steps):
        """One live beam per row (the others empty, so the first step does not repeat it)."""
        first = tf.one_hot(0, self.num_beams, on_value=0.0, off_value=EMPTY)
        return {
            "tokens": tf.zeros([self.batch_size, self.num_beams, max_steps], tf.int32),
            "log_probs": tf.tile(first[None, :], [self.batch_size, 1]),
            "last": tf.tile(start_ids[:, None], [1, self.num_beams]),
        }

    def empty_pool(self, max_steps):
        shape = [self.batch_size, self.num_beams]
        return {
            "tokens": tf.zeros(shape + [max_steps], tf.int32),
            "scores": tf.fill(shape, EMPTY),
            "log_probs": tf.fill(shape, EMPTY),
            "finished": tf.zeros(shape, tf.bool),
            "lengths": tf.zeros(shape, tf.int32),
        }

    def advance(self, index, alive, pool, cache):
        """Generates token `index` (0-based) of every alive beam."""
        logits, cache = self.step(tf.reshape(alive["last"], [-1]), cache)
        log_probs = self._log_probs(logits)
        candidates = self._top_candidates(alive, log_probs, index)
        length = index + 1
        ranked = tf.range(tf.shape(candidates["log_probs"])[1]) < self.num_beams
        ends = candidates["is_stop"] & ranked[None, :]
        pool = self._add_to_pool(pool, candidates, ends, length, finished=True)

        kept = tf.where(candidates["is_stop"], EMPTY, candidates["log_probs"])
        alive_log_probs, order = tf.math.top_k(kept, k=self.num_beams)
        alive = {
            "tokens": tf.gather(candidates["tokens"], order, batch_dims=1),
            "log_probs": alive_log_probs,
            "last": tf.gather(candidates["last"], order, batch_dims=1),
        }
        beams = tf.gather(candidates["beams"], order, batch_dims=1)

        reached = length >= self.max_lengths
        alive_now = alive_log_probs > EMPTY
        pool = self._add_to_pool(pool, alive, reached[:, None] & alive_now, length, finished=False)
        alive_log_probs = tf.where(reached[:, None], EMPTY, alive_log_probs)
        alive_log_probs = tf.where(self._row_done(alive_log_probs, pool)[:, None], EMPTY, alive_log_probs)
        alive["log_probs"] = alive_log_probs

        rows = tf.range(self.batch_size)[:, None] * self.num_beams
        flat = tf.reshape(rows + beams, [-1])
        cache = tf.nest.map_structure(lambda x: tf.gather(x, flat), cache)
        return index + 1, alive, pool, cache

    def _log_probs(self, logits):
        """`(batch, num_beams, vocabulary)` log-probabilities; `EMPTY` for forbidden ids."""
        log_probs = tf.nn.log_softmax(tf.cast(forbid(logits, self.forbidden_mask), tf.float32), axis=-1)
        if self.forbidden_mask is not None:
            log_probs = tf.where(tf.constant(self.forbidden_mask)[None, :], EMPTY, log_probs)
        vocabulary_size = tf.shape(log_probs)[-1]
        return tf.reshape(log_probs, [self.batch_size, self.num_beams, vocabulary_size])

    def _top_candidates(self, alive, log_probs, index):
        """The best `2 * num_beams` one-token extensions of each row's alive beams."""
        vocabulary_size = tf.shape(log_probs)[-1]
        total = alive["log_probs"][:, :, None] + log_probs
        count = 2 * self.num_beams
        static_size = log_probs.shape[-1]
        if static_size is not None:
            count = min(count, self.num_beams * static_size)
        scores, flat = tf.math.top_k(tf.reshape(total, [self.batch_size, -1]), k=count)
        beams, tokens = flat // vocabulary_size, flat % vocabulary_size
        sequences = tf.gather(alive["tokens"], beams, batch_dims=1)
        here = tf.equal(tf.range(tf.shape(sequences)[2]), index)
        sequences = tf.where(here[None, None, :], tokens[:, :, None], sequences)
        return {
            "tokens": sequences,
            "log_probs": scores,
            "last": tokens,
            "beams": beams,
            "is_stop": (scores > EMPTY) & self._is_stop(tokens),
        }

    def _is_stop(self, tokens):
        is_stop = tf.zeros_like(tokens, tf.bool)
        for token_id in self.stop_token_ids:
            is_stop = is_stop | tf.equal(tokens, token_id)
        return is_stop

    def _add_to_pool(self, pool, hypotheses, add, length, finished):
        """The best `num_beams` of the pool and the `add`ed hypotheses (all of `length` tokens)."""
        scores = hypotheses["log_probs"] / length_penalty_factor(length, self.alpha)
        scores = tf.where(add, scores, EMPTY)
        new = {
            "tokens": hypotheses["tokens"],
            "scores": scores,
            "log_probs": hypotheses["log_probs"],
            "finished": tf.fill(tf.shape(scores), finished),
            "lengths": tf.fill(tf.shape(scores), length),
        }
        # Pool entries first: `top_k` puts the lower index first among equal scores.
        merged = {key: tf.concat([pool[key], new[key]], axis=1) for key in pool}
        _, order = tf.math.top_k(merged["scores"], k=self.num_beams)
        return {key: tf.gather(value, order, batch_dims=1) for key, value in merged.items()}

    def _row_done(self, alive_log_probs, pool):
        """Rows whose best alive beam cannot beat the worst pool entry (an empty one counts as `-inf`)."""
        best_alive = tf.reduce_max(alive_log_probs, axis=1)
        bound = best_alive / length_penalty_factor(self.max_lengths, self.alpha)
        return bound <= tf.reduce_min(pool["scores"], axis=1)


def _best(pool, num_return):
    """The first `num_return` pool entries, empty ones cleared."""
    best = {key: value[:, :num_return] for key, value in pool.items()}
    empty = tf.equal(best["scores"], EMPTY)
    best["tokens"] = tf.where(empty[:, :, None], 0, best["tokens"])
    best["log_probs"] = tf.where(empty, EMPTY, best["log_probs"])
    best["finished"] = best["finished"] & ~empty
    best["lengths"] = tf.where(empty, 0, best["lengths"])
    return best
