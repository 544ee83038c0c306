import sys

import jiwer
import pytest

from seqkit.metrics.speech import error_rates, format_error_rates
from seqkit.optional import MissingPackageError

# Hand-aligned pairs: (reference, hypothesis, word S/D/I, character S/D/I).
PAIRS = [
    ("the quick brown fox", "the quack brown fox jumps", (1, 0, 1), (1, 0, 6)),  # i -> a; " jumps"
    ("a b c d", "a c d", (0, 1, 0), (0, 2, 0)),  # "b" and a space
    ("hello world", "hello world", (0, 0, 0), (0, 0, 0)),
]


def _counts(scores, prefix=""):
    return tuple(scores[f"{prefix}{key}"] for key in ("substitutions", "deletions", "insertions"))


@pytest.mark.parametrize("reference, hypothesis, words, chars", PAIRS)
def test_hand_computed_edits(reference, hypothesis, words, chars):
    scores = error_rates([reference], [hypothesis])
    assert _counts(scores) == words
    assert _counts(scores, "char_") == chars
    assert scores["reference_words"] == len(reference.split())
    assert scores["reference_chars"] == len(reference)
    assert scores["wer"] == pytest.approx(sum(words) / len(reference.split()))
    assert scores["cer"] == pytest.approx(sum(chars) / len(reference))
    assert scores["count"] == 1 and scores["exact"] == float(sum(words) == 0)


def test_character_edits_of_a_respelled_word():
    # One wrong word: one word substitution, and a single character substitution (w -> o).
    scores = error_rates(["one two three"], ["one too three"])
    assert _counts(scores) == (1, 0, 0)
    assert _counts(scores, "char_") == (1, 0, 0)
    assert scores["cer"] == pytest.approx(1 / 13)


def test_corpus_rates_pool_the_edits():
    references = [pair[0] for pair in PAIRS]
    hypotheses = [pair[1] for pair in PAIRS]
    scores = error_rates(references, hypotheses)
    assert _counts(scores) == (1, 1, 1)
    assert scores["reference_words"] == 4 + 4 + 2
    assert scores["wer"] == pytest.approx(3 / 10)
    assert scores["wer"] == pytest.approx(jiwer.wer(references, hypotheses))
    assert scores["cer"] == pytest.approx(jiwer.cer(references, hypotheses))
    assert _counts(scores, "char_") == (1, 2, 6) and scores["reference_chars"] == 19 + 7 + 11
    assert scores["count"] == 3 and scores["exact"] == pytest.approx(1 / 3)


def test_empty_references_and_hypotheses():
    scores = error_rates(["", "a b", "", "   "], ["x y", "", "", ""], per_utterance=True)
    # Empty reference: every hypothesis word (character) is an insertion; empty hypothesis: deletions.
    assert _counts(scores) == (0, 2, 2)
    assert _counts(scores, "char_") == (0, 3, 3)
    assert scores["reference_words"] == 2 and scores["reference_chars"] == 3
    assert scores["wer"] == pytest.approx(4 / 2) and scores["cer"] == pytest.approx(6 / 3)
    assert scores["exact"] == pytest.approx(2 / 4)
    first, second, third, fourth = scores["utterances"]
    assert (first["wer"], first["cer"], first["insertions"]) == (2.0, 3.0, 2)  # divided by 1
    assert (second["wer"], second["cer"], second["deletions"]) == (1.0, 1.0, 2)
    assert third["wer"] == third["cer"] == fourth["wer"] == 0.0


def test_only_empty_references():
    scores = error_rates([""], ["hello there"])
    assert scores["wer"] == 2.0 and scores["insertions"] == 2 and scores["reference_words"] == 0


def test_whitespace_is_normalised():
    scores = error_rates(["  a   b "], ["a b"], per_utterance=True)
    assert scores["wer"] == scores["cer"] == 0.0 and scores["exact"] == 1.0
    assert scores["reference_chars"] == 3
    assert scores["utterances"][0]["reference"] == "  a   b "  # as given


def test_per_utterance_list():
    references = [pair[0] for pair in PAIRS]
    hypotheses = [pair[1] for pair in PAIRS]
    scores = error_rates(references, hypotheses, per_utterance=True)
    utterances = scores["utterances"]
    assert [set(u) for u in utterances] == [
        {"reference", "hypothesis", "wer", "cer", "substitutions", "insertions", "deletions"}
    ] * 3
    assert [(u["reference"], u["hypothesis"]) for u in utterances] == list(zip(references, hypotheses))
    assert [(u["substitutions"], u["deletions"], u["insertions"]) for u in utterances] == [
        pair[2] for pair in PAIRS
    ]
    assert [u["wer"] for u in utterances] == pytest.approx([2 / 4, 1 / 4, 0.0])
    assert [u["cer"] for u in utterances] == pytest.approx([7 / 19, 2 / 7, 0.0])
    assert "utterances" not in error_rates(references, hypotheses)


def test_no_utterances():
    scores = error_rates([], [])
    assert scores["count"] == 0 and scores["wer"] == scores["cer"] == scores["exact"] == 0.0


def test_format_error_rates():
    text = format_error_rates(error_rates(["a b c d", "x"], ["a c d", "x"]))
    assert text == (
        "WER 20.00% (S 0, D 1, I 0 of 5 words), CER 25.00% (S 0, D 2, I 0 of 8 characters), "
        "1 of 2 utterances exact"
    )


@pytest.mark.parametrize(
    "references, hypotheses, message",
    [
        (["a"], ["a", "b"], "Received: 1 references and 2 hypotheses"),
        (["a", 3], ["a", "b"], "Received: 3 in references"),
        (["a"], [None], "Received: None in hypotheses"),
    ],
)
def test_argument_errors(references, hypotheses, message):
    with pytest.raises(ValueError, match=message):
        error_rates(references, hypotheses)


def test_missing_jiwer_names_the_speech_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "jiwer", None)
    with pytest.raises(MissingPackageError, match=r"seqkit\[speech\]"):
        error_rates(["a"], ["a"])
