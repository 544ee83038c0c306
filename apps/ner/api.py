"""Python API of `seqkit ner`: train, load, tag raw text, evaluate, export.

`fit` runs the shared recipe (`seqkit.application.recipe`) with the NER declaration
(`seqkit.apps.ner.application`); `load` returns an `NerModel`.

Example:

>>> from seqkit.apps import ner
>>> run = ner.fit(out="runs/ner", preset="tiny")             # doctest: +SKIP
>>> tagger = ner.load("runs/ner")                             # doctest: +SKIP
>>> tagger.predict(["Angela Merkel visited Paris."])[0]["entities"]   # doctest: +SKIP
[{'text': 'Angela Merkel', 'type': 'PER', 'start': 0, 'end': 13}, {'text': 'Paris', 'type': 'LOC', ...}]
"""

from seqkit.application import FitResult
from seqkit.apps.ner.application import APPLICATION

APP = APPLICATION.name
fit = APPLICATION.api_fit(doc="Train a tagger and write a run directory; returns a `FitResult`.")
load = APPLICATION.load

__all__ = ["APP", "FitResult", "fit", "load"]
