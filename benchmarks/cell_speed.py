"""Training speed of the seqkit cells against Keras's built-in recurrent layers.

Model: Embedding(5000, 64) -> recurrent(128, return_sequences) -> Dense(9),
batch 64, 100 steps per sequence (a tagging shape). Every model trains on the
same random batch in the same process; the script prints training tokens per
second and the ratio to Keras's `LSTM` layer measured in this run.

    python benchmarks/cell_speed.py --steps 10 --rounds 3
    python benchmarks/cell_speed.py --per-step --only gru  # also seqkit cells
        # inside keras.layers.RNN, i.e. without the projection before the loop

Keras's `LSTM`/`GRU` use cuDNN on a GPU when their arguments allow, and a
generic loop otherwise; the seqkit cells always use the portable loop.
"""

import argparse
import os
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras
import numpy as np
import tensorflow as tf

from seqkit import cells
from seqkit.layers.rnn import RNN

VOCABULARY, EMBEDDING, UNITS, CLASSES = 5000, 64, 128, 9
BATCH, LENGTH = 64, 100
BASELINE = "keras LSTM"


def recurrent_layers(per_step):
    """Name -> factory of the recurrent layer under test."""
    layers = {
        "keras LSTM": lambda: keras.layers.LSTM(UNITS, return_sequences=True),
        "keras GRU": lambda: keras.layers.GRU(UNITS, return_sequences=True),
        "keras SimpleRNN": lambda: keras.layers.SimpleRNN(UNITS, return_sequences=True),
    }
    for name in cells.names():
        layers[f"seqkit {name}"] = lambda name=name: RNN(cells.get(name, UNITS), return_sequences=True)
        if per_step:
            layers[f"seqkit {name} (keras.layers.RNN)"] = lambda name=name: keras.layers.RNN(
                cells.get(name, UNITS), return_sequences=True
            )
    return layers


def build_model(recurrent, jit_compile):
    model = keras.Sequential(
        [
            keras.Input((LENGTH,), batch_size=BATCH, dtype="int32"),
            keras.layers.Embedding(VOCABULARY, EMBEDDING),
            recurrent,
            keras.layers.Dense(CLASSES),
        ]
    )
    model.compile(
        optimizer="adam",
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        jit_compile=jit_compile,
    )
    return model


def timed_steps(model, tokens, labels, steps):
    """Seconds for `steps` training steps on one batch."""
    start = time.perf_counter()
    for _ in range(steps):
        model.train_on_batch(tokens, labels)  # returns numpy: synchronises
    return time.perf_counter() - start


def measure(layers, steps, rounds, warmup, jit_compile, seed=0):
    """Best-of-`rounds` training tokens/s of each layer.

    All models are built and warmed up (traced) first; the rounds then visit
    them in turn, so a burst of other load on the machine hits one round of
    every model rather than all rounds of one.
    """
    rng = np.random.default_rng(seed)
    tokens = rng.integers(1, VOCABULARY, size=(BATCH, LENGTH), dtype="int32")
    labels = rng.integers(0, CLASSES, size=(BATCH, LENGTH), dtype="int32")
    models = {}
    for name, make_layer in layers.items():
        keras.utils.set_random_seed(seed)
        models[name] = build_model(make_layer(), jit_compile)
        timed_steps(models[name], tokens, labels, warmup)
    best = {name: float("inf") for name in models}
    for _ in range(rounds):
        for name, model in models.items():
            seconds = timed_steps(model, tokens, labels, steps)
            best[name] = min(best[name], seconds)
    return {name: steps * tokens.size / seconds for name, seconds in best.items()}


def report(results):
    baseline = results[BASELINE]
    width = max(len(name) for name in results)
    lines = [f"{'layer':<{width}}  {'tokens/s':>10}  {'vs ' + BASELINE:>15}"]
    for name, speed in results.items():
        lines.append(f"{name:<{width}}  {speed:>10.0f}  {speed / baseline:>15.2f}")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=5, help="timed steps per round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; best is kept")
    parser.add_argument("--warmup", type=int, default=2, help="untimed steps")
    parser.add_argument(
        "--jit-compile",
        choices=["auto", "true", "false"],
        default="auto",
        help="passed to Model.compile for every model",
    )
    parser.add_argument(
        "--per-step",
        action="store_true",
        help="also time seqkit cells in keras.layers.RNN (no projection)",
    )
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated substrings; time only layers whose name has one "
        f"(the baseline, {BASELINE!r}, is always timed)",
    )
    args = parser.parse_args(argv)
    jit = {"auto": "auto", "true": True, "false": False}[args.jit_compile]
    layers = recurrent_layers(args.per_step)
    wanted = [part for part in args.only.split(",") if part]
    if wanted:
        layers = {
            name: make for name, make in layers.items() if name == BASELINE or any(part in name for part in wanted)
        }
    results = measure(layers, args.steps, args.rounds, args.warmup, jit)
    devices = sorted({d.device_type for d in tf.config.list_logical_devices()})
    print(
        f"batch {BATCH}, length {LENGTH}, units {UNITS}, {args.rounds} rounds "
        f"of {args.steps} steps (best kept), jit_compile={args.jit_compile}, "
        f"devices {devices}"
    )
    print(report(results))


if __name__ == "__main__":
    main()
