"""Python API of `seqkit music`: learn from MIDI/MusicXML, generate new music, evaluate, export.

`fit` runs the shared recipe (`seqkit.application.recipe`) with the music declaration
(`seqkit.apps.music.application`); `load` returns a `MusicModel`.

Example:

>>> from seqkit.apps import music
>>> run = music.fit(out="runs/music", preset="tiny", max_pieces=20)          # doctest: +SKIP
>>> composer = music.load("runs/music")                                      # doctest: +SKIP
>>> pieces = composer.generate(num_samples=2, length=64, seed=1)             # doctest: +SKIP
>>> composer.write(pieces, "song.mid")                                       # doctest: +SKIP
[PosixPath('song-1.mid'), PosixPath('song-1.png'), PosixPath('song-2.mid'), PosixPath('song-2.png')]
"""

from seqkit.application import FitResult
from seqkit.apps.music.application import APPLICATION, EMBEDDED

APP = APPLICATION.name
fit = APPLICATION.api_fit(doc="Train a music language model and write a run directory; returns a `FitResult`.")
load = APPLICATION.load

__all__ = ["APP", "EMBEDDED", "FitResult", "fit", "load"]
