"""`token_encoding="bases"` and the motif convolution, shared by the tagger and classifier builders."""

import numpy as np
import pytest
from builder_checks import assert_save_load_identical, assert_training_step_changes_all_weights

from seqkit.data.dna.alphabet import BASE_DISTRIBUTIONS
from seqkit.tasks import classifier_loss, sequence_classifier, sequence_tagger, tagger_loss

# A, C, G, T, N, R, then padding.
CODES = np.array([[1, 2, 3, 4, 5, 6, 0, 0], [4, 4, 3, 1, 2, 2, 2, 1]], "int32")


def test_bases_are_one_hot_with_no_embedding_weights():
    model = sequence_tagger(16, 3, units=4, token_encoding="bases", head="softmax")
    assert not [w for w in model.weights if "embedding" in w.path]
    one_hot = model.get_layer("base_one_hot")(CODES)
    np.testing.assert_allclose(np.asarray(one_hot), BASE_DISTRIBUTIONS[CODES])


@pytest.mark.parametrize("build", ["tagger", "classifier"])
def test_convolution_front_end_ignores_padding_and_round_trips(build, tmp_path):
    if build == "tagger":
        model = sequence_tagger(16, 3, units=4, token_encoding="bases", conv_filters=5, conv_kernel_size=3,
                                head="softmax")
    else:
        model = sequence_classifier(16, 2, units=4, token_encoding="bases", conv_filters=5, conv_kernel_size=3,
                                    pooling="mean", bidirectional=True)
    assert model.get_layer("motif_convolution").kernel.shape == (3, 4, 5)
    padded = np.asarray(model({"token_ids": CODES}))
    alone = np.asarray(model({"token_ids": CODES[:1, :6]}))
    # The convolution's own "same" padding is zeros, as padding bases are: a batch's padding changes nothing.
    np.testing.assert_allclose(alone[0], padded[0][:6] if build == "tagger" else padded[0], atol=1e-5)
    assert_save_load_identical(model, {"token_ids": CODES}, tmp_path)


def test_every_weight_trains_with_the_convolution():
    model = sequence_tagger(16, 3, units=4, token_encoding="bases", conv_filters=4, head="crf")
    labels = np.where(CODES > 0, CODES % 3, -1).astype("int32")
    assert_training_step_changes_all_weights(model, tagger_loss(model), {"token_ids": CODES}, labels)
    classifier = sequence_classifier(16, 2, units=4, token_encoding="bases", conv_filters=4)
    assert_training_step_changes_all_weights(
        classifier, classifier_loss(classifier), {"token_ids": CODES}, np.array([0, 1], "int32")
    )


def test_argument_errors():
    with pytest.raises(ValueError, match="`vocabulary_size` must be 16"):
        sequence_tagger(20, 3, token_encoding="bases")
    with pytest.raises(ValueError, match="token_encoding"):
        sequence_classifier(16, 2, token_encoding="onehot")
    with pytest.raises(ValueError, match="conv_filters"):
        sequence_tagger(16, 3, token_encoding="bases", conv_filters=0)
