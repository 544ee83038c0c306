"""Translation quality with sacrebleu: corpus BLEU and chrF (comparable with published figures), exact match.

sacrebleu tokenises the detokenised hypotheses and references itself (its `13a` tokeniser, cased), so the
figures do not depend on seqkit's tokenisation and can be set beside papers that report sacreBLEU. The
signature of each metric (tokeniser, casing, smoothing, version) is returned with the scores.

Example:

>>> scores = translation_scores(["the cat sat on the mat ."], ["the cat sat on the mat ."])
>>> scores["bleu"], scores["chrf"], scores["exact_match"]
(100.0, 100.0, 1.0)
"""

from seqkit.optional import import_optional


def _sacrebleu():
    return import_optional("sacrebleu", "translate")


def translation_scores(hypotheses, references, *, per_sentence=False):
    """Corpus BLEU and chrF (0-100), the exact-match rate, and optionally per-sentence scores.

    Args:
        hypotheses: the system's translations (strings).
        references: one reference per hypothesis (strings).
        per_sentence: also return `sentences`: `{bleu, chrf, exact}` per pair (sentence BLEU with
            sacrebleu's `effective_order`, as recommended for single sentences).

    Returns:
        A dict: `bleu`, `chrf`, `exact_match`, `count`, `bleu_signature`, `chrf_signature`,
        `bleu_details` (n-gram precisions, brevity penalty, lengths), and `sentences` with `per_sentence`.
    """
    hypotheses, references = list(hypotheses), list(references)
    if len(hypotheses) != len(references):
        raise ValueError(
            "`hypotheses` and `references` must have the same length. "
            f"Received: {len(hypotheses)} hypotheses and {len(references)} references"
        )
    if not hypotheses:
        raise ValueError("`hypotheses` must not be empty. Received: hypotheses=[]")
    metrics = _sacrebleu().metrics
    bleu, chrf = metrics.BLEU(), metrics.CHRF()
    corpus_bleu = bleu.corpus_score(hypotheses, [references])
    corpus_chrf = chrf.corpus_score(hypotheses, [references])
    exact = [hypothesis.strip() == reference.strip() for hypothesis, reference in zip(hypotheses, references)]
    scores = {
        "count": len(hypotheses),
        "bleu": round(corpus_bleu.score, 4),
        "chrf": round(corpus_chrf.score, 4),
        "exact_match": round(sum(exact) / len(exact), 6),
        "bleu_details": {
            "precisions": [round(p, 4) for p in corpus_bleu.precisions],
            "brevity_penalty": round(corpus_bleu.bp, 6),
            "hypothesis_length": corpus_bleu.sys_len,
            "reference_length": corpus_bleu.ref_len,
        },
        "bleu_signature": str(bleu.get_signature()),
        "chrf_signature": str(chrf.get_signature()),
    }
    if per_sentence:
        sentence_bleu = metrics.BLEU(effective_order=True)
        scores["sentences"] = [
            {
                "bleu": round(sentence_bleu.sentence_score(hypothesis, [reference]).score, 4),
                "chrf": round(chrf.sentence_score(hypothesis, [reference]).score, 4),
                "exact": flag,
            }
            for hypothesis, reference, flag in zip(hypotheses, references, exact)
        ]
    return scores
