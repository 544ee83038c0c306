import numpy as np
import pytest

from seqkit.metrics.classification import (
    average_precision,
    classification_scores,
    format_classification_scores,
    matthews_correlation,
    roc_auc,
)


# === Independent brute-force references ===
def brute_roc_auc(positive, scores):
    """The share of (positive, negative) pairs ranked right, ties counting one half: every pair compared."""
    positive = np.asarray(positive, dtype=bool)
    pos, neg = scores[positive], scores[~positive]
    if len(pos) == 0 or len(neg) == 0:
        return None
    diff = pos[:, None] - neg[None, :]
    return float(((diff > 0) + 0.5 * (diff == 0)).mean())


def brute_average_precision(positive, scores):
    """Precision at each distinct threshold (highest first) times the recall it adds, one threshold at a time."""
    positive = np.asarray(positive, dtype=bool)
    if not positive.any():
        return None
    total, previous_recall = 0.0, 0.0
    for threshold in sorted(set(scores.tolist()), reverse=True):
        chosen = scores >= threshold
        recall = (chosen & positive).sum() / positive.sum()
        total += (recall - previous_recall) * (chosen & positive).sum() / chosen.sum()
        previous_recall = recall
    return total


def brute_mcc(true_ids, predicted_ids, num_classes):
    """Gorodkin's R_K as the correlation of the one-hot gold and predicted matrices."""
    x = np.eye(num_classes)[true_ids]
    y = np.eye(num_classes)[predicted_ids]
    x, y = x - x.mean(axis=0), y - y.mean(axis=0)
    denominator = np.sqrt((x * x).sum() * (y * y).sum())
    return 0.0 if denominator == 0 else float((x * y).sum() / denominator)


def tied_probabilities(rng, n, num_classes):
    """Rows that sum to one, built from small integers so that every column has many ties."""
    counts = rng.integers(0, 4, size=(n, num_classes)).astype(np.float64) + 0.0
    counts[counts.sum(axis=1) == 0, 0] = 1.0
    return counts / counts.sum(axis=1, keepdims=True)


# === Hand-computed cases ===
def test_binary_scores_match_a_hand_computed_example():
    # p(pos) = 0.1 0.4 0.7 | 0.7 0.9 for gold neg neg neg | pos pos: predictions neg neg pos pos pos.
    p = np.array([0.1, 0.4, 0.7, 0.7, 0.9])
    scores = classification_scores([0, 0, 0, 1, 1], np.stack([1 - p, p], axis=1), labels=["neg", "pos"])
    assert scores["confusion"] == [[2, 1], [0, 2]]
    assert scores["count"] == 5 and scores["accuracy"] == pytest.approx(0.8)
    # TP 2, TN 2, FP 1, FN 0: (2 * 2 - 1 * 0) / sqrt(3 * 2 * 3 * 2)
    assert scores["mcc"] == pytest.approx(4 / 6)
    # Positive 0.7 beats 0.1 and 0.4 and ties 0.7; positive 0.9 beats all three: 5.5 of 6 pairs.
    assert scores["roc_auc"] == pytest.approx(5.5 / 6)
    # Thresholds 0.9 (P 1, R 1/2) and 0.7 (P 2/3, R 1): AP = 1/2 * 1 + 1/2 * 2/3.
    assert scores["pr_auc"] == pytest.approx(0.5 + 1 / 3)
    neg, pos = scores["per_class"]["neg"], scores["per_class"]["pos"]
    assert pos["roc_auc"] == scores["roc_auc"] and pos["pr_auc"] == scores["pr_auc"]
    assert neg["roc_auc"] == pytest.approx(5.5 / 6)  # 1 - p: the same ranking, reversed
    assert neg["pr_auc"] == pytest.approx((1 + 1 + 0.75) / 3)  # thresholds 0.9, 0.6, 0.3 (a tie with a neg)
    assert neg["precision"] == 1.0 and neg["recall"] == pytest.approx(2 / 3) and neg["f1"] == pytest.approx(0.8)
    assert pos["precision"] == pytest.approx(2 / 3) and pos["recall"] == 1.0 and pos["support"] == 2
    assert scores["macro_f1"] == pytest.approx(0.8) and scores["weighted_f1"] == pytest.approx(0.8)
    assert scores["labels"] == ["neg", "pos"]


def test_a_class_absent_from_gold_has_no_areas_and_is_left_out_of_the_mean():
    probabilities = [[0.6, 0.3, 0.1], [0.2, 0.7, 0.1], [0.5, 0.1, 0.4], [0.1, 0.2, 0.7]]
    scores = classification_scores([0, 1, 0, 1], probabilities, labels=["a", "b", "c"])
    assert scores["per_class"]["c"]["roc_auc"] is None and scores["per_class"]["c"]["pr_auc"] is None
    assert scores["per_class"]["c"]["support"] == 0
    a, b = scores["per_class"]["a"], scores["per_class"]["b"]
    assert a["roc_auc"] == 1.0 and b["roc_auc"] == 0.75  # b: 0.7 and 0.2 against 0.3 and 0.1: 3 of 4 pairs
    assert a["pr_auc"] == 1.0 and b["pr_auc"] == pytest.approx(0.5 * 1 + 0.5 * 2 / 3)  # b: 0.7 (P 1), 0.2 (P 2/3)
    assert scores["roc_auc"] == pytest.approx(0.875)
    assert scores["pr_auc"] == pytest.approx((1 + 0.5 + 1 / 3) / 2)
    # The 4th example is predicted "c": an F1 of 0 for c, counted in the macro mean (it was predicted).
    assert scores["confusion"] == [[2, 0, 0], [0, 1, 1], [0, 0, 0]]
    assert scores["macro_f1"] == pytest.approx((1.0 + 2 / 3 + 0.0) / 3)


def test_a_class_that_is_all_of_the_gold_has_a_pr_auc_but_no_roc_auc():
    scores = classification_scores([1, 1, 1], [[0.2, 0.8], [0.6, 0.4], [0.5, 0.5]], labels=["x", "y"])
    assert scores["roc_auc"] is None and scores["pr_auc"] == 1.0
    assert scores["per_class"]["x"]["roc_auc"] is None and scores["per_class"]["x"]["pr_auc"] is None
    assert scores["mcc"] == 0.0  # undefined: all gold in one class
    assert scores["accuracy"] == pytest.approx(1 / 3)  # argmax takes the first class, x, on the 0.5 tie


def test_area_helpers_on_small_cases():
    assert roc_auc([1, 0, 1, 0], [0.9, 0.5, 0.5, 0.1]) == pytest.approx(0.875)
    assert roc_auc([1, 1, 0, 0], [0.3, 0.3, 0.3, 0.3]) == 0.5
    assert roc_auc([0, 0], [0.1, 0.2]) is None and roc_auc([1], [0.1]) is None
    assert average_precision([1, 0, 1, 0], [0.9, 0.8, 0.5, 0.1]) == pytest.approx((1 + 2 / 3) / 2)
    assert average_precision([1, 1, 0, 0], [0.3, 0.3, 0.3, 0.3]) == 0.5  # one threshold: P 1/2, R 1
    assert average_precision([0, 0], [0.1, 0.2]) is None


def test_multiclass_mcc_matches_the_one_hot_correlation():
    rng = np.random.default_rng(3)
    for _ in range(20):
        gold, predicted = rng.integers(0, 4, 60), rng.integers(0, 4, 60)
        matrix = np.zeros((4, 4))
        np.add.at(matrix, (gold, predicted), 1)
        assert matthews_correlation(matrix) == pytest.approx(brute_mcc(gold, predicted, 4), abs=1e-12)
    assert matthews_correlation([[3, 0], [0, 0]]) == 0.0
    assert matthews_correlation([[2, 0, 0], [0, 3, 0], [0, 0, 1]]) == pytest.approx(1.0)


@pytest.mark.parametrize("num_classes", [2, 3, 5])
def test_random_inputs_with_ties_match_the_brute_force_references(num_classes):
    rng = np.random.default_rng(num_classes)
    for _ in range(5):
        gold = rng.integers(0, num_classes, 80)
        probabilities = tied_probabilities(rng, 80, num_classes)
        scores = classification_scores(gold, probabilities, labels=[f"c{k}" for k in range(num_classes)])
        roc, pr = [], []
        for k in range(num_classes):
            row = scores["per_class"][f"c{k}"]
            expected_roc = brute_roc_auc(gold == k, probabilities[:, k])
            expected_pr = brute_average_precision(gold == k, probabilities[:, k])
            assert row["roc_auc"] == pytest.approx(expected_roc, abs=1e-12)
            assert row["pr_auc"] == pytest.approx(expected_pr, abs=1e-12)
            roc.append(expected_roc)
            pr.append(expected_pr)
        if num_classes == 2:
            assert scores["roc_auc"] == pytest.approx(roc[1]) and scores["pr_auc"] == pytest.approx(pr[1])
        else:
            assert scores["roc_auc"] == pytest.approx(np.mean(roc)) and scores["pr_auc"] == pytest.approx(np.mean(pr))
        predicted = probabilities.argmax(axis=1)
        assert scores["accuracy"] == pytest.approx((gold == predicted).mean())
        assert scores["mcc"] == pytest.approx(brute_mcc(gold, predicted, num_classes), abs=1e-12)


@pytest.mark.parametrize("num_classes", [2, 4])
def test_random_inputs_with_ties_match_scikit_learn(num_classes):
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(10 + num_classes)
    for _ in range(5):
        gold = rng.integers(0, num_classes, 120)
        probabilities = tied_probabilities(rng, 120, num_classes)
        scores = classification_scores(gold, probabilities, labels=[str(k) for k in range(num_classes)])
        predicted = probabilities.argmax(axis=1)
        assert scores["confusion"] == metrics.confusion_matrix(gold, predicted, labels=range(num_classes)).tolist()
        assert scores["mcc"] == pytest.approx(metrics.matthews_corrcoef(gold, predicted), abs=1e-12)
        assert scores["macro_f1"] == pytest.approx(metrics.f1_score(gold, predicted, average="macro"))
        assert scores["weighted_f1"] == pytest.approx(metrics.f1_score(gold, predicted, average="weighted"))
        for k in range(num_classes):
            row = scores["per_class"][str(k)]
            assert row["roc_auc"] == pytest.approx(metrics.roc_auc_score(gold == k, probabilities[:, k]))
            assert row["pr_auc"] == pytest.approx(metrics.average_precision_score(gold == k, probabilities[:, k]))
        if num_classes == 2:
            assert scores["roc_auc"] == pytest.approx(metrics.roc_auc_score(gold, probabilities[:, 1]))
            assert scores["pr_auc"] == pytest.approx(metrics.average_precision_score(gold, probabilities[:, 1]))
        else:
            expected = metrics.roc_auc_score(gold, probabilities, multi_class="ovr", average="macro")
            assert scores["roc_auc"] == pytest.approx(expected)
            one_hot = np.eye(num_classes)[gold]
            assert scores["pr_auc"] == pytest.approx(
                metrics.average_precision_score(one_hot, probabilities, average="macro")
            )


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match=r"`probabilities` must have shape \(N, 2\)"):
        classification_scores([0, 1], [[0.5, 0.5, 0.0], [0.1, 0.9, 0.0]], labels=["a", "b"])
    with pytest.raises(ValueError, match="same number of examples"):
        classification_scores([0, 1, 1], [[0.5, 0.5], [0.1, 0.9]], labels=["a", "b"])
    with pytest.raises(ValueError, match="at least two classes"):
        classification_scores([0], [[1.0]], labels=["a"])
    with pytest.raises(ValueError, match="must be finite"):
        classification_scores([0, 1], [[np.nan, 0.5], [0.1, 0.9]], labels=["a", "b"])
    with pytest.raises(ValueError, match=r"`true_ids` must lie in \[0, 2\)"):
        classification_scores([0, 2], [[0.5, 0.5], [0.1, 0.9]], labels=["a", "b"])
    with pytest.raises(ValueError, match="must not be empty"):
        classification_scores([], np.zeros((0, 2)), labels=["a", "b"])


def test_report_lists_the_summary_per_class_areas_and_confusion():
    probabilities = [[0.6, 0.3, 0.1], [0.2, 0.7, 0.1], [0.5, 0.1, 0.4], [0.1, 0.2, 0.7]]
    scores = classification_scores([0, 1, 0, 1], probabilities, labels=["a", "b", "c"])
    lines = format_classification_scores(scores).splitlines()
    assert lines[0] == "4 examples: accuracy 0.7500, macro-F1 0.5556, MCC 0.6708, ROC-AUC 0.8750, PR-AUC 0.9167"
    assert lines[2].split() == ["label", "precision", "recall", "f1", "support", "roc_auc", "pr_auc"]
    assert lines[5].split() == ["c", "0.0000", "0.0000", "0.0000", "0", "-", "-"]
    assert lines[7] == "confusion (rows: true, columns: predicted)"
    assert lines[-1].split() == ["c", "0", "0", "0"]
