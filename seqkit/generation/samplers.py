"""Choosing and seeding keras-hub samplers."""

from keras import ops

SAMPLER_NAMES = ("greedy", "random", "top_k", "top_p", "beam")


def get_sampler(identifier="greedy", **kwargs):
    """Returns a keras-hub sampler from a lowercase name and its arguments.

    Args:
        identifier: `"greedy"`, `"random"`, `"top_k"`, `"top_p"` or `"beam"`,
            or a sampler instance (returned as is).
        **kwargs: the sampler's constructor arguments, such as
            `temperature`, `k`, `p`, `num_beams` or `seed`.

    Returns:
        A `keras_hub.samplers.Sampler`.

    Example:

    >>> sampler = get_sampler("top_k", k=3, temperature=0.7)
    >>> type(sampler).__name__, sampler.k, sampler.temperature
    ('TopKSampler', 3, 0.7)
    """
    import keras_hub

    if isinstance(identifier, keras_hub.samplers.Sampler):
        if kwargs:
            raise ValueError(
                "Sampler arguments can only be given with a sampler name. "
                f"Received: identifier={identifier!r}, kwargs={kwargs}"
            )
        return identifier
    if identifier not in SAMPLER_NAMES:
        names = ", ".join(repr(name) for name in SAMPLER_NAMES)
        raise ValueError(f"`sampler` must be one of {names} or a sampler instance. Received: sampler={identifier!r}")
    return keras_hub.samplers.get({"class_name": identifier, "config": kwargs})


def sampling_settings(temperature, top_k=None, top_p=None):
    """`(sampler name, arguments)` for sampling at `temperature` (0: greedy) among the `top_k` most likely ids
    or the nucleus of mass `top_p` (with `top_k` as well, if given), as the apps' `--temperature`, `--top-k`
    and `--top-p` options mean them.

    Example:

    >>> sampling_settings(0.8, top_k=5)
    ('top_k', {'k': 5, 'temperature': 0.8})
    >>> sampling_settings(0)
    ('greedy', {})
    """
    if temperature == 0:
        return "greedy", {}
    if top_p is not None:
        return "top_p", {"p": top_p, "k": top_k, "temperature": temperature}
    if top_k is not None:
        return "top_k", {"k": top_k, "temperature": temperature}
    return "random", {"temperature": temperature}


def reseed(sampler, seed):
    """Restarts every random stream of `sampler` from `seed`.

    Sampling after `reseed(sampler, s)` draws the same numbers each time,
    without rebuilding the sampler (so compiled loops are not re-traced).

    Args:
        sampler: a `keras_hub.samplers.Sampler`.
        seed: int.

    Example:

    >>> sampler = get_sampler("random")
    >>> reseed(sampler, 7)
    """
    for variable in sampler.variables:
        variable.assign(ops.cast(ops.convert_to_tensor([seed, 0]), variable.dtype))
