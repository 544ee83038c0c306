"""Entity-level precision, recall and F1 for sequence tagging, as scored by conlleval.

An entity counts as correct only when its type, first token and last token all match a
gold entity (exact-span matching). Entities are decoded as the CoNLL evaluation script
`conlleval` decodes them: an `I-` (or `E-`) tag that continues no open entity of its type
starts a new entity. This is the behaviour of seqeval's default mode
(`classification_report(y_true, y_pred)` with no `mode`/`scheme`); seqeval's
`mode="strict"` instead discards such ill-formed entities, so the two agree whenever
every sequence is well formed.

Example:

>>> true = [["B-PER", "I-PER", "O", "B-LOC"]]
>>> pred = [["B-PER", "I-PER", "O", "B-ORG"]]
>>> scores = entity_scores(true, pred)
>>> scores["f1"], scores["per_type"]["PER"]["support"], scores["type_confusion"]
(0.5, 1, {'LOC': {'ORG': 1}})
"""

import collections

from seqkit.data import tagging_schemes


def _ratio(numerator, denominator):
    return numerator / denominator if denominator else 0.0


def _prf(correct, predicted, support):
    precision = _ratio(correct, predicted)
    recall = _ratio(correct, support)
    f1 = _ratio(2 * precision * recall, precision + recall)
    return {"precision": precision, "recall": recall, "f1": f1}


def _entities(sequences, scheme, name):
    found = set()
    for index, tags in enumerate(sequences):
        try:
            sentence_spans = tagging_schemes.spans(list(tags), scheme)
        except tagging_schemes.InvalidTagError as error:
            raise ValueError(
                f"`{name}` must hold valid {scheme} tags. Received: {error.tag!r} at "
                f"position {error.position} of sequence {index}"
            ) from None
        found.update((index, kind, start, end) for kind, start, end in sentence_spans)
    return found


def entity_scores(true_tag_seqs, pred_tag_seqs, *, scheme="iob2"):
    """Scores predicted tag sequences against gold ones at the entity level.

    Args:
        true_tag_seqs: a list of gold tag sequences.
        pred_tag_seqs: a list of predicted tag sequences, each as long as its gold one.
        scheme: the scheme of both: `"iob2"` (default), `"iob1"` or `"bioes"`.

    Returns:
        A JSON-ready dict:
        - `precision`, `recall`, `f1`: micro averages over all entities (conlleval's
          overall scores), as fractions in [0, 1];
        - `support`, `predicted`, `correct`: numbers of gold, predicted and correct
          entities;
        - `macro`, `weighted`: dicts of `precision`, `recall`, `f1` averaged over types
          (unweighted, or weighted by support), over the types seen in gold or
          predictions;
        - `per_type`: `{type: {"precision", "recall", "f1", "support", "predicted"}}`,
          sorted by type;
        - `token_accuracy`: the fraction of tokens whose tag is exactly right;
        - `type_confusion`: `{gold_type: {predicted_type: count}}` for predicted entities
          with a gold entity's exact boundaries but another type;
        - `missed`: gold entities whose boundaries no prediction has;
        - `spurious`: predicted entities whose boundaries no gold entity has.
        So `support - correct = missed + confused` and
        `predicted - correct = spurious + confused`, where `confused` is the sum of
        `type_confusion`.

    Example:

    >>> scores = entity_scores([["B-LOC", "O", "B-PER"]], [["B-LOC", "B-MISC", "O"]])
    >>> scores["precision"], scores["recall"], scores["missed"], scores["spurious"]
    (0.5, 0.5, 1, 1)
    >>> round(scores["token_accuracy"], 4)
    0.3333
    """
    true_tag_seqs = list(true_tag_seqs)
    pred_tag_seqs = list(pred_tag_seqs)
    if len(true_tag_seqs) != len(pred_tag_seqs):
        raise ValueError(
            "`true_tag_seqs` and `pred_tag_seqs` must hold as many sequences. "
            f"Received: {len(true_tag_seqs)} and {len(pred_tag_seqs)}"
        )
    tokens = right_tokens = 0
    for index, (true_tags, pred_tags) in enumerate(zip(true_tag_seqs, pred_tag_seqs)):
        if len(true_tags) != len(pred_tags):
            raise ValueError(
                f"Sequence {index} must have as many predicted tags as gold tags. "
                f"Received: {len(true_tags)} gold and {len(pred_tags)} predicted"
            )
        tokens += len(true_tags)
        right_tokens += sum(t == p for t, p in zip(true_tags, pred_tags))

    gold = _entities(true_tag_seqs, scheme, "true_tag_seqs")
    guessed = _entities(pred_tag_seqs, scheme, "pred_tag_seqs")
    correct = gold & guessed

    def count_by_type(entities):
        return collections.Counter(kind for _, kind, _, _ in entities)

    gold_by_type = count_by_type(gold)
    guessed_by_type = count_by_type(guessed)
    correct_by_type = count_by_type(correct)
    per_type = {}
    for kind in sorted(set(gold_by_type) | set(guessed_by_type)):
        per_type[kind] = _prf(correct_by_type[kind], guessed_by_type[kind], gold_by_type[kind])
        per_type[kind].update(support=gold_by_type[kind], predicted=guessed_by_type[kind])

    def average(weights):
        total = sum(weights.values())
        return {
            key: _ratio(sum(per_type[k][key] * w for k, w in weights.items()), total)
            for key in ("precision", "recall", "f1")
        }

    # Spans in one sequence never overlap, so boundaries identify a gold entity.
    gold_type = {(index, start, end): kind for index, kind, start, end in gold}
    guessed_bounds = {(index, start, end) for index, _, start, end in guessed}
    confusion = collections.defaultdict(collections.Counter)
    spurious = 0
    for index, kind, start, end in guessed - correct:
        if (index, start, end) in gold_type:
            confusion[gold_type[(index, start, end)]][kind] += 1
        else:
            spurious += 1
    missed = sum(1 for index, _, start, end in gold if (index, start, end) not in guessed_bounds)

    result = _prf(len(correct), len(guessed), len(gold))
    result.update(
        support=len(gold),
        predicted=len(guessed),
        correct=len(correct),
        macro=average({kind: 1 for kind in per_type}),
        weighted=average({kind: scores["support"] for kind, scores in per_type.items()}),
        per_type=per_type,
        token_accuracy=_ratio(right_tokens, tokens),
        type_confusion={
            gold_kind: dict(sorted(counts.items()))
            for gold_kind, counts in sorted(confusion.items())
        },
        missed=missed,
        spurious=spurious,
    )
    return result
