"""Training and inference speed of seqkit recurrent layers against PyTorch's.

Model, per cell: Embedding(5000, 64) -> recurrent(128, full sequences) ->
Dense(9), a per-step tagging loss (softmax cross-entropy on every step),
Adam (learning rate 1e-3), the same random batch for every model. Measured,
in one process, for LSTM, GRU and simple RNN (tanh), at T = 100 and 500,
batch 16 and 64:

- `seqkit auto`: `seqkit.layers.RecurrentStack(cell, 128)`, the path a user
  gets (`implementation="auto"`: Keras's `LSTM`/`GRU` for "lstm"/"gru",
  seqkit's loop for "rnn");
- `seqkit loop`: `RecurrentStack(cell, 128, implementation="seqkit")`,
  seqkit's cells in seqkit's projected loop (for "rnn" the same as auto,
  so timed once);
- `torch`: `nn.LSTM`, `nn.GRU`, `nn.RNN(nonlinearity="tanh")`.

Training tokens/s (Keras `train_on_batch`; torch forward, backward, Adam
step) and inference tokens/s (Keras `predict_on_batch`; torch under
`inference_mode`), each seqkit/torch ratio, and the achieved GFLOP/s as a
fraction of a 2048 x 2048 float32 matmul peak measured in this run in both
frameworks (the larger is the peak). FLOPs count the matrix products only:
per token, forward `2 (E + U) G U + 2 U C` (G = 4 LSTM, 3 GRU, 1 RNN);
training is 3x that (forward, input and weight gradients).

PyTorch is needed only here and is not a seqkit dependency. Install it
(a CPU build is enough) into the same environment first; without it the
script prints how and exits 2:

    pip install torch==2.13.0
    python benchmarks/torch_parity.py            # full table, < ~10 minutes
    python benchmarks/torch_parity.py --quick    # T 100, batch 64, < ~2 minutes

Torch's intra-op threads are set to TensorFlow's intra-op threads (all
cores when TensorFlow's setting is 0, its default); the script prints both.
Timings are best-of-rounds, the frameworks' rounds interleaved, so a burst of
other load on the machine hits every model alike; compare ratios, not
absolute numbers.
"""

import argparse
import os
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

VOCABULARY, EMBEDDING, UNITS, CLASSES = 5000, 64, 128, 9
CELLS = ("lstm", "gru", "rnn")
GATES = {"lstm": 4, "gru": 3, "rnn": 1}
MATMUL = 2048

try:
    import torch
except ImportError:
    torch = None


def forward_flops_per_token(cell):
    return 2 * (EMBEDDING + UNITS) * GATES[cell] * UNITS + 2 * UNITS * CLASSES


# === seqkit ===


def keras_model(cell, implementation):
    import keras

    from seqkit.layers import RecurrentStack

    model = keras.Sequential(
        [
            keras.Input((None,), dtype="int32"),
            keras.layers.Embedding(VOCABULARY, EMBEDDING),
            RecurrentStack(cell, UNITS, implementation=implementation),
            keras.layers.Dense(CLASSES),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    return model


class KerasRunner:
    def __init__(self, cell, implementation):
        self.model = keras_model(cell, implementation)
        self.resolved = self.model.layers[1].resolved_implementation

    def set_batch(self, tokens, labels):
        self.tokens, self.labels = tokens, labels

    def train(self, steps):
        for _ in range(steps):
            self.model.train_on_batch(self.tokens, self.labels)  # returns numpy: synchronises

    def infer(self, steps):
        for _ in range(steps):
            self.model.predict_on_batch(self.tokens)


# === PyTorch ===


class TorchTagger(torch.nn.Module if torch else object):
    def __init__(self, cell):
        super().__init__()
        self.embedding = torch.nn.Embedding(VOCABULARY, EMBEDDING)
        if cell == "lstm":
            self.recurrent = torch.nn.LSTM(EMBEDDING, UNITS, batch_first=True)
        elif cell == "gru":
            self.recurrent = torch.nn.GRU(EMBEDDING, UNITS, batch_first=True)
        else:
            self.recurrent = torch.nn.RNN(EMBEDDING, UNITS, nonlinearity="tanh", batch_first=True)
        self.dense = torch.nn.Linear(UNITS, CLASSES)

    def forward(self, tokens):
        outputs, _ = self.recurrent(self.embedding(tokens))
        return self.dense(outputs)


class TorchRunner:
    def __init__(self, cell):
        torch.manual_seed(0)
        self.model = TorchTagger(cell)
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=1e-3)
        self.loss = torch.nn.CrossEntropyLoss()
        self.resolved = type(self.model.recurrent).__name__

    def set_batch(self, tokens, labels):
        self.tokens = torch.from_numpy(tokens.astype("int64"))
        self.labels = torch.from_numpy(labels.astype("int64")).reshape(-1)

    def train(self, steps):
        self.model.train()
        for _ in range(steps):
            self.optimizer.zero_grad(set_to_none=True)
            logits = self.model(self.tokens)
            loss = self.loss(logits.reshape(-1, CLASSES), self.labels)
            loss.backward()
            self.optimizer.step()
            loss.item()

    def infer(self, steps):
        self.model.eval()
        with torch.inference_mode():
            for _ in range(steps):
                self.model(self.tokens).numpy()


# === Measurement ===


def matmul_peaks(repeats=10):
    """GFLOP/s of a 2048^2 float32 matmul in TensorFlow and in torch (best of)."""
    import numpy as np
    import tensorflow as tf

    rng = np.random.default_rng(0)
    a = rng.standard_normal((MATMUL, MATMUL), dtype="float32")
    b = rng.standard_normal((MATMUL, MATMUL), dtype="float32")
    flops = 2 * MATMUL**3

    ta, tb = tf.constant(a), tf.constant(b)
    tf.matmul(ta, tb).numpy()
    tf_best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        tf.matmul(ta, tb).numpy()
        tf_best = min(tf_best, time.perf_counter() - start)

    pa, pb = torch.from_numpy(a), torch.from_numpy(b)
    torch.matmul(pa, pb)
    torch_best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        torch.matmul(pa, pb)
        torch_best = min(torch_best, time.perf_counter() - start)
    return flops / tf_best / 1e9, flops / torch_best / 1e9


def warm_up(run, steps, settle=1.25, limit=20):
    """Runs `steps` untimed steps, then more until a step is within `settle`x of the fastest seen.

    Torch's oneDNN kernels (its GRU especially) run some first steps of a new shape tens of times slower.
    """
    run(steps)
    times = []
    for _ in range(limit):
        start = time.perf_counter()
        run(1)
        times.append(time.perf_counter() - start)
        if len(times) >= 2 and times[-1] <= settle * min(times[:-1]):
            break


def best_rates(runners, mode, tokens_per_step, steps, rounds, warmup):
    """Best-of-`rounds` tokens/s of every runner; rounds interleave the runners."""
    for runner in runners.values():
        warm_up(getattr(runner, mode), warmup)
    best = {name: float("inf") for name in runners}
    for _ in range(rounds):
        for name, runner in runners.items():
            start = time.perf_counter()
            getattr(runner, mode)(steps)
            best[name] = min(best[name], time.perf_counter() - start)
    return {name: steps * tokens_per_step / seconds for name, seconds in best.items()}


def measure_cell(cell, shapes, steps, rounds, warmup, seed=0):
    """Rows `(cell, length, batch, mode, {runner: tokens/s})` for one cell."""
    import keras
    import numpy as np

    keras.utils.set_random_seed(seed)
    runners = {"seqkit auto": KerasRunner(cell, "auto")}
    if runners["seqkit auto"].resolved != "seqkit":
        runners["seqkit loop"] = KerasRunner(cell, "seqkit")
    runners["torch"] = TorchRunner(cell)
    rng = np.random.default_rng(seed)
    rows = []
    for length, batch in shapes:
        tokens = rng.integers(1, VOCABULARY, size=(batch, length), dtype="int32")
        labels = rng.integers(0, CLASSES, size=(batch, length), dtype="int32")
        for runner in runners.values():
            runner.set_batch(tokens, labels)
        for mode in ("train", "infer"):
            rates = best_rates(runners, mode, tokens.size, steps, rounds, warmup)
            rows.append((cell, length, batch, mode, rates))
            print(f"  measured {cell} T={length} B={batch} {mode}", file=sys.stderr, flush=True)
    return rows


def report(rows, peak):
    header = (
        f"{'cell':<5} {'T':>4} {'B':>3} {'mode':<5} {'impl':<12} {'tokens/s':>9} "
        f"{'vs torch':>8} {'GFLOP/s':>8} {'of peak':>7}"
    )
    lines = [header, "-" * len(header)]
    for cell, length, batch, mode, rates in rows:
        per_token = forward_flops_per_token(cell) * (3 if mode == "train" else 1)
        base = rates["torch"]
        for name, rate in rates.items():
            gflops = rate * per_token / 1e9
            lines.append(
                f"{cell:<5} {length:>4} {batch:>3} {mode:<5} {name:<12} {rate:>9.0f} "
                f"{rate / base:>8.2f} {gflops:>8.1f} {gflops / peak:>7.1%}"
            )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="T 100, batch 64, fewer steps")
    parser.add_argument("--cells", default=",".join(CELLS), help="comma-separated: lstm,gru,rnn")
    parser.add_argument("--steps", type=int, default=4, help="timed steps per round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; best is kept")
    parser.add_argument("--warmup", type=int, default=2, help="untimed steps per shape and mode")
    parser.add_argument(
        "--torch-threads",
        type=int,
        default=0,
        help="torch intra-op threads; 0 (default): TensorFlow's intra-op threads",
    )
    args = parser.parse_args(argv)

    if torch is None:
        print(
            "torch_parity: PyTorch is not installed (it is needed only for this benchmark, not by seqkit); "
            "install it with: pip install torch==2.13.0  (a CPU build is enough)",
            file=sys.stderr,
        )
        return 2

    import tensorflow as tf

    tf_threads = tf.config.threading.get_intra_op_parallelism_threads()
    torch_threads = args.torch_threads or tf_threads or os.cpu_count()
    torch.set_num_threads(torch_threads)

    shapes = [(100, 16), (100, 64), (500, 16), (500, 64)]
    steps, rounds = args.steps, args.rounds
    if args.quick:
        shapes, steps, rounds = [(100, 64)], 2, 3
    cells = [c for c in args.cells.split(",") if c]
    for cell in cells:
        if cell not in CELLS:
            parser.error(f"--cells: unknown cell {cell!r}; expected some of {CELLS}")

    # The peak is measured before and after the models, the larger kept: a burst of other load on the
    # machine during one measurement then does not understate it.
    tf_peak, torch_peak = matmul_peaks()
    rows = []
    for cell in cells:
        rows += measure_cell(cell, shapes, steps, rounds, args.warmup)
    tf_peak, torch_peak = (max(pair) for pair in zip((tf_peak, torch_peak), matmul_peaks()))
    peak = max(tf_peak, torch_peak)
    devices = sorted({d.device_type for d in tf.config.list_logical_devices()})
    print(
        f"tensorflow {tf.__version__} (intra-op threads {tf_threads or 'default=all'}, "
        f"devices {devices}), torch {torch.__version__} (threads set to {torch.get_num_threads()}), "
        f"{os.cpu_count()} logical cores"
    )
    print(
        f"matmul {MATMUL}^2 float32 peak: tensorflow {tf_peak:.0f} GFLOP/s, torch {torch_peak:.0f} GFLOP/s "
        f"(fractions below are of {peak:.0f})"
    )
    print(f"{rounds} rounds of {steps} steps (best kept), {args.warmup} warm-up step(s) per shape and mode")
    print(report(rows, peak))
    return 0


if __name__ == "__main__":
    sys.exit(main())
