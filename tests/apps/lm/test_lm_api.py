"""The Python API at word level: vocabulary limits, <UNK>, and ranking of similar sentences."""

import json
import math

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
        unit="line",  # one sentence per line, each a sequence (the data alone would choose running text)
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


def test_a_100k_word_vocabulary_scores_without_one_hot_tensors(tmp_path):
    from seqkit.apps.lm.model import LanguageModel
    from seqkit.data.vocabulary import Vocabulary
    from seqkit.export.run_directory import RunDirectory
    from seqkit.tasks import language_model

    vocabulary = Vocabulary(["<PAD>", "<UNK>", "<BOS>", "<EOS>"] + [f"w{i}" for i in range(99_996)])
    run = RunDirectory(tmp_path).create()
    run.write_config({"app": "lm", "level": "word"})
    model = LanguageModel(run, model=language_model(100_000, embedding_dim=4, units=4), vocabulary=vocabulary)
    (scored,) = model.predict(["w5 w99995 w7 unseen"])
    assert [t["token"] for t in scored["tokens"]] == ["w5", "w99995", "w7", "unseen", "<EOS>"]
    assert scored["unknown"] == ["unseen"]
    # An untrained model is close to uniform over 100,000 ids.
    assert all(abs(t["log_prob"] + math.log(100_000)) < 0.1 for t in scored["tokens"])


def test_word_level_export_scores_like_the_python_api(word_run, tmp_path):
    import tensorflow as tf

    model = lm.load(word_run.run_dir)
    path = model.export(tmp_path / "saved_models")
    assert path == tmp_path / "saved_models" / "lm" / "1"
    sentences = ["the apple and pear salad is fresh.", "She bought a zebra, didn't she?"]
    served = tf.saved_model.load(str(path)).signatures["serving_default"](sentences=tf.constant(sentences))
    expected = model.predict(sentences)
    assert served["log_probability"].numpy().tolist() == pytest.approx(
        [e["log_probability"] for e in expected], abs=1e-4
    )
    tokens = [[t.decode() for t in row if t] for row in served["tokens"].numpy()]
    assert tokens[1] == ["<UNK>" if t["unknown"] else t["token"] for t in expected[1]["tokens"]]
