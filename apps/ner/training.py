"""Train a word tagger from tagged sentences and write its run directory."""

import seqkit
from seqkit.errors import UserInputError
from seqkit.export.run_directory import RunDirectory
from seqkit.presets import training_config as training_config_from

FEATURE_KEYS = ("token_ids", "char_ids")


def _vectorizer_for(run, train, data_config, resume):
    from seqkit.data.tagging import TaggingVectorizer

    if resume and run.config_path.is_file():
        return TaggingVectorizer.load(run.path, run.read_config(app="ner")["vectorizer"])
    return TaggingVectorizer.build(
        train,
        max_size=data_config["max_vocabulary"],
        min_count=data_config["min_count"],
        char_features=data_config["char_features"],
        lowercase=data_config["lowercase"],
    )


def make_tagging_dataset(examples, vectorizer, batch_size, shuffle=False, seed=None):
    """A batched `tf.data.Dataset` of `(features, tags)` from encoded examples."""
    from seqkit.data.pipeline import make_dataset

    keys = tuple(key for key in FEATURE_KEYS if key in examples[0])
    return make_dataset(
        lambda: iter(examples),
        batch_size=batch_size,
        shuffle=shuffle,
        seed=seed,
        bucket_boundaries="auto",
        feature_keys=keys,
        label_key="tags",
    )


def train_tagger(train, valid, *, out, model_config, data_config, training_config, sources, embeddings=None, preset=None):
    """Train a `sequence_tagger` on `TaggedSentence`s; write model, vocabularies, config and metrics to `out`."""
    from seqkit import training
    from seqkit.apps.ner.api import FitResult
    from seqkit.apps.ner.model import NerModel
    from seqkit.tasks import sequence_tagger, tagger_loss

    if not train:
        raise UserInputError("the training data has no sentence", path=sources.get("train"))
    config = training_config_from(training_config)
    run = RunDirectory(out).create()
    vectorizer = _vectorizer_for(run, train, data_config, config.resume)
    train_examples = [vectorizer.example(s, sources.get("train")) for s in train]
    valid_examples = [vectorizer.example(s, sources.get("valid")) for s in valid]
    train_ds = make_tagging_dataset(train_examples, vectorizer, config.batch_size, shuffle=True, seed=config.seed)
    valid_ds = make_tagging_dataset(valid_examples, vectorizer, config.batch_size) if valid_examples else None

    vectors = None
    coverage = None
    if embeddings is not None:
        from seqkit.data.word_vectors import read_word_vectors

        vectors, coverage = read_word_vectors(embeddings, vectorizer.words, normalize=vectorizer.normalize)
        model_config = {**model_config, "embedding_dim": int(vectors.shape[1])}

    builder_arguments = {
        "vocabulary_size": len(vectorizer.words),
        "num_tags": vectorizer.num_tags,
        "char_vocabulary_size": len(vectorizer.chars) if vectorizer.chars is not None else None,
        **model_config,
    }
    built = {}

    def build_model():
        model = sequence_tagger(**builder_arguments)
        if vectors is not None:
            model.get_layer("token_embedding").set_weights([vectors])
        built["model"] = model
        return model

    def loss(y_true, y_pred):
        return tagger_loss(built["model"])(y_true, y_pred)

    vectorizer.save(run.path)
    run.write_config(
        {
            "app": "ner",
            "seqkit_version": seqkit.__version__,
            "preset": preset,
            "builder": builder_arguments,
            "vectorizer": vectorizer.settings(),
            "training": config.to_dict(),
            "data": {**sources, "train_sentences": len(train), "valid_sentences": len(valid)},
            "embeddings": None if embeddings is None else {"path": str(embeddings), "coverage": coverage},
        }
    )
    model, _history = training.fit(build_model, train_ds, valid_ds, run.path, config, loss)
    run.save_model(model)
    metrics = NerModel(run, model=model, vectorizer=vectorizer).evaluate_sentences(valid) if valid else {}
    if coverage is not None:
        metrics["embedding_coverage"] = coverage
    run.write_json("metrics.json", metrics)
    data = {**sources, "train_sentences": len(train), "valid_sentences": len(valid)}
    return FitResult(run_dir=str(run.path), metrics=metrics, data=data)
