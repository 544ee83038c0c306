"""The one recipe every application's `fit` runs. Read this file to see what `seqkit <app> fit` does.

1. settings: the preset merged with the explicit options (`Application.settings`), checked;
2. run directory: claimed (`seqkit.application.lifecycle`): one that holds a run is refused unless `--resume`
   or `--overwrite`; until training starts, a failure leaves it as it was;
3. data: files, `--dataset` or the embedded default, with a held-out tenth when there is no `--valid`
   (`seqkit.application.sources`): streams of raw examples, never a list in memory;
4. vectorizer: learned in one streaming pass over the training examples; on `--resume`, the run's own, after
   its `config.json` and assets are checked and its settings compared with the given ones
   (`seqkit.application.resume`);
5. encoding: each split is read once more and its encoded examples are written to a shard in the run
   directory (`seqkit.data.shards`), from which `tf.data` streams every epoch;
6. the app's files (vocabularies, labels, ...) and `config.json`, which records their sizes and SHA-256, so
   the run can be resumed and loaded;
7. model: the builder's arguments, optional pretrained `--embeddings`, the app's loss and metrics; small data
   trained for more epochs when the preset sets `min_steps`;
8. training: `seqkit.training.fit` (checkpoints, early stopping, resume, logs, strategies);
9. `model.keras`, evaluation of the validation data by the app's predictor, `metrics.json`;
10. a `FitResult`, whose `summary()` the CLI prints.

Every pass that reads data reports progress (`seqkit.progress`); Keras reports training.

Example:

>>> from seqkit.apps.ner.application import NerApplication
>>> result = fit(NerApplication(), out="runs/ner", preset="tiny")          # doctest: +SKIP
>>> result.summary()                                                       # doctest: +SKIP
"""

import shutil

import seqkit
from seqkit.application.application import FitContext
from seqkit.application.lifecycle import RunLifecycle
from seqkit.application.result import FitResult
from seqkit.application.resume import check_resume_builder, check_resume_settings, settings_record
from seqkit.application.sources import Skipped, resolve_sources
from seqkit.errors import UserInputError
from seqkit.export.run_directory import RunDirectory
from seqkit.presets import training_config
from seqkit.progress import Progress, quiet, track

SHARDS_DIR = "shards"


def fit(
    app,
    *,
    data=None,
    valid=None,
    dataset=None,
    out=None,
    preset="default",
    model_overrides=None,
    training_overrides=None,
    overwrite=False,
    **options,
):
    """Train `app`'s model and write its run directory; returns a `FitResult`.

    Args:
        app: the `Application`.
        data, valid, dataset: where the data comes from (see `resolve_sources`).
        out: the run directory (default `runs/<app>`). One that already holds a run is refused unless
            `training_overrides` has `resume=True` or `overwrite` is True.
        preset: a name in `app.presets`.
        model_overrides: builder arguments replacing the preset's.
        training_overrides: `TrainingConfig` fields replacing the preset's (`resume=True` continues the run
            in `out`, with the same settings but those `seqkit.application.resume` lets change).
        overwrite: replace the run in `out` (its files are deleted when training starts, and kept if the fit
            fails before).
        **options: the app's own options (`app.options`).

    Raises:
        UserInputError: bad data or options; `out` holds a run and neither `resume` nor `overwrite` is given;
            a `resume` whose settings differ from the run's; a corrupt run directory to resume
            (`CorruptRunError`). Before training starts, the run directory is left as it was.
    """
    preset = app.preset_for(preset, data=data, dataset=dataset)
    settings = app.settings(preset, model_overrides, training_overrides, options)
    app.check_settings(settings)
    config = training_config(settings.training)
    out = out or f"runs/{app.name}"
    run = RunDirectory(out)
    try:
        with RunLifecycle(run, resume=config.resume, overwrite=overwrite) as lifecycle:
            with quiet(config.verbose == 0):
                return _fit(app, settings, config, data=data, valid=valid, dataset=dataset, lifecycle=lifecycle)
    finally:
        # The encoded shards are rebuilt by every fit (and `--resume`); never left behind.
        shutil.rmtree(run.file(SHARDS_DIR), ignore_errors=True)


def _fit(app, settings, config, *, data, valid, dataset, lifecycle):
    run = lifecycle.run
    train, held_out, sources = resolve_sources(
        app, settings, data=data, valid=valid, dataset=dataset, seed=config.seed or 0
    )
    context = FitContext(app, settings, run, config, train, held_out, sources)

    # === Vectorizer: one streaming pass (or the run's own, on resume) ===
    previous = None
    if config.resume and run.config_path.is_file():
        with run.reading():
            previous = run.read_config(app=app.name)
            run.verify_assets(previous)
        check_resume_settings(app, previous, settings=settings, training=config, sources=sources)
        with run.reading():
            context.vectorizer = app.load_vectorizer(run, previous)
    else:
        examples = track(train, f"learning the vocabulary from {train.description}", unit=app.example_unit)
        context.vectorizer = app.build_vectorizer(context, examples)

    # === Encoding: each split written once to a shard, streamed every epoch ===
    shards = {split.name: _encode(context, split) for split in (train, held_out)}
    if shards["train"] is None:
        raise UserInputError(f"the training data has no usable {app.example_unit}", path=train.source)
    _raise_epochs_for_min_steps(context, shards["train"])
    context.builder_arguments = app.builder_arguments(context)
    vectors, coverage = _pretrained_vectors(context)
    if previous is not None:
        check_resume_builder(previous, context.builder_arguments)

    # === The run directory, before training, so that it can be resumed ===
    app.save_vectorizer(context)
    app.write_assets(context)
    data_summary = {**sources, **_counts(context), **app.data_summary(context)}
    run.write_config(
        {
            "app": app.name,
            "seqkit_version": seqkit.__version__,
            "preset": settings.preset,
            "builder": context.builder_arguments,
            **app.config_entries(context),
            "training": config.to_dict(),
            "data": data_summary,
            "embeddings": None if coverage is None else {"path": str(settings.options["embeddings"]), "coverage": coverage},
            "settings": settings_record(settings),
            "assets": run.asset_records(),
        }
    )
    # From here on the run directory is the new run's: an interruption leaves it resumable.
    lifecycle.commit()

    # === Training ===
    from seqkit import training

    train_ds = _dataset(context, shards["train"], training=True)
    valid_ds = _dataset(context, shards["valid"], training=False) if shards["valid"] is not None else None
    if valid_ds is None and config.monitor.startswith("val_"):
        config.monitor = config.monitor[len("val_") :]
    def build_model():
        model = app.build_model(context)
        if vectors is not None:
            model.get_layer("token_embedding").set_weights([vectors])
        context.model = model
        return model

    def loss(y_true, y_pred):
        return app.loss(context, context.model)(y_true, y_pred)

    metrics = app.metrics(context) if valid_ds is not None else None
    model, history = training.fit(
        build_model, train_ds, valid_ds, run.path, config, loss, metrics, callbacks=app.training_callbacks(context)
    )
    model = app.trained_model(context, model)
    run.save_model(model)

    # === Evaluation and the result ===
    metrics = app.evaluate(context, model, held_out, history) if shards["valid"] is not None else {}
    if coverage is not None:
        metrics["embedding_coverage"] = coverage
    run.write_json("metrics.json", metrics)
    return FitResult(run_dir=str(run.path), metrics=metrics, data=data_summary, app=app, details=context.extras)


def _encode(context, split):
    """Write the encoded examples of `split` to a shard; None when it has none. Counts its raw examples."""
    from seqkit.data.shards import ShardWriter

    app = context.app
    count = 0
    path = context.run.file(SHARDS_DIR) / f"{split.name}.tfrecord"
    with ShardWriter(path, length_key=app.length_key(context), byte_fields=app.byte_fields) as writer:
        with Progress(f"encoding {split.description}", unit=app.example_unit) as progress:
            for example in split:
                encoded_any = False
                for encoded in app.encode(context, example, split):
                    if isinstance(encoded, Skipped):
                        split.note_skipped(encoded)
                        continue
                    writer.write(encoded)
                    encoded_any = True
                count += encoded_any
                progress.update()
            for encoded in app.finish_encoding(context, split):
                writer.write(encoded)
        context.counts[split.name] = count
        context.extras.setdefault("skipped", {})[split.name] = split.skipped
        context.extras.setdefault("problems", {})[split.name] = list(split.problems)
        if writer.count == 0:
            writer.abort()
            return None
        return writer.close()


def _raise_epochs_for_min_steps(context, shard):
    """Train small data for more epochs when the preset's `min_steps` asks for it; the reason is noted in the
    summary (`details["training_notes"]`). `config.json` records the epochs trained."""
    import math

    from seqkit.training.config import epochs_for_min_steps

    config = context.config
    if config.min_steps is None:
        return
    if context.app.ordered_batches(context):
        batches = max(1, shard.count // config.batch_size)  # full batches only
    else:
        batches = math.ceil(shard.count / config.batch_size)  # at least: length buckets add partial batches
    epochs = epochs_for_min_steps(config, batches)
    if epochs > config.epochs:
        unit = context.app.example_unit
        context.extras.setdefault("training_notes", []).append(
            f"Trained for up to {epochs} epochs, not {config.epochs}: {shard.count} training {unit}s make "
            f"{batches} batch{'es' if batches > 1 else ''} an epoch and the preset asks for at least "
            f"{config.min_steps} steps (--epochs sets the number)."
        )
        config.epochs = epochs


def _counts(context):
    unit = context.app.example_unit
    return {f"{name}_{unit}s": count for name, count in context.counts.items()}


def _dataset(context, shard, training):
    """The batched `tf.data.Dataset` of a shard: shuffled and class-weighted for training; in the shard's order,
    in full batches only, when the app asks for `ordered_batches` (streams whose batches continue each other)."""
    import tensorflow as tf

    from seqkit.data.shards import shard_dataset

    app, config = context.app, context.config
    feature_keys = [key for key in app.feature_keys if key in shard.fields]
    ordered = app.ordered_batches(context)
    dataset = shard_dataset(
        shard,
        batch_size=config.batch_size,
        feature_keys=feature_keys,
        label_key=app.label_key,
        shuffle=training and not ordered,
        shuffle_buffer=app.shuffle_buffer,
        seed=config.seed if training else None,
        bucket_boundaries=None if ordered else "auto",
        drop_remainder=ordered,
    )
    weights = app.class_weights(context) if training else None
    if weights is not None:
        table = tf.constant(weights, tf.float32)
        dataset = dataset.map(lambda features, labels: (features, labels, tf.gather(table, labels)))
    if app.single_input:
        (key,) = feature_keys
        dataset = dataset.map(lambda features, *rest: (features[key], *rest))
    return dataset


def _pretrained_vectors(context):
    """`(vectors, coverage)` from `--embeddings` (the builder's `embedding_dim` set to their width), or Nones."""
    path = context.settings.options.get("embeddings")
    if path is None:
        return None, None
    from seqkit.data.word_vectors import read_word_vectors

    words, normalize = context.app.embedding_vocabulary(context)
    vectors, coverage = read_word_vectors(path, words, normalize=normalize)
    context.builder_arguments["embedding_dim"] = int(vectors.shape[1])
    return vectors, coverage
