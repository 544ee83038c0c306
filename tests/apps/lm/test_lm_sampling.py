"""Sampling: seeds, greedy decoding, prefixes, <EOS>, --max-length and --novel, on the hand-set bigram model."""

import collections

import pytest

from seqkit.apps import lm
from seqkit.errors import UserInputError


@pytest.fixture(scope="module")
def bigram(bigram_run):
    return lm.load(bigram_run)


def test_greedy_sampling_follows_the_most_likely_tokens(bigram):
    # <BOS> → a (0.5), a → b (0.6), b → <EOS> (0.9)
    assert bigram.sample(2, temperature=0) == [{"text": "ab", "tokens": ["a", "b"], "complete": True}] * 2
    assert bigram.sample(1, temperature=0, prefix="b")[0]["text"] == "b"
    assert bigram.sample(1, temperature=0, prefix="aa")[0]["text"] == "aab"


def test_the_same_seed_gives_the_same_samples_and_frequencies_follow_the_model(bigram):
    first = bigram.sample(200, seed=7)
    assert bigram.sample(200, seed=7) == first
    assert bigram.sample(200, seed=8) != first
    counts = collections.Counter(sample["text"] for sample in first)
    # P(ab) = 0.27, P(b) = 0.225, P(a) = 0.15: frequencies within a loose band of 200 draws.
    assert 0.15 < counts["ab"] / 200 < 0.40
    assert 0.12 < counts["b"] / 200 < 0.34
    assert all(set(text) <= {"a", "b"} for text in counts)


def test_max_length_cuts_sequences_that_have_not_ended(bigram):
    samples = bigram.sample(50, seed=1, max_length=2, prefix="a", top_k=2)
    assert all(len(s["tokens"]) <= 2 for s in samples)
    assert {s["complete"] for s in samples} == {True, False}
    assert all(s["text"] == "a" for s in samples if s["complete"])  # only "a<EOS>" ends within 2 tokens


def test_min_length_masks_eos_until_then_so_exactly_max_length_tokens_can_be_sampled(bigram):
    # Greedy stops at "ab" (P(<EOS> | b) = 0.9); with <EOS> masked, b → a and b → b tie and argmax takes a.
    assert bigram.sample(1, temperature=0, max_length=6)[0]["text"] == "ab"
    assert bigram.sample(1, temperature=0, max_length=6, min_length=6) == [
        {"text": "ababab", "tokens": list("ababab"), "complete": False}
    ]
    assert bigram.sample(1, temperature=0, max_length=10, min_length=4)[0] == {
        "text": "abab", "tokens": list("abab"), "complete": True
    }
    # The prefix counts towards min_length, as towards max_length.
    assert bigram.sample(1, temperature=0, prefix="aab", max_length=10, min_length=4)[0]["text"] == "aabab"
    samples = bigram.sample(100, seed=2, max_length=12, min_length=5)
    assert min(len(s["tokens"]) for s in samples) == 5 and max(len(s["tokens"]) for s in samples) <= 12
    assert all(s["complete"] or len(s["tokens"]) == 12 for s in samples)


def test_novel_leaves_out_training_sequences(bigram):
    # The training data holds "ab" and "a": greedy sampling can only produce "ab", so nothing is novel.
    assert bigram.sample(3, temperature=0, novel=True) == []
    samples = bigram.sample(20, seed=3, novel=True)
    assert len(samples) == 20
    assert not {s["text"] for s in samples} & {"ab", "a"}


@pytest.mark.parametrize(
    "arguments, message",
    [
        ({"prefix": "abab", "max_length": 4}, "the prefix has 4 tokens; --max-length"),
        ({"num": 0}, "`num` must be a positive integer"),
        ({"temperature": -1.0}, "`temperature` must be a number >= 0"),
        ({"top_p": 1.5}, r"`top_p` must be in \(0, 1\]"),
        (
            {"max_length": 5, "min_length": 6},
            r"`min_length` must be an integer from 0 to max_length \(5\). Received: min_length=6",
        ),
        ({"min_length": -1}, r"`min_length` must be an integer from 0 to max_length \(50\). Received: min_length=-1"),
    ],
)
def test_bad_sampling_arguments_are_user_errors(bigram, arguments, message):
    with pytest.raises(UserInputError, match=message):
        bigram.sample(**arguments)


def test_top_p_and_top_k_keep_only_the_most_likely_tokens(bigram):
    # top-p 0.4 keeps "a" after <BOS> (0.5), "b" after "a" (0.6), <EOS> after "b" (0.9): always "ab".
    assert {s["text"] for s in bigram.sample(30, seed=5, top_p=0.4)} == {"ab"}
    # top-k 1 is greedy whatever the temperature.
    assert {s["text"] for s in bigram.sample(30, seed=5, top_k=1, temperature=5.0)} == {"ab"}


def test_a_model_preferring_unk_never_samples_it_nor_does_its_export(bigram_run):
    import numpy as np
    import tensorflow as tf

    from seqkit.apps.lm.text import tf_detokenize, tf_tokenize
    from seqkit.export.language_model_serving import build_language_model_serving_module

    model = lm.load(bigram_run)
    kernel, bias = model.model.get_layer("logits").get_weights()
    bias[1] = 10.0  # <UNK> (id 1) now beats every other token after every token, <EOS> included
    model.model.get_layer("logits").set_weights([kernel, bias])
    assert model.score_token_lists([["<UNK>"]])[0][0] > np.log(0.99)
    # Greedy picks the best token other than <PAD>, <UNK> and <BOS>: the bigram model's own choice.
    assert model.sample(2, temperature=0) == [{"text": "ab", "tokens": ["a", "b"], "complete": True}] * 2
    for arguments in ({}, {"top_k": 2}, {"top_p": 0.5}):
        samples = model.sample(100, seed=2, max_length=8, **arguments)
        assert all(set(s["tokens"]) <= {"a", "b"} for s in samples), arguments
    module = build_language_model_serving_module(
        model.model,
        model.vocabulary,
        tokenize=lambda texts: tf_tokenize(texts, "char"),
        detokenize=lambda tokens: tf_detokenize(tokens, "char"),
    )
    sampled = module.sample(tf.constant(["", "a", "b"] * 30), tf.constant(6))
    tokens = {t.decode() for t in sampled["tokens"].numpy().ravel()}
    assert tokens <= {"a", "b", ""} and {"a", "b"} <= tokens
