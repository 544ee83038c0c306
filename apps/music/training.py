"""Train a music language model from pieces and write its run directory."""

import numpy as np

import seqkit
from seqkit.apps.music.encoding import MusicVectorizer
from seqkit.data.music_codec import get_codec
from seqkit.errors import UserInputError
from seqkit.export.run_directory import RunDirectory
from seqkit.presets import training_config as training_config_from

SEQUENCES_FILE = "train_sequences.txt"
CODEC_KEYS = {
    "melody": ("min_pitch", "max_pitch", "steps_per_quarter", "max_duration"),
    "polyphonic": ("min_pitch", "max_pitch", "steps_per_quarter", "max_shift"),
}


def write_sequences(path, sequences):
    """Training id sequences, one per line (the n-gram baselines are fitted on them at evaluation)."""
    from seqkit.data.atomic import atomic_write_text

    atomic_write_text(path, "".join(" ".join(map(str, ids)) + "\n" for ids in sequences))


def read_sequences(path):
    with open(path, encoding="utf-8") as lines:
        return [[int(token) for token in line.split()] for line in lines if line.strip()]


def make_vectorizer(data_config):
    """The `MusicVectorizer` described by a preset's data settings (validated by the codec)."""
    encoding = data_config["encoding"]
    if encoding not in CODEC_KEYS:
        raise UserInputError(f"unknown encoding {encoding!r}; choose 'melody' or 'polyphonic'")
    try:
        codec = get_codec({"encoding": encoding, **{key: data_config[key] for key in CODEC_KEYS[encoding]}})
        return MusicVectorizer(codec, transpose=data_config["transpose"])
    except ValueError as error:
        raise UserInputError(str(error)) from None


def encode_pieces(vectorizer, pieces, augment):
    """`(sequences, skipped)`: id sequences of the pieces; pieces outside the pitch range are skipped."""
    sequences, skipped = [], []
    for piece in pieces:
        try:
            sequences.extend(vectorizer.encode(piece.notes, source=piece.path, augment=augment))
        except ValueError as error:
            skipped.append((piece.path, str(error)))
    return sequences, skipped


def windows(sequences, window):
    """Training examples: overlapping slices of `window + 1` ids as `token_ids` (inputs) and `labels` (next ids).

    Example:

    >>> [(e["token_ids"].tolist(), e["labels"].tolist()) for e in windows([[2, 5, 6, 7, 3]], 2)]
    [([2, 5], [5, 6]), ([6, 7], [7, 3])]
    """
    examples = []
    for ids in sequences:
        for begin in range(0, max(len(ids) - 1, 1), window):
            chunk = np.asarray(ids[begin : begin + window + 1], np.int32)
            if len(chunk) >= 2:
                examples.append({"token_ids": chunk[:-1], "labels": chunk[1:]})
    return examples


def make_lm_dataset(examples, batch_size, shuffle=False, seed=None):
    """Padded, length-bucketed batches of `(token_ids, labels)`; labels are padded with -1 (ignored)."""
    from seqkit.data.pipeline import make_dataset

    dataset = make_dataset(
        examples,
        batch_size=batch_size,
        shuffle=shuffle,
        seed=seed,
        feature_keys=("token_ids",),
        label_key="labels",
        bucket_boundaries="auto",
    )
    # The language model's one input is a plain tensor, not a dict.
    return dataset.map(lambda features, labels: (features["token_ids"], labels))


def train_music_model(train, valid, *, out, model_config, data_config, training_config, sources, preset=None):
    """Train a `language_model` on `Piece`s; write model, n-gram baselines, statistics, config and metrics."""
    from seqkit import training
    from seqkit.apps.music.api import FitResult
    from seqkit.apps.music.model import MusicModel
    from seqkit.apps.music.statistics import music_statistics
    from seqkit.tasks import language_model, language_model_loss

    config = training_config_from(training_config)
    vectorizer = make_vectorizer(data_config)
    train_sequences, skipped = encode_pieces(vectorizer, train, augment=True)
    valid_sequences, valid_skipped = encode_pieces(vectorizer, valid, augment=False)
    skipped += valid_skipped
    if not train_sequences:
        raise UserInputError("no training piece fits the pitch range", path=sources.get("train"))
    run = RunDirectory(out).create()
    train_ds = make_lm_dataset(windows(train_sequences, data_config["window"]), config.batch_size, True, config.seed)
    valid_examples = windows(valid_sequences, data_config["window"])
    valid_ds = make_lm_dataset(valid_examples, config.batch_size) if valid_examples else None

    vocabulary_size = len(vectorizer.vocabulary)
    builder_arguments = {"vocabulary_size": vocabulary_size, **model_config}
    write_sequences(run.file(SEQUENCES_FILE), train_sequences)
    reference_notes = [vectorizer.decode(ids) for ids in train_sequences]
    run.write_json("corpus_statistics.json", music_statistics(reference_notes))
    vectorizer.vocabulary.save(run.file("vocabulary.txt"))
    data = {
        **sources,
        "train_pieces": len(train),
        "valid_pieces": len(valid),
        "train_sequences": len(train_sequences),
        "skipped": len(skipped),
    }
    run.write_config(
        {
            "app": "music",
            "seqkit_version": seqkit.__version__,
            "preset": preset,
            "builder": builder_arguments,
            "vectorizer": vectorizer.settings(),
            "data_settings": data_config,
            "training": config.to_dict(),
            "data": data,
        }
    )
    if config.monitor == "val_loss" and valid_ds is None:
        config.monitor = "loss"
    model, _history = training.fit(
        lambda: language_model(**builder_arguments), train_ds, valid_ds, run.path, config, language_model_loss()
    )
    run.save_model(model)
    music_model = MusicModel(run, model=model, vectorizer=vectorizer)
    metrics = music_model.evaluate_sequences(valid_sequences, seed=config.seed or 0) if valid_sequences else {}
    run.write_json("metrics.json", metrics)
    return FitResult(run_dir=str(run.path), metrics=metrics, data=data, skipped=skipped)
