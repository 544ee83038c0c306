import numpy as np
import pytest

from seqkit.metrics.base_tagging import base_tagging_scores, format_base_tagging_scores, runs

LABELS = ["intergenic", "UTR", "CDS", "intron"]  # ids 0 1 2 3


def brute_runs(ids):
    """(start, end, class) of the runs of equal non-negative ids, one base at a time."""
    found, start = [], None
    for i, value in enumerate(list(ids) + [None]):
        if start is not None and (value is None or value != ids[start]):
            if ids[start] >= 0:
                found.append((start, i, int(ids[start])))
            start = None
        if start is None and value is not None:
            start = i
    return found


def brute_segments(gold_sequences, predicted_sequences, classes):
    """Exact and overlap hit counts by comparing every predicted run with every gold run of each sequence."""
    totals = {key: 0 for key in ("gold", "predicted", "exact", "overlap_predicted", "overlap_gold")}
    for gold, predicted in zip(gold_sequences, predicted_sequences):
        gold, predicted = np.asarray(gold), np.asarray(predicted)
        predicted = np.where(gold >= 0, predicted, -1)
        g = [run for run in brute_runs(gold.tolist()) if run[2] in classes]
        p = [run for run in brute_runs(predicted.tolist()) if run[2] in classes]

        def overlaps(a, b):
            return a[2] == b[2] and min(a[1], b[1]) - max(a[0], b[0]) >= 1

        totals["gold"] += len(g)
        totals["predicted"] += len(p)
        totals["exact"] += len(set(g) & set(p))
        totals["overlap_predicted"] += sum(any(overlaps(run, other) for other in g) for run in p)
        totals["overlap_gold"] += sum(any(overlaps(run, other) for other in p) for run in g)
    return totals


def test_runs_of_a_small_array():
    assert runs([2, 2, 0, -1, 0, 0, 1]).tolist() == [[0, 2, 2], [2, 3, 0], [4, 6, 0], [6, 7, 1]]
    assert runs([]).shape == (0, 3) and runs([-1, -1]).shape == (0, 3)
    assert runs(np.full(5, 3)).tolist() == [[0, 5, 3]]
    rng = np.random.default_rng(0)
    for _ in range(50):
        ids = rng.integers(-1, 3, rng.integers(1, 30))
        assert [tuple(run) for run in runs(ids).tolist()] == brute_runs(ids.tolist())
    with pytest.raises(ValueError, match="`ids` must be a 1-D array"):
        runs([[0, 1]])


def test_scores_match_a_hand_computed_example():
    gold = [np.array([0, 0, 1, 1, 2, 2, 2, 3, 3, 2, 2, 0]), np.array([2, 2, 2, -1, -1, 2, 2, 0, 0])]
    predicted = [np.array([0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 2, 0]), np.array([2, 2, 2, 2, 0, 2, 2, 0, 3])]
    scores = base_tagging_scores(gold, predicted, LABELS)
    assert scores["count"] == 19 and scores["sequences"] == 2  # two ignored bases
    assert scores["accuracy"] == pytest.approx(16 / 19)
    assert scores["confusion"] == [[3, 1, 0, 1], [0, 2, 0, 0], [0, 0, 9, 1], [0, 0, 0, 2]]
    per = scores["per_class"]
    assert per["intergenic"] == pytest.approx({"precision": 1.0, "recall": 0.6, "f1": 0.75, "support": 5})
    assert per["UTR"]["precision"] == pytest.approx(2 / 3) and per["UTR"]["recall"] == 1.0
    assert per["CDS"]["f1"] == pytest.approx(2 * 1.0 * 0.9 / 1.9)
    assert per["intron"]["precision"] == pytest.approx(0.5)
    assert scores["macro_f1"] == pytest.approx(np.mean([0.75, 0.8, 1.8 / 1.9, 2 / 3]))
    assert scores["background"] == "intergenic" and scores["segment_classes"] == ["UTR", "CDS", "intron"]

    # Gold segments: UTR 2-4, CDS 4-7, intron 7-9, CDS 9-11 | CDS 0-3, CDS 5-7 (split by the ignored bases).
    # Predicted: UTR 1-4, CDS 4-7, intron 7-10, CDS 10-11 | CDS 0-3, CDS 5-7, intron 8-9.
    exact = scores["segment_exact"]
    assert (exact["gold"], exact["predicted"], exact["gold_hits"], exact["predicted_hits"]) == (6, 7, 3, 3)
    assert exact["precision"] == pytest.approx(3 / 7) and exact["recall"] == pytest.approx(0.5)
    assert exact["f1"] == pytest.approx(6 / 13)
    assert exact["per_class"]["CDS"] == {
        "precision": 0.75, "recall": 0.75, "f1": 0.75, "gold": 4, "predicted": 4, "gold_hits": 3, "predicted_hits": 3,
    }
    assert exact["per_class"]["UTR"]["f1"] == 0.0 and exact["per_class"]["intron"]["predicted"] == 2
    overlap = scores["segment_overlap"]
    assert (overlap["gold_hits"], overlap["predicted_hits"]) == (6, 6)  # only the intron at 8-9 misses
    assert overlap["precision"] == pytest.approx(6 / 7) and overlap["recall"] == 1.0
    assert overlap["f1"] == pytest.approx(12 / 13)
    assert overlap["per_class"]["intron"]["precision"] == 0.5 and overlap["per_class"]["intron"]["recall"] == 1.0


def test_segment_classes_background_and_sequence_boundaries():
    gold = [[2, 2, 0, 1], [2, 2, 3]]
    predicted = [[2, 2, 0, 0], [2, 2, 2]]
    only_cds = base_tagging_scores(gold, predicted, LABELS, segment_classes=["CDS"])
    assert list(only_cds["segment_exact"]["per_class"]) == ["CDS"]
    # The CDS at the end of sequence 1 and the one at the start of sequence 2 are two segments, not one.
    assert only_cds["segment_exact"]["gold"] == 2 and only_cds["segment_exact"]["gold_hits"] == 1
    assert only_cds["segment_overlap"]["recall"] == 1.0 and only_cds["segment_overlap"]["precision"] == 1.0
    everything = base_tagging_scores(gold, predicted, LABELS, background=None)
    assert everything["segment_classes"] == LABELS
    assert everything["segment_exact"]["per_class"]["intergenic"]["gold"] == 1
    assert everything["segment_exact"]["per_class"]["intergenic"]["predicted_hits"] == 0  # 2-4 against 2-3
    other = base_tagging_scores([[0, 1]], [[0, 1]], ["bg", "gene"], background="bg")
    assert other["segment_exact"]["f1"] == 1.0 and other["per_class"]["bg"]["support"] == 1


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_segment_counts_match_a_pairwise_brute_force(seed):
    rng = np.random.default_rng(seed)
    gold, predicted = [], []
    for _ in range(6):
        length = int(rng.integers(1, 60))
        # Runs of random lengths, so that segments are longer than one base; a few ignored bases.
        g = np.repeat(rng.integers(0, 4, length), rng.integers(1, 5, length))
        p = g.copy()
        flip = rng.random(g.size) < 0.2
        p[flip] = rng.integers(0, 4, flip.sum())
        g[rng.random(g.size) < 0.05] = -1
        gold.append(g)
        predicted.append(p)
    scores = base_tagging_scores(gold, predicted, LABELS)
    expected = brute_segments(gold, predicted, {1, 2, 3})
    exact, overlap = scores["segment_exact"], scores["segment_overlap"]
    assert (exact["gold"], exact["predicted"], exact["predicted_hits"]) == (
        expected["gold"], expected["predicted"], expected["exact"])
    assert (overlap["predicted_hits"], overlap["gold_hits"]) == (
        expected["overlap_predicted"], expected["overlap_gold"])
    for k, label in enumerate(LABELS[1:], start=1):
        per = brute_segments(gold, predicted, {k})
        assert exact["per_class"][label]["predicted_hits"] == per["exact"]
        assert overlap["per_class"][label]["gold_hits"] == per["overlap_gold"]


def test_a_million_bases_are_scored_without_a_loop_over_bases():
    rng = np.random.default_rng(7)
    lengths = rng.integers(1, 400, 6000)
    gold = np.repeat(rng.integers(0, 4, lengths.size), lengths)[:1_000_000]
    predicted = gold.copy()
    noise = rng.random(gold.size) < 0.001
    predicted[noise] = (predicted[noise] + 1) % 4
    assert gold.size == 1_000_000
    spans = runs(gold)
    np.testing.assert_array_equal(np.repeat(spans[:, 2], spans[:, 1] - spans[:, 0]), gold)
    scores = base_tagging_scores([gold], [predicted], LABELS)
    assert scores["count"] == 1_000_000 and scores["accuracy"] == pytest.approx(1 - noise.mean())
    assert scores["segment_exact"]["gold"] == int((spans[:, 2] != 0).sum())
    assert 0.5 < scores["segment_exact"]["f1"] < 1.0 and scores["segment_overlap"]["recall"] > 0.99
    perfect = base_tagging_scores([gold], [gold], LABELS)
    assert perfect["segment_exact"]["f1"] == 1.0 and perfect["macro_f1"] == 1.0


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="list of 1-D arrays"):
        base_tagging_scores(np.array([0, 1]), np.array([0, 1]), LABELS)
    with pytest.raises(ValueError, match="same number of sequences"):
        base_tagging_scores([[0]], [[0], [1]], LABELS)
    with pytest.raises(ValueError, match="same length in both"):
        base_tagging_scores([[0, 1]], [[0]], LABELS)
    with pytest.raises(ValueError, match="at least one non-negative"):
        base_tagging_scores([[-1, -1]], [[0, 0]], LABELS)
    with pytest.raises(ValueError, match=r"`true_ids` must lie in \[0, 4\)"):
        base_tagging_scores([[4]], [[0]], LABELS)
    with pytest.raises(ValueError, match=r"`predicted_ids` must lie in \[0, 4\)"):
        base_tagging_scores([[0, 1]], [[0, 9]], LABELS)
    base_tagging_scores([[0, -1]], [[0, 9]], LABELS)  # anything goes where the gold base is ignored
    with pytest.raises(ValueError, match="`background` must be one of the labels"):
        base_tagging_scores([[0]], [[0]], LABELS, background="bg")
    with pytest.raises(ValueError, match="`segment_classes` must be labels other than the background"):
        base_tagging_scores([[0]], [[0]], LABELS, segment_classes=["intergenic"])
    with pytest.raises(ValueError, match="at least one sequence"):
        base_tagging_scores([], [], LABELS)


def test_report_has_the_summary_tables_and_confusion():
    gold = [np.array([0, 0, 1, 1, 2, 2, 2, 3, 3, 2, 2, 0])]
    predicted = [np.array([0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 2, 0])]
    report = format_base_tagging_scores(base_tagging_scores(gold, predicted, LABELS))
    lines = report.splitlines()
    assert lines[0] == (
        "12 bases in 1 sequence: accuracy 0.8333, macro-F1 0.8222; segments (exact / overlap F1): 0.2500 / 1.0000"
    )
    assert lines[8] == "segments (background: intergenic)"
    assert "exact" in lines[9] and "overlap" in lines[9]
    assert lines[11].split()[:3] == ["UTR", "1", "1"] and lines[14].split()[0] == "micro"
    assert "confusion (rows: true, columns: predicted)" in lines
