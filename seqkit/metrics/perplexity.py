"""Perplexity, bits per token and readable probabilities from summed natural-log probabilities.

Pure Python (no TensorFlow), shared by language-model apps and n-gram baselines.

Example:

>>> import math
>>> perplexity(4 * math.log(0.5), 4)
2.0
>>> bits_per_token(4 * math.log(0.5), 4)
1.0
>>> format_probability(-100.0)
'3.72e-44'
"""

import math

LN2 = math.log(2.0)
LN10 = math.log(10.0)


def _check_count(count):
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError(f"`count` must be a positive integer. Received: count={count!r}")


def perplexity(log_probability, count):
    """`exp(-log_probability / count)`: the perplexity of `count` tokens whose natural-log probabilities sum
    to `log_probability`.

    Args:
        log_probability: float, the sum of natural-log probabilities (at most 0).
        count: int, the number of tokens scored.
    """
    _check_count(count)
    exponent = -float(log_probability) / count
    return math.exp(exponent) if exponent < 700 else math.inf


def bits_per_token(log_probability, count):
    """`-log_probability / (count * ln 2)`: average code length in bits (per character or per word)."""
    _check_count(count)
    return -float(log_probability) / (count * LN2)


def format_probability(log_probability, digits=3):
    """Write `exp(log_probability)` in scientific notation without underflow, e.g. `'1.23e-87'`.

    Args:
        log_probability: float, a natural-log probability (any magnitude).
        digits: int, significant digits of the mantissa.

    Example:

    >>> format_probability(math.log(0.25))
    '2.50e-01'
    >>> format_probability(-5000.0, digits=2)
    '3.4e-2172'
    """
    if isinstance(digits, bool) or not isinstance(digits, int) or digits < 1:
        raise ValueError(f"`digits` must be a positive integer. Received: digits={digits!r}")
    if log_probability == -math.inf:
        return "0"
    log10 = float(log_probability) / LN10
    exponent = math.floor(log10)
    mantissa = 10 ** (log10 - exponent)
    rounded = round(mantissa, digits - 1)
    if rounded >= 10:
        rounded, exponent = rounded / 10, exponent + 1
    sign = "-" if exponent < 0 else "+"
    return f"{rounded:.{digits - 1}f}e{sign}{abs(exponent):02d}"
