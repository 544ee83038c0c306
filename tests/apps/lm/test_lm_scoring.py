"""Scoring arithmetic against probabilities of the hand-set bigram model, computed by hand."""

import json
import math

import pytest
from click.testing import CliRunner

from seqkit.apps import lm
from seqkit.cli.main import cli


def test_scores_are_products_of_the_hand_set_probabilities(bigram_run):
    model = lm.load(bigram_run)
    ab, b, a_unknown = model.predict(["ab", "b", "axb"])
    # P(ab) = P(a|<BOS>) · P(b|a) · P(<EOS>|b) = 0.5 · 0.6 · 0.9 = 0.27
    assert [t["token"] for t in ab["tokens"]] == ["a", "b", "<EOS>"]
    assert [t["log_prob"] for t in ab["tokens"]] == pytest.approx(
        [math.log(0.5), math.log(0.6), math.log(0.9)], abs=1e-5
    )
    assert ab["log_probability"] == pytest.approx(math.log(0.27), abs=1e-5)
    assert ab["log10_probability"] == pytest.approx(math.log10(0.27), abs=1e-5)
    assert ab["probability"] == "2.70e-01"
    assert ab["perplexity"] == pytest.approx(0.27 ** (-1 / 3), rel=1e-5)
    assert ab["num_tokens"] == 3 and ab["unknown"] == []
    # P(b) = 0.25 · 0.9
    assert b["log_probability"] == pytest.approx(math.log(0.225), abs=1e-5)
    # "x" is outside the vocabulary: scored as <UNK>, which this model gives e^-40 after "a" ...
    assert a_unknown["unknown"] == ["x"]
    assert [t["unknown"] for t in a_unknown["tokens"]] == [False, True, False, False]
    assert a_unknown["tokens"][1]["log_prob"] == pytest.approx(-40.0 - math.log(1 + 3 * math.exp(-40)), abs=1e-4)
    # ... and after <UNK> (the state of an unknown token is zero, as after <BOS>) the <BOS> row applies to "b".
    assert a_unknown["tokens"][2]["log_prob"] == pytest.approx(math.log(0.25), abs=1e-4)


def test_compare_ranks_by_probability_with_ratios(bigram_run):
    ranked = lm.load(bigram_run).compare(["b", "ab", "aa"])
    # P(ab) = 0.27, P(b) = 0.225, P(aa) = 0.5 · 0.1 · 0.3 = 0.015
    assert [r["text"] for r in ranked] == ["ab", "b", "aa"]
    assert [r["rank"] for r in ranked] == [1, 2, 3]
    assert [r["times_less_likely"] for r in ranked] == pytest.approx([1.0, 0.27 / 0.225, 0.27 / 0.015], rel=1e-3)


def test_evaluate_reports_perplexity_and_bits_per_character(bigram_run, tmp_path):
    data = tmp_path / "valid.txt"
    data.write_text("ab\nb\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["lm", "evaluate", "--model", str(bigram_run), "--data", str(data), "--json"])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout)
    total = math.log(0.27) + math.log(0.225)  # 5 predicted tokens: a b <EOS> b <EOS>
    assert metrics["tokens"] == 5 and metrics["sequences"] == 2
    assert metrics["perplexity"] == pytest.approx(math.exp(-total / 5), abs=1e-3)
    assert metrics["bits_per_char"] == pytest.approx(-total / 5 / math.log(2), abs=1e-3)


def test_score_cli_prints_probability_in_scientific_notation_and_explains_unk(bigram_run):
    result = CliRunner().invoke(cli, ["lm", "score", "--model", str(bigram_run), "ab", "axb"])
    assert result.exit_code == 0, result.output
    assert "P = 2.70e-01" in result.output
    assert "-> <UNK>" in result.output and "<UNK> stands for every token outside the vocabulary" in result.output
    result = CliRunner().invoke(cli, ["lm", "score", "--model", str(bigram_run), "--compare", "aa", "ab"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1].split()[-1] == "ab" and lines[2].split()[-1] == "aa"
    assert "2.70e-01" in lines[1] and "1.50e-02" in lines[2]
