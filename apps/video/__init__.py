"""`seqkit video`: activity recognition from video (frames → activity, many-to-one).

Python API: `seqkit.apps.video.fit(...)` trains and writes a run directory; `seqkit.apps.video.load(path)`
returns a `VideoModel` with `predict`, `evaluate` and `export`.
"""

from seqkit.apps.video.api import FitResult, fit, load

__all__ = ["FitResult", "fit", "load"]
