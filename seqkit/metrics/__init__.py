"""Evaluation metrics for sequence models.

>>> from seqkit.metrics import entity_scores
>>> entity_scores([["B-PER", "O"]], [["B-PER", "O"]])["f1"]
1.0
"""

from seqkit.metrics.entities import entity_scores

__all__ = ["entity_scores"]
