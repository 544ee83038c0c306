"""`seqkit music`: learn from MIDI and MusicXML, generate new music (one-to-many, language model).

Python API: `seqkit.apps.music.fit(...)` trains and writes a run directory (default data: the Bach chorales
of music21's corpus); `seqkit.apps.music.load(path)` returns a `MusicModel` with `generate`, `write`,
`predict` (score files), `evaluate` and `export`.
"""

from seqkit.apps.music.api import FitResult, fit, load

__all__ = ["FitResult", "fit", "load"]
