"""Python API of `seqkit ner`: train, load, tag raw text, evaluate, export.

Example:

>>> from seqkit.apps import ner
>>> run = ner.fit(out="runs/ner", preset="tiny")             # doctest: +SKIP
>>> tagger = ner.load("runs/ner")                             # doctest: +SKIP
>>> tagger.predict(["Angela Merkel visited Paris."])[0]["entities"]   # doctest: +SKIP
[{'text': 'Angela Merkel', 'type': 'PER', 'start': 0, 'end': 13}, {'text': 'Paris', 'type': 'LOC', ...}]
"""

import dataclasses

from seqkit.apps.ner import data_sources
from seqkit.apps.ner.presets import PRESETS
from seqkit.export.run_directory import RunDirectory
from seqkit.presets import resolve_preset

APP = "ner"


@dataclasses.dataclass
class FitResult:
    """What `fit` produced: the run directory and the validation metrics."""

    run_dir: str
    metrics: dict
    data: dict

    def summary(self):
        overall = self.metrics
        return (
            f"Trained on {self.data['train']} ({self.data['train_sentences']} sentences); "
            f"validation ({self.data['valid_sentences']} sentences): entity F1 {overall['f1']:.4f} "
            f"(precision {overall['precision']:.4f}, recall {overall['recall']:.4f}), "
            f"token accuracy {self.metrics['token_accuracy']:.4f}.\nRun directory: {self.run_dir}"
        )


def fit(
    *,
    data=None,
    valid=None,
    dataset=None,
    out="runs/ner",
    preset="default",
    model_overrides=None,
    training_overrides=None,
    tag_scheme="auto",
    embeddings=None,
    char_features=None,
    head=None,
    lowercase=None,
    max_vocabulary=None,
    sentence_column=None,
    token_column=None,
    tag_column=None,
):
    """Train a tagger and write a run directory; returns a `FitResult`.

    Args:
        data: training file (CoNLL, or CSV/TSV/Parquet with one row per token); the embedded corpus if None.
        valid: validation file; a tenth of `data` if None.
        dataset: name of a standard dataset to download instead (`"conll2003"`).
        out: the run directory.
        preset: a name in `PRESETS`.
        model_overrides: builder arguments replacing the preset's (`cell`, `units`, `num_layers`, ...).
        training_overrides: `TrainingConfig` fields replacing the preset's (`epochs`, `seed`, `resume`, ...).
        tag_scheme: `"auto"`, `"iob1"`, `"iob2"` or `"bioes"`; tags are normalised to IOB2.
        embeddings: a GloVe/word2vec text file of pretrained word vectors.
        char_features: whether to add the character encoder (preset default if None).
        head: `"crf"` or `"softmax"` (preset default if None).
        lowercase: whether word lookups are lowercased (preset default if None).
        max_vocabulary: largest word vocabulary (preset default if None).
        sentence_column, token_column, tag_column: column names for tabular data (defaults detected).
    """
    from seqkit.apps.ner import training

    model_config, data_config, training_config = resolve_preset(
        PRESETS,
        preset,
        {**(model_overrides or {}), **({"head": head} if head else {})},
        training_overrides,
        {"char_features": char_features, "lowercase": lowercase, "max_vocabulary": max_vocabulary},
    )
    seed = training_config.get("seed") or 0
    columns = {
        name: value
        for name, value in (("sentence_column", sentence_column), ("token_column", token_column), ("tag_column", tag_column))
        if value is not None
    }
    train, held_out, sources = data_sources.resolve_training_data(
        data=data, valid=valid, dataset=dataset, tag_scheme=tag_scheme, columns=columns, seed=seed
    )
    return training.train_tagger(
        train,
        held_out,
        out=out,
        model_config=model_config,
        data_config=data_config,
        training_config=training_config,
        sources=sources,
        embeddings=embeddings,
        preset=preset,
    )


def load(model_dir):
    """Load a trained run directory as an `NerModel` (predict, evaluate, export)."""
    from seqkit.apps.ner.model import NerModel

    return NerModel(RunDirectory(model_dir))
