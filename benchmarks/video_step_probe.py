"""Where the video app's train step differs in cost from its plain Keras twin (`fit_throughput.py --apps video`).

One batch of random `uint8` clips of the default preset's shape (batch 16, 12 frames of 48 x 48 x 3), the same
for every variant; each variant is compiled like `fit` compiles it (Adam, sparse cross-entropy from logits) and
timed with `train_on_batch` over `--steps` steps, after 3 warm-up steps. Variants run in rounds (`--rounds`),
each round in a new order, and each variant's fastest round is kept: on a shared machine other work slows some
rounds by up to 2x.

Variants (each changes one thing from the one above it, so adjacent rows show what one difference costs):

- `twin`: the plain model of `fit_throughput.py` (no mask, no dropout, Keras `AdaptiveAveragePooling2D`).
- `twin+dropout`: the preset's dropout on the frame vectors and before the output layer, as seqkit puts it.
- `twin+dropout+mask`: also the padding mask `t < length` given to the GRU and a masked mean.
- `seqkit`: `seqkit.tasks.video_classifier` with the default preset (what `seqkit video fit` trains).
- `seqkit-no-dropout`: the same with `dropout=0`.
- `seqkit+determinism`: `seqkit` under TensorFlow op determinism, which a seeded `fit` turns on.
- `twin+determinism`: `twin` under op determinism (what `fit_throughput.py` compares with a seed).

Usage:
    python benchmarks/video_step_probe.py                 # 5 rounds of 20 steps
    python benchmarks/video_step_probe.py --rounds 3 --steps 10
"""

import argparse
import os
import random
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def preset_arguments():
    from seqkit.apps.video.presets import PRESETS

    preset = PRESETS["default"]
    return dict(preset["model"]), preset["data"], preset["training"]


def twin_model(keras, model_args, num_classes, dropout, mask):
    """The plain twin of `fit_throughput.py`, with the preset's dropout and the padding mask optionally."""
    from keras import ops

    frames = keras.Input((None, None, None, 3), dtype="uint8", name="frames")
    lengths = keras.Input((), dtype="int32", name="lengths")

    def preprocess(clips):
        clips = ops.cast(clips, "float32") / 127.5 - 1.0
        motion = ops.concatenate([ops.zeros_like(clips[:, :1]), clips[:, 1:] - clips[:, :-1]], axis=1)
        return ops.concatenate([clips, motion], axis=-1)

    hidden = keras.layers.Lambda(preprocess)(frames)
    encoder = keras.Sequential()
    for filters in model_args["conv_filters"]:
        encoder.add(keras.layers.Conv2D(filters, 3, padding="same", activation="relu"))
        encoder.add(keras.layers.MaxPooling2D(2, padding="same"))
    encoder.add(keras.layers.AdaptiveAveragePooling2D(model_args["encoder_grid"]))
    encoder.add(keras.layers.Flatten())
    hidden = keras.layers.TimeDistributed(encoder)(hidden)
    if dropout:
        hidden = keras.layers.Dropout(dropout)(hidden)
    gru = keras.layers.Bidirectional(keras.layers.GRU(model_args["units"], return_sequences=True))
    if mask:
        steps = keras.layers.Lambda(
            lambda pair: ops.less(ops.arange(ops.shape(pair[0])[1])[None, :], ops.expand_dims(pair[1], 1))
        )([hidden, lengths])
        hidden = gru(hidden, mask=steps)
        weights = ops.expand_dims(ops.cast(steps, "float32"), -1)
        hidden = ops.sum(hidden * weights, axis=1) / ops.maximum(ops.sum(weights, axis=1), 1.0)
    else:
        hidden = keras.layers.GlobalAveragePooling1D()(gru(hidden))
    if dropout:
        hidden = keras.layers.Dropout(dropout)(hidden)
    outputs = keras.layers.Dense(num_classes)(hidden)
    return keras.Model({"frames": frames, "lengths": lengths}, outputs)


def seqkit_model(model_args, data_args, num_classes, dropout):
    from seqkit.tasks import video_classifier

    args = {**model_args, "dropout": dropout}
    return video_classifier(num_classes, frame_size=data_args["frame_size"], **args)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5, help="Rounds over all variants (default 5).")
    parser.add_argument("--steps", type=int, default=20, help="Timed train steps per variant and round (default 20).")
    args = parser.parse_args()

    import keras
    import numpy as np
    import tensorflow as tf

    model_args, data_args, training_args = preset_arguments()
    batch, frames, size, classes = training_args["batch_size"], data_args["num_frames"], data_args["frame_size"], 3
    rng = np.random.default_rng(0)
    x = {"frames": rng.integers(0, 256, (batch, frames, size, size, 3), dtype=np.uint8),
         "lengths": np.full((batch,), frames, np.int32)}
    y = rng.integers(0, classes, (batch,)).astype(np.int32)
    dropout = model_args["dropout"]

    builders = {
        "twin": lambda: twin_model(keras, model_args, classes, 0.0, False),
        "twin+dropout": lambda: twin_model(keras, model_args, classes, dropout, False),
        "twin+dropout+mask": lambda: twin_model(keras, model_args, classes, dropout, True),
        "seqkit": lambda: seqkit_model(model_args, data_args, classes, dropout),
        "seqkit-no-dropout": lambda: seqkit_model(model_args, data_args, classes, 0.0),
        "seqkit+determinism": lambda: seqkit_model(model_args, data_args, classes, dropout),
        "twin+determinism": lambda: twin_model(keras, model_args, classes, 0.0, False),
    }
    models = {}
    for name, build in builders.items():
        keras.utils.set_random_seed(0)
        model = build()
        model.compile(keras.optimizers.Adam(training_args["learning_rate"]),
                      keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        models[name] = model

    def timed(name, steps):
        deterministic = name.endswith("+determinism")
        if deterministic:
            tf.config.experimental.enable_op_determinism()
        try:
            for _ in range(3):
                models[name].train_on_batch(x, y)
            start = time.perf_counter()
            for _ in range(steps):
                models[name].train_on_batch(x, y)
            return (time.perf_counter() - start) / steps
        finally:
            if deterministic:
                from tensorflow.python.framework import config as tf_config

                tf_config.disable_op_determinism()

    print(f"load average before: {os.getloadavg()[0]:.2f}; batch {batch} x {frames} frames of {size}x{size}x3")
    best = {name: float("inf") for name in models}
    order = list(models)
    for round_index in range(args.rounds):
        random.Random(round_index).shuffle(order)
        for name in order:
            best[name] = min(best[name], timed(name, args.steps))
        print(f"round {round_index + 1}: " + ", ".join(f"{n} {best[n] * 1000:.0f}" for n in models), flush=True)
    base = best["twin"]
    print(f"\n{'variant':<22} {'ms/step':>8} {'twin/variant':>13}")
    for name in models:
        print(f"{name:<22} {best[name] * 1000:>8.1f} {base / best[name]:>12.2f}x")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
