import numpy as np

from seqkit.apps.sentiment.model import decide
from seqkit.apps.sentiment.ratings import rating_metrics
from seqkit.metrics.ordinal import ordinal_scores


def test_rating_metrics_match_the_reported_scores_for_both_heads_and_decisions():
    from seqkit.tasks import ordinal_probabilities

    rng = np.random.default_rng(0)
    labels = rng.integers(0, 5, size=40)
    softmax_logits = rng.normal(size=(40, 5)).astype("float32")
    cumulative_logits = np.sort(rng.normal(size=(40, 4)), axis=1)[:, ::-1].astype("float32")
    softmax_probabilities = np.exp(softmax_logits) / np.exp(softmax_logits).sum(axis=1, keepdims=True)
    cases = [
        ("softmax", None, softmax_logits, decide(softmax_probabilities)),
        ("softmax", "median", softmax_logits, decide(softmax_probabilities, "median")),
        ("ordinal", None, cumulative_logits, decide(np.asarray(ordinal_probabilities(cumulative_logits)), "median")),
    ]
    assert not np.array_equal(cases[0][3], cases[1][3])
    for head, decision, outputs, predicted in cases:
        expected = ordinal_scores(labels, predicted, labels=["1", "2", "3", "4", "5"], values=[1, 2, 3, 4, 5])
        metrics = {metric.name: metric for metric in rating_metrics(head, 5, decision)}
        assert set(metrics) == {"accuracy", "macro_f1", "mae"}
        for metric in metrics.values():  # in two batches, as Keras accumulates them
            metric.update_state(labels[:25], outputs[:25])
            metric.update_state(labels[25:], outputs[25:])
        for name in ("accuracy", "macro_f1", "mae"):
            np.testing.assert_allclose(float(metrics[name].result()), expected[name], atol=1e-6, err_msg=head)
        metrics["accuracy"].reset_state()
        assert float(metrics["accuracy"].result()) == 0.0

