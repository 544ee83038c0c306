import collections
import math
import random

import pytest

from seqkit.metrics.ngram import NGramModel
from seqkit.metrics.perplexity import bits_per_token

CORPUS = ["abc", "abd", "bcd", "ab"]
OUTCOMES = ["a", "b", "c", "d", "<ngram-end>"]


@pytest.mark.parametrize("smoothing", ["add_k", "kneser_ney", "modified_kneser_ney"])
@pytest.mark.parametrize("order", [1, 2, 3, 5])
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


# === Higher orders against an independent reference ===

S, E = "<ngram-start>", "<ngram-end>"


def reference_kneser_ney(corpus, order, size, discount=0.75, modified=False):
    """Interpolated (or modified) Kneser–Ney written from the textbook recursion, independently of `NGramModel`:
    raw counts at the highest order; at a lower order k, the number of distinct tokens seen right before each
    k-gram ending at a predicted token. Returns `probability(context, token)`."""
    padded = [(S,) * (order - 1) + tuple(sequence) + (E,) for sequence in corpus]
    raw = collections.Counter()
    before = collections.defaultdict(set)
    for tokens in padded:
        for i in range(order - 1, len(tokens)):
            raw[tokens[i - order + 1 : i + 1]] += 1
            for k in range(1, order):
                before[tokens[i - k + 1 : i + 1]].add(tokens[i - k])
    counts = {order: raw}
    for k in range(1, order):
        counts[k] = collections.Counter({g: len(v) for g, v in before.items() if len(g) == k})

    def discounts(k):
        if not modified:
            return (discount,) * 3
        n = [sum(1 for c in counts[k].values() if c == j) for j in (1, 2, 3, 4)]
        if 0 in n:
            return (discount,) * 3
        y = n[0] / (n[0] + 2 * n[1])
        d = [1 - 2 * y * n[1] / n[0], 2 - 3 * y * n[2] / n[1], 3 - 4 * y * n[3] / n[2]]
        return tuple(d) if 0 < d[0] <= 1 and 0 < d[1] <= 2 and 0 < d[2] <= 3 else (discount,) * 3

    table = {k: discounts(k) for k in counts}

    def p(k, history, token):
        if k == 0:
            return 1 / size
        followers = {g[-1]: c for g, c in counts[k].items() if g[:-1] == history}
        lower = p(k - 1, history[1:], token)
        if not followers:
            return lower
        d = table[k]
        total = sum(followers.values())
        backoff = sum(d[min(c, 3) - 1] for c in followers.values()) / total
        c = followers.get(token, 0)
        return (c - d[min(c, 3) - 1] if c else 0.0) / total + backoff * lower

    def probability(context, token):
        history = ((S,) * (order - 1) + tuple(context))[len(context) :]
        return p(order, history[len(history) - order + 1 :] if order > 1 else (), token)

    return probability


# 30 seeded random strings over "abc": enough n-grams seen 1 to 4 times for modified Kneser–Ney to estimate its
# discounts at the highest order (3, 4 and 5).
_random = random.Random(0)
RANDOM_CORPUS = ["".join(_random.choice("abc") for _ in range(_random.randint(2, 12))) for _ in range(30)]


@pytest.mark.parametrize("modified", [False, True])
@pytest.mark.parametrize("order", [3, 4, 5])
def test_higher_orders_equal_the_reference(order, modified):
    smoothing = "modified_kneser_ney" if modified else "kneser_ney"
    model = NGramModel(order, vocabulary_size=4, smoothing=smoothing).fit(RANDOM_CORPUS)
    reference = reference_kneser_ney(RANDOM_CORPUS, order, 4, modified=modified)
    for context in ["", "a", "ab", "ba", "aba", "cab", "bacab", "cc", "zzzz"]:
        for token in ["a", "b", "c", E]:
            assert model.probability(context, token) == pytest.approx(reference(context, token), abs=1e-12)
        assert sum(model.probability(context, w) for w in ["a", "b", "c", E]) == pytest.approx(1.0, abs=1e-12)
    if modified:
        # These counts give estimated discounts at the highest order, not the fallback 0.75.
        assert model.discounts[order - 1] != (0.75,) * 3


def test_trigram_kneser_ney_by_hand():
    model = NGramModel(3, vocabulary_size=3, smoothing="kneser_ney", discount=0.5).fit(["abab", "abb"])
    # Trigrams: SSa Sab aba bab abE | SSa Sab abb bbE. Bigram continuation counts (distinct left tokens):
    # Sa {S}, ab {S, b}, ba {a}, bE {a, b}, bb {a}. Unigram continuation counts from the distinct bigrams
    # Sa ab ba bE bb: a {S, b} = 2, b {a, b} = 2, E {b} = 1; total 5, 3 distinct.
    unigram_a = (2 - 0.5 + 0.5 * 3 / 3) / 5
    # Bigram context b: ba 1, bE 2, bb 1; total 4, 3 distinct.
    bigram_a = (1 - 0.5 + 0.5 * 3 * unigram_a) / 4
    # Trigram context ab: aba 1, abE 1, abb 1; total 3, 3 distinct.
    assert model.probability("ab", "a") == pytest.approx((1 - 0.5 + 0.5 * 3 * bigram_a) / 3)
    assert bigram_a == pytest.approx(0.275)


def test_modified_discounts_follow_chen_and_goodman():
    from seqkit.metrics.ngram import _modified_discounts

    # n1 = 4, n2 = 2, n3 = 2, n4 = 1: Y = 4 / 8 = 0.5.
    assert _modified_discounts([1, 1, 1, 1, 2, 2, 3, 3, 4, 9], 0.75) == pytest.approx(
        (1 - 2 * 0.5 * 2 / 4, 2 - 3 * 0.5 * 2 / 2, 3 - 4 * 0.5 * 1 / 2)
    )
    assert _modified_discounts([1, 1, 2], 0.75) == (0.75,) * 3  # no n3, n4: the single discount


@pytest.mark.parametrize("smoothing", ["kneser_ney", "modified_kneser_ney"])
def test_a_trigram_beats_the_bigram_on_a_pattern_only_two_tokens_of_context_predict(smoothing):
    # In "abac" repeated, "a" is followed by "b" or "c" (a coin flip for a bigram); "ba" and "ca" decide it.
    train = ["abac" * 6, "acab" * 5, "bacaba" * 3]
    held_out = ["abacabacab", "cabacaba"]
    bits = {}
    for order in (1, 2, 3, 5):
        model = NGramModel(order, vocabulary_size=4, smoothing=smoothing).fit(train)
        total, count = model.log_probability(held_out)
        assert count == 20
        bits[order] = bits_per_token(total, count)
        reference = reference_kneser_ney(train, order, 4, modified=smoothing == "modified_kneser_ney")
        expected = sum(
            math.log(reference(s[:i], (s + E)[i] if i < len(s) else E)) for s in held_out for i in range(len(s) + 1)
        )
        assert total == pytest.approx(expected, abs=1e-9)
    # Bits per token on the held-out strings: unigram 1.851, bigram 1.193, trigram 0.951, 5-gram 1.020.
    assert bits == pytest.approx({1: 1.8511, 2: 1.1934, 3: 0.9515, 5: 1.0199}, abs=1e-4)
    assert bits[3] < bits[2] - 0.2 and bits[2] < bits[1]


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
