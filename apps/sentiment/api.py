"""Python API of `seqkit sentiment`: train, load, rate raw reviews, evaluate, export.

`fit` runs the shared recipe (`seqkit.application.recipe`) with the sentiment declaration
(`seqkit.apps.sentiment.application`); `load` returns a `SentimentModel`.

Example:

>>> from seqkit.apps import sentiment
>>> run = sentiment.fit(out="runs/sentiment", preset="tiny")            # doctest: +SKIP
>>> rater = sentiment.load("runs/sentiment")                             # doctest: +SKIP
>>> rater.predict(["Excellent phone, the battery is perfect!"])[0]["rating"]   # doctest: +SKIP
'5'
"""

from seqkit.application import FitResult
from seqkit.apps.sentiment.application import APPLICATION

APP = APPLICATION.name
fit = APPLICATION.api_fit(doc="Train a review classifier and write a run directory; returns a `FitResult`.")
load = APPLICATION.load

__all__ = ["APP", "FitResult", "fit", "load"]
