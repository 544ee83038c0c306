"""Train a review classifier from labelled texts and write its run directory."""

import functools

import numpy as np

import seqkit
from seqkit.errors import UserInputError
from seqkit.export.run_directory import RunDirectory
from seqkit.presets import training_config as training_config_from

LABELS_FILE = "labels.txt"


DECISIONS = ("argmax", "median")


def rating_decision(data_config, head):
    """How ratings are chosen from probabilities: the config's `decision`, else `"median"` for an ordinal head
    and `"argmax"` for a softmax head."""
    decision = data_config.get("decision") or ("median" if head == "ordinal" else "argmax")
    if decision not in DECISIONS:
        raise UserInputError(f"--decision must be one of {', '.join(DECISIONS)}; got {decision!r}")
    return decision


def rating_metrics(head, num_classes, decision=None):
    """Keras metrics `accuracy`, `macro_f1` and `mae` (in classes) of the rating that the app reports.

    The rating is chosen by `decision` (`"argmax"`: the most probable class; `"median"`: the class with the
    least expected absolute error; default: median for an ordinal head, argmax for softmax), as in
    `SentimentModel`, so early stopping can watch `val_macro_f1`, the score that is reported. Each metric sums a
    confusion matrix over the epoch; sample weights are ignored.

    Example:

    >>> import numpy as np
    >>> metrics = rating_metrics("softmax", 3)
    >>> for metric in metrics:
    ...     metric.update_state(np.array([0, 1, 2]), np.array([[5.0, 0, 0], [0, 5.0, 0], [5.0, 0, 0]]))
    >>> {metric.name: round(float(metric.result()), 4) for metric in metrics}
    {'accuracy': 0.6667, 'macro_f1': 0.5556, 'mae': 0.6667}
    """
    from keras import ops

    from seqkit.tasks import ordinal_probabilities

    decision = decision or ("median" if head == "ordinal" else "argmax")
    probabilities = ordinal_probabilities if head == "ordinal" else functools.partial(ops.softmax, axis=-1)
    score_class = _rating_score_class()
    return [score_class(score, num_classes, decision, probabilities) for score in ("accuracy", "macro_f1", "mae")]


@functools.cache
def _rating_score_class():
    import keras
    from keras import ops

    class RatingScore(keras.metrics.Metric):
        """One score (`"accuracy"`, `"macro_f1"` or `"mae"`) of the decided ratings, from a confusion matrix."""

        def __init__(self, score, num_classes, decision, probabilities=None, **kwargs):
            super().__init__(name=score, **kwargs)
            self.score, self.num_classes, self.decision = score, num_classes, decision
            self._to_probabilities = probabilities
            self.confusion = self.add_variable(
                shape=(num_classes, num_classes), initializer="zeros", dtype="float32", name="confusion"
            )

        def update_state(self, y_true, y_pred, sample_weight=None):
            y_pred = ops.convert_to_tensor(y_pred, dtype="float32")
            if self._to_probabilities is not None:
                y_pred = self._to_probabilities(y_pred)
            if self.decision == "median":
                predicted = ops.argmax(ops.cast(ops.cumsum(y_pred, axis=-1) >= 0.5 - 1e-6, "int32"), axis=-1)
            else:
                predicted = ops.argmax(y_pred, axis=-1)
            true = ops.reshape(ops.cast(y_true, "int32"), (-1,))
            valid = ops.cast(true >= 0, "float32")
            true = ops.maximum(true, 0)
            index = true * self.num_classes + ops.cast(predicted, "int32")
            counts = ops.segment_sum(valid, index, num_segments=self.num_classes * self.num_classes)
            self.confusion.assign_add(ops.reshape(counts, (self.num_classes, self.num_classes)))

        def result(self):
            confusion = self.confusion
            total = ops.maximum(ops.sum(confusion), 1.0)
            if self.score == "accuracy":
                return ops.trace(confusion) / total
            if self.score == "mae":
                ids = ops.arange(self.num_classes, dtype="float32")
                distance = ops.abs(ids[:, None] - ids[None, :])
                return ops.sum(confusion * distance) / total
            hits = ops.diagonal(confusion)
            support, predicted = ops.sum(confusion, axis=1), ops.sum(confusion, axis=0)
            f1 = 2.0 * hits / ops.maximum(support + predicted, 1.0)
            present = ops.cast(support + predicted > 0, "float32")
            return ops.sum(f1 * present) / ops.maximum(ops.sum(present), 1.0)

        def reset_state(self):
            self.confusion.assign(ops.zeros_like(self.confusion))

    return RatingScore


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
    from seqkit.training.class_weights import CLASS_WEIGHT_MODES, class_weights

    weighting = data_config.get("class_weights") or "none"
    if weighting not in CLASS_WEIGHT_MODES:
        raise UserInputError(f"--class-weights must be one of {', '.join(CLASS_WEIGHT_MODES)}; got {weighting!r}")
    config = training_config_from(training_config)
    run = RunDirectory(out).create()
    label_set = _label_set(run, train, labels, config.resume)
    train = train.with_labels_in(label_set, skip_bad_rows=skip_bad_rows)
    valid = valid.with_labels_in(label_set, skip_bad_rows=skip_bad_rows)
    if not train.texts:
        raise UserInputError("the training data has no usable row", path=sources.get("train"))
    encoder = _encoder(run, train, data_config, config.resume)
    train_ids, valid_ids = label_set.encode(train.labels), label_set.encode(valid.labels)
    weights = class_weights(train_ids, len(label_set), weighting)
    decision = rating_decision(data_config, model_config.get("head", "softmax"))
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
            "decision": decision,
            "training": config.to_dict(),
            "data": data_summary,
            "embeddings": None if embeddings is None else {"path": str(embeddings), "coverage": coverage},
        }
    )
    metrics = rating_metrics(model_config.get("head", "softmax"), len(label_set), decision) if valid.texts else None
    model, _history = training.fit(build_model, train_ds, valid_ds, run.path, config, loss, metrics)
    run.save_model(model)
    metrics = {}
    if valid.texts:
        predictor = SentimentModel(run, model=model, encoder=encoder, labels=label_set)
        metrics = predictor.evaluate_texts(valid, confusion_png=run.plots_dir / "confusion_matrix.png")
    if coverage is not None:
        metrics["embedding_coverage"] = coverage
    run.write_json("metrics.json", metrics)
    return FitResult(run_dir=str(run.path), metrics=metrics, data=data_summary)
