"""How far back each seqkit cell can carry information.

Each sequence starts with one of `--classes` label tokens followed by N
distractor tokens drawn from the rest of the vocabulary; the target is the
first token, so the model must keep it in its state over N steps (chance is
1 / classes). For every cell and every N the script trains
Embedding -> seqkit RNN -> Dense on fresh data and prints held-out accuracy.

    python benchmarks/long_dependency.py --epochs 5 --n 10,50,100

With few epochs the result depends on what each cell remembers at
initialisation: a simple RNN with an orthogonal recurrent kernel starts
nearly norm-preserving, while freshly initialised gates forget a fraction
of the memory every step (`σ(1)^N` for an LSTM forget gate with unit bias)
until training opens them; give gated cells more `--epochs` for large N.
`--cells "keras LSTM"` (or `"keras SimpleRNN"`, `"keras GRU"`, the latter
with `reset_after=False` like the seqkit GRU) runs Keras's own layer for
reference.
"""

import argparse
import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras
import numpy as np

from seqkit import cells
from seqkit.layers.rnn import RNN

VOCABULARY, EMBEDDING, UNITS = 32, 16, 32


def make_data(num_examples, distractors, classes, rng, confusable=False):
    """Returns `(tokens (num_examples, 1 + distractors), labels)`.

    Tokens `1..classes` are the label tokens, the others distractors. With `confusable`, the distractors
    include label tokens too, so the model must keep the first one and ignore the later ones ("the cat,
    which ... the dogs ..., was full"): an input gate that closes helps.
    """
    labels = rng.integers(0, classes, size=num_examples)
    low = 1 if confusable else classes + 1
    noise = rng.integers(low, VOCABULARY, size=(num_examples, distractors))
    tokens = np.concatenate([labels[:, None] + 1, noise], axis=1)
    return tokens.astype("int32"), labels.astype("int32")


KERAS_BASELINES = {
    "keras SimpleRNN": keras.layers.SimpleRNN,
    "keras GRU": lambda units: keras.layers.GRU(units, reset_after=False),
    "keras LSTM": keras.layers.LSTM,
}


def recurrent_layer(name):
    """A seqkit RNN for a cell name, or one of Keras's layers for reference."""
    if name in KERAS_BASELINES:
        return KERAS_BASELINES[name](UNITS)
    return RNN(cells.get(name, UNITS))


def build_model(name, classes):
    model = keras.Sequential(
        [
            keras.Input((None,), dtype="int32"),
            keras.layers.Embedding(VOCABULARY, EMBEDDING),
            recurrent_layer(name),
            keras.layers.Dense(classes),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(3e-3, clipnorm=1.0),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model


def accuracy(name, distractors, args, seed=0):
    """Trains one model and returns its held-out accuracy."""
    rng = np.random.default_rng(seed)
    keras.utils.set_random_seed(seed)
    x, y = make_data(args.examples, distractors, args.classes, rng, args.confusable)
    x_test, y_test = make_data(args.examples // 4, distractors, args.classes, rng, args.confusable)
    model = build_model(name, args.classes)
    model.fit(x, y, batch_size=args.batch_size, epochs=args.epochs, verbose=0)
    _, result = model.evaluate(x_test, y_test, verbose=0)
    keras.backend.clear_session()
    return result


def parse_list(text, convert=str):
    return [convert(item) for item in text.split(",") if item.strip()]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--n", default="10,50,100", help="comma-separated distractor counts N")
    parser.add_argument(
        "--cells",
        default=",".join(cells.names()),
        help=f"comma-separated seqkit cell names, or {', '.join(KERAS_BASELINES)}",
    )
    parser.add_argument("--examples", type=int, default=1024)
    parser.add_argument("--classes", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--confusable", action="store_true", help="distractors include label tokens")
    args = parser.parse_args(argv)
    lengths = parse_list(args.n, int)
    names = parse_list(args.cells)
    print(
        f"examples {args.examples}, epochs {args.epochs}, classes "
        f"{args.classes} (chance {1 / args.classes:.2f}), units {UNITS}, confusable {args.confusable}"
    )
    width = max(len(name) for name in names)
    print(f"{'cell':<{width}}" + "".join(f"  N={n:<5}" for n in lengths))
    for name in names:
        scores = [accuracy(name, n, args) for n in lengths]
        print(f"{name:<{width}}" + "".join(f"  {s:<7.3f}" for s in scores))


if __name__ == "__main__":
    main()
