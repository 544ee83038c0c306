"""Argument checks shared by the task builders.

Every check raises `ValueError` with the house message form, e.g.
"`units` must be a positive integer. Received: units=0".
"""

import numbers


def positive_int(name, value, allow_none=False):
    """Returns `value` if it is a positive integer (or `None` when allowed)."""
    if value is None and allow_none:
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value!r}")
    return int(value)


def rate(name, value):
    """Returns `value` if it is a float in [0, 1)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0.0 <= value < 1.0:
        raise ValueError(f"`{name}` must be a float in [0, 1). Received: {name}={value!r}")
    return float(value)


def choice(name, value, allowed):
    """Returns `value` if it is one of `allowed`."""
    if value not in allowed:
        options = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"`{name}` must be one of {options}. Received: {name}={value!r}")
    return value
