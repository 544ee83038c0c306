import numpy as np
import pytest

from seqkit.metrics.classification_report import format_classification_report, plot_confusion_matrix
from seqkit.metrics.ordinal import confusion_matrix, ordinal_scores


def test_scores_match_a_hand_computed_example():
    # gold 1 1 2 3 3 3, predicted 1 2 2 3 1 3 on a 1-3 scale
    scores = ordinal_scores([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], labels=["1", "2", "3"], values=[1, 2, 3])
    assert scores["confusion"] == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]
    assert scores["accuracy"] == pytest.approx(4 / 6)
    assert scores["mae"] == pytest.approx((1 + 2) / 6)
    assert scores["off_by_one"] == pytest.approx(5 / 6)
    per = scores["per_class"]
    assert per["1"] == pytest.approx({"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2})
    assert per["2"]["precision"] == pytest.approx(0.5) and per["2"]["recall"] == 1.0
    assert per["3"]["f1"] == pytest.approx(0.8)
    assert scores["macro_f1"] == pytest.approx((0.5 + 2 / 3 + 0.8) / 3)
    assert scores["weighted_f1"] == pytest.approx((2 * 0.5 + 2 / 3 + 3 * 0.8) / 6)


def test_mae_uses_label_values_and_macro_f1_skips_absent_classes():
    scores = ordinal_scores([0, 1], [1, 1], labels=["1", "10", "x"], values=[1, 10, 20])
    assert scores["mae"] == pytest.approx(4.5)
    # Class "x" is neither gold nor predicted: left out of the macro average.
    assert scores["macro_f1"] == pytest.approx((0 + 2 / 3) / 2)


def test_confusion_matrix_counts_and_bad_inputs():
    np.testing.assert_array_equal(confusion_matrix([2, 2, 0], [2, 1, 0], 3), [[1, 0, 0], [0, 0, 0], [0, 1, 1]])
    with pytest.raises(ValueError, match="same length"):
        ordinal_scores([0], [0, 1], labels=["a", "b"])
    with pytest.raises(ValueError, match=r"`predicted_ids` must lie in \[0, 2\)"):
        ordinal_scores([0], [2], labels=["a", "b"])
    with pytest.raises(ValueError, match="must not be empty"):
        ordinal_scores([], [], labels=["a", "b"])


def test_report_and_png(tmp_path):
    scores = ordinal_scores([0, 1, 1], [0, 1, 0], labels=["neg", "pos"])
    report = format_classification_report({**scores, "skipped_rows": 2})
    assert report.splitlines()[0].startswith("3 examples: accuracy 0.6667, macro-F1 0.6667")
    assert "neg" in report and "2 bad row(s) skipped" in report
    path = plot_confusion_matrix(scores, tmp_path / "plots" / "confusion.png")
    assert path.read_bytes()[:4] == b"\x89PNG"
