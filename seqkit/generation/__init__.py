"""Sampling from and scoring recurrent language models.

Generation runs as one compiled loop that carries the recurrent state, with
keras-hub samplers (greedy, random, top-k, top-p, beam) choosing the tokens.

>>> from seqkit.generation import SAMPLER_NAMES
>>> SAMPLER_NAMES
('greedy', 'random', 'top_k', 'top_p', 'beam')
"""

from seqkit.generation.generator import SequenceGenerator
from seqkit.generation.samplers import SAMPLER_NAMES
from seqkit.generation.samplers import get_sampler
from seqkit.generation.samplers import reseed
from seqkit.generation.scoring import score
