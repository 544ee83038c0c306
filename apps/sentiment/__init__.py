"""`seqkit sentiment`: review text to a rating (many-to-one classification, T_y = 1).

Python API: `seqkit.apps.sentiment.fit(...)` trains and writes a run directory; `seqkit.apps.sentiment.load(path)`
returns a `SentimentModel` with `predict`, `evaluate` and `export`.
"""

from seqkit.apps.sentiment.api import FitResult, fit, load

__all__ = ["FitResult", "fit", "load"]
