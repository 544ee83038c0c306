"""`seqkit dna`: per-base tagging of DNA (T_x = T_y) and classification of DNA sequences (many-to-one).

Python API: `seqkit.apps.dna.fit(...)` trains and writes a run directory; `seqkit.apps.dna.load(path)` returns a
`DnaModel` with `predict`, `predict_fasta`, `evaluate` and `export`.
"""

from seqkit.apps.dna.api import FitResult, fit, load

__all__ = ["FitResult", "fit", "load"]
