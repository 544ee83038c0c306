import numpy as np
import pytest
from builder_checks import assert_save_load_identical, assert_training_step_changes_all_weights

from seqkit.tasks import (
    SEQUENCE_CLASSIFIER_PRESETS,
    CumulativeLogits,
    class_probabilities,
    classifier_loss,
    ordinal_loss,
    ordinal_probabilities,
    sequence_classifier,
)

TOKENS = np.array([[4, 9, 2, 0], [3, 1, 5, 6], [7, 0, 0, 0]], "int32")
LABELS = np.array([0, 3, 1], "int32")


def _tiny(head="softmax", num_classes=4, **kwargs):
    return sequence_classifier(20, num_classes, embedding_dim=4, units=3, head=head, **kwargs)


@pytest.mark.parametrize("pooling", ["last", "mean", "max"])
def test_outputs_ignore_padding(pooling):
    model = _tiny(pooling=pooling, bidirectional=True)
    padded = np.asarray(model({"token_ids": TOKENS}))
    assert padded.shape == (3, 4)
    alone = np.asarray(model({"token_ids": TOKENS[:1, :3]}))
    np.testing.assert_allclose(alone[0], padded[0], atol=1e-6)


def test_features_only_classifier_ignores_all_zero_steps():
    model = sequence_classifier(None, 2, feature_dim=3, units=3, pooling="mean")
    features = np.random.default_rng(0).normal(size=(1, 4, 3)).astype("float32")
    features[:, 2:] = 0.0
    padded = np.asarray(model({"features": features}))
    alone = np.asarray(model({"features": features[:, :2]}))
    np.testing.assert_allclose(alone, padded, atol=1e-6)


def test_softmax_probabilities_and_loss_by_hand():
    model = _tiny(num_classes=3)
    logits = np.array([[1.0, 2.0, 0.5]], "float32")
    expected = np.exp(logits) / np.exp(logits).sum()
    np.testing.assert_allclose(class_probabilities(model, logits), expected, rtol=1e-6)
    loss = float(classifier_loss(model)(np.array([1]), logits))
    assert loss == pytest.approx(-np.log(expected[0, 1]), rel=1e-5)


def test_ordinal_thresholds_stay_ordered_and_probabilities_sum_to_one():
    layer = CumulativeLogits(4)
    layer.build((None, 1))
    layer.threshold_gaps.assign(np.array([-3.0, 2.0], "float32"))
    thresholds = np.asarray(layer.thresholds())
    assert np.all(np.diff(thresholds) > 0)
    logits = np.asarray(layer(np.array([[0.2], [-4.0], [5.0]], "float32")))
    np.testing.assert_allclose(logits, np.array([[0.2], [-4.0], [5.0]]) - thresholds)
    probabilities = np.asarray(ordinal_probabilities(logits))
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-6)
    assert probabilities.min() >= 0.0
    above = 1 / (1 + np.exp(-logits))
    np.testing.assert_allclose(probabilities[:, 1], above[:, 0] - above[:, 1], atol=1e-6)
    # The most likely class rises with the score.
    assert probabilities.argmax(axis=1).tolist() == [2, 0, 3]


def test_ordinal_loss_by_hand():
    logits = np.array([[0.5, -1.0, -2.0]], "float32")
    # y = 2: events y > 0 and y > 1 are true, y > 2 is false.
    sigmoid = 1 / (1 + np.exp(-logits[0]))
    expected = -(np.log(sigmoid[0]) + np.log(sigmoid[1]) + np.log(1 - sigmoid[2])) / 3
    assert float(ordinal_loss(np.array([2]), logits)[0]) == pytest.approx(expected, rel=1e-5)


def test_regression_head_has_no_class_probabilities():
    model = _tiny(head="regression", num_classes=1)
    assert model.output.shape == (None, 1)
    with pytest.raises(ValueError, match="softmax or ordinal head"):
        class_probabilities(model, np.zeros((1, 1), "float32"))


@pytest.mark.parametrize("ngram_buckets", [None, 16])
@pytest.mark.parametrize("head", ["softmax", "ordinal", "regression"])
def test_save_load_and_one_training_step(head, ngram_buckets, tmp_path):
    num_classes = 1 if head == "regression" else 4
    model = _tiny(
        head, num_classes, feature_dim=2, bidirectional=True, pooling="max", dropout=0.1, ngram_buckets=ngram_buckets
    )
    inputs = {
        "token_ids": TOKENS,
        "features": np.random.default_rng(1).normal(size=(3, 4, 2)).astype("float32"),
    }
    assert_save_load_identical(model, inputs, tmp_path)
    labels = LABELS.astype("float32")[:, None] if head == "regression" else LABELS
    assert_training_step_changes_all_weights(model, classifier_loss(model), inputs, labels)


@pytest.mark.parametrize("head", ["softmax", "ordinal", "regression"])
def test_ngram_bag_scores_are_added_to_the_logits(head):
    num_classes = 1 if head == "regression" else 4
    model = _tiny(head, num_classes, ngram_buckets=16)
    bag = model.get_layer("ngram_bag")
    assert bag.output_dim == (1 if head == "ordinal" else num_classes)
    without = np.asarray(model({"token_ids": TOKENS}))  # the bag starts at zero
    rng = np.random.default_rng(0)
    for weight in bag.weights:
        weight.assign(rng.normal(size=weight.shape).astype("float32"))
    with_bag = np.asarray(model({"token_ids": TOKENS}))
    # Ordinal: the bag shifts the score, so every cumulative logit moves by the same amount.
    np.testing.assert_allclose(with_bag - without, np.broadcast_to(np.asarray(bag(TOKENS)), without.shape), atol=1e-5)


def test_preset_builds():
    model = sequence_classifier(30, 3, **SEQUENCE_CLASSIFIER_PRESETS["tiny"])
    assert model.output.shape == (None, 3)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"num_classes": None}, "`num_classes` must be a positive integer"),
        ({"pooling": "self-attention"}, "`pooling` must be one of"),
        ({"num_classes": 1}, "`num_classes` must be at least 2"),
        ({"vocabulary_size": None}, "At least one of"),
        ({"ngram_buckets": -1}, "`ngram_buckets` must be None or an integer >= 0. Received: ngram_buckets=-1"),
        ({"vocabulary_size": None, "feature_dim": 2, "ngram_buckets": 8}, "`ngram_buckets` needs token ids"),
    ],
)
def test_argument_errors(kwargs, message):
    config = {"vocabulary_size": 20, "num_classes": 3, **kwargs}
    with pytest.raises(ValueError, match=message):
        sequence_classifier(**config)
