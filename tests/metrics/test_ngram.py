import math

import pytest

from seqkit.metrics.ngram import NGramModel
from seqkit.metrics.perplexity import bits_per_token

CORPUS = ["abc", "abd", "bcd", "ab"]
OUTCOMES = ["a", "b", "c", "d", "<ngram-end>"]


@pytest.mark.parametrize("smoothing", ["add_k", "kneser_ney"])
@pytest.mark.parametrize("order", [1, 2, 3])
@pytest.mark.parametrize("context", ["", "a", "ab", "dd", "zz"])
def test_distributions_sum_to_one_in_every_context(smoothing, order, context):
    model = NGramModel(order, vocabulary_size=len(OUTCOMES), smoothing=smoothing).fit(CORPUS)
    assert sum(model.probability(context, w) for w in OUTCOMES) == pytest.approx(1.0, abs=1e-12)


def test_unigram_add_k_is_plain_additive_smoothing():
    model = NGramModel(1, vocabulary_size=5, smoothing="add_k", k=0.5).fit(CORPUS)
    # 11 characters + 4 end tokens = 15 events; c(b) = 4
    assert model.probability("", "b") == pytest.approx((4 + 0.5) / (15 + 0.5 * 5))
    assert model.probability("", "e") == pytest.approx(0.5 / (15 + 2.5))


def test_kneser_ney_bigram_by_hand():
    model = NGramModel(2, vocabulary_size=5, smoothing="kneser_ney", discount=0.5).fit(CORPUS)
    # Bigrams (with a start symbol S and end E): Sa Sa Sb Sa ab ab bc bc cd ab bd cE dE dE bE
    # Continuation counts of unigrams: a {S}=1, b {S,a}=2, c {b}=1, d {c,b}=2, E {c,d,b}=3; total 9.
    unigram_b = (2 - 0.5 + 0.5 * 5 * (1 / 5)) / 9
    # An unseen context ("z") falls back to the unigram distribution.
    assert model.probability("z", "b") == pytest.approx(unigram_b)
    # At the start of a sequence (context S): c(S a)=3, c(S b)=1; total 4, 2 distinct followers.
    assert model.probability("", "b") == pytest.approx((1 - 0.5 + 0.5 * 2 * unigram_b) / 4)
    # Context "b": c(b c)=2, c(b d)=1, c(b E)=1; total 4, 3 distinct followers.
    unigram_c = (1 - 0.5 + 0.5 * 5 / 5) / 9
    assert model.probability("b", "c") == pytest.approx((2 - 0.5 + 0.5 * 3 * unigram_c) / 4)


def test_log_probability_counts_the_end_tokens_and_higher_orders_fit_better():
    text = ["abcabcabc", "abcab", "bcabca"]
    results = {}
    for order in (1, 3):
        model = NGramModel(order, vocabulary_size=4, smoothing="add_k", k=0.1).fit(text)
        total, count = model.log_probability(["abcabc"])
        assert count == 7
        assert total == pytest.approx(sum(math.log(p) for p in model.token_probabilities("abcabc")))
        results[order] = bits_per_token(total, count)
    assert results[3] < results[1] / 2


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"order": 0, "vocabulary_size": 3}, "`order` must be a positive integer"),
        ({"order": 2, "vocabulary_size": 0}, "`vocabulary_size` must be a positive integer"),
        ({"order": 2, "vocabulary_size": 3, "smoothing": "witten_bell"}, "`smoothing` must be one of"),
        ({"order": 2, "vocabulary_size": 3, "discount": 1.0}, r"`discount` must be in \(0, 1\)"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        NGramModel(**kwargs)
