"""Python API of `seqkit dna`: train, load, tag or classify DNA, evaluate, export.

`fit` runs the shared recipe (`seqkit.application.recipe`) with the DNA declaration
(`seqkit.apps.dna.application`); `load` returns a `DnaModel`.

Example:

>>> from seqkit.apps import dna
>>> run = dna.fit(out="runs/dna", preset="tiny")                           # doctest: +SKIP
>>> model = dna.load("runs/dna")                                           # doctest: +SKIP
>>> model.predict(["ATGGCGTAAGGT"])[0]["segments"]                         # doctest: +SKIP
[{'start': 0, 'end': 12, 'class': 'cds', 'score': 0.81}]
>>> model.predict_fasta("genome.fa", "genes.bed")                          # doctest: +SKIP
{'path': 'genes.bed', 'records': 1, 'regions': 4210, 'format': 'bed'}
"""

from seqkit.application import FitResult
from seqkit.apps.dna.application import APPLICATION

APP = APPLICATION.name
fit = APPLICATION.api_fit(doc="Train a DNA tagger or classifier and write a run directory; returns a `FitResult`.")
load = APPLICATION.load

__all__ = ["APP", "FitResult", "fit", "load"]
