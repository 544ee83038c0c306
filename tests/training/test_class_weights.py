import numpy as np
import pytest

from seqkit.training.class_weights import class_weights

LABELS = np.array([0] * 8 + [1] * 2 + [3] * 1)  # class 2 never seen


@pytest.mark.parametrize("mode, power", [("balanced", 1.0), ("sqrt", 0.5)])
def test_weights_follow_inverse_counts_and_average_one_over_the_examples(mode, power):
    weights = class_weights(LABELS, 4, mode)
    counts = np.array([8, 2, 0, 1], dtype=float)
    seen = counts > 0
    # Proportional to count ** -power for seen classes ...
    ratios = weights[seen] * counts[seen] ** power
    np.testing.assert_allclose(ratios, ratios[0])
    # ... zero for an unseen class, and the loss keeps its size: mean weight over the examples is 1.
    assert weights[2] == 0.0
    assert np.mean(weights[LABELS]) == pytest.approx(1.0)


def test_balanced_classes_weigh_the_same_in_the_loss():
    weights = class_weights(LABELS, 4, "balanced")
    per_class_total = np.bincount(LABELS, minlength=4) * weights
    np.testing.assert_allclose(per_class_total[[0, 1, 3]], len(LABELS) / 3)


def test_none_and_bad_mode():
    assert class_weights(LABELS, 4, "none") is None
    with pytest.raises(ValueError, match=r"`mode` must be one of \('none', 'balanced', 'sqrt'\). Received: mode='log'"):
        class_weights(LABELS, 4, "log")
