"""`seqkit ner`: named-entity recognition (many-to-many tagging, T_x = T_y).

Python API: `seqkit.apps.ner.fit(...)` trains and writes a run directory; `seqkit.apps.ner.load(path)`
returns an `NerModel` with `predict`, `evaluate` and `export`.
"""

from seqkit.apps.ner.api import FitResult, fit, load

__all__ = ["FitResult", "fit", "load"]
