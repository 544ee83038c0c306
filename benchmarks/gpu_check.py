"""GPU readiness check of seqkit's recurrent path, in one short run (< 8 minutes).

On a machine where TensorFlow sees a GPU it checks, in order:

1. cuDNN: for the recurrent settings of every app's `default` preset
   (`cell`, `units`, `num_layers`, `bidirectional`, `recurrent_dropout`),
   `RecurrentStack` resolves to Keras's layers and its training graph traced
   on the GPU contains a `CudnnRNN*` op.
2. Mixed precision: a tagging model (Embedding 5000x64 -> LSTM 128 -> Dense 9)
   built under `mixed_float16` (seqkit's `dtype_policy_scope`) trains 20
   steps with a finite loss, still on the cuDNN path.
3. `MirroredStrategy` over the visible GPUs (`seqkit.training.strategy
   .get_strategy("mirrored")`): the same model trains 10 steps, finite loss.
4. Throughput: training tokens/s of that model (LSTM 512 units, T 100) at
   batch 256 and 1024, float32 and mixed_float16, and the matmul GFLOP/s as a
   fraction of the GPU's FP32 and FP16 matmul peaks (8192^2 matmuls measured
   here; FLOPs per training token `3 * (2 (E + U) 4 U + 2 U C)`).
5. Export: a serving module traced on the GPU inside
   `seqkit.export.saved_model.portable_recurrent_kernels` is saved, holds no
   `CudnnRNN*` op, and loads and runs in a fresh CPU-only process
   (`CUDA_VISIBLE_DEVICES=-1`) with another batch size and length, matching
   the GPU outputs.

    python benchmarks/gpu_check.py            # prints one line per check; exit 1 if any fails
    python benchmarks/gpu_check.py --json     # and a JSON summary on the last line

With no GPU visible it prints "gpu_check: no GPU visible to TensorFlow; ..."
and exits 0 without checking anything; `--without-gpu` runs the checks on
CPU anyway (to test the script itself: the cuDNN checks then fail).
"""

import argparse
import importlib
import importlib.util
import json
import math
import os
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

APPS = ("ner", "translate", "lm", "speech", "dna", "music", "sentiment", "video")
VOCABULARY, EMBEDDING, CLASSES = 5000, 64, 9
STACK_KEYS = ("cell", "units", "num_layers", "bidirectional", "recurrent_dropout")


def cudnn_ops(graph_def):
    """Names of the CudnnRNN ops in a GraphDef, its function library included."""
    nodes = list(graph_def.node)
    for function in graph_def.library.function:
        nodes.extend(function.node_def)
    return sorted({node.op for node in nodes if node.op.startswith("Cudnn")})


def traced_cudnn_ops(layer, input_shape, training=True):
    import tensorflow as tf

    @tf.function
    def forward(x):
        return layer(x, training=training)

    spec = tf.TensorSpec(input_shape, layer.compute_dtype)
    return cudnn_ops(forward.get_concrete_function(spec).graph.as_graph_def())


def tagger(units, cell="lstm"):
    import keras

    from seqkit.layers import RecurrentStack

    model = keras.Sequential(
        [
            keras.Input((None,), dtype="int32"),
            keras.layers.Embedding(VOCABULARY, EMBEDDING),
            RecurrentStack(cell, units),
            keras.layers.Dense(CLASSES),
            keras.layers.Activation("linear", dtype="float32"),  # float32 logits under mixed precision
        ]
    )
    model.compile(
        optimizer="adam",
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    return model


def batch(size, length, seed=0):
    import numpy as np

    rng = np.random.default_rng(seed)
    tokens = rng.integers(1, VOCABULARY, size=(size, length), dtype="int32")
    labels = rng.integers(0, CLASSES, size=(size, length), dtype="int32")
    return tokens, labels


def train_losses(model, steps, size=64, length=50):
    tokens, labels = batch(size, length)
    return [float(model.train_on_batch(tokens, labels)) for _ in range(steps)]


def default_model_preset(app):
    """The `model` part of `apps/<app>/presets.py`'s `default` preset.

    The file is loaded on its own (it imports only `seqkit.presets`), not through the app package, whose
    imports are heavier and unrelated to the recurrent settings.
    """
    path = os.path.join(ROOT, "apps", app, "presets.py")
    spec = importlib.util.spec_from_file_location(f"gpu_check_presets_{app}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.PRESETS["default"].get("model", {})


# === Checks: each returns (ok, message, figures) ===


def check_cudnn_defaults():
    from seqkit.layers import RecurrentStack

    failures, lines = [], []
    for app in APPS:
        model = default_model_preset(app)
        kwargs = {key: model[key] for key in STACK_KEYS if model.get(key) is not None}
        stack = RecurrentStack(**kwargs)
        ops_found = traced_cudnn_ops(stack, (8, 20, 32))
        ok = stack.resolved_implementation == "keras" and bool(ops_found)
        lines.append(f"{app}: {kwargs} -> {stack.resolved_implementation}, {ops_found or 'no cuDNN op'}")
        if not ok:
            failures.append(app)
    # The generic-loop settings must say so (RecurrentStack resolves to "seqkit").
    for cell in ("gru-simplified", "lstm-peephole"):
        stack = RecurrentStack(cell, 16)
        lines.append(f"{cell}: -> {stack.resolved_implementation} (generic loop expected)")
    message = "; ".join(lines)
    return not failures, message, {"not_cudnn": failures}


def check_mixed_precision():
    from seqkit.training.precision import dtype_policy_scope

    with dtype_policy_scope("mixed_float16"):
        model = tagger(128)
    stack = model.layers[1]
    ops_found = traced_cudnn_ops(stack.recurrent_layers[0], (8, 20, EMBEDDING))
    losses = train_losses(model, 20)
    ok = all(math.isfinite(loss) for loss in losses) and bool(ops_found)
    return ok, f"mixed_float16: losses {losses[0]:.3f} -> {losses[-1]:.3f}, {ops_found or 'no cuDNN op'}", {
        "losses": losses
    }


def check_mirrored():
    from seqkit.training.strategy import get_strategy

    strategy = get_strategy("mirrored")
    with strategy.scope():
        model = tagger(128)
    losses = train_losses(model, 10, size=64 * strategy.num_replicas_in_sync)
    ok = all(math.isfinite(loss) for loss in losses)
    return ok, (
        f"MirroredStrategy over {strategy.num_replicas_in_sync} replica(s): losses {losses[0]:.3f} -> {losses[-1]:.3f}"
    ), {"replicas": strategy.num_replicas_in_sync, "losses": losses}


def matmul_peak(dtype, size=8192, repeats=10):
    import tensorflow as tf

    a = tf.random.normal((size, size), dtype=dtype)
    b = tf.random.normal((size, size), dtype=dtype)
    (a @ b).numpy()
    start = time.perf_counter()
    for _ in range(repeats):
        c = a @ b
    c.numpy()
    return 2 * size**3 * repeats / (time.perf_counter() - start) / 1e9


def check_throughput(units=512, length=100, steps=10):
    from seqkit.training.precision import dtype_policy_scope

    peaks = {"float32": matmul_peak("float32"), "mixed_float16": matmul_peak("float16")}
    per_token = 3 * (2 * (EMBEDDING + units) * 4 * units + 2 * units * CLASSES)
    figures, lines = {"peak_gflops": peaks}, []
    for policy in ("float32", "mixed_float16"):
        with dtype_policy_scope(policy):
            model = tagger(units)
        for size in (256, 1024):
            tokens, labels = batch(size, length)
            for _ in range(2):
                model.train_on_batch(tokens, labels)
            start = time.perf_counter()
            for _ in range(steps):
                model.train_on_batch(tokens, labels)
            rate = steps * tokens.size / (time.perf_counter() - start)
            gflops = rate * per_token / 1e9
            figures[f"{policy} batch {size}"] = {"tokens_per_s": rate, "gflops": gflops}
            lines.append(
                f"{policy} B={size}: {rate:.0f} tokens/s, {gflops:.0f} GFLOP/s = "
                f"{gflops / peaks['float32']:.1%} of FP32 peak, {gflops / peaks['mixed_float16']:.1%} of FP16 peak"
            )
    lines.insert(0, f"matmul peak FP32 {peaks['float32']:.0f} GFLOP/s, FP16 {peaks['mixed_float16']:.0f} GFLOP/s")
    return True, "; ".join(lines), figures


CPU_LOADER = """
import json, sys
import numpy as np
import tensorflow as tf
assert not tf.config.list_physical_devices("GPU"), "GPU visible in the CPU process"
loaded = tf.saved_model.load(sys.argv[1])
tokens = np.load(sys.argv[2])
out = loaded.signatures["serving_default"](tokens=tf.constant(tokens))["logits"].numpy()
np.save(sys.argv[3], out)
"""


def check_export():
    import numpy as np
    import tensorflow as tf

    from seqkit.export.saved_model import portable_recurrent_kernels

    model = tagger(64)

    class Serving(tf.Module):
        def __init__(self):
            super().__init__()
            self.model = model

        @tf.function(input_signature=[tf.TensorSpec([None, None], tf.int32, name="tokens")])
        def serve(self, tokens):
            return {"logits": self.model(tokens, training=False)}

    module = Serving()
    with tempfile.TemporaryDirectory() as folder, portable_recurrent_kernels(model):
        concrete = module.serve.get_concrete_function()
        found = cudnn_ops(concrete.graph.as_graph_def())
        path = os.path.join(folder, "export")
        tf.saved_model.save(module, path, signatures={"serving_default": concrete})
        tokens, _ = batch(3, 17, seed=1)
        expected = module.serve(tf.constant(tokens))["logits"].numpy()
        tokens_file, out_file = os.path.join(folder, "tokens.npy"), os.path.join(folder, "out.npy")
        np.save(tokens_file, tokens)
        env = {**os.environ, "CUDA_VISIBLE_DEVICES": "-1"}
        result = subprocess.run(
            [sys.executable, "-c", CPU_LOADER, path, tokens_file, out_file],
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        if result.returncode != 0:
            tail = result.stderr.strip().splitlines()[-1:] or ["(no output)"]
            return False, f"CPU process failed to load/run the GPU-traced export: {tail[0]}", {"cudnn_ops": found}
        got = np.load(out_file)
    error = float(np.max(np.abs(got - expected)))
    ok = not found and error < 1e-3
    return ok, (
        f"traced on GPU, cuDNN ops in export: {found or 'none'}; loaded on CPU, batch 3 x 17, "
        f"max |CPU - GPU| = {error:.2e}"
    ), {"cudnn_ops": found, "max_abs_error": error}


CHECKS = (
    ("cudnn_defaults", check_cudnn_defaults),
    ("mixed_precision", check_mixed_precision),
    ("mirrored_strategy", check_mirrored),
    ("throughput", check_throughput),
    ("export_gpu_to_cpu", check_export),
)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print a JSON summary as the last line")
    parser.add_argument(
        "--without-gpu",
        action="store_true",
        help="run the checks on CPU anyway, to test this script (cuDNN checks then fail; throughput is skipped)",
    )
    args = parser.parse_args(argv)

    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    checks = CHECKS
    if not gpus and args.without_gpu:
        print("gpu_check: no GPU visible; --without-gpu: running the checks on CPU (cuDNN checks will fail)")
        checks = [(name, check) for name, check in CHECKS if name != "throughput"]
    elif not gpus:
        print("gpu_check: no GPU visible to TensorFlow; nothing checked (run this on a machine with a GPU).")
        if args.json:
            print(json.dumps({"gpus": 0, "checks": {}}))
        return 0
    for gpu in gpus:
        tf.config.experimental.set_memory_growth(gpu, True)
    names = [tf.config.experimental.get_device_details(gpu).get("device_name", gpu.name) for gpu in gpus]
    if gpus:
        print(f"gpu_check: {len(gpus)} GPU(s): {', '.join(names)}; tensorflow {tf.__version__}", flush=True)

    summary, failed = {"gpus": len(gpus), "names": names, "checks": {}}, []
    started = time.perf_counter()
    for name, check in checks:
        begin = time.perf_counter()
        try:
            ok, message, figures = check()
        except Exception as error:  # a failed check must not hide the others
            ok, message, figures = False, f"{type(error).__name__}: {error}".splitlines()[0], {}
        seconds = time.perf_counter() - begin
        print(f"[{'PASS' if ok else 'FAIL'}] {name} ({seconds:.0f}s): {message}", flush=True)
        summary["checks"][name] = {"ok": ok, "seconds": seconds, **figures}
        if not ok:
            failed.append(name)
    print(f"gpu_check: {len(checks) - len(failed)}/{len(checks)} passed in {time.perf_counter() - started:.0f}s")
    if args.json:
        print(json.dumps(summary))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
