"""`seqkit translate`: machine translation with an attention encoder-decoder (T_x != T_y).

Python API: `seqkit.apps.translate.fit(...)` trains and writes a run directory; `seqkit.apps.translate.load(path)`
returns a `Translator` with `translate`, `predict`, `evaluate`, `plot_attention` and `export`.
"""

from seqkit.apps.translate.api import FitResult, fit, load

__all__ = ["FitResult", "fit", "load"]
