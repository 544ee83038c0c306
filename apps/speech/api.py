"""Python API of `seqkit speech`: train, load, transcribe audio, evaluate WER/CER, export.

`fit` runs the shared recipe (`seqkit.application.recipe`) with the speech declaration
(`seqkit.apps.speech.application`); `load` returns a `SpeechModel`.

Example:

>>> from seqkit.apps import speech
>>> run = speech.fit(data="yesno/train/manifest.csv", out="runs/yesno")     # doctest: +SKIP
>>> speech.load("runs/yesno").predict(["0_1_1_0.wav"])[0]["transcript"]      # doctest: +SKIP
'no yes yes no'
"""

from seqkit.application import FitResult
from seqkit.apps.speech.application import APPLICATION

APP = APPLICATION.name
fit = APPLICATION.api_fit(doc="Train a CTC speech recognizer and write a run directory; returns a `FitResult`.")
load = APPLICATION.load

__all__ = ["APP", "FitResult", "fit", "load"]
