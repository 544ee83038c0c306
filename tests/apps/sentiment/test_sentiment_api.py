import json

import numpy as np
import pytest

from seqkit.apps import sentiment
from seqkit.apps.sentiment.model import decide
from seqkit.apps.sentiment.presets import PRESETS
from seqkit.errors import UserInputError

QUICK = {"epochs": 1, "seed": 0, "verbose": 0, "run_eagerly": True}  # a step or two: no trace


def test_ordinal_head_with_balanced_class_weights_trains_and_gives_probabilities(tmp_path):
    import tensorflow as tf

    train = tmp_path / "train.csv"
    with open(train, "w", encoding="utf-8") as handle:
        handle.write("text,rating\n")
        for i in range(30):  # skewed: 24 five-star reviews, 6 one-star ones
            handle.write('"The phone is awful, really terrible!",1\n' if i % 5 == 0 else "The film is superb!,5\n")
    result = sentiment.fit(
        data=train,
        valid=train,
        out=tmp_path / "run",
        preset="tiny",
        head="ordinal",
        class_weights="balanced",
        training_overrides=QUICK,
    )
    config = json.loads((tmp_path / "run" / "config.json").read_text())
    assert config["builder"]["head"] == "ordinal"
    # Ratings 1 and 5 only, yet the label set is the full 1-5 scale; weights n / (K * count) for seen classes.
    assert config["labels"] == ["1", "2", "3", "4", "5"]
    assert config["data"]["class_weights"] == pytest.approx({"1": 2.5, "2": 0.0, "3": 0.0, "4": 0.0, "5": 0.625})
    rater = sentiment.load(tmp_path / "run")
    assert rater.model.get_layer("cumulative_logits").num_classes == 5
    probabilities = rater.probabilities(["The film is superb!", "unknown words only"])
    assert probabilities.shape == (2, 5)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
    assert result.metrics["count"] == 30
    # Ordinal heads rate with the median rating, in Python and in the exported graph alike.
    assert rater.decision == "median"
    texts = ["The film is superb!", "The phone is awful", "unknown words only", ""]
    predicted = rater.predict(texts)
    medians = decide(rater.probabilities(texts), "median")
    assert [p["rating"] for p in predicted] == [rater.labels.labels[i] for i in medians]
    version = rater.export(tmp_path / "saved_models")
    served = tf.saved_model.load(str(version)).signatures["serving_default"](texts=tf.constant(texts))
    assert [r.decode() for r in served["rating"].numpy()] == [p["rating"] for p in predicted]


def test_softmax_head_can_rate_with_the_median_and_keeps_that_choice(tmp_path, review_writer):
    import tensorflow as tf

    train = review_writer(tmp_path / "train.csv", 40)
    sentiment.fit(
        data=train, valid=train, out=tmp_path / "run", preset="tiny", decision="median", training_overrides=QUICK
    )
    config = json.loads((tmp_path / "run" / "config.json").read_text())
    assert config["decision"] == "median" and config["builder"]["head"] == "softmax"
    assert config["builder"]["ngram_buckets"] == 1_000
    rater = sentiment.load(tmp_path / "run")
    assert rater.decision == "median"
    texts = ["The film is superb!", "The phone is awful", "The hotel is okay", ""]
    probabilities = rater.probabilities(texts)
    predicted = [p["rating"] for p in rater.predict(texts)]
    assert predicted == [rater.labels.labels[i] for i in decide(probabilities, "median")]
    version = rater.export(tmp_path / "saved_models")
    served = tf.saved_model.load(str(version)).signatures["serving_default"](texts=tf.constant(texts))
    assert [r.decode() for r in served["rating"].numpy()] == predicted
    with pytest.raises(UserInputError, match="--decision must be one of argmax, median; got 'mode'"):
        sentiment.fit(data=train, valid=train, out=tmp_path / "bad", preset="tiny", decision="mode")


def test_binary_word_labels_from_imdb_folders_via_dataset_download(tmp_path, monkeypatch):
    root = tmp_path / "aclImdb"
    for split in ("train", "test"):
        for label, text in (("pos", "Loved it.<br /><br />Great film!"), ("neg", "Boring and dull.")):
            (root / split / label).mkdir(parents=True)
            for i in range(6):
                (root / split / label / f"{i}_8.txt").write_text(f"{text} {i}", encoding="utf-8")
        (root / split / "unsup").mkdir()
        (root / split / "unsup" / "0_0.txt").write_text("no label", encoding="utf-8")
    calls = []

    def dataset_files(name):
        calls.append(name)
        return {"train": root / "train", "test": root / "test"}

    monkeypatch.setattr("seqkit.data.downloads.dataset_files", dataset_files)
    result = sentiment.fit(dataset="imdb", out=tmp_path / "run", preset="tiny", training_overrides=QUICK)
    assert calls == ["imdb"]
    assert (tmp_path / "run" / "labels.txt").read_text().split() == ["neg", "pos"]
    assert result.data["train_texts"] + result.data["valid_texts"] == 12
    assert result.data["test"].endswith("test")
    words = (tmp_path / "run" / "words.txt").read_text().split()
    assert "<br" not in " ".join(words) and "loved" in words
    prediction = sentiment.load(tmp_path / "run").predict(["Great film"])[0]
    assert set(prediction["probabilities"]) == {"neg", "pos"}


def test_explicit_labels_skip_bad_rows_and_pretrained_vectors(tmp_path):
    train = tmp_path / "train.jsonl"
    rows = [{"text": "Good film", "label": "positive"}, {"text": "bad Phone", "label": "negative"}] * 3
    rows.append({"text": "who knows", "label": "unsure"})
    train.write_text("\n".join(json.dumps(row) for row in rows) + "\n", encoding="utf-8")
    vectors = tmp_path / "vectors.txt"
    vectors.write_text("2 3\nPhone 0.5 -1.0 2.0\ngood 1.0 1.0 1.0\n", encoding="utf-8")
    options = {"data": train, "valid": train, "out": tmp_path / "run", "preset": "tiny"}
    with pytest.raises(UserInputError, match=r"train.jsonl:7: label 'unsure' is not one of"):
        sentiment.fit(**options, labels=["negative", "positive"], training_overrides=QUICK)
    result = sentiment.fit(
        **options,
        labels=["negative", "positive"],
        skip_bad_rows=True,
        embeddings=vectors,
        training_overrides={**QUICK, "learning_rate": 1e-9},
    )
    assert result.data["skipped_rows"] == {"train": 1, "valid": 1}
    assert "Skipped bad rows: 1 in training, 1 in validation." in result.summary()
    rater = sentiment.load(tmp_path / "run")
    assert rater.labels.labels == ["negative", "positive"]
    embedding = rater.model.get_layer("token_embedding").get_weights()[0]
    assert embedding.shape[1] == 3
    # File words are lowercased like the vocabulary: "Phone" gives the vector of "phone".
    np.testing.assert_allclose(embedding[rater.encoder.words.token_to_id("phone")], [0.5, -1.0, 2.0], atol=1e-4)
    assert result.metrics["embedding_coverage"] == pytest.approx(2 / (len(rater.encoder.words) - 2))


def test_pretrained_vectors_split_text_into_whole_words(tmp_path, review_writer):
    data = review_writer(tmp_path / "reviews.csv", 30)
    vectors = tmp_path / "vectors.txt"
    vectors.write_text("good 1.0 1.0\nbad -1.0 -1.0\n", encoding="utf-8")
    assert PRESETS["default"]["data"]["tokenizer"] == "wordpiece"
    sentiment.fit(data=data, valid=data, out=tmp_path / "run", embeddings=vectors, training_overrides=QUICK)
    rater = sentiment.load(tmp_path / "run")
    assert rater.config["encoder"]["tokenizer"] == "word"
    assert rater.model.get_layer("token_embedding").get_weights()[0].shape[1] == 2
    with pytest.raises(UserInputError, match="--embeddings holds whole-word vectors"):
        sentiment.fit(data=data, out=tmp_path / "other", embeddings=vectors, tokenizer="wordpiece")
    assert not (tmp_path / "other").exists()


def test_user_errors(tmp_path, review_writer):
    with pytest.raises(UserInputError, match="unknown preset 'huge'"):
        sentiment.fit(out=tmp_path, preset="huge")
    with pytest.raises(UserInputError, match="--data or --dataset"):
        sentiment.fit(data=tmp_path / "a.csv", dataset="imdb", out=tmp_path)
    with pytest.raises(UserInputError, match="unknown dataset 'sst'"):
        sentiment.fit(dataset="sst", out=tmp_path)
    one_label = tmp_path / "one.csv"
    one_label.write_text("text,label\na,pos\nb,pos\n", encoding="utf-8")
    with pytest.raises(UserInputError, match="at least two"):
        sentiment.fit(data=one_label, valid=one_label, out=tmp_path / "run", preset="tiny", training_overrides=QUICK)


def test_yelp_full_is_read_as_a_headerless_table(tmp_path, monkeypatch):
    from seqkit.application.sources import resolve_sources
    from seqkit.apps.sentiment.application import APPLICATION

    root = tmp_path / "yelp_review_full_csv"
    root.mkdir()
    rows = "".join(f'"{i % 5 + 1}","Review number {i}, with a comma."\n' for i in range(20))
    (root / "train.csv").write_text(rows, encoding="utf-8")
    (root / "test.csv").write_text(rows, encoding="utf-8")
    monkeypatch.setattr(
        "seqkit.data.downloads.dataset_files", lambda name: {"train": root / "train.csv", "test": root / "test.csv"}
    )
    settings = APPLICATION.settings("tiny", {}, {}, {})
    train, valid, sources = resolve_sources(APPLICATION, settings, dataset="yelp-full", seed=3)
    train, valid = list(train), list(valid)
    assert (len(train), len(valid)) == (18, 2)
    assert sources["dataset"] == "yelp-full" and sources["valid"].startswith("10% of")
    assert {row.label for row in train + valid} == {"1", "2", "3", "4", "5"}
    assert train[0].text.startswith("Review number") and train[0].line >= 1


def test_embedded_reviews_are_up_to_date():
    import pathlib
    import subprocess
    import sys

    import seqkit.apps.sentiment

    script = pathlib.Path(seqkit.apps.sentiment.__file__).parent / "data" / "make_reviews.py"
    result = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_wordpiece_model_trains_and_exports_the_same_answers(tmp_path, review_writer):
    import tensorflow as tf

    train = review_writer(tmp_path / "train.csv", 30)
    sentiment.fit(
        data=train,
        valid=train,
        out=tmp_path / "run",
        preset="tiny",
        tokenizer="wordpiece",
        max_vocabulary=80,
        training_overrides=QUICK,
    )
    rater = sentiment.load(tmp_path / "run")
    assert (tmp_path / "run" / "word_pieces.txt").is_file()
    assert rater.config["encoder"]["tokenizer"] == "wordpiece"
    texts = ["The screen is superbly excellent!", "Unseen wordings everywhere", ""]
    assert "<UNK>" not in rater.encoder.tokens("superbly")  # cut into known pieces
    version = rater.export(tmp_path / "saved_models")
    served = tf.saved_model.load(str(version)).signatures["serving_default"](texts=tf.constant(texts))
    expected = rater.predict(texts)
    assert [r.decode() for r in served["rating"].numpy()] == [e["rating"] for e in expected]
    np.testing.assert_allclose(
        served["probabilities"].numpy(), [list(e["probabilities"].values()) for e in expected], atol=1e-5
    )
