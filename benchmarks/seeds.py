"""Shared by the benchmarks that train once per `--seeds`: mean ± sample standard deviation, and how to print it.

The scripts are run as `python benchmarks/x.py`, so this folder is on `sys.path` and they `from seeds import ...`.

>>> mean_std([0.955, 0.961, 0.958])[1] > 0
True
>>> mean_std([0.5])
(0.5, 0.0)
>>> format_mean_std([0.955, 0.961, 0.958])
'0.958 ± 0.003 (0.955, 0.961, 0.958)'
>>> format_mean_std([2.0], digits=2, per_seed=False)
'2.00 ± 0.00'
"""

import statistics


def mean_std(values):
    """`(mean, sample standard deviation)` of `values`; the deviation is 0.0 for a single value.

    A NaN among the values (a score that was undefined for some seed) gives a NaN mean, and a NaN deviation
    when there are several values, rather than an error.
    """
    values = list(values)
    if not values:
        raise ValueError("mean_std needs at least one value.")
    if any(value != value for value in values):  # NaN: `statistics` cannot take it
        nan = float("nan")
        return nan, (nan if len(values) > 1 else 0.0)
    return statistics.mean(values), (statistics.stdev(values) if len(values) > 1 else 0.0)


def format_mean_std(values, digits=3, per_seed=True):
    """`"0.958 ± 0.003 (0.955, 0.961, 0.958)"`: mean ± sample std, then each seed's value in order (unless
    `per_seed=False`)."""
    values = list(values)
    mean, std = mean_std(values)
    text = f"{mean:.{digits}f} ± {std:.{digits}f}"
    if per_seed:
        text += " (" + ", ".join(f"{value:.{digits}f}" for value in values) + ")"
    return text


def seed_summary(values):
    """`{"mean": ..., "std": ..., "values": [...]}` of per-seed values, for a JSON report."""
    values = [float(value) for value in values]
    mean, std = mean_std(values)
    return {"mean": mean, "std": std, "values": values}
