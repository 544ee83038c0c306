"""Task builders: Functional Keras models by architecture family.

Each builder takes flat keyword arguments with Keras names and returns a
`keras.Model` made only of registered layers, so `.keras` files load without
`custom_objects`. Presets are plain dicts of those arguments. Beside each
builder live the helpers its users need: the matching loss, decoding, and
inference models that share the trained weights.

>>> from seqkit.tasks import sequence_tagger
>>> sequence_tagger(100, 5, embedding_dim=8, units=4).output.shape
(None, None, 5)
"""

from seqkit.tasks.character_encoder import CharacterEncoder
from seqkit.tasks.ctc_recognizer import CTC_RECOGNIZER_PRESETS, ctc_decode, ctc_loss, ctc_recognizer
from seqkit.tasks.cumulative_logits import CumulativeLogits, ordinal_loss, ordinal_probabilities
from seqkit.tasks.frame_backbone import BACKBONE_NAMES, frame_backbone
from seqkit.tasks.language_model import LANGUAGE_MODEL_PRESETS, language_model, language_model_loss, language_model_step
from seqkit.tasks.seq2seq import (
    SEQ2SEQ_PRESETS,
    LabelSmoothedCrossentropy,
    seq2seq,
    seq2seq_attention_weights,
    seq2seq_decoder_step,
    seq2seq_encoder,
    seq2seq_loss,
)
from seqkit.tasks.sequence_classifier import (
    SEQUENCE_CLASSIFIER_PRESETS,
    class_probabilities,
    classifier_head,
    classifier_loss,
    sequence_classifier,
)
from seqkit.tasks.sequence_tagger import (
    SEQUENCE_TAGGER_PRESETS,
    decode_tags,
    sequence_tagger,
    tagger_loss,
    tagger_tag_f1,
)
from seqkit.tasks.video_classifier import VIDEO_CLASSIFIER_PRESETS, frame_accuracy, video_classifier

__all__ = [
    "BACKBONE_NAMES",
    "CTC_RECOGNIZER_PRESETS",
    "CharacterEncoder",
    "CumulativeLogits",
    "LANGUAGE_MODEL_PRESETS",
    "LabelSmoothedCrossentropy",
    "SEQ2SEQ_PRESETS",
    "SEQUENCE_CLASSIFIER_PRESETS",
    "SEQUENCE_TAGGER_PRESETS",
    "VIDEO_CLASSIFIER_PRESETS",
    "class_probabilities",
    "classifier_head",
    "classifier_loss",
    "ctc_decode",
    "ctc_loss",
    "ctc_recognizer",
    "decode_tags",
    "frame_accuracy",
    "frame_backbone",
    "language_model",
    "language_model_loss",
    "language_model_step",
    "ordinal_loss",
    "ordinal_probabilities",
    "seq2seq",
    "seq2seq_attention_weights",
    "seq2seq_decoder_step",
    "seq2seq_encoder",
    "seq2seq_loss",
    "sequence_classifier",
    "sequence_tagger",
    "tagger_loss",
    "tagger_tag_f1",
    "video_classifier",
]
