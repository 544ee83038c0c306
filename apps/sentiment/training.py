"""Train a review classifier from labelled texts and write its run directory."""

import numpy as np

import seqkit
from seqkit.errors import UserInputError
from seqkit.export.run_directory import RunDirectory
from seqkit.presets import training_config as training_config_from

LABELS_FILE = "labels.txt"
CLASS_WEIGHTS = ("none", "balanced")


def balanced_class_weights(class_ids, num_classes):
    """`n / (K * count_k)` for each class seen in `class_ids`, K the number of classes seen; 0 for unseen ones.

    Rare classes weigh more, and the weights average to 1 over the texts.

    Example:

    >>> [round(w, 4) for w in balanced_class_weights([0, 0, 0, 1], 3).tolist()]
    [0.6667, 2.0, 0.0]
    """
    counts = np.bincount(np.asarray(class_ids, dtype=np.int64), minlength=num_classes).astype(np.float64)
    seen = counts > 0
    weights = np.zeros(num_classes)
    weights[seen] = len(class_ids) / (seen.sum() * counts[seen])
    return weights


def make_classification_dataset(encoder, texts, class_ids, batch_size, *, shuffle=False, seed=None, weights=None):
    """A batched `tf.data.Dataset` of `({"token_ids"}, class id[, sample weight])`, bucketed by length."""
    import tensorflow as tf

    from seqkit.data.pipeline import make_dataset

    examples = [{"token_ids": encoder.encode(text), "label": np.int32(label)} for text, label in zip(texts, class_ids)]
    dataset = make_dataset(
        examples,
        batch_size=batch_size,
        shuffle=shuffle,
        seed=seed,
        bucket_boundaries="auto",
        feature_keys=("token_ids",),
        label_key="label",
    )
    if weights is None:
        return dataset
    table = tf.constant(weights, tf.float32)
    return dataset.map(lambda features, labels: (features, labels, tf.gather(table, labels)))


def _label_set(run, train, labels, resume):
    from seqkit.data.text_classification import LabelSet

    if resume and run.file(LABELS_FILE).is_file():
        return LabelSet.load(run.file(LABELS_FILE))
    if labels:
        try:
            return LabelSet(labels)
        except ValueError as error:
            raise UserInputError(f"bad --labels: {error}") from None
    return LabelSet.detect(train.labels)


def _encoder(run, train, data_config, resume):
    from seqkit.apps.sentiment.encoders import build_encoder, load_encoder

    if resume and run.config_path.is_file():
        return load_encoder(run.path, run.read_config(app="sentiment")["encoder"])
    return build_encoder(train.texts, data_config)


def train_classifier(
    train,
    valid,
    *,
    out,
    model_config,
    data_config,
    training_config,
    sources,
    labels=None,
    skip_bad_rows=False,
    embeddings=None,
    preset=None,
):
    """Train a `sequence_classifier` on `LabelledTexts`; write model, vocabulary, labels, config and metrics."""
    from seqkit import training
    from seqkit.apps.sentiment.api import FitResult
    from seqkit.apps.sentiment.model import SentimentModel
    from seqkit.tasks import classifier_loss, sequence_classifier

    class_weights = data_config.get("class_weights") or "none"
    if class_weights not in CLASS_WEIGHTS:
        raise UserInputError(f"--class-weights must be one of {', '.join(CLASS_WEIGHTS)}; got {class_weights!r}")
    config = training_config_from(training_config)
    run = RunDirectory(out).create()
    label_set = _label_set(run, train, labels, config.resume)
    train = train.with_labels_in(label_set, skip_bad_rows=skip_bad_rows)
    valid = valid.with_labels_in(label_set, skip_bad_rows=skip_bad_rows)
    if not train.texts:
        raise UserInputError("the training data has no usable row", path=sources.get("train"))
    encoder = _encoder(run, train, data_config, config.resume)
    train_ids, valid_ids = label_set.encode(train.labels), label_set.encode(valid.labels)
    weights = balanced_class_weights(train_ids, len(label_set)) if class_weights == "balanced" else None
    train_ds = make_classification_dataset(
        encoder, train.texts, train_ids, config.batch_size, shuffle=True, seed=config.seed, weights=weights
    )
    valid_ds = make_classification_dataset(encoder, valid.texts, valid_ids, config.batch_size) if valid.texts else None

    vectors = coverage = None
    if embeddings is not None:
        from seqkit.data.word_vectors import read_word_vectors

        normalize = str.lower if encoder.lowercase else (lambda word: word)
        vectors, coverage = read_word_vectors(embeddings, encoder.words, normalize=normalize)
        model_config = {**model_config, "embedding_dim": int(vectors.shape[1])}

    builder_arguments = {"vocabulary_size": len(encoder.words), "num_classes": len(label_set), **model_config}
    built = {}

    def build_model():
        model = sequence_classifier(**builder_arguments)
        if vectors is not None:
            model.get_layer("token_embedding").set_weights([vectors])
        built["model"] = model
        return model

    def loss(y_true, y_pred):
        return classifier_loss(built["model"])(y_true, y_pred)

    encoder.save(run.path)
    label_set.save(run.file(LABELS_FILE))
    data_summary = {
        **sources,
        "train_texts": len(train),
        "valid_texts": len(valid),
        "skipped_rows": {"train": train.skipped, "valid": valid.skipped},
        "class_weights": None if weights is None else dict(zip(label_set.labels, weights.tolist())),
    }
    run.write_config(
        {
            "app": "sentiment",
            "seqkit_version": seqkit.__version__,
            "preset": preset,
            "builder": builder_arguments,
            "encoder": encoder.settings(),
            "labels": label_set.labels,
            "training": config.to_dict(),
            "data": data_summary,
            "embeddings": None if embeddings is None else {"path": str(embeddings), "coverage": coverage},
        }
    )
    model, _history = training.fit(build_model, train_ds, valid_ds, run.path, config, loss)
    run.save_model(model)
    metrics = {}
    if valid.texts:
        predictor = SentimentModel(run, model=model, encoder=encoder, labels=label_set)
        metrics = predictor.evaluate_texts(valid, confusion_png=run.plots_dir / "confusion_matrix.png")
    if coverage is not None:
        metrics["embedding_coverage"] = coverage
    run.write_json("metrics.json", metrics)
    return FitResult(run_dir=str(run.path), metrics=metrics, data=data_summary)
