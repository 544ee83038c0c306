"""Training throughput of each app's default `fit` against a plain Keras model of the same size, in one run.

For each app (`--apps`), on its embedded default data (or `--data APP=PATH`):

1. seqkit: the app's API `fit` with the default preset, exactly as a user runs it (vocabulary, shards,
   `tf.data` with length bucketing, the preset's model, loss, callbacks), with
   `training_overrides={"epochs": 1 + N, "seed": 0, "verbose": 0, "early_stopping_patience": None}`.
   A Keras callback records, for each epoch, the time from its start to its last training batch, so the
   validation pass, checkpoints and the first epoch (tracing) are left out. The encoded training examples
   are captured as `fit` writes them (its `encode` hook), so both sides train on the same examples;
   `--max-examples` keeps the first ones (and a tenth as many validation examples). With a seed (default
   0) seqkit's `fit` also turns on TensorFlow op determinism, and so does the plain side (step 2): the
   deterministic kernels cost a video train step up to 17 % (`benchmarks/video_step_probe.py`), so
   both sides run under the same setting. `--seed none` measures `fit`'s unseeded default (what a user
   gets) against an unseeded plain side.
2. plain Keras: the simplest model a notebook would write with the preset's layer sizes (embedding width,
   units, layers, bidirectional, convolution), trained with `model.fit` on NumPy arrays padded to the longest
   example, same examples, batch size, optimizer family and number of epochs, first epoch left out.

Tokens per second are real tokens per epoch over the fastest timed epoch (as `timeit` takes the best run: on
a shared machine other work slows some epochs by up to 2x); the JSON rows keep every epoch's seconds and the
ratio of the median epochs.

Real tokens per epoch are counted from the encoded training examples, without padding: words or word pieces
(sentiment, ner), characters/tokens (lm), bases (dna), note events (music), log-mel frames of 10 ms (speech),
video frames (video), source + target tokens (translate).

Where the twin is not exact (printed with the table, see `TWIN_NOTES`): sentiment's n-gram bag, NER's
CRF exist only on the seqkit side (seqkit does more work); the ner, dna, lm, music, sentiment and video twins
carry the preset's dropout where the builders put it (speech and translate twins have none: seqkit does more
work); dna's twin passes the padding mask to its BiLSTMs explicitly, as Keras's Conv1D drops it; speech's
plain twin trains on log-mel features computed once beforehand (seqkit computes them, and
SpecAugment, inside the model every step: the plain side does less work); video's plain twin uses Keras's
Conv2D/MaxPooling2D/AdaptiveAveragePooling2D for the frame encoder and computes frame differences in a Lambda.

Usage:
    python benchmarks/fit_throughput.py                       # every app, 3 timed epochs after a warm-up
    python benchmarks/fit_throughput.py --apps lm dna --epochs 3
    python benchmarks/fit_throughput.py --quick               # ~1 minute smoke run (two small apps)
    python benchmarks/fit_throughput.py --apps ner --data ner=../shared/data/ner/train.txt
"""

import argparse
import importlib
import json
import os
import shutil
import statistics
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

APPS = ("ner", "sentiment", "lm", "dna", "music", "speech", "video", "translate")
QUICK_APPS = ("sentiment", "translate")

TWIN_NOTES = {
    "ner": "plain: Embedding(100) + per-word char BiLSTM(25) -> BiLSTM(100) -> Dense softmax (ner_conll.py's twin "
           "plus the preset's character encoder); seqkit also runs the CRF (more work on the seqkit side)",
    "sentiment": "same Embedding/BiLSTM(64)/max-pool/Dense sizes; seqkit also trains its 100k-bucket n-gram bag, "
                 "class weights and weight averaging (more work on the seqkit side)",
    "lm": "same Embedding(64) -> LSTM(256) -> Dense sizes and dropout, per-line sequences (the default unit here)",
    "dna": "Embedding(4) stands in for seqkit's one-hot bases; Conv1D(64, 9) -> 2 x BiLSTM(64) -> Dense and dropout as "
           "the preset, the padding mask passed to the BiLSTMs explicitly (Keras's Conv1D drops it)",
    "music": "same Embedding(64) -> 2 x LSTM(256) -> Dense sizes and dropout on the same 128-event windows",
    "speech": "plain trains on log-mel features computed once before training, without SpecAugment; seqkit computes "
              "log-mel and SpecAugment inside the model every step (less work on the plain side). "
              "Conv1D(128, 11, stride 2) -> 3 x BiLSTM(128) -> Dense, Keras CTC loss",
    "video": "frame encoder written with Keras Conv2D/MaxPooling2D (16, 32, 64) + AdaptiveAveragePooling2D(4), "
             "frame differences in a Lambda; BiGRU(64) -> mean -> Dense and dropout as the preset (no padding mask: "
             "the clips have one length)",
    "translate": "embedded dates corpus (the `dates` preset fit chooses): BiGRU(2 x 32) encoder, GRU(64) decoder, "
                 "additive (Bahdanau) attention from Keras AdditiveAttention with projections, no attention mask",
}


class EpochTimer:
    """Keras callback factory: per epoch, seconds from `on_epoch_begin` to the last training batch."""

    @staticmethod
    def make():
        import keras

        class _Timer(keras.callbacks.Callback):
            def __init__(self):
                super().__init__()
                self.seconds, self.batches = [], []
                self._start = self._last = None
                self._count = 0

            def on_epoch_begin(self, epoch, logs=None):
                self._start = self._last = time.perf_counter()
                self._count = 0

            def on_train_batch_end(self, batch, logs=None):
                self._last = time.perf_counter()
                self._count += 1

            def on_epoch_end(self, epoch, logs=None):
                self.seconds.append(self._last - self._start)
                self.batches.append(self._count)

        return _Timer()


# === Real tokens of one encoded example ===

def real_tokens(app_name, example, context):
    import numpy as np

    if app_name == "speech":
        hop = round(context.builder_arguments["waveform_features"].get("sample_rate", 16000) / 100)
        return int(example["lengths"]) // hop
    if app_name == "video":
        return int(example["lengths"])
    if app_name == "translate":
        return len(example["source_ids"]) + len(example["labels"])
    key = {"lm": "targets", "music": "labels"}.get(app_name, "token_ids")
    return int(np.asarray(example[key]).shape[0])


# === (a) the app's own `fit` ===

def seqkit_fit(app_name, data, epochs, max_examples, seed):
    """Run the app's API `fit`; returns (timed epoch seconds, batches per epoch, train examples, context)."""
    app = importlib.import_module(f"seqkit.apps.{app_name}.application").APPLICATION
    api = importlib.import_module(f"seqkit.apps.{app_name}")
    timer = EpochTimer.make()
    captured, contexts, seen = [], [], {"train": 0, "valid": 0}
    limits = None if max_examples is None else {"train": max_examples, "valid": max(1, max_examples // 10)}
    hooks = ("encode", "finish_encoding", "training_callbacks", "evaluate", "build_model")
    patched = {name: getattr(app, name) for name in hooks}

    def encode(context, example, split):
        seen[split.name] = seen.get(split.name, 0) + 1
        if limits is not None and seen[split.name] > limits.get(split.name, float("inf")):
            return
        for encoded in patched["encode"](context, example, split):
            if split.name == "train" and isinstance(encoded, dict):
                captured.append(encoded)
            yield encoded

    def finish_encoding(context, split):  # running text (lm `--unit text`): its windows come from here
        for encoded in patched["finish_encoding"](context, split) or ():
            if split.name == "train" and isinstance(encoded, dict):
                captured.append(encoded)
            yield encoded

    def build_model(context):
        contexts.append(context)
        return patched["build_model"](context)

    app.encode = encode
    app.finish_encoding = finish_encoding
    app.build_model = build_model
    app.training_callbacks = lambda context: list(patched["training_callbacks"](context)) + [timer]
    app.evaluate = lambda *args, **kwargs: {}  # after training; not timed, only skipped to keep the run short
    run_parent = tempfile.mkdtemp(prefix=f"fit-throughput-{app_name}-")
    try:
        api.fit(
            data=data,
            out=os.path.join(run_parent, "run"),
            training_overrides={"epochs": 1 + epochs, "seed": seed, "verbose": 0, "early_stopping_patience": None},
        )
    finally:
        for name in patched:
            delattr(app, name)  # the instance attributes; the class methods come back
        shutil.rmtree(run_parent, ignore_errors=True)
    return timer.seconds[1:], timer.batches[-1], captured, contexts[0]


# === (b) the plain Keras twins ===

def _pad(rows, dtype="int32", value=0):
    import numpy as np

    rows = [np.asarray(r) for r in rows]
    length = max(r.shape[0] for r in rows)
    out = np.full((len(rows), length, *rows[0].shape[1:]), value, dtype=dtype)
    for i, r in enumerate(rows):
        out[i, : r.shape[0]] = r
    return out


def _recurrent(keras, cell, units, bidirectional, return_sequences=True, **kwargs):
    layer = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU}[cell](units, return_sequences=return_sequences, **kwargs)
    return keras.layers.Bidirectional(layer) if bidirectional else layer


def plain_twin(app_name, examples, context):
    """`(model, x, y, loss)` of the plain Keras model for `app_name`, on the captured examples."""
    import keras
    import numpy as np

    args = context.builder_arguments
    cell, units = args.get("cell", "lstm"), args.get("units", 64)
    layers_count, bidirectional = args.get("num_layers", 1), args.get("bidirectional", False)
    sparse = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    dropout = args.get("dropout", 0.0)

    def stack(hidden, return_last_sequence=True, input_dropout=0.0, mask=None):
        for index in range(layers_count):
            last = index == layers_count - 1
            if input_dropout:
                hidden = keras.layers.Dropout(input_dropout)(hidden)
            layer = _recurrent(keras, cell, units, bidirectional, return_sequences=return_last_sequence or not last)
            hidden = layer(hidden) if mask is None else layer(hidden, mask=mask)
        return hidden

    if app_name in ("ner", "dna", "lm", "music"):
        label_key = {"ner": "tags", "lm": "targets"}.get(app_name, "labels")
        x = _pad([e["token_ids"] for e in examples])
        y = _pad([e[label_key] for e in examples])
        inputs = keras.Input((None,), dtype="int32")
        width = {"dna": 4}.get(app_name, args.get("embedding_dim"))
        hidden = keras.layers.Embedding(args["vocabulary_size"], width, mask_zero=True)(inputs)
        mask = None
        if app_name == "dna":
            hidden = keras.layers.Conv1D(args["conv_filters"], args["conv_kernel_size"], padding="same", activation="relu")(hidden)
            # Keras's Conv1D drops the mask; seqkit's tagger keeps padding out of its recurrent layers, so does the twin.
            mask = keras.layers.Lambda(lambda ids: keras.ops.not_equal(ids, 0))(inputs)
        if app_name != "ner":
            # The preset's dropout where the builders put it: on every recurrent layer's inputs and the last outputs.
            hidden = keras.layers.Dropout(dropout)(stack(hidden, input_dropout=dropout, mask=mask))
            outputs = keras.layers.Dense(args.get("num_tags") or args["vocabulary_size"])(hidden)
            return keras.Model(inputs, outputs), x, y, sparse
        # NER as the default preset: a character BiLSTM per word (no mask inside words), concatenated to the
        # word embedding, a BiLSTM and a softmax (plain Keras has no CRF).
        chars = np.zeros((*x.shape, max(np.asarray(e["char_ids"]).shape[1] for e in examples)), dtype="int32")
        for row, example in enumerate(examples):
            word_chars = np.asarray(example["char_ids"])
            chars[row, : word_chars.shape[0], : word_chars.shape[1]] = word_chars
        char_inputs = keras.Input((None, None), dtype="int32")
        char_hidden = keras.layers.Embedding(args["char_vocabulary_size"], args["char_embedding_dim"])(char_inputs)
        char_hidden = keras.layers.TimeDistributed(keras.layers.Bidirectional(keras.layers.LSTM(args["char_units"])))(
            char_hidden
        )
        hidden = keras.layers.Dropout(dropout)(keras.layers.Concatenate()([hidden, char_hidden]))
        hidden = keras.layers.Bidirectional(keras.layers.LSTM(units, return_sequences=True))(hidden)
        outputs = keras.layers.Dense(args["num_tags"])(keras.layers.Dropout(dropout)(hidden))
        return keras.Model([inputs, char_inputs], outputs), [x, chars], y, sparse

    if app_name == "sentiment":
        x = _pad([e["token_ids"] for e in examples])
        y = np.array([int(e["label"]) for e in examples], dtype="int32")
        inputs = keras.Input((None,), dtype="int32")
        hidden = keras.layers.Embedding(args["vocabulary_size"], args["embedding_dim"], mask_zero=True)(inputs)
        hidden = keras.layers.GlobalMaxPooling1D()(stack(hidden))
        outputs = keras.layers.Dense(args["num_classes"])(keras.layers.Dropout(args.get("dropout", 0.0))(hidden))
        return keras.Model(inputs, outputs), x, y, sparse

    if app_name == "translate":
        source = _pad([e["source_ids"] for e in examples])
        target = _pad([e["target_ids"] for e in examples])
        y = _pad([e["labels"] for e in examples])
        source_in = keras.Input((None,), dtype="int32")
        target_in = keras.Input((None,), dtype="int32")
        encoder_units = units // 2 if bidirectional else units
        embedded = keras.layers.Embedding(args["source_vocabulary_size"], args["embedding_dim"], mask_zero=True)(source_in)
        encoder = _recurrent(keras, cell, encoder_units, bidirectional, return_state=True)
        encoded, *states = encoder(embedded)
        if cell == "lstm":
            initial = [keras.layers.Concatenate()(states[0::2]), keras.layers.Concatenate()(states[1::2])]
        else:
            initial = [keras.layers.Concatenate()(states)] if bidirectional else states
        target_embedded = keras.layers.Embedding(args["target_vocabulary_size"], args["embedding_dim"], mask_zero=True)(target_in)
        decoded = _recurrent(keras, cell, units, False)(target_embedded, initial_state=initial)
        query = keras.layers.Dense(units, use_bias=False)(decoded)
        key = keras.layers.Dense(units)(encoded)
        attended = keras.layers.AdditiveAttention()([query, encoded, key])
        combined = keras.layers.Dense(units, activation="tanh", use_bias=False)(
            keras.layers.Concatenate()([decoded, attended])
        )
        outputs = keras.layers.Dense(args["target_vocabulary_size"])(combined)
        return keras.Model([source_in, target_in], outputs), [source, target], y, sparse

    if app_name == "speech":
        from seqkit.layers.audio_features import LogMelSpectrogram

        front_end = LogMelSpectrogram(**args["waveform_features"])
        waves = _pad([e["waveforms"] for e in examples], dtype="float32", value=0.0)
        lengths = np.array([int(e["lengths"]) for e in examples], dtype="int32")
        features = np.concatenate(
            [np.asarray(front_end(waves[i : i + 32], lengths[i : i + 32])) for i in range(0, len(waves), 32)]
        )
        y = _pad([e["labels"] for e in examples])
        inputs = keras.Input((None, features.shape[-1]))
        hidden = keras.layers.Conv1D(
            args["conv_filters"], args["conv_kernel_size"], strides=args["conv_stride"], padding="same", activation="relu"
        )(inputs)
        outputs = keras.layers.Dense(args["vocabulary_size"])(stack(hidden))
        return keras.Model(inputs, outputs), features, y, keras.losses.CTC()

    if app_name == "video":
        from keras import ops

        frames = _pad([e["frames"] for e in examples], dtype="uint8")
        y = np.array([int(e["labels"]) for e in examples], dtype="int32")
        inputs = keras.Input((None, *frames.shape[2:]), dtype="uint8")

        def preprocess(clips):
            clips = ops.cast(clips, "float32") / 127.5 - 1.0
            if not args.get("frame_differences"):
                return clips
            motion = ops.concatenate([ops.zeros_like(clips[:, :1]), clips[:, 1:] - clips[:, :-1]], axis=1)
            return ops.concatenate([clips, motion], axis=-1)

        hidden = keras.layers.Lambda(preprocess)(inputs)
        encoder = keras.Sequential()
        for filters in args["conv_filters"]:
            encoder.add(keras.layers.Conv2D(filters, 3, padding="same", activation="relu"))
            encoder.add(keras.layers.MaxPooling2D(2, padding="same"))
        grid = args.get("encoder_grid")
        if grid:
            encoder.add(keras.layers.AdaptiveAveragePooling2D(grid))
            encoder.add(keras.layers.Flatten())
        else:
            encoder.add(keras.layers.GlobalAveragePooling2D())
        hidden = keras.layers.TimeDistributed(encoder)(hidden)
        hidden = keras.layers.GlobalAveragePooling1D()(stack(hidden, input_dropout=dropout))
        outputs = keras.layers.Dense(args["num_classes"])(keras.layers.Dropout(args.get("dropout", 0.0))(hidden))
        return keras.Model(inputs, outputs), frames, y, sparse

    raise ValueError(f"unknown app {app_name!r}")


def plain_fit(app_name, examples, context, epochs, seed):
    import keras

    from seqkit.training.determinism import reproducible

    # The same setting as seqkit's seeded `fit`: seeded, with TensorFlow op determinism (undone afterwards).
    with reproducible(seed):
        model, x, y, loss = plain_twin(app_name, examples, context)
        config = context.config
        model.compile(optimizer=keras.optimizers.Adam(config.learning_rate, clipnorm=config.clipnorm), loss=loss)
        timer = EpochTimer.make()
        model.fit(x, y, batch_size=config.batch_size, epochs=1 + epochs, shuffle=True, verbose=0, callbacks=[timer])
    return timer.seconds[1:], timer.batches[-1], model.count_params()


def compare(app_name, data, epochs, max_examples, seed):
    start = time.perf_counter()
    seqkit_seconds, seqkit_batches, examples, context = seqkit_fit(app_name, data, epochs, max_examples, seed)
    tokens = sum(real_tokens(app_name, e, context) for e in examples)
    plain_seconds, plain_batches, plain_params = plain_fit(app_name, examples, context, epochs, seed)
    # The fastest timed epoch (as `timeit` takes the best run): on a shared machine other work slows some
    # epochs by up to 2x; the JSON rows keep every epoch and the median-based ratio too.
    seqkit_rate = tokens / min(seqkit_seconds)
    plain_rate = tokens / min(plain_seconds)
    median_ratio = statistics.median(plain_seconds) / statistics.median(seqkit_seconds)
    return {
        "app": app_name,
        "preset": context.settings.preset,
        "examples": len(examples),
        "batch_size": context.config.batch_size,
        "batches_per_epoch": {"seqkit": seqkit_batches, "plain": plain_batches},
        "real_tokens_per_epoch": tokens,
        "timed_epochs": len(seqkit_seconds),
        "seqkit_epoch_seconds": [round(s, 2) for s in seqkit_seconds],
        "plain_epoch_seconds": [round(s, 2) for s in plain_seconds],
        "seqkit_tokens_per_second": round(seqkit_rate),
        "plain_keras_tokens_per_second": round(plain_rate),
        "ratio": round(seqkit_rate / plain_rate, 2),
        "ratio_of_medians": round(median_ratio, 2),
        "seqkit_trainable_params": int(sum(w.numpy().size for w in context.model.trainable_weights)),
        "plain_params": int(plain_params),
        "wall_seconds": round(time.perf_counter() - start, 1),
        "twin": TWIN_NOTES[app_name],
    }


def print_table(rows):
    header = (f"{'app':<10} {'tokens/epoch':>12} {'seqkit tok/s':>13} {'plain tok/s':>12} {'ratio':>6} "
              f"{'(medians)':>9}  params seqkit/plain")
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r['app']:<10} {r['real_tokens_per_epoch']:>12} {r['seqkit_tokens_per_second']:>13} "
            f"{r['plain_keras_tokens_per_second']:>12} {r['ratio']:>5.2f}x {r['ratio_of_medians']:>8.2f}x  "
            f"{r['seqkit_trainable_params']}/{r['plain_params']}"
        )
    print()
    for r in rows:
        print(f"{r['app']}: {r['examples']} examples, batch {r['batch_size']}, preset {r['preset']}; {r['twin']}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--apps", nargs="+", choices=APPS, default=None, help="Apps to measure (default: all).")
    parser.add_argument("--epochs", type=int, default=3, help="Timed epochs after the warm-up epoch (default: 3).")
    parser.add_argument("--max-examples", type=int, default=None, help="Train on the first N encoded examples.")
    parser.add_argument("--data", action="append", default=[], metavar="APP=PATH", help="Training data of an app.")
    parser.add_argument(
        "--seed",
        type=lambda text: None if text.lower() == "none" else int(text),
        default=0,
        help="Training seed of both sides (default 0), which also turns on TensorFlow op determinism on both "
        "sides, as a seeded `fit` runs; `--seed none` measures `fit`'s own default (no seed, no op determinism) "
        "against an unseeded plain side.",
    )
    parser.add_argument("--quick", action="store_true", help="~1 minute smoke run: two small apps, 1 timed epoch.")
    parser.add_argument("--json", default=None, help="Also write the rows to this JSON file.")
    args = parser.parse_args()
    data = {}
    for item in args.data:
        name, sep, path = item.partition("=")
        if not sep or name not in APPS:
            parser.error(f"--data expects APP=PATH with APP one of {', '.join(APPS)}. Received: {item!r}")
        data[name] = path
    apps = args.apps or (QUICK_APPS if args.quick else APPS)
    epochs, max_examples = (1, args.max_examples or 400) if args.quick else (args.epochs, args.max_examples)
    if epochs < 1:
        parser.error(f"`--epochs` must be a positive integer. Received: {epochs}")
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; seed {args.seed}"
          + ("" if args.seed is None else " (both sides with TensorFlow op determinism, as a seeded `fit` runs)"),
          flush=True)
    rows = []
    for name in apps:
        rows.append(compare(name, data.get(name), epochs, max_examples, args.seed))
        print(json.dumps({k: v for k, v in rows[-1].items() if k != "twin"}), flush=True)
    print(f"load average after: {os.getloadavg()[0]:.2f}\n", flush=True)
    print_table(rows)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as file:
            json.dump(rows, file, indent=2)


if __name__ == "__main__":
    main()
