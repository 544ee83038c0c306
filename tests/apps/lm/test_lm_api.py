"""The Python API at word level: vocabulary limits, <UNK>, and ranking of similar sentences."""

import json

import pytest

from seqkit.apps import lm
from seqkit.errors import UserInputError

FOODS = ["apple", "pear", "plum", "fig"]
DISHES = ["salad", "pie", "tart"]


def _corpus():
    lines = []
    for i in range(24):
        first, second = FOODS[i % 4], FOODS[(i + 1) % 4]
        lines.append(f"the {first} and {second} {DISHES[i % 3]} is fresh.")
        lines.append(f"she bought a pair of {['shoes', 'boots'][i % 2]}.")
    lines.append("a zebra appeared once.")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def word_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lm_word")
    data = folder / "text.txt"
    data.write_text(_corpus(), encoding="utf-8")
    result = lm.fit(
        data=data,
        valid=data,
        out=folder / "run",
        preset="tiny",
        level="word",
        min_count=2,
        model_overrides={"units": 32, "embedding_dim": 16},
        training_overrides={"epochs": 6, "batch_size": 8, "seed": 0, "verbose": 0, "learning_rate": 0.02},
    )
    return result


def test_word_level_fit_limits_the_vocabulary_and_reports_bits_per_word(word_run):
    vocabulary = word_run.run_dir + "/vocabulary.txt"
    tokens = open(vocabulary, encoding="utf-8").read().split("\n")[:-1]
    assert tokens[:4] == ["<PAD>", "<UNK>", "<BOS>", "<EOS>"]
    assert "zebra" not in tokens and "pear" in tokens  # seen once < --min-count 2
    assert word_run.data["level"] == "word" and word_run.data["train_sequences"] == 49
    assert word_run.metrics["bits_per_word"] == pytest.approx(word_run.metrics["bits_per_token"])
    assert "bits per word" in word_run.summary()
    config = json.loads(open(word_run.run_dir + "/config.json").read())
    assert config["output_layer"]["parameters"] == 33 * len(tokens)


def test_compare_prefers_the_sentence_seen_in_training(word_run):
    model = lm.load(word_run.run_dir)
    ranked = model.compare(["the apple and pair salad", "the apple and pear salad"])
    assert [r["text"] for r in ranked] == ["the apple and pear salad", "the apple and pair salad"]
    assert ranked[1]["times_less_likely"] > 1.0
    scored = model.predict(["a zebra and a pear ."])[0]
    assert scored["unknown"] == ["zebra"]
    assert [t["token"] for t in scored["tokens"]][-2:] == [".", "<EOS>"]


def test_word_samples_are_detokenized_text(word_run):
    samples = lm.load(word_run.run_dir).sample(5, seed=2, prefix="she bought", max_length=12)
    assert all(s["text"].startswith("she bought") for s in samples)
    assert all(" ." not in s["text"] for s in samples)


def test_unknown_preset_and_dataset_are_user_errors(tmp_path):
    with pytest.raises(UserInputError, match="unknown preset 'huge'"):
        lm.fit(out=tmp_path, preset="huge")
    with pytest.raises(UserInputError, match="no standard dataset"):
        lm.fit(out=tmp_path, dataset="ptb")
