"""Python API of `seqkit lm`: train, load, score sentences, sample novel sequences, evaluate, export.

`fit` runs the shared recipe (`seqkit.application.recipe`) with the language-model declaration
(`seqkit.apps.lm.application`); `load` returns a `LanguageModel`.

Example:

>>> from seqkit.apps import lm
>>> run = lm.fit(out="runs/lm", preset="tiny")                     # doctest: +SKIP
>>> model = lm.load("runs/lm")                                      # doctest: +SKIP
>>> model.sample(num=3, seed=1)                                     # doctest: +SKIP
[{'text': 'Torlina', 'tokens': [...], 'complete': True}, ...]
>>> model.predict(["Aldra"])[0]["log_probability"]                  # doctest: +SKIP
-11.72
"""

from seqkit.application import FitResult
from seqkit.apps.lm.application import APPLICATION

APP = APPLICATION.name
fit = APPLICATION.api_fit(doc="Train a language model and write a run directory; returns a `FitResult`.")
load = APPLICATION.load

__all__ = ["APP", "FitResult", "fit", "load"]
