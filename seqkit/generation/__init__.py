"""Sampling from and scoring recurrent language models.

Generation runs as one compiled loop that carries the recurrent state, with
keras-hub samplers (greedy, random, top-k, top-p, beam) choosing the tokens;
`forbidden_ids` (e.g. `forbidden_special_ids(vocabulary)`) are never chosen.
`Seq2SeqGenerator(..., "beam")` runs seqkit's own beam search instead,
`seqkit.generation.beam_search.beam_search` (finished hypotheses pooled,
GNMT length penalty, per-row maximum lengths, n-best lists).

>>> from seqkit.generation import SAMPLER_NAMES
>>> SAMPLER_NAMES
('greedy', 'random', 'top_k', 'top_p', 'beam')
"""

from seqkit.generation.forbidden import forbidden_special_ids
from seqkit.generation.generator import SequenceGenerator
from seqkit.generation.samplers import SAMPLER_NAMES, get_sampler, reseed
from seqkit.generation.scoring import score
from seqkit.generation.seq2seq_generator import Seq2SeqGenerator

__all__ = [
    "SAMPLER_NAMES",
    "Seq2SeqGenerator",
    "SequenceGenerator",
    "forbidden_special_ids",
    "get_sampler",
    "reseed",
    "score",
]
