"""Recurrent layers: stacks of cells, CRF, attention, an input-feeding
attention decoder, masked and attention pooling and bag-of-n-grams scores.

Importing this package registers every layer with Keras (package "seqkit"),
so `.keras` files that use them load without `custom_objects`.
"""

from seqkit.layers.attention import BahdanauAttention, LuongAttention
from seqkit.layers.attention_pooling import AttentionPooling
from seqkit.layers.audio_features import LogMelSpectrogram, SpecAugment
from seqkit.layers.base_one_hot import BaseOneHot
from seqkit.layers.crf import CRF
from seqkit.layers.frame_encoder import FrameEncoder
from seqkit.layers.frame_preprocessing import FramePreprocessing
from seqkit.layers.input_feeding import InputFeedingDecoder
from seqkit.layers.masked_pooling import MaskedPooling
from seqkit.layers.ngram_bag import NGramBag
from seqkit.layers.recurrent_stack import RecurrentStack
from seqkit.layers.rnn import RNN

__all__ = [
    "AttentionPooling",
    "BahdanauAttention",
    "BaseOneHot",
    "CRF",
    "FrameEncoder",
    "FramePreprocessing",
    "InputFeedingDecoder",
    "LogMelSpectrogram",
    "LuongAttention",
    "MaskedPooling",
    "NGramBag",
    "RNN",
    "RecurrentStack",
    "SpecAugment",
]
