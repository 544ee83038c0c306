"""What `seqkit sentiment` adds to the shared recipe: labelled text tables and label folders read as streams,
the label set and class weights, a word or WordPiece encoder, the wide-and-deep classifier with rating metrics,
and rating scores (accuracy, macro-F1, MAE) with a confusion matrix."""

import collections
import pathlib

import numpy as np

from seqkit.application import Application, EmbeddedData, Option, Skipped
from seqkit.apps.sentiment.presets import PRESETS
from seqkit.errors import UserInputError

EMBEDDED_DIR = pathlib.Path(__file__).resolve().parent / "data"
LABELS_FILE = "labels.txt"
RARE_LABEL_SHOWN = 5  # places of a rare label named in the warning


def warn_rare_labels(counts, where):
    """Warn about labels seen at most 5 times and under 5 % as often as the commonest one (typos such as a `7`
    among ratings 1-5), naming where they are; `--labels` fixes the label set."""
    import warnings

    from seqkit.errors import DataWarning

    if not counts:
        return
    most = max(counts.values())
    for label, count in sorted(counts.items(), key=lambda item: item[1]):
        if count <= RARE_LABEL_SHOWN and count * 20 < most:
            places = ", ".join(where.get(label, []))
            warnings.warn(DataWarning(
                f"label {label!r} appears only {count} time(s) ({places}) against {most} for the commonest; "
                "if it is a mistake, fix those rows or give the label set with --labels"
            ), stacklevel=2)


def iter_examples(path, *, text_column=None, label_column=None, skip_bad_rows=False, header=True):
    """Stream `LabelledText`s from a table file or a folder of label sub-folders (`pos/`, `neg/`); rows left
    out with `skip_bad_rows` come as `Skipped` items, in their place."""
    from seqkit.data.text_classification import BadRowCounter, iter_labelled_folders, iter_labelled_table

    path = pathlib.Path(path)
    bad_rows = BadRowCounter()
    if path.is_dir():
        rows = iter_labelled_folders(path, skip_bad_rows=skip_bad_rows, bad_rows=bad_rows)
    else:
        rows = iter_labelled_table(
            path,
            text_column=text_column or "text",
            label_column=label_column or "label",
            skip_bad_rows=skip_bad_rows,
            header=header,
            bad_rows=bad_rows,
        )
    reported = 0
    for row in rows:
        yield from _skipped_since(bad_rows, reported)
        reported = bad_rows.count
        yield row
    yield from _skipped_since(bad_rows, reported)


def _skipped_since(bad_rows, reported):
    for index in range(reported, bad_rows.count):
        message = bad_rows.problems[index] if index < len(bad_rows.problems) else "bad row"
        yield Skipped(None, None, message)


class SentimentVectorizer:
    """The text encoder, the label set and the training label counts of a sentiment run."""

    def __init__(self, encoder, labels, label_counts=None):
        self.encoder = encoder
        self.labels = labels
        self.label_counts = label_counts


class SentimentApplication(Application):
    name = "sentiment"
    presets = PRESETS
    example_unit = "text"
    label_key = "label"
    embedded = EmbeddedData(EMBEDDED_DIR / "train.csv", EMBEDDED_DIR / "valid.csv")
    # yelp_review_full_csv/*.csv have no header: column 0 is the star rating, column 1 the review.
    datasets = {
        "imdb": {},
        "yelp-full": {"options": {"header": False, "text_column": "1", "label_column": "0"}},
    }
    builder = "seqkit.tasks.sequence_classifier"
    predictor = "seqkit.apps.sentiment.model.SentimentModel"
    options = {
        "text_column": Option(None, "table text column (default `text`, or `review`, `sentence`, ...)."),
        "label_column": Option(None, "table label column (default `label`, or `stars`, `rating`, ...)."),
        "labels": Option(None, 'the label set in order (e.g. `["neg", "pos"]`); detected from the training data if None.'),
        "skip_bad_rows": Option(False, "leave out and count bad rows instead of stopping at the first."),
        "head": Option(None, '`"softmax"` or `"ordinal"` (preset default if None).', "model"),
        "pooling": Option(None, '`"last"`, `"mean"`, `"max"` or `"attention"` (preset default if None).', "model"),
        "class_weights": Option(None, '`"none"`, `"balanced"` or `"sqrt"` (preset default if None).', "data"),
        "decision": Option(None, '`"argmax"` (most probable rating) or `"median"` (least expected distance in '
                           "stars); stored with the model (preset default if None).", "data"),
        "embeddings": Option(None, "a GloVe/word2vec text file of pretrained word vectors (whole words are used)."),
        "max_vocabulary": Option(None, "largest vocabulary, specials included (preset default if None).", "data"),
        "max_length": Option(None, "words (or pieces) kept per text (preset default if None).", "data"),
        "lowercase": Option(None, "whether words are lowercased (preset default if None).", "data"),
        "tokenizer": Option(None, '`"word"` or `"wordpiece"` (sub-words learned from the training texts); '
                            "preset default if None.", "data"),
    }

    def settings(self, preset, model_overrides, training_overrides, options):
        if options.get("embeddings") is not None:
            # Pretrained vectors belong to whole words; WordPiece pieces such as "##ing" have none.
            if options.get("tokenizer") == "wordpiece":
                raise UserInputError("--embeddings holds whole-word vectors: use it with --tokenizer word, not wordpiece")
            options = {**options, "tokenizer": "word"}
        return super().settings(preset, model_overrides, training_overrides, options)

    def check_settings(self, settings):
        from seqkit.apps.sentiment.ratings import rating_decision
        from seqkit.training.class_weights import CLASS_WEIGHT_MODES

        weighting = settings.data.get("class_weights") or "none"
        if weighting not in CLASS_WEIGHT_MODES:
            raise UserInputError(f"--class-weights must be one of {', '.join(CLASS_WEIGHT_MODES)}; got {weighting!r}")
        rating_decision(settings.data, settings.model.get("head", "softmax"))

    def read(self, source, settings, **options):
        read_options = {
            "text_column": settings.options["text_column"],
            "label_column": settings.options["label_column"],
            "skip_bad_rows": settings.options["skip_bad_rows"],
            **options,
        }
        return iter_examples(source, **read_options)

    # === Labels and encoder ===

    def build_vectorizer(self, context, examples):
        from seqkit.apps.sentiment.encoders import build_encoder

        labels = self._label_set(context)
        counts = collections.Counter()

        def texts():
            for example in examples:
                if example.label in labels:
                    counts[example.label] += 1
                    yield example.text

        encoder = build_encoder(texts(), context.settings.data)
        return SentimentVectorizer(encoder, labels, [counts[label] for label in labels.labels])

    def _label_set(self, context):
        """The `--labels` given, else the labels detected in a first pass over the training data."""
        from seqkit.data.text_classification import LabelSet

        given = context.settings.options["labels"]
        if given:
            try:
                return LabelSet(given)
            except ValueError as error:
                raise UserInputError(f"bad --labels: {error}") from None
        counts, where = collections.Counter(), {}
        for example in context.train:
            counts[example.label] += 1
            if counts[example.label] <= RARE_LABEL_SHOWN:
                where.setdefault(example.label, []).append(
                    example.path if example.line is None else f"{example.path}:{example.line}"
                )
        warn_rare_labels(counts, where)
        return LabelSet.detect_counts(counts)

    def load_vectorizer(self, run, config):
        from seqkit.apps.sentiment.encoders import load_encoder
        from seqkit.data.text_classification import LabelSet

        labels = LabelSet.load(run.file(LABELS_FILE))
        counts = config["data"].get("label_counts")
        return SentimentVectorizer(load_encoder(run.path, config["encoder"]), labels, counts)

    def save_vectorizer(self, context):
        context.vectorizer.encoder.save(context.run.path)
        context.vectorizer.labels.save(context.run.file(LABELS_FILE))

    def encode(self, context, example, split):
        labels = context.vectorizer.labels
        if example.label not in labels:
            problem = f"label {example.label!r} is not one of the model's labels ({', '.join(labels.labels)})"
            if not context.settings.options["skip_bad_rows"]:
                raise UserInputError(problem, path=example.path, line=example.line)
            yield Skipped(example.path, example.line, problem)
            return
        yield {
            "token_ids": context.vectorizer.encoder.encode(example.text),
            "label": np.int32(labels.index(example.label)),
        }

    def class_weights(self, context):
        from seqkit.training.class_weights import class_weights_from_counts

        if context.vectorizer.label_counts is None:
            return None
        return class_weights_from_counts(context.vectorizer.label_counts, context.settings.data.get("class_weights") or "none")

    # === Run directory ===

    def data_summary(self, context):
        weights = self.class_weights(context)
        labels = context.vectorizer.labels.labels
        return {
            "skipped_rows": dict(context.extras["skipped"]),
            "class_weights": None if weights is None else dict(zip(labels, weights.tolist())),
            "label_counts": context.vectorizer.label_counts,
        }

    def config_entries(self, context):
        from seqkit.apps.sentiment.ratings import rating_decision

        return {
            "encoder": context.vectorizer.encoder.settings(),
            "labels": context.vectorizer.labels.labels,
            "decision": rating_decision(context.settings.data, context.settings.model.get("head", "softmax")),
        }

    # === Model ===

    def builder_arguments(self, context):
        vectorizer = context.vectorizer
        return {"vocabulary_size": len(vectorizer.encoder.words), "num_classes": len(vectorizer.labels), **context.settings.model}

    def loss(self, context, model):
        from seqkit.tasks import classifier_loss

        return classifier_loss(model)

    def metrics(self, context):
        from seqkit.apps.sentiment.ratings import rating_decision, rating_metrics

        head = context.settings.model.get("head", "softmax")
        return rating_metrics(head, len(context.vectorizer.labels), rating_decision(context.settings.data, head))

    def embedding_vocabulary(self, context):
        encoder = context.vectorizer.encoder
        return encoder.words, (str.lower if encoder.lowercase else (lambda word: word))

    # === After training ===

    def evaluate(self, context, model, valid, history):
        from seqkit.apps.sentiment.model import SentimentModel

        vectorizer = context.vectorizer
        predictor = SentimentModel(context.run, model=model, encoder=vectorizer.encoder, labels=vectorizer.labels)
        rows = [example for example in valid if example.label in vectorizer.labels]
        return predictor.evaluate_rows(rows, skipped=valid.skipped, confusion_png=context.run.plots_dir / "confusion_matrix.png")

    def summary_lines(self, result):
        data, metrics = result.data, result.metrics
        lines = [f"Trained on {data['train']} ({data['train_texts']} texts)."]
        skipped = data.get("skipped_rows", {})
        if any(skipped.values()):
            lines.append(
                f"Skipped bad rows: {skipped.get('train', 0)} in training, {skipped.get('valid', 0)} in validation."
            )
        if metrics.get("count"):
            lines.append(
                f"Validation ({metrics['count']} texts): accuracy {metrics['accuracy']:.4f}, macro-F1 "
                f"{metrics['macro_f1']:.4f}, MAE {metrics['mae']:.4f}, off-by-one {metrics['off_by_one']:.4f}."
            )
        return lines


APPLICATION = SentimentApplication()
