import itertools
import math

import numpy as np
import pytest

from seqkit.generation.ctc_decoding import greedy_decode, ngram_character_lm, prefix_beam_search
from seqkit.metrics.ngram import NGramModel

CHARS = ["-", "a", "b", " "]  # blank, two letters, the space


def _log_softmax(logits):
    logits = np.asarray(logits, np.float64)
    shifted = logits - logits.max(-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))


def _random_log_probs(seed, frames, vocabulary, scale=2.0):
    return _log_softmax(scale * np.random.default_rng(seed).normal(size=(frames, vocabulary)))


def _collapse(path, blank):
    labels = [token for i, token in enumerate(path) if token != blank and (i == 0 or path[i - 1] != token)]
    return tuple(labels)


def _brute_force(log_probs, blank=0, score_labels=None, allowed=None):
    """Every label sequence with its exact log-probability (summed over all V^T alignments), best first.

    `score_labels(labels)` adds a fusion term; `allowed(labels)` filters the sequences.
    """
    frames, vocabulary = log_probs.shape
    totals = {}
    for path in itertools.product(range(vocabulary), repeat=frames):
        score = sum(log_probs[t, token] for t, token in enumerate(path))
        labels = _collapse(path, blank)
        totals[labels] = np.logaddexp(totals.get(labels, -np.inf), score)
    results = [
        (list(labels), score + (score_labels(labels) if score_labels else 0.0)) for labels, score in totals.items()
    ]
    if allowed is not None:
        results = [item for item in results if allowed(item[0])]
    return sorted(results, key=lambda item: item[1], reverse=True)


def _text(ids):
    return "".join(CHARS[i] for i in ids)


# === greedy_decode ===


def test_greedy_by_hand():
    best = [0, 1, 1, 0, 1, 2, 2, 0, 0, 2]
    log_probs = np.log(np.full((10, 3), 0.1))
    log_probs[np.arange(10), best] = np.log(0.8)
    assert greedy_decode(log_probs) == [1, 1, 2, 2]
    assert greedy_decode(log_probs, length=5) == [1, 1]
    assert greedy_decode(log_probs, length=0) == []
    assert greedy_decode(log_probs, blank=2) == [0, 1, 0, 1, 0]


# === prefix_beam_search: exactness ===


@pytest.mark.parametrize("frames, vocabulary", [(1, 3), (2, 3), (3, 4), (4, 3), (5, 3), (5, 4)])
@pytest.mark.parametrize("seed", range(3))
def test_wide_beam_equals_brute_force(frames, vocabulary, seed):
    log_probs = _random_log_probs(seed, frames, vocabulary)
    expected = _brute_force(log_probs)
    found = prefix_beam_search(log_probs, beam_size=1000, top_paths=5)
    assert len(found) == min(5, len(expected))
    for (ids, score), (want_ids, want_score) in zip(found, expected):
        assert ids == want_ids
        assert score == pytest.approx(want_score, abs=1e-9)
    # The total probability of every label sequence is 1.
    everything = prefix_beam_search(log_probs, beam_size=1000, top_paths=1000)
    assert math.fsum(math.exp(score) for _, score in everything) == pytest.approx(1.0, abs=1e-9)


def test_wide_beam_equals_brute_force_with_another_blank():
    log_probs = _random_log_probs(7, 5, 4)
    expected = _brute_force(log_probs, blank=2)
    found = prefix_beam_search(log_probs, beam_size=1000, top_paths=3, blank=2)
    assert [ids for ids, _ in found] == [ids for ids, _ in expected[:3]]
    np.testing.assert_allclose([s for _, s in found], [s for _, s in expected[:3]], atol=1e-9)


def test_repeated_labels_need_a_blank_between():
    # a a: "a" (merged) or "aa" only with a blank in between, impossible in 2 frames.
    log_probs = np.log([[0.1, 0.9], [0.1, 0.9]])
    found = dict((tuple(ids), score) for ids, score in prefix_beam_search(log_probs, top_paths=2))
    assert set(found) == {(1,), ()}
    assert math.exp(found[(1,)]) == pytest.approx(0.9 * 0.9 + 0.9 * 0.1 + 0.1 * 0.9)
    three = np.log([[0.1, 0.9], [0.5, 0.5], [0.1, 0.9]])
    found = dict((tuple(ids), score) for ids, score in prefix_beam_search(three, top_paths=3))
    assert math.exp(found[(1, 1)]) == pytest.approx(0.9 * 0.5 * 0.9)


@pytest.mark.parametrize("seed", range(5))
def test_beam_of_one_is_greedy_on_peaked_inputs(seed):
    rng = np.random.default_rng(seed)
    best = rng.integers(0, 4, size=30)
    probabilities = np.full((30, 4), 0.02)
    probabilities[np.arange(30), best] = 0.94
    log_probs = np.log(probabilities)
    (ids, score), = prefix_beam_search(log_probs, beam_size=1)
    assert ids == greedy_decode(log_probs)
    assert score <= 0.0


def test_length_ignores_trailing_frames():
    log_probs = _random_log_probs(3, 8, 4)
    trimmed = prefix_beam_search(log_probs[:5], beam_size=8, top_paths=3)
    assert prefix_beam_search(log_probs, beam_size=8, top_paths=3, length=5) == trimmed
    assert prefix_beam_search(log_probs, length=0) == [([], 0.0)]
    assert prefix_beam_search(log_probs[:0]) == [([], 0.0)]
    assert prefix_beam_search(log_probs, length=100) == prefix_beam_search(log_probs)


def test_logits_rank_like_log_probabilities():
    logits = 3.0 * np.random.default_rng(4).normal(size=(6, 4))
    from_logits = prefix_beam_search(logits, beam_size=50, top_paths=4)
    from_log_probs = prefix_beam_search(_log_softmax(logits), beam_size=50, top_paths=4)
    assert [ids for ids, _ in from_logits] == [ids for ids, _ in from_log_probs]


# === Shallow fusion, word bonus, lexicon ===


def _table_lm(seed):
    """A fake character LM: a random log-probability per (last character, next character)."""
    table = np.log(np.random.default_rng(seed).dirichlet(np.ones(3), size=4))
    rows = {"": 0, "a": 1, "b": 2, " ": 3}

    def lm(text, char):
        return float(table[rows[text[-1:]], "ab ".index(char)])

    return lm


def _lm_total(lm, labels):
    text = _text(labels)
    return sum(lm(text[:i], text[i]) for i in range(len(text)))


def _words(labels):
    return len([word for word in _text(labels).split(" ") if word])


@pytest.mark.parametrize("seed", range(4))
def test_fusion_with_a_wide_beam_equals_brute_force(seed):
    log_probs = _random_log_probs(seed, 5, 4)
    lm = _table_lm(seed)
    expected = _brute_force(log_probs, score_labels=lambda labels: 0.7 * _lm_total(lm, labels) + 0.3 * _words(labels))
    found = prefix_beam_search(
        log_probs, beam_size=1000, top_paths=4, lm=lm, lm_weight=0.7, word_bonus=0.3, id_to_char=CHARS
    )
    assert [ids for ids, _ in found] == [ids for ids, _ in expected[:4]]
    np.testing.assert_allclose([s for _, s in found], [s for _, s in expected[:4]], atol=1e-9)


def _in_lexicon(labels, lexicon):
    text = _text(labels)
    if not text:
        return True
    words = text.split(" ")
    return all(word in lexicon for word in words)  # an empty word: a leading, double or final space


@pytest.mark.parametrize("seed", range(4))
def test_lexicon_with_a_wide_beam_equals_brute_force(seed):
    lexicon = {"a", "ab", "ba"}
    log_probs = _random_log_probs(seed + 10, 5, 4, scale=1.0)

    def allowed(labels):  # a final space after a complete word is allowed too
        text = _text(labels)
        return _in_lexicon(labels[:-1] if text.endswith(" ") and len(text) > 1 else labels, lexicon)

    expected = _brute_force(log_probs, allowed=allowed)
    found = prefix_beam_search(log_probs, beam_size=1000, top_paths=4, lexicon=lexicon, id_to_char=CHARS)
    assert [ids for ids, _ in found] == [ids for ids, _ in expected[:4]]
    np.testing.assert_allclose([s for _, s in found], [s for _, s in expected[:4]], atol=1e-9)


VOCABULARY = ["-", "a", "c", "o", "t", " ", "d", "g"]


def _spell(rows):
    """Log-probabilities from one `{char: probability}` per frame (the rest spread evenly)."""
    table = np.zeros((len(rows), len(VOCABULARY)))
    for frame, row in zip(table, rows):
        rest = (1.0 - sum(row.values())) / (len(VOCABULARY) - len(row))
        frame[:] = rest
        for char, probability in row.items():
            frame[VOCABULARY.index(char)] = probability
    return np.log(table)


# "c", then "o" slightly more likely than "a", then "t".
AMBIGUOUS = _spell([{"c": 0.9}, {"-": 0.9}, {"o": 0.46, "a": 0.44}, {"-": 0.9}, {"t": 0.9}])


def test_the_language_model_settles_ambiguous_acoustics():
    ids, _ = prefix_beam_search(AMBIGUOUS, id_to_char=VOCABULARY)[0]
    assert ids == [2, 3, 4]  # "cot"
    model = NGramModel(order=3, vocabulary_size=len(VOCABULARY)).fit(["cat", "a cat", "cats", "the cat"])
    lm = ngram_character_lm(model)
    ids, score = prefix_beam_search(AMBIGUOUS, lm=lm, lm_weight=0.5, id_to_char=VOCABULARY)[0]
    assert "".join(VOCABULARY[i] for i in ids) == "cat"
    acoustic = dict((tuple(i), s) for i, s in prefix_beam_search(AMBIGUOUS, beam_size=64, top_paths=64))
    fusion = 0.5 * (lm("", "c") + lm("c", "a") + lm("ca", "t"))
    assert score == pytest.approx(acoustic[(2, 1, 4)] + fusion)


def test_ngram_character_lm_is_the_natural_log_of_the_model():
    model = NGramModel(order=2, vocabulary_size=5, smoothing="add_k", k=1.0).fit(["ab", "ba"])
    lm = ngram_character_lm(model)
    assert lm("xa", "b") == pytest.approx(math.log(model.probability(["a"], "b")))
    assert lm("", "a") == pytest.approx(math.log(model.probability([], "a")))


def test_word_bonus_adds_words():
    # "a", then a space or a blank (blank slightly better), then "a".
    log_probs = _spell([{"a": 0.9}, {"-": 0.5, " ": 0.45}, {"a": 0.9}])
    assert prefix_beam_search(log_probs, id_to_char=VOCABULARY)[0][0] == [1, 1]
    ids, score = prefix_beam_search(log_probs, word_bonus=1.0, id_to_char=VOCABULARY)[0]
    assert ids == [1, 5, 1]
    plain = dict((tuple(i), s) for i, s in prefix_beam_search(log_probs, beam_size=64, top_paths=64))
    assert score == pytest.approx(plain[(1, 5, 1)] + 2.0)
    with pytest.raises(ValueError, match="Received: space_id=None"):
        prefix_beam_search(log_probs, word_bonus=1.0)


def test_lexicon_forces_a_valid_word():
    lexicon = ["cat", "dog"]
    ids, _ = prefix_beam_search(AMBIGUOUS, lexicon=lexicon, id_to_char=VOCABULARY)[0]
    assert ids == [2, 1, 4]
    # A mapping without the blank, the space found by its text.
    mapping = {i: c for i, c in enumerate(VOCABULARY) if i}
    assert prefix_beam_search(AMBIGUOUS, lexicon=lexicon, id_to_char=mapping)[0][0] == [2, 1, 4]
    # Two words: the space must follow a complete word.
    two = _spell([{"d": 0.9}, {"o": 0.9}, {"g": 0.9}, {" ": 0.9}, {"c": 0.9}, {"o": 0.6, "a": 0.3}, {"t": 0.9}])
    ids, _ = prefix_beam_search(two, lexicon=lexicon, id_to_char=VOCABULARY)[0]
    assert "".join(VOCABULARY[i] for i in ids) == "dog cat"


def test_lexicon_falls_back_when_no_prefix_ends_in_a_word():
    spelled = _spell([{"c": 0.9}, {"a": 0.9}, {"t": 0.9}])
    ids, _ = prefix_beam_search(spelled, beam_size=1, lexicon=["catalog"], id_to_char=VOCABULARY)[0]
    assert ids == [2, 1, 4]  # "cat" is not a word, but nothing else is left
    ids, _ = prefix_beam_search(spelled, beam_size=64, lexicon=["catalog"], id_to_char=VOCABULARY)[0]
    assert ids == []  # the empty transcript is complete


@pytest.mark.parametrize(
    "options, message",
    [
        ({"beam_size": 0}, "Received: beam_size=0"),
        ({"top_paths": 5, "beam_size": 4}, "Received: top_paths=5"),
        ({"blank": 4}, "Received: blank=4"),
        ({"length": -1}, "Received: length=-1"),
        ({"lm": "not callable", "id_to_char": CHARS}, "Received: lm='not callable'"),
        ({"lm": _table_lm(0)}, "Received: id_to_char=None"),
        ({"lexicon": ["a"]}, "Received: id_to_char=None"),
        ({"lexicon": ["a"], "id_to_char": ["-", "a", "b", "c"]}, "Received: space_id=None"),
        ({"space_id": 0, "word_bonus": 1.0}, "Received: space_id=0"),
        ({"lm_weight": float("nan")}, "Received: lm_weight=nan"),
        ({"lexicon": ["a"], "id_to_char": {1: "a", 3: " "}}, "Received: no text for id 2"),
        ({"lexicon": ["a"], "id_to_char": ["-", "a", 2, " "]}, r"Received: id_to_char\[2\]=2"),
    ],
)
def test_argument_errors(options, message):
    with pytest.raises(ValueError, match=message):
        prefix_beam_search(_random_log_probs(0, 3, 4), **options)


def test_log_probs_must_be_two_dimensional():
    with pytest.raises(ValueError, match=r"Received: log_probs with shape \(1, 3, 4\)"):
        prefix_beam_search(np.zeros((1, 3, 4)))
    with pytest.raises(ValueError, match=r"Received: log_probs with shape \(3,\)"):
        greedy_decode(np.zeros(3))
