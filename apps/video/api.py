"""Python API of `seqkit video`: train, load, recognise activities in video files, evaluate, export.

`fit` runs the shared recipe (`seqkit.application.recipe`) with the video declaration
(`seqkit.apps.video.application`); `load` returns a `VideoModel`. A clip table with a `frame_labels` column
(segments `start,end,label` per clip, `seqkit.data.video.frame_labels`) trains a per-frame model instead, whose
`predict` gives each video's segments.

Example:

>>> from seqkit.apps import video
>>> run = video.fit(data="gestures/", out="runs/gestures")                  # doctest: +SKIP
>>> video.load("runs/gestures").predict(["wave_03.mp4"])[0]["activity"]     # doctest: +SKIP
'wave'
"""

from seqkit.application import FitResult
from seqkit.apps.video.application import APPLICATION

APP = APPLICATION.name
fit = APPLICATION.api_fit(doc="Train a video activity classifier and write a run directory; returns a `FitResult`.")
load = APPLICATION.load

__all__ = ["APP", "FitResult", "fit", "load"]
