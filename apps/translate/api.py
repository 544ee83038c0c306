"""Python API of `seqkit translate`: train, load, translate raw sentences, evaluate, export.

`fit` runs the shared recipe (`seqkit.application.recipe`) with the translation declaration
(`seqkit.apps.translate.application`); `load` returns a `Translator`.

Example:

>>> from seqkit.apps import translate
>>> run = translate.fit(out="runs/translate", preset="tiny")            # doctest: +SKIP
>>> translator = translate.load("runs/translate")                        # doctest: +SKIP
>>> translator.translate(["3 March 2021"])[0]["translation"]              # doctest: +SKIP
'2021-03-03'
"""

from seqkit.application import FitResult
from seqkit.apps.translate.application import APPLICATION

APP = APPLICATION.name
fit = APPLICATION.api_fit(doc="Train an attention encoder-decoder and write a run directory; returns a `FitResult`.")
load = APPLICATION.load

__all__ = ["APP", "FitResult", "fit", "load"]
