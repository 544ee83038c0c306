"""Word and character error rates of transcripts, with jiwer.

Before scoring, every reference and hypothesis has its whitespace normalised: leading and trailing
whitespace removed, runs of whitespace inside reduced to one space. Words are the space-separated pieces;
characters are those of the normalised text, the spaces between words included. Nothing else is changed
(case and punctuation count): normalise the text first if the test set needs it.

Rates pool the edits of the whole corpus: `wer = (S + D + I) / N` with `N` the reference words of every
utterance, not a mean of per-utterance rates.

An empty reference (empty or only whitespace) has no words to substitute or delete: every hypothesis word
is an insertion (and every hypothesis character a character insertion). jiwer is not asked to align it
(jiwer 3 raises on empty references). A rate whose reference count is 0 is divided by 1 instead, so an
empty reference with an empty hypothesis scores 0.0 and one with two inserted words scores 2.0.

Example:

>>> scores = error_rates(["the cat sat", "hello"], ["the cat sat down", "hello"])
>>> scores["wer"], scores["insertions"], scores["reference_words"], scores["exact"]
(0.25, 1, 4, 0.5)
>>> format_error_rates(scores)
'WER 25.00% (S 0, D 0, I 1 of 4 words), CER 31.25% (S 0, D 0, I 5 of 16 characters), 1 of 2 utterances exact'
"""

from seqkit.optional import import_optional


def _jiwer():
    return import_optional("jiwer", "speech")


def _normalise(text):
    return " ".join(text.split())


def _edits(reference, hypothesis, process, units):
    """`(substitutions, deletions, insertions, reference units)` of one normalised pair."""
    if not reference:
        return 0, 0, len(units(hypothesis)), 0
    if not hypothesis:
        return 0, len(units(reference)), 0, len(units(reference))
    output = process(reference, hypothesis)
    return output.substitutions, output.deletions, output.insertions, len(units(reference))


def _rate(substitutions, deletions, insertions, total):
    return (substitutions + deletions + insertions) / max(total, 1)


def error_rates(references, hypotheses, *, per_utterance=False):
    """Corpus word and character error rates, the edit counts, and optionally per-utterance scores.

    Args:
        references: the true transcripts (strings).
        hypotheses: one recognised transcript per reference (strings).
        per_utterance: also return `utterances`, one dict per pair: `reference`, `hypothesis` (as given),
            `wer`, `cer`, and the word `substitutions`, `insertions`, `deletions`.

    Returns:
        A dict: `wer`, `cer` (fractions, not percentages), the word edits `substitutions`, `insertions`,
        `deletions` and `reference_words`, the character edits `char_substitutions`, `char_insertions`,
        `char_deletions` and `reference_chars`, `count` (utterances) and `exact` (the fraction of
        utterances without a word error; 0.0 for no utterance), plus `utterances` with `per_utterance`.

    Example:

    >>> scores = error_rates(["a b c", ""], ["a x", "oops"], per_utterance=True)
    >>> [scores[key] for key in ("substitutions", "deletions", "insertions", "reference_words")]
    [1, 1, 1, 3]
    >>> [(u["wer"], u["insertions"]) for u in scores["utterances"]]
    [(0.6666666666666666, 0), (1.0, 1)]
    """
    references, hypotheses = list(references), list(hypotheses)
    if len(references) != len(hypotheses):
        raise ValueError(
            "`references` and `hypotheses` must have the same length. "
            f"Received: {len(references)} references and {len(hypotheses)} hypotheses"
        )
    for name, texts in (("references", references), ("hypotheses", hypotheses)):
        for text in texts:
            if not isinstance(text, str):
                raise ValueError(f"`{name}` must hold strings. Received: {text!r} in {name}")
    jiwer = _jiwer()
    words = [0, 0, 0, 0]
    chars = [0, 0, 0, 0]
    exact = 0
    utterances = []
    for reference, hypothesis in zip(references, hypotheses):
        ref, hyp = _normalise(reference), _normalise(hypothesis)
        word_edits = _edits(ref, hyp, jiwer.process_words, str.split)
        char_edits = _edits(ref, hyp, jiwer.process_characters, list)
        words = [total + edit for total, edit in zip(words, word_edits)]
        chars = [total + edit for total, edit in zip(chars, char_edits)]
        exact += sum(word_edits[:3]) == 0
        if per_utterance:
            substitutions, deletions, insertions, _ = word_edits
            utterances.append(
                {
                    "reference": reference,
                    "hypothesis": hypothesis,
                    "wer": _rate(*word_edits),
                    "cer": _rate(*char_edits),
                    "substitutions": substitutions,
                    "insertions": insertions,
                    "deletions": deletions,
                }
            )
    scores = {
        "wer": _rate(*words),
        "cer": _rate(*chars),
        "substitutions": words[0],
        "insertions": words[2],
        "deletions": words[1],
        "reference_words": words[3],
        "char_substitutions": chars[0],
        "char_insertions": chars[2],
        "char_deletions": chars[1],
        "reference_chars": chars[3],
        "count": len(references),
        "exact": exact / len(references) if references else 0.0,
    }
    if per_utterance:
        scores["utterances"] = utterances
    return scores


def format_error_rates(scores):
    """One line: WER and CER as percentages with their edit counts, and the exact utterances.

    Example:

    >>> format_error_rates(error_rates(["a b"], ["a c"]))
    'WER 50.00% (S 1, D 0, I 0 of 2 words), CER 33.33% (S 1, D 0, I 0 of 3 characters), 0 of 1 utterance exact'
    """
    count = scores["count"]
    return (
        f"WER {100 * scores['wer']:.2f}% (S {scores['substitutions']}, D {scores['deletions']}, "
        f"I {scores['insertions']} of {scores['reference_words']} words), "
        f"CER {100 * scores['cer']:.2f}% (S {scores['char_substitutions']}, D {scores['char_deletions']}, "
        f"I {scores['char_insertions']} of {scores['reference_chars']} characters), "
        f"{round(scores['exact'] * count)} of {count} utterance{'' if count == 1 else 's'} exact"
    )
