"""Train a recurrent language model on token sequences and write its run directory."""

import seqkit
from seqkit.apps.lm import encoding
from seqkit.errors import UserInputError
from seqkit.export.run_directory import RunDirectory
from seqkit.presets import training_config as training_config_from

BUILDER_KEYS = ("embedding_dim", "cell", "units", "num_layers", "dropout", "recurrent_dropout", "implementation")


def make_lm_dataset(sequences, vocabulary, batch_size, shuffle=False, seed=None):
    """A batched `tf.data.Dataset` of `(token_ids, targets)`, bucketed by length; targets are padded with -1."""
    from seqkit.data.pipeline import make_dataset

    examples = [encoding.training_example(encoding.encode(vocabulary, tokens)) for tokens in sequences]
    dataset = make_dataset(
        examples,
        batch_size=batch_size,
        shuffle=shuffle,
        seed=seed,
        bucket_boundaries="auto",
        feature_keys=("token_ids",),
        label_key="targets",
    )
    # The model has one input: pass the id tensor itself rather than a one-entry dict.
    return dataset.map(lambda features, targets: (features["token_ids"], targets))


def _builder_arguments(vocabulary_size, model_config):
    model_config = dict(model_config)
    if model_config.pop("bidirectional", None):
        raise UserInputError("a language model reads left to right: --bidirectional is not available in `seqkit lm`")
    unknown = sorted(set(model_config) - set(BUILDER_KEYS))
    if unknown:
        raise UserInputError(f"unknown model settings for `seqkit lm`: {', '.join(unknown)}")
    return {"vocabulary_size": vocabulary_size, **model_config}


def _vocabulary_for(run, train, data_config, resume):
    from seqkit.data.vocabulary import Vocabulary

    if resume and run.file(encoding.VOCABULARY_FILE).is_file():
        return Vocabulary.load(run.file(encoding.VOCABULARY_FILE))
    return encoding.build_vocabulary(train, vocab_size=data_config["vocab_size"], min_count=data_config["min_count"])


def train_language_model(train, valid, *, out, model_config, data_config, training_config, sources, preset=None):
    """Train `seqkit.tasks.language_model` on token sequences; write model, vocabulary, config and metrics.

    Returns:
        A `seqkit.apps.lm.api.FitResult`.
    """
    from seqkit import training
    from seqkit.apps.lm.api import FitResult
    from seqkit.apps.lm.model import LanguageModel
    from seqkit.metrics.masked_perplexity import MaskedPerplexity
    from seqkit.tasks import language_model, language_model_loss

    if not train:
        raise UserInputError("the training data has no sequence", path=sources.get("train"))
    config = training_config_from(training_config)
    run = RunDirectory(out).create()
    vocabulary = _vocabulary_for(run, train, data_config, config.resume)
    builder_arguments = _builder_arguments(len(vocabulary), model_config)
    train_ds = make_lm_dataset(train, vocabulary, config.batch_size, shuffle=True, seed=config.seed)
    valid_ds = make_lm_dataset(valid, vocabulary, config.batch_size) if valid else None

    output_layer = encoding.output_layer_size(len(vocabulary), builder_arguments.get("units", 256), config.batch_size)
    data = {
        **sources,
        "level": data_config["level"],
        "train_sequences": len(train),
        "valid_sequences": len(valid),
        "train_tokens": sum(len(s) for s in train),
        "vocabulary_size": len(vocabulary),
        "unknown_rate_train": round(1.0 - vocabulary.coverage(train), 6),
    }
    vocabulary.save(run.file(encoding.VOCABULARY_FILE))
    encoding.write_fingerprints(run.file(encoding.FINGERPRINTS_FILE), train)
    run.write_config(
        {
            "app": "lm",
            "seqkit_version": seqkit.__version__,
            "preset": preset,
            "level": data_config["level"],
            "builder": builder_arguments,
            "data_settings": data_config,
            "training": config.to_dict(),
            "data": data,
            "output_layer": output_layer,
        }
    )

    def build_model():
        return language_model(**builder_arguments)

    model, history = training.fit(
        build_model,
        train_ds,
        valid_ds,
        run.path,
        config,
        language_model_loss(),
        metrics=[MaskedPerplexity(from_logits=True, name="perplexity")],
    )
    run.save_model(model)
    predictor = LanguageModel(run, model=model, vocabulary=vocabulary)
    metrics = predictor.evaluate_sequences(valid) if valid else {}
    metrics["epoch_valid_perplexity"] = [round(v, 4) for v in history.get("val_perplexity", [])]
    run.write_json("metrics.json", metrics)
    return FitResult(run_dir=str(run.path), metrics=metrics, data=data, output_layer=output_layer)
