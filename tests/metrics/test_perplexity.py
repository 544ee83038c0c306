import math

import numpy as np
import pytest

from seqkit.metrics.perplexity import bits_per_token, format_probability, perplexity


def test_perplexity_and_bits_of_a_uniform_guess():
    total = 10 * math.log(1 / 8)
    assert perplexity(total, 10) == pytest.approx(8.0)
    assert bits_per_token(total, 10) == pytest.approx(3.0)
    with pytest.raises(ValueError, match="`count` must be a positive integer. Received: count=0"):
        perplexity(total, 0)


@pytest.mark.parametrize(
    "log_probability, text",
    [
        (math.log(0.27), "2.70e-01"),
        (math.log(1.0), "1.00e+00"),
        (math.log(9.996e-5), "1.00e-04"),
        (-2000.0, "2.58e-869"),
    ],
)
def test_probabilities_are_written_in_scientific_notation_without_underflow(log_probability, text):
    assert format_probability(log_probability) == text


def test_masked_perplexity_skips_minus_one_labels_over_batches():
    from seqkit.metrics.masked_perplexity import MaskedPerplexity

    metric = MaskedPerplexity(from_logits=True)
    probabilities = np.array([[[0.1, 0.2, 0.7], [0.1, 0.2, 0.7]]], "float32")
    metric.update_state(np.array([[2, -1]]), np.log(probabilities))
    metric.update_state(np.array([[1, 2]]), np.log(probabilities))
    expected = math.exp(-(2 * math.log(0.7) + math.log(0.2)) / 3)
    assert float(metric.result()) == pytest.approx(expected, rel=1e-5)
    restored = MaskedPerplexity.from_config(metric.get_config())
    assert restored.get_config() == metric.get_config()
