"""Python API of `seqkit lm`: train, load, score sentences, sample novel sequences, evaluate, export.

Example:

>>> from seqkit.apps import lm
>>> run = lm.fit(out="runs/lm", preset="tiny")                     # doctest: +SKIP
>>> model = lm.load("runs/lm")                                      # doctest: +SKIP
>>> model.sample(num=3, seed=1)                                     # doctest: +SKIP
[{'text': 'Torlina', 'tokens': [...], 'complete': True}, ...]
>>> model.predict(["Aldra"])[0]["log_probability"]                  # doctest: +SKIP
-11.72
"""

import dataclasses

from seqkit.apps.lm import data_sources
from seqkit.apps.lm.presets import PRESETS
from seqkit.apps.lm.text import check_level
from seqkit.export.run_directory import RunDirectory
from seqkit.presets import resolve_preset

APP = "lm"


@dataclasses.dataclass
class FitResult:
    """What `fit` produced: the run directory, the validation metrics and facts about the data."""

    run_dir: str
    metrics: dict
    data: dict
    output_layer: dict

    def summary(self):
        unit = "character" if self.data["level"] == "char" else "word"
        lines = [
            f"Trained on {self.data['train']} ({self.data['train_sequences']} sequences, "
            f"{self.data['train_tokens']} {unit}s, vocabulary of {self.data['vocabulary_size']} ids).",
            f"Output layer: {self.output_layer['parameters']:,} parameters ({self.output_layer['weights_mib']} MiB); "
            f"logits take {self.output_layer['logits_per_step_mib']} MiB per time step of a batch.",
        ]
        per_epoch = self.metrics.get("epoch_valid_perplexity") or []
        if per_epoch:
            lines.append("Validation perplexity by epoch: " + ", ".join(f"{v:.3f}" for v in per_epoch))
        if "perplexity" in self.metrics:
            lines.append(
                f"Validation ({self.data['valid_sequences']} sequences, {self.metrics['tokens']} tokens with <EOS>): "
                f"perplexity {self.metrics['perplexity']:.3f}, {self.metrics['bits_per_token']:.4f} bits per {unit}."
            )
        lines.append(f"Run directory: {self.run_dir}")
        return "\n".join(lines)


def fit(
    *,
    data=None,
    valid=None,
    dataset=None,
    out="runs/lm",
    preset="default",
    model_overrides=None,
    training_overrides=None,
    level=None,
    vocab_size=None,
    min_count=None,
):
    """Train a language model and write a run directory; returns a `FitResult`.

    Args:
        data: a UTF-8 text file; the embedded corpus of invented names if None (character level).
        valid: validation text; a tenth of `data` if None.
        dataset: not supported (no standard dataset is registered for `lm`).
        out: the run directory.
        preset: a name in `PRESETS` (`"default"`, `"large"`, `"tiny"`).
        model_overrides: builder arguments replacing the preset's (`cell`, `units`, `num_layers`, ...).
        training_overrides: `TrainingConfig` fields replacing the preset's (`epochs`, `seed`, `resume`, ...).
        level: `"char"` (one sequence per line) or `"word"` (running text split into sentences).
        vocab_size: most ids in the vocabulary (reserved tokens included); rarer tokens become `<UNK>`.
        min_count: tokens seen fewer times in training become `<UNK>`.
    """
    from seqkit.apps.lm import training

    model_config, data_config, training_config = resolve_preset(
        PRESETS,
        preset,
        model_overrides,
        training_overrides,
        {"level": level, "vocab_size": vocab_size, "min_count": min_count},
    )
    check_level(data_config["level"])
    train, held_out, sources = data_sources.resolve_training_data(
        data=data, valid=valid, dataset=dataset, level=data_config["level"], seed=training_config.get("seed") or 0
    )
    return training.train_language_model(
        train,
        held_out,
        out=out,
        model_config=model_config,
        data_config=data_config,
        training_config=training_config,
        sources=sources,
        preset=preset,
    )


def load(model_dir):
    """Load a trained run directory as a `LanguageModel` (score, sample, evaluate, export)."""
    from seqkit.apps.lm.model import LanguageModel

    return LanguageModel(RunDirectory(model_dir))
