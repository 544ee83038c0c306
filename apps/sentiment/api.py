"""Python API of `seqkit sentiment`: train, load, rate raw reviews, evaluate, export.

Example:

>>> from seqkit.apps import sentiment
>>> run = sentiment.fit(out="runs/sentiment", preset="tiny")            # doctest: +SKIP
>>> rater = sentiment.load("runs/sentiment")                             # doctest: +SKIP
>>> rater.predict(["Excellent phone, the battery is perfect!"])[0]["rating"]   # doctest: +SKIP
'5'
"""

import dataclasses

from seqkit.apps.sentiment import data_sources
from seqkit.apps.sentiment.presets import PRESETS
from seqkit.export.run_directory import RunDirectory
from seqkit.presets import resolve_preset

APP = "sentiment"


@dataclasses.dataclass
class FitResult:
    """What `fit` produced: the run directory, the validation metrics and a description of the data."""

    run_dir: str
    metrics: dict
    data: dict

    def summary(self):
        lines = [f"Trained on {self.data['train']} ({self.data['train_texts']} texts)."]
        skipped = self.data.get("skipped_rows", {})
        if any(skipped.values()):
            lines.append(
                f"Skipped bad rows: {skipped.get('train', 0)} in training, {skipped.get('valid', 0)} in validation."
            )
        if self.metrics.get("count"):
            m = self.metrics
            lines.append(
                f"Validation ({m['count']} texts): accuracy {m['accuracy']:.4f}, macro-F1 {m['macro_f1']:.4f}, "
                f"MAE {m['mae']:.4f}, off-by-one {m['off_by_one']:.4f}."
            )
        lines.append(f"Run directory: {self.run_dir}")
        return "\n".join(lines)


def fit(
    *,
    data=None,
    valid=None,
    dataset=None,
    out="runs/sentiment",
    preset="default",
    model_overrides=None,
    training_overrides=None,
    text_column=None,
    label_column=None,
    labels=None,
    skip_bad_rows=False,
    head=None,
    pooling=None,
    class_weights=None,
    decision=None,
    embeddings=None,
    max_vocabulary=None,
    max_length=None,
    lowercase=None,
    tokenizer=None,
):
    """Train a review classifier and write a run directory; returns a `FitResult`.

    Args:
        data: training table (CSV, TSV, JSON Lines, Parquet) or folder of label sub-folders (`pos/`, `neg/`);
            the embedded reviews if None.
        valid: validation data in the same forms; a tenth of `data` if None.
        dataset: a standard dataset to download and cache instead (`"imdb"`, `"yelp-full"`).
        out: the run directory.
        preset: a name in `PRESETS`.
        model_overrides: `sequence_classifier` arguments replacing the preset's (`cell`, `units`, ...).
        training_overrides: `TrainingConfig` fields replacing the preset's (`epochs`, `seed`, `resume`, ...).
        text_column, label_column: table column names (defaults `text`/`label`, or `stars`, `rating`, ...).
        labels: the label set in order (e.g. `["neg", "pos"]`); detected from the training data if None.
        skip_bad_rows: leave out and count bad rows instead of stopping at the first.
        head: `"softmax"` or `"ordinal"` (preset default if None).
        pooling: `"last"`, `"mean"` or `"max"` (preset default if None).
        class_weights: `"none"`, `"balanced"` or `"sqrt"` (preset default if None); see
            `seqkit.training.class_weights.class_weights`.
        decision: how a rating is chosen from the probabilities: `"argmax"` (the most probable; best
            accuracy) or `"median"` (the least expected distance in stars; best MAE). Preset default if None;
            stored with the model and used by predict, evaluate and export.
        embeddings: a GloVe/word2vec text file of pretrained word vectors (the text is then split into whole
            words, whatever the preset's tokenizer).
        max_vocabulary: largest word vocabulary, specials included (preset default if None).
        max_length: words (or pieces) kept per text (preset default if None).
        lowercase: whether words are lowercased (preset default if None).
        tokenizer: `"word"` (whole words, `<UNK>` for the rest) or `"wordpiece"` (sub-words learned from the
            training texts); preset default if None (the default preset: `"wordpiece"`).
    """
    from seqkit.apps.sentiment import training

    if embeddings is not None:
        # Pretrained vectors belong to whole words; WordPiece pieces such as "##ing" have none.
        if tokenizer == "wordpiece":
            from seqkit.errors import UserInputError

            raise UserInputError("--embeddings holds whole-word vectors: use it with --tokenizer word, not wordpiece")
        tokenizer = "word"
    model_config, data_config, training_config = resolve_preset(
        PRESETS,
        preset,
        {**(model_overrides or {}), "head": head, "pooling": pooling},
        training_overrides,
        {
            "class_weights": class_weights,
            "decision": decision,
            "max_vocabulary": max_vocabulary,
            "max_length": max_length,
            "lowercase": lowercase,
            "tokenizer": tokenizer,
        },
    )
    train, held_out, sources = data_sources.resolve_training_data(
        data=data,
        valid=valid,
        dataset=dataset,
        text_column=text_column or "text",
        label_column=label_column or "label",
        skip_bad_rows=skip_bad_rows,
        seed=training_config.get("seed") or 0,
    )
    return training.train_classifier(
        train,
        held_out,
        out=out,
        model_config=model_config,
        data_config=data_config,
        training_config=training_config,
        sources=sources,
        labels=labels,
        skip_bad_rows=skip_bad_rows,
        embeddings=embeddings,
        preset=preset,
    )


def load(model_dir):
    """Load a trained run directory as a `SentimentModel` (predict, evaluate, export)."""
    from seqkit.apps.sentiment.model import SentimentModel

    return SentimentModel(RunDirectory(model_dir))
