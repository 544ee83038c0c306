import functools
import json

import numpy as np
import pytest

from seqkit.apps import ner
from seqkit.errors import UserInputError

QUICK = {"epochs": 1, "seed": 0, "verbose": 0, "run_eagerly": True}  # a step or two: no trace


def test_tabular_one_row_per_token_trains_with_detected_columns(tmp_path):
    lines = ["Sentence #,Word,POS,Tag"]
    for i in range(6):
        lines += [f"Sentence: {i + 1},Anna,NNP,B-per", ",Berg,NNP,I-per", ",visited,VBD,O", ",Oslo,NNP,B-geo", ",.,.,O"]
    table = tmp_path / "ner_dataset.csv"
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = ner.fit(data=table, out=tmp_path / "run", preset="tiny", training_overrides=QUICK)
    config = json.loads((tmp_path / "run" / "config.json").read_text())
    assert config["data"]["train_sentences"] + config["data"]["valid_sentences"] == 6
    assert (tmp_path / "run" / "tags.txt").read_text().split() == ["O", "B-geo", "B-per", "I-per"]
    assert 0.0 <= result.metrics["f1"] <= 1.0


def test_iob1_input_is_normalised_to_iob2(tmp_path):
    corpus = tmp_path / "iob1.txt"
    corpus.write_text("Anna I-PER\nBerg I-PER\nmet O\nBob I-PER\n\nOslo I-LOC\nOslo B-LOC\n", encoding="utf-8")
    ner.fit(data=corpus, valid=corpus, out=tmp_path / "run", preset="tiny", training_overrides=QUICK)
    tags = (tmp_path / "run" / "tags.txt").read_text().split()
    assert "I-LOC" not in tags and "B-LOC" in tags and "I-PER" in tags


def test_pretrained_vectors_are_loaded_and_coverage_reported(tmp_path, corpus_writer):
    train = corpus_writer(tmp_path / "train.txt", 10)
    vectors = tmp_path / "vectors.txt"
    vectors.write_text("2 3\nparis 0.5 -1.0 2.0\njoined 1.0 1.0 1.0\n", encoding="utf-8")
    result = ner.fit(
        data=train, valid=train, out=tmp_path / "run", preset="tiny", embeddings=vectors,
        training_overrides={**QUICK, "learning_rate": 1e-9},
    )
    tagger = ner.load(tmp_path / "run")
    embedding = tagger.model.get_layer("token_embedding").get_weights()[0]
    words = tagger.vectorizer.words
    assert embedding.shape[1] == 3
    np.testing.assert_allclose(embedding[words.token_to_id("paris")], [0.5, -1.0, 2.0], atol=1e-4)
    vocabulary_words = len(words) - 2
    assert result.metrics["embedding_coverage"] == pytest.approx(2 / vocabulary_words)


def test_vectors_with_inconsistent_width_name_the_line(tmp_path, corpus_writer):
    train = corpus_writer(tmp_path / "train.txt", 4)
    vectors = tmp_path / "vectors.txt"
    vectors.write_text("paris 0.5 -1.0\nlima 1.0\n", encoding="utf-8")
    with pytest.raises(UserInputError, match=r"vectors.txt:2: expected 2 numbers"):
        ner.fit(data=train, out=tmp_path / "run", preset="tiny", embeddings=vectors, training_overrides=QUICK)


def test_unknown_preset_and_data_with_dataset_are_user_errors(tmp_path):
    with pytest.raises(UserInputError, match="unknown preset 'huge'"):
        ner.fit(out=tmp_path, preset="huge")
    with pytest.raises(UserInputError, match="--data or --dataset"):
        ner.fit(data=tmp_path / "a.txt", dataset="conll2003", out=tmp_path)


def test_validation_tag_unseen_in_training_names_file_and_line(tmp_path, corpus_writer):
    train = corpus_writer(tmp_path / "train.txt", 4)
    valid = tmp_path / "valid.txt"
    valid.write_text("Anna B-PER\n\nRome B-GPE\n", encoding="utf-8")
    with pytest.raises(UserInputError, match=r"valid.txt:3: tag 'B-GPE' was not seen"):
        ner.fit(data=train, valid=valid, out=tmp_path / "run", preset="tiny", training_overrides=QUICK)


# === Word dropout and IOB2 transition constraints ===


def _context(sentences, **options):
    from types import SimpleNamespace

    from seqkit.apps.ner.application import APPLICATION
    from seqkit.data.tagging import TaggingVectorizer

    settings = APPLICATION.settings("default", None, None, options)
    return SimpleNamespace(vectorizer=TaggingVectorizer.build(sentences), settings=settings)


def _sentences(corpus_writer, tmp_path):
    from seqkit.data.conll import read_conll

    return read_conll(corpus_writer(tmp_path / "train.txt", 9))


def test_defaults_constrain_the_crf_to_iob2_without_word_dropout(tmp_path, corpus_writer):
    from seqkit.apps.ner.application import APPLICATION
    from seqkit.layers.crf import iob2_constraints

    context = _context(_sentences(corpus_writer, tmp_path))
    arguments = APPLICATION.builder_arguments(context)
    assert arguments["crf_constraints"] == iob2_constraints(context.vectorizer.tags)
    assert arguments["word_dropout"] == 0.0 and "word_dropout_min_id" not in arguments
    assert "transition_constraints" not in arguments  # an app switch, not a builder argument


def test_word_dropout_replaces_the_words_seen_once_and_constraints_turn_off(tmp_path, corpus_writer):
    from seqkit.apps.ner.application import APPLICATION

    sentences = _sentences(corpus_writer, tmp_path)
    context = _context(sentences, word_dropout=0.5, transition_constraints=False)
    arguments = APPLICATION.builder_arguments(context)
    assert arguments["word_dropout"] == 0.5
    assert arguments["word_dropout_min_id"] == context.vectorizer.singleton_start < len(context.vectorizer.words)
    assert "crf_constraints" not in arguments
    # A softmax head has no transitions to constrain.
    arguments = APPLICATION.builder_arguments(_context(sentences, head="softmax"))
    assert "crf_constraints" not in arguments


def test_a_bad_word_dropout_is_a_user_error(tmp_path, corpus_writer):
    train = corpus_writer(tmp_path / "train.txt", 4)
    with pytest.raises(UserInputError, match="word_dropout must be a number in"):
        ner.fit(data=train, out=tmp_path / "run", preset="tiny", word_dropout=1.0, training_overrides=QUICK)


def test_resume_with_word_dropout_equals_an_uninterrupted_run(tmp_path, corpus_writer):
    train = corpus_writer(tmp_path / "train.txt", 24)
    valid = corpus_writer(tmp_path / "valid.txt", 6, offset=1)
    overrides = {"seed": 0, "verbose": 0, "batch_size": 8, "run_eagerly": True}  # 3 batches an epoch: no trace
    fit = functools.partial(ner.fit, data=train, valid=valid, preset="tiny", word_dropout=0.5)
    fit(out=tmp_path / "whole", training_overrides={**overrides, "epochs": 2})
    fit(out=tmp_path / "parts", training_overrides={**overrides, "epochs": 1})
    fit(out=tmp_path / "parts", training_overrides={**overrides, "epochs": 2, "resume": True})
    whole, parts = (ner.load(tmp_path / name).model for name in ("whole", "parts"))
    assert whole.get_layer("word_dropout").rate == 0.5
    for expected, got in zip(whole.get_weights(), parts.get_weights()):
        np.testing.assert_array_equal(got, expected)
