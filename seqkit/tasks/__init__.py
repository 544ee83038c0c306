"""Task builders: Functional Keras models by architecture family.

Each builder takes flat keyword arguments with Keras names and returns a
`keras.Model` made only of registered layers, so `.keras` files load without
`custom_objects`. Presets are plain dicts of those arguments.

>>> from seqkit.tasks import sequence_tagger
>>> sequence_tagger(100, 5, embedding_dim=8, units=4).output.shape
(None, None, 5)
"""

from seqkit.tasks.character_encoder import CharacterEncoder
from seqkit.tasks.sequence_tagger import SEQUENCE_TAGGER_PRESETS
from seqkit.tasks.sequence_tagger import decode_tags
from seqkit.tasks.sequence_tagger import sequence_tagger
from seqkit.tasks.sequence_tagger import tagger_loss
from seqkit.tasks.language_model import LANGUAGE_MODEL_PRESETS
from seqkit.tasks.language_model import language_model
from seqkit.tasks.language_model import language_model_loss
from seqkit.tasks.language_model import language_model_step
from seqkit.tasks.cumulative_logits import CumulativeLogits
from seqkit.tasks.cumulative_logits import ordinal_loss
from seqkit.tasks.cumulative_logits import ordinal_probabilities
from seqkit.tasks.sequence_classifier import SEQUENCE_CLASSIFIER_PRESETS
from seqkit.tasks.sequence_classifier import class_probabilities
from seqkit.tasks.sequence_classifier import classifier_head
from seqkit.tasks.sequence_classifier import classifier_loss
from seqkit.tasks.sequence_classifier import sequence_classifier
from seqkit.tasks.seq2seq import SEQ2SEQ_PRESETS
from seqkit.tasks.seq2seq import seq2seq
from seqkit.tasks.seq2seq import seq2seq_attention_weights
from seqkit.tasks.seq2seq import seq2seq_decoder_step
from seqkit.tasks.seq2seq import seq2seq_encoder
from seqkit.tasks.seq2seq import seq2seq_loss
from seqkit.tasks.ctc_recognizer import CTC_RECOGNIZER_PRESETS
from seqkit.tasks.ctc_recognizer import ctc_decode
from seqkit.tasks.ctc_recognizer import ctc_loss
from seqkit.tasks.ctc_recognizer import ctc_recognizer
