"""`seqkit speech`: speech recognition (audio → text, T_y ≪ T_x) with CTC.

Python API: `seqkit.apps.speech.fit(...)` trains and writes a run directory; `seqkit.apps.speech.load(path)`
returns a `SpeechModel` with `predict`, `evaluate` and `export`.
"""

from seqkit.apps.speech.api import FitResult, fit, load

__all__ = ["FitResult", "fit", "load"]
