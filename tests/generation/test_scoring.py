import numpy as np
import pytest
import tensorflow as tf

from seqkit.generation import score
from seqkit.tasks import language_model

SEQUENCES = np.array([[1, 2, 1, 0], [2, 1, 1, 2]], "int32")


def _fixed_model():
    """Embedding 1, one tanh unit (Keras SimpleRNN), 3 tokens; constants."""
    model = language_model(3, embedding_dim=1, units=1, cell="rnn", implementation="keras")
    model.get_layer("token_embedding").set_weights([np.array([[0.0], [0.5], [-1.0]], "float32")])
    model.get_layer("recurrent_0").set_weights(
        [np.array([[2.0]], "float32"), np.array([[0.5]], "float32"), np.array([0.1], "float32")]
    )
    model.get_layer("logits").set_weights(
        [np.array([[1.0, -1.0, 2.0]], "float32"), np.array([0.0, 0.3, -0.2], "float32")]
    )
    return model


def _by_hand(sequence):
    embedding = {0: 0.0, 1: 0.5, 2: -1.0}
    h, log_probs = 0.0, []
    for current, following in zip(sequence[:-1], sequence[1:]):
        h = np.tanh(2.0 * embedding[current] + 0.5 * h + 0.1)
        logits = np.array([1.0, -1.0, 2.0]) * h + np.array([0.0, 0.3, -0.2])
        log_z = np.log(np.exp(logits).sum())
        log_probs.append(0.0 if following == 0 else logits[following] - log_z)
    return np.array(log_probs)


def test_scores_match_a_hand_computed_forward_pass():
    result = score(_fixed_model(), SEQUENCES)
    expected = np.stack([_by_hand(row) for row in SEQUENCES])
    np.testing.assert_allclose(result["token_log_probs"], expected, atol=1e-5)
    np.testing.assert_allclose(result["log_probability"], expected.sum(axis=1), atol=1e-5)
    assert np.asarray(result["num_tokens"]).tolist() == [2, 3]
    np.testing.assert_allclose(
        result["perplexity"],
        np.exp(-expected.sum(axis=1) / np.array([2, 3])),
        rtol=1e-5,
    )


def test_constant_distribution_gives_its_own_perplexity():
    model = _fixed_model()
    # Zero output kernel: every step predicts softmax(bias) = (.5, .3, .2).
    model.get_layer("logits").set_weights([np.zeros((1, 3), "float32"), np.log([0.5, 0.3, 0.2]).astype("float32")])
    result = score(model, np.array([[1, 2, 1, 0]], "int32"))
    assert float(result["log_probability"][0]) == pytest.approx(np.log(0.2 * 0.3))
    assert float(result["perplexity"][0]) == pytest.approx(1 / np.sqrt(0.06))


def test_scoring_runs_in_a_compiled_function():
    model = _fixed_model()
    compiled = tf.function(
        lambda ids: score(model, ids)["log_probability"],
        input_signature=[tf.TensorSpec((None, None), tf.int32)],
    )
    np.testing.assert_allclose(compiled(SEQUENCES), score(model, SEQUENCES)["log_probability"], atol=1e-6)
