import random
import warnings

import pytest
from seqeval.metrics import accuracy_score, classification_report
from seqeval.scheme import IOB2

from seqkit.data import tagging_schemes
from seqkit.metrics import entity_scores

TYPES = ["PER", "LOC", "ORG", "MISC"]


def _random_iob2(rng, length):
    """A well-formed IOB2 sequence."""
    spans, position = [], 0
    while position < length:
        if rng.random() < 0.45:
            end = min(length, position + rng.randint(1, 3))
            spans.append((rng.choice(TYPES), position, end))
            position = end
        else:
            position += 1
    return tagging_schemes.tags_from_spans(spans, length)


def _perturb(rng, tags, noisy):
    """A prediction: the gold tags with random edits; `noisy` allows stray I- tags."""
    tags = list(tags)
    for i in range(len(tags)):
        if rng.random() < 0.25:
            prefix = rng.choice(["O", "B", "I"] if noisy else ["O", "B"])
            tags[i] = "O" if prefix == "O" else f"{prefix}-{rng.choice(TYPES)}"
    return tags if noisy else tagging_schemes.to_iob2(tags, "iob2")


def _seqeval(true, pred, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zero-division warnings
        return classification_report(true, pred, output_dict=True, zero_division=0, **kwargs)


def _assert_matches(ours, report):
    close = {"abs": 1e-12}
    micro = report["micro avg"]
    assert ours["precision"] == pytest.approx(micro["precision"], **close)
    assert ours["recall"] == pytest.approx(micro["recall"], **close)
    assert ours["f1"] == pytest.approx(micro["f1-score"], **close)
    assert ours["support"] == micro["support"]
    for ours_key, theirs_key in (("macro", "macro avg"), ("weighted", "weighted avg")):
        for metric, theirs_metric in (
            ("precision", "precision"),
            ("recall", "recall"),
            ("f1", "f1-score"),
        ):
            assert ours[ours_key][metric] == pytest.approx(
                report[theirs_key][theirs_metric], **close
            )
    types = {k for k in report if not k.endswith(" avg")}
    assert set(ours["per_type"]) == types
    for kind in types:
        assert ours["per_type"][kind]["precision"] == pytest.approx(
            report[kind]["precision"], **close
        )
        assert ours["per_type"][kind]["recall"] == pytest.approx(report[kind]["recall"], **close)
        assert ours["per_type"][kind]["f1"] == pytest.approx(report[kind]["f1-score"], **close)
        assert ours["per_type"][kind]["support"] == report[kind]["support"]


def _corpus(seed, noisy):
    rng = random.Random(seed)
    true = [_random_iob2(rng, rng.randint(1, 12)) for _ in range(40)]
    pred = [_perturb(rng, tags, noisy) for tags in true]
    return true, pred


@pytest.mark.parametrize("seed", range(8))
def test_well_formed_iob2_matches_seqeval_default_and_strict(seed):
    true, pred = _corpus(seed, noisy=False)
    ours = entity_scores(true, pred)
    _assert_matches(ours, _seqeval(true, pred))
    _assert_matches(ours, _seqeval(true, pred, mode="strict", scheme=IOB2))
    assert ours["token_accuracy"] == pytest.approx(accuracy_score(true, pred), abs=1e-12)


@pytest.mark.parametrize("seed", range(8))
def test_ill_formed_predictions_match_seqeval_default_mode(seed):
    # Stray I- tags start entities, as in conlleval and seqeval's default mode.
    true, pred = _corpus(100 + seed, noisy=True)
    _assert_matches(entity_scores(true, pred), _seqeval(true, pred))


@pytest.mark.parametrize("seed", range(4))
def test_bioes_and_iob1_match_seqeval_default_mode(seed):
    true, pred = _corpus(200 + seed, noisy=False)
    for scheme in ("bioes", "iob1"):
        true_s = [tagging_schemes.from_iob2(t, scheme) for t in true]
        pred_s = [tagging_schemes.from_iob2(p, scheme) for p in pred]
        ours = entity_scores(true_s, pred_s, scheme=scheme)
        _assert_matches(ours, _seqeval(true_s, pred_s))
        # Entity scores do not depend on the scheme the tags are written in.
        assert ours["f1"] == entity_scores(true, pred)["f1"]


def test_hand_made_example():
    true = [
        ["B-PER", "I-PER", "O", "B-LOC", "O", "B-ORG", "I-ORG"],
        ["B-MISC", "O", "B-LOC", "I-LOC"],
    ]
    pred = [
        ["B-PER", "I-PER", "O", "B-ORG", "O", "B-ORG", "O"],  # PER right, LOC→ORG, ORG cut short
        ["B-MISC", "O", "B-LOC", "B-LOC"],  # MISC right, LOC split in two
    ]
    scores = entity_scores(true, pred)
    # 5 gold, 6 predicted, 2 correct.
    assert (scores["support"], scores["predicted"], scores["correct"]) == (5, 6, 2)
    assert scores["precision"] == pytest.approx(2 / 6)
    assert scores["recall"] == pytest.approx(2 / 5)
    assert scores["f1"] == pytest.approx(2 * (2 / 6) * (2 / 5) / (2 / 6 + 2 / 5))
    assert scores["type_confusion"] == {"LOC": {"ORG": 1}}
    # Gold ORG(5,7) and LOC(2,4) have no prediction with their boundaries.
    assert scores["missed"] == 2
    # Predicted ORG(5,6), LOC(2,3), LOC(3,4) match no gold boundaries.
    assert scores["spurious"] == 3
    confused = 1
    assert scores["support"] - scores["correct"] == scores["missed"] + confused
    assert scores["predicted"] - scores["correct"] == scores["spurious"] + confused
    assert scores["per_type"]["PER"] == {
        "precision": 1.0,
        "recall": 1.0,
        "f1": 1.0,
        "support": 1,
        "predicted": 1,
    }
    assert scores["per_type"]["LOC"]["support"] == 2
    assert scores["per_type"]["LOC"]["precision"] == 0.0
    assert scores["per_type"]["ORG"]["precision"] == 0.0
    assert scores["token_accuracy"] == pytest.approx(8 / 11)
    _assert_matches(scores, _seqeval(true, pred))


def test_edge_cases():
    empty = entity_scores([["O", "O"]], [["O", "O"]])
    assert (empty["precision"], empty["recall"], empty["f1"], empty["per_type"]) == (
        0.0,
        0.0,
        0.0,
        {},
    )
    assert empty["token_accuracy"] == 1.0
    nothing_predicted = entity_scores([["B-PER"]], [["O"]])
    assert (nothing_predicted["recall"], nothing_predicted["missed"]) == (0.0, 1)
    assert entity_scores([], [])["token_accuracy"] == 0.0
    # A stray I- in the prediction is an entity (conlleval), so this is a hit.
    assert entity_scores([["O", "B-PER"]], [["O", "I-PER"]])["f1"] == 1.0


def test_errors():
    with pytest.raises(ValueError, match="Received: 1 and 2"):
        entity_scores([["O"]], [["O"], ["O"]])
    with pytest.raises(ValueError, match="Sequence 0 must have as many predicted tags"):
        entity_scores([["O", "O"]], [["O"]])
    with pytest.raises(
        ValueError, match=r"`pred_tag_seqs` must hold valid iob2 tags\. Received: 'PER'"
    ):
        entity_scores([["O"]], [["PER"]])


def test_stray_i_tag_is_where_seqeval_modes_differ():
    true, pred = [["O", "B-PER", "O"]], [["O", "I-PER", "O"]]
    assert entity_scores(true, pred)["f1"] == _seqeval(true, pred)["micro avg"]["f1-score"] == 1.0
    strict = _seqeval(true, pred, mode="strict", scheme=IOB2)
    assert strict["micro avg"]["f1-score"] == 0.0
