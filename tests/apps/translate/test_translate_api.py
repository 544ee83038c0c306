"""The Python API of `seqkit translate` with sub-words, input feeding and tied embeddings, and its pieces."""

import json

import numpy as np
import pytest

from seqkit.apps import translate
from seqkit.apps.translate.application import APPLICATION
from seqkit.errors import UserInputError

PAIRS = [
    ("A dog runs on the grass.", "Ein Hund rennt auf dem Gras."),
    ("Two men are talking.", "Zwei Männer unterhalten sich."),
    ("A girl is playing.", "Ein Mädchen spielt."),
    ("The man is eating.", "Der Mann isst."),
]


def test_subword_fit_with_held_out_validation(tmp_path):
    data = tmp_path / "pairs.tsv"
    data.write_text("".join(f"{s}\t{t}\tCC-BY\n" for s, t in PAIRS * 15), encoding="utf-8")
    out = tmp_path / "run"
    result = translate.fit(
        data=str(data), out=str(out), preset="tiny", tokenizer="subword", attention="luong", input_feeding=True,
        tie_embeddings=True, label_smoothing=0.1, beam_size=2,
        training_overrides={"epochs": 1, "seed": 2, "verbose": 0, "run_eagerly": True},
    )
    config = json.loads((out / "config.json").read_text())
    assert config["preset"] == "tiny"
    assert config["tokenizers"]["source"]["kind"] == "subword"
    assert config["builder"]["input_feeding"] is True and config["builder"]["tie_embeddings"] is True
    assert config["data"]["train_pairs"] == 54 and config["data"]["valid_pairs"] == 6  # a seeded tenth
    assert result.metrics["count"] == 6 and "BLEU" in result.summary()
    translator = translate.load(out)
    translations = translator.translate(["A dog is eating.", "Zwei"], beam_size=2, n_best=2)
    assert all(isinstance(row["translation"], str) for row in translations)
    assert [len(row["n_best"]) for row in translations] == [2, 2]
    sampled = translator.translate(["A dog is eating."] * 3, temperature=1.0, seed=5)
    assert sampled == translator.translate(["A dog is eating."] * 3, temperature=1.0, seed=5)


def test_embedded_data_chooses_the_dates_preset():
    assert APPLICATION.preset_for("default") == "dates"
    assert APPLICATION.preset_for("default", data="pairs.tsv") == "default"
    assert APPLICATION.preset_for("tiny") == "tiny"
    settings = APPLICATION.settings("default", {}, {}, {"tokenizer": "word", "target_tokenizer": "char"})
    assert settings.data["source_tokenizer"] == "word" and settings.data["target_tokenizer"] == "char"


def test_max_lengths_follow_the_source_length(trained_run):
    out, _ = trained_run
    translator = translate.load(out)
    ratio, offset = translator.decoding["max_length_ratio"], translator.decoding["max_length_offset"]
    np.testing.assert_array_equal(translator.max_lengths([3, 10]), [int(np.ceil(3 * ratio)) + offset,
                                                                    int(np.ceil(10 * ratio)) + offset])
    assert translator.max_lengths([10], max_length=4).tolist() == [4]
    long = translator.translate(["1 " * 30], beam_size=1, max_length=3)[0]
    assert len(translator.vectorizer.target.tokens(long["translation"])) <= 3


def test_attention_rows_are_distributions_over_the_source(trained_run):
    out, _ = trained_run
    translator = translate.load(out)
    source_tokens, target_tokens, weights = translator.attention("3 May 2021", "2021-05-03")
    assert source_tokens[-1] == target_tokens[-1] == "<EOS>"
    assert weights.shape == (len(target_tokens), len(source_tokens)) == (11, 11)
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, atol=1e-5)


def test_bad_decoding_arguments(trained_run):
    out, _ = trained_run
    translator = translate.load(out)
    with pytest.raises(UserInputError, match="`beam_size` must be a positive integer"):
        translator.translate(["a"], beam_size=0)
    with pytest.raises(UserInputError, match="--n-best needs beam search"):
        translator.translate(["a"], beam_size=2, n_best=2, temperature=0.5)
