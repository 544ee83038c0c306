"""`seqkit lm`: character- and word-level language models: sample novel sequences, score sentences.

Python API: `seqkit.apps.lm.fit(...)` trains and writes a run directory; `seqkit.apps.lm.load(path)` returns a
`LanguageModel` with `predict` (scores), `compare`, `sample`, `evaluate` and `export`.
"""

from seqkit.apps.lm.api import FitResult, fit, load

__all__ = ["FitResult", "fit", "load"]
