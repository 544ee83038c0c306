"""Vocabulary memory: does a 100,000-word language model train without one-hot tensors, and what is its peak?

1. Writes into a temporary directory a synthetic word corpus: `--words` distinct three-syllable pseudo-words
   (default 110,000), each `--min-occurrences` times (default 3) plus `--zipf-tokens` more tokens drawn from a
   Zipf law (default 100,000), shuffled, in lines of 20 words ending with "."; and a short validation file
   (`--valid-tokens`, default 3,000) from the same law. Or `--text FILE` trains on your text (validation held
   out unless `--valid FILE`).
2. Runs `seqkit lm fit --level word --vocab-size V --epochs 1 --seed 0 --quiet` with the default preset (LSTM,
   256 units, embedding 64, batch 64) for V = 100,000 and V = 10,000, each in a fresh subprocess, and measures
   the subprocess's own peak resident set size (`ru_maxrss` from `os.wait4`) and wall time. `--unit` is left
   to the data: the synthetic lines are running text, so `--unit text` (windows of 35 words, the state carried
   from window to window). A whole epoch of a 100,000-way softmax takes far longer on a CPU than a benchmark
   should, so by default training stops after `--max-batches` batches (default 3; the memory of a train step
   is the same at every batch): the child runs the same `seqkit` CLI entry point with one Keras callback
   appended to the app's callbacks, which sets `model.stop_training`. Reading, the vocabulary, the shards,
   validation, checkpoints, saving and evaluation run as in any fit. `--max-batches 0` runs the plain
   `seqkit lm fit` for the whole epoch.
3. Reads each run directory's `config.json` (vocabulary built, unit, window, batch size, output layer) and prints
   per V: peak RSS, wall seconds, the vocabulary, the output layer's parameters and MiB (float32), and what one
   batch's one-hot targets and one batch's logits would take (batch x length x vocabulary x 4 bytes; length =
   the window, or with `--unit line` the mean sequence length); then the ratio of the peak RSS at 100k to 10k.
4. Sparse targets: the app's loss is `seqkit.tasks.language_model_loss()`, Keras's
   `SparseCategoricalCrossentropy(from_logits=True, ignore_class=-1)` (TensorFlow's
   `sparse_softmax_cross_entropy_with_logits`), its metric `MaskedPerplexity` is keras-hub's `Perplexity` (a
   sparse cross-entropy too), and the targets are int32 ids (`encoding.training_example`). The script compiles a
   small model at the 100k vocabulary with the app's own loss and metric, traces one train step and lists any
   `OneHot` op in the step's graph and the functions it calls (a loss using `ops.one_hot` shows one there).
   Exit status 1 when a fit fails or a one-hot op is found.

Measured 2026-12-04 on 2 shared CPU cores (a load average of 6-8 from other jobs), defaults:

    vocab limit  built    peak RSS MiB  wall s  output params  output MiB  one-hot/batch MiB  logits/batch MiB
    100,000      100,000  6721          78.6    25,700,000     98.0        854                854
    10,000       10,000   1522          53.4    2,570,000      9.8         85                 85
    unit text, batch 64 x length 35 (window), 473,000 training tokens, 3 training batches
    peak RSS 100,000 / 10,000: 4.42
    loss: SparseCategoricalCrossentropy (integer targets); one-hot ops in a traced train step at 100,000: none
    (of 70 op types; sparse cross-entropy ops: SparseSoftmaxCrossEntropyWithLogits)

Other runs the same day: 6,825 / 1,525 MiB (ratio 4.48, 135 / 65 s under a heavier load); with 8 batches and
6,000 validation tokens 6,933 / 1,606 MiB (4.32). No one-hot tensor is built. The RSS sampled every second puts
the peak in the training batches (before validation, checkpoints and saving). The 5.2 GiB over the 10k run is
about 5.7 times one batch's logits (854 MiB) plus the weights, gradients and Adam moments of 32 M parameters
(0.5 GiB); among those buffers: the logits, the loss's softmax and gradient, the metric's own cross-entropy (one
train step of this model and batch alone, in one process: 4.3 GiB peak with `MaskedPerplexity`, 3.4 GiB without
it). The logits-sized buffers grow with batch x window x vocabulary: `--batch-size` or `--window` lower them
in proportion.

Usage (from the repository root):
    python benchmarks/lm_vocab_memory.py                    # synthetic corpus, 2-5 minutes on 2 shared cores
    python benchmarks/lm_vocab_memory.py --text corpus.txt  # your text
    python benchmarks/lm_vocab_memory.py --max-batches 0    # whole epochs: long at 100k on a CPU
"""

import argparse
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

VOCAB_SIZES = (100_000, 10_000)
SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"][:50]  # 50 syllables: 125,000 3-syllable words
WORDS_PER_LINE = 20
STDERR_TAIL_LINES = 30

# The child: the `seqkit` CLI entry point with a callback that ends training after `limit` batches.
BOOTSTRAP = """
import sys
limit = int(sys.argv[1])
from seqkit.apps.lm import application as lm_application
original = lm_application.LanguageModelApplication.training_callbacks
def training_callbacks(self, context):
    import keras
    class StopAfterBatches(keras.callbacks.Callback):
        seen = 0
        def on_train_batch_end(self, batch, logs=None):
            self.seen += 1
            if self.seen >= limit:
                self.model.stop_training = True
    return [*original(self, context), StopAfterBatches()]
lm_application.LanguageModelApplication.training_callbacks = training_callbacks
from seqkit.cli.main import main
sys.argv = ["seqkit", *sys.argv[2:]]
sys.exit(main())
"""


def log(message):
    print(message, file=sys.stderr, flush=True)


# --- The synthetic corpus -------------------------------------------------------------------------------------


def word(index):
    """A distinct pseudo-word of three syllables for each index below 125,000 (`word(0)` is "bababa")."""
    a, rest = divmod(index, len(SYLLABLES) ** 2)
    b, c = divmod(rest, len(SYLLABLES))
    return SYLLABLES[a] + SYLLABLES[b] + SYLLABLES[c]


def zipf_ids(rng, count, num_words, exponent=1.1):
    """`count` word indices in `[0, num_words)` with P(rank k) proportional to 1 / (k + 1) ** exponent."""
    weights = 1.0 / np.arange(1, num_words + 1) ** exponent
    return rng.choice(num_words, size=count, p=weights / weights.sum())


def write_lines(path, ids, words):
    with open(path, "w", encoding="utf-8") as file:
        for start in range(0, len(ids), WORDS_PER_LINE):
            file.write(" ".join(words[i] for i in ids[start : start + WORDS_PER_LINE]) + " .\n")


def write_corpus(directory, args):
    """Write `train.txt` and `valid.txt`; return their paths and the number of training tokens written."""
    rng = np.random.default_rng(args.seed)
    words = [word(i) for i in range(args.words)]
    ids = np.concatenate([np.repeat(np.arange(args.words), args.min_occurrences),
                          zipf_ids(rng, args.zipf_tokens, args.words)])
    rng.shuffle(ids)
    train, valid = pathlib.Path(directory, "train.txt"), pathlib.Path(directory, "valid.txt")
    write_lines(train, ids, words)
    write_lines(valid, zipf_ids(rng, args.valid_tokens, args.words), words)
    tokens = len(ids) + -(-len(ids) // WORDS_PER_LINE)  # the words and one "." a line
    return train, valid, tokens


# --- One measured fit -----------------------------------------------------------------------------------------


def seqkit_command(max_batches):
    if max_batches:
        return [sys.executable, "-c", BOOTSTRAP, str(max_batches)]
    script = pathlib.Path(sys.executable).with_name("seqkit")
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [shutil.which("seqkit") or "seqkit"]


def run_measured(command, log_dir, timeout):
    """`(peak_rss_mib, wall_seconds, returncode, stderr_tail)` of `command` run as a child (`os.wait4`: the
    child's own usage, not everything this process ever waited for)."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", KERAS_BACKEND="tensorflow")
    stdout_path, stderr_path = pathlib.Path(log_dir, "stdout.log"), pathlib.Path(log_dir, "stderr.log")
    with open(stdout_path, "wb") as stdout, open(stderr_path, "wb") as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr, env=env)
        try:
            _pid, status, rusage = os.wait4(process.pid, 0) if not timeout else _wait_with_timeout(process, timeout)
        finally:
            if process.poll() is None:
                process.kill()
        wall = time.perf_counter() - start
    returncode = os.waitstatus_to_exitcode(status)
    process.returncode = returncode
    tail = ""
    if returncode != 0:
        tail = "\n".join(stderr_path.read_text(errors="replace").splitlines()[-STDERR_TAIL_LINES:])
    scale = 1 if sys.platform == "darwin" else 1024
    return rusage.ru_maxrss * scale / 2**20, wall, returncode, tail


def _wait_with_timeout(process, timeout):
    import threading

    killer = threading.Timer(timeout, process.kill)
    killer.start()
    try:
        return os.wait4(process.pid, 0)
    finally:
        killer.cancel()


def measure(vocab_size, train, valid, workdir, args):
    out = pathlib.Path(workdir, f"run-{vocab_size}")
    log_dir = pathlib.Path(workdir, f"logs-{vocab_size}")
    log_dir.mkdir(exist_ok=True)
    command = seqkit_command(args.max_batches) + ["lm", "fit", "--data", str(train), "--out", str(out),
                                                  "--level", "word", "--vocab-size", str(vocab_size),
                                                  "--epochs", "1", "--seed", str(args.seed), "--quiet"]
    if valid is not None:
        command += ["--valid", str(valid)]
    if args.batch_size:
        command += ["--batch-size", str(args.batch_size)]
    shown = ["seqkit", *command[4:]] if args.max_batches else command
    stop = f" (training stops after {args.max_batches} batches)" if args.max_batches else ""
    log(f"[{vocab_size:,}] {' '.join(shown)}{stop}")
    rss, wall, returncode, tail = run_measured(command, log_dir, args.timeout)
    log(f"[{vocab_size:,}] peak RSS {rss:.0f} MiB, {wall:.1f} s, exit status {returncode}")
    if returncode != 0:
        log("    " + (tail or "(empty stderr)").replace("\n", "\n    "))
        return {"vocab_limit": vocab_size, "returncode": returncode}
    config = json.loads(pathlib.Path(out, "config.json").read_text())
    return {"vocab_limit": vocab_size, "returncode": 0, "peak_rss_mib": rss, "wall_seconds": wall,
            **batch_sizes(config)}


def batch_sizes(config):
    """The vocabulary, output layer and per-batch tensor sizes a run's `config.json` records or implies."""
    data = config["data"]
    vocabulary = data["vocabulary_size"]
    batch = config["training"]["batch_size"]
    if data.get("unit") == "text":
        length, length_kind = data["window"], "window"
    else:
        length, length_kind = round(data["train_tokens"] / data["train_sequences"]) + 1, "mean sequence"
    batch_bytes = batch * length * vocabulary * 4
    output = config.get("output_layer") or config.get("data", {}).get("output_layer") or {}
    return {
        "vocabulary": vocabulary, "unit": data.get("unit"), "batch": batch, "length": length,
        "length_kind": length_kind, "train_tokens": data.get("train_tokens"),
        "output_parameters": output.get("parameters"),
        "output_mib": output["parameters"] * 4 / 2**20 if output.get("parameters") else None,
        "one_hot_batch_mib": batch_bytes / 2**20, "logits_batch_mib": batch_bytes / 2**20,
    }


# --- The sparse-loss check ------------------------------------------------------------------------------------


def one_hot_ops_in_train_step(vocab_size):
    """Op types of one traced train step of a small LM compiled with the app's loss and metric, at
    `vocab_size`: `(number of op types, one-hot op types found, sparse cross-entropy op types found)`."""
    from seqkit.cli.main import import_tensorflow_quietly

    import_tensorflow_quietly()
    import tensorflow as tf

    from seqkit.apps.lm.application import APPLICATION
    from seqkit.tasks import language_model

    model = language_model(vocab_size, embedding_dim=4, units=4)
    model.compile(optimizer="adam", loss=APPLICATION.loss(None, model), metrics=APPLICATION.metrics(None))
    x = np.ones((2, 5), "int32")
    y = np.full((2, 5), 7, "int32")
    model.train_on_batch(x, y)  # builds the metric and optimizer variables
    step = tf.function(lambda a, b: model.train_step((a, b)), autograph=False)
    graph = step.get_concrete_function(tf.TensorSpec((None, None), tf.int32),
                                       tf.TensorSpec((None, None), tf.int32)).graph
    graph_def = graph.as_graph_def()  # the step's ops and those of every function it calls (loops, conds)
    types = {node.op for node in graph_def.node}
    types |= {node.op for function in graph_def.library.function for node in function.node_def}
    one_hot = sorted(t for t in types if "onehot" in t.lower().replace("_", ""))
    return len(types), one_hot, sorted(t for t in types if t.startswith("SparseSoftmaxCrossEntropy"))


# --- Output ---------------------------------------------------------------------------------------------------


def print_table(rows):
    header = ["vocab limit", "built", "peak RSS MiB", "wall s", "output params", "output MiB",
              "one-hot/batch MiB", "logits/batch MiB"]
    table = [header]
    for row in rows:
        if row["returncode"]:
            table.append([f"{row['vocab_limit']:,}", f"FAILED (exit {row['returncode']})"] + [""] * 6)
            continue
        table.append([f"{row['vocab_limit']:,}", f"{row['vocabulary']:,}", f"{row['peak_rss_mib']:.0f}",
                      f"{row['wall_seconds']:.1f}", f"{row['output_parameters']:,}", f"{row['output_mib']:.1f}",
                      f"{row['one_hot_batch_mib']:.0f}", f"{row['logits_batch_mib']:.0f}"])
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    for line in table:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip())


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--text", type=pathlib.Path, help="Train on this UTF-8 text instead of the synthetic one.")
    parser.add_argument("--valid", type=pathlib.Path, help="With --text: validation text (default: held out).")
    parser.add_argument("--words", type=int, default=110_000, help="Distinct synthetic words (default 110,000).")
    parser.add_argument("--min-occurrences", type=int, default=3, help="Times every word appears (default 3).")
    parser.add_argument("--zipf-tokens", type=int, default=100_000, help="Extra Zipf tokens (default 100,000).")
    parser.add_argument("--valid-tokens", type=int, default=3_000, help="Synthetic validation tokens (3,000).")
    parser.add_argument("--max-batches", type=int, default=3,
                        help="Stop training after this many batches (default 3; 0: the whole epoch).")
    parser.add_argument("--batch-size", type=int, default=None, help="Passed on as --batch-size (default: preset).")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=None, help="Seconds before a fit is killed.")
    parser.add_argument("--keep", action="store_true", help="Keep the temporary directory and print its path.")
    parser.add_argument("--json", action="store_true", help="Print the rows as JSON instead of a table.")
    args = parser.parse_args(argv)
    if args.valid and not args.text:
        parser.error("--valid goes with --text")
    if args.text and not args.text.is_file():
        parser.error(f"{args.text}: not a file")
    if not args.text and not 100_000 <= args.words <= len(SYLLABLES) ** 3:
        parser.error(f"--words must be between 100,000 and {len(SYLLABLES) ** 3:,}")
    if args.max_batches < 0 or args.min_occurrences < 1:
        parser.error("--max-batches must be >= 0 and --min-occurrences >= 1")
    return args


def main(argv=None):
    args = parse_args(argv)
    workdir = tempfile.mkdtemp(prefix="lm-vocab-memory-")
    try:
        if args.text:
            train, valid = args.text.resolve(), args.valid.resolve() if args.valid else None
        else:
            train, valid, tokens = write_corpus(workdir, args)
            log(f"corpus: {args.words:,} words, {tokens:,} training tokens "
                f"({train.stat().st_size / 2**20:.1f} MiB), every word at least {args.min_occurrences} times")
        rows = [measure(vocab_size, train, valid, workdir, args) for vocab_size in VOCAB_SIZES]
    finally:
        if args.keep:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    op_count, one_hot_ops, sparse_ops = one_hot_ops_in_train_step(VOCAB_SIZES[0])
    if args.json:
        print(json.dumps({"rows": rows, "one_hot_ops_in_train_step": one_hot_ops,
                          "sparse_cross_entropy_ops_in_train_step": sparse_ops}, indent=2))
    else:
        print_table(rows)
        ok = [row for row in rows if not row["returncode"]]
        if ok:
            first = ok[0]
            print(f"unit {first['unit']}, batch {first['batch']} x length {first['length']} ({first['length_kind']}), "
                  f"{first['train_tokens']:,} training tokens, "
                  f"{args.max_batches or 'all'} training batches")
        for row in ok:
            if row["vocabulary"] < row["vocab_limit"]:
                print(f"note: the data has fewer distinct tokens than the limit {row['vocab_limit']:,}: "
                      f"vocabulary of {row['vocabulary']:,}")
        if len(ok) == 2:
            print(f"peak RSS {ok[0]['vocab_limit']:,} / {ok[1]['vocab_limit']:,}: "
                  f"{ok[0]['peak_rss_mib'] / ok[1]['peak_rss_mib']:.2f}")
        print(f"loss: {type(__import__('seqkit.tasks', fromlist=['x']).language_model_loss()).__name__} "
              f"(integer targets); one-hot ops in a traced train step at {VOCAB_SIZES[0]:,}: "
              f"{', '.join(one_hot_ops) or 'none'} (of {op_count} op types; sparse cross-entropy ops: "
              f"{', '.join(sparse_ops) or 'none'})")
    return 0 if all(not row["returncode"] for row in rows) and not one_hot_ops else 1


if __name__ == "__main__":
    sys.exit(main())
