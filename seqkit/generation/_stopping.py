"""Pieces shared by the generators: sampler checks and stop-token padding."""

from keras import ops

from seqkit.generation.samplers import get_sampler

# Token id 0 pads every sequence in seqkit (masks are `ids != 0`).
PADDING_ID = 0


def single_sequence_sampler(owner, sampler, sampler_kwargs):
    """`get_sampler(sampler, **sampler_kwargs)`, refusing all-beam output."""
    sampler = get_sampler(sampler, **sampler_kwargs)
    if getattr(sampler, "return_all_beams", False):
        raise ValueError(f"{owner} returns one sequence per input. Received: a beam sampler with return_all_beams=True")
    return sampler


def stop_ids(stop_token_ids):
    """A tuple of ints, or `None`."""
    return None if stop_token_ids is None else tuple(int(t) for t in stop_token_ids)


def pad_after_stop(tokens, given_mask, stop_token_ids, padding_id):
    """Replaces every token after a row's first generated stop token.

    Args:
        tokens: int tensor `(batch, length)`.
        given_mask: bool tensor `(batch, length)`, `True` where tokens were
            given (primer) rather than generated; stop ids there don't count.
        stop_token_ids: tuple of ints or `None` (then `tokens` is returned).
        padding_id: int written after the stop token.
    """
    if stop_token_ids is None:
        return tokens
    is_stop = ops.zeros_like(tokens, dtype="bool")
    for token_id in stop_token_ids:
        is_stop = ops.logical_or(is_stop, ops.equal(tokens, token_id))
    is_stop = ops.cast(ops.logical_and(is_stop, ops.logical_not(given_mask)), "int32")
    stops_before = ops.cumsum(is_stop, axis=1) - is_stop
    return ops.where(stops_before > 0, padding_id, tokens)
