"""Inference speed of each app: items/s through the Python API and through its exported SavedModel.

For each app (or `--apps`), the script trains a small model on the app's embedded data (`--preset tiny
--epochs 1 --seed 0`; the translation corpus is cut to its first `--translate-pairs` pairs so the fit takes
seconds), exports it with `<app>.load(run).export(...)`, and times the same inputs (raw strings, 16 kHz
waveforms or decoded frames, taken from the app's embedded validation data) at batch 1, 64 and 256:

- `api`: the trained run's in-process prediction (`predict`; for speech `transcribe_waveforms` of the
  waveforms, for video `probabilities` of the sampled frames), Python lists in, Python results out;
- `export`: `tf.saved_model.load(...).signatures["serving_default"]` called in this process, the batch
  converted to tensors inside the timed call and the outputs read back with `.numpy()`.

Each figure is the median over `--rounds` rounds of at least `--seconds` seconds (after a warm-up call per
shape; the API and the export take turns round by round), and the table prints `export/api`; the target of
issue 17 is at least 0.90. Then the trace counts: how many times the app's prediction `tf.function` traced
across every batch size and a spread of input lengths (`experimental_get_tracing_count()`; the export uses a
run loaded apart, so its tracing is not counted), and the concrete functions of the loaded serving functions
(one each: the signatures have unknown batch and length dimensions).

The music app is left out: its `predict` scores files while its export samples new pieces, so no input is
common to both.

Usage:
    python benchmarks/inference_speed.py                          # every app, about 8 minutes on 2 cores
    python benchmarks/inference_speed.py --quick                  # lm and sentiment, batch 1 and 64: a minute
    python benchmarks/inference_speed.py --apps ner,dna --rounds 7
    python benchmarks/inference_speed.py --data ner=conll/train.txt --keep runs/inference  # real data, kept runs
    python benchmarks/inference_speed.py --models runs/inference  # runs (`<dir>/<app>/`) trained before
"""

import argparse
import csv
import os
import pathlib
import statistics
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

APPS = ("sentiment", "ner", "lm", "dna", "speech", "translate", "video")
BATCH_SIZES = (1, 64, 256)
TARGET = 0.90


# === Inputs: the embedded validation data of each app ===


def sentiment_inputs():
    from seqkit.apps.sentiment.application import EMBEDDED_DIR

    with open(EMBEDDED_DIR / "valid.csv", newline="", encoding="utf-8") as handle:
        return [row["text"] for row in csv.DictReader(handle)]


def ner_inputs():
    from seqkit.apps.ner.application import EMBEDDED_DIR

    sentences, words = [], []
    for line in (EMBEDDED_DIR / "valid.txt").read_text(encoding="utf-8").splitlines() + [""]:
        if line.strip():
            words.append(line.split()[0])
        elif words:
            sentences.append(" ".join(words))
            words = []
    return sentences


def lm_inputs():
    from seqkit.apps.lm.application import EMBEDDED_DIR

    return [line for line in (EMBEDDED_DIR / "valid.txt").read_text(encoding="utf-8").splitlines() if line.strip()]


def dna_inputs():
    """Pieces of 50 to 500 bases of the embedded validation loci (a spread of lengths)."""
    import numpy as np

    from seqkit.apps.dna.application import EMBEDDED_DIR

    lines = (EMBEDDED_DIR / "valid.fa").read_text().splitlines()
    genome = "".join(line.strip() for line in lines if not line.startswith(">"))
    rng = np.random.default_rng(0)
    pieces = []
    for _ in range(256):
        length = int(rng.integers(50, 501))
        start = int(rng.integers(0, len(genome) - length))
        pieces.append(genome[start : start + length])
    return pieces


def translate_inputs():
    from seqkit.apps.translate.application import EMBEDDED_DIR

    lines = (EMBEDDED_DIR / "valid.tsv").read_text(encoding="utf-8").splitlines()[1:]
    return [line.split("\t")[0] for line in lines if line.strip()]


def speech_inputs(model):
    """16 kHz float32 waveforms of the embedded synthesised clips (validation split)."""
    from seqkit.apps.speech.application import EMBEDDED_FOLDER
    from seqkit.apps.speech.synthetic_words import ensure_corpus
    from seqkit.data.audio.manifests import iter_utterances
    from seqkit.data.downloads import default_cache_dir

    folder = ensure_corpus(default_cache_dir() / EMBEDDED_FOLDER)
    return [model.vectorizer.waveform(u.path) for u in iter_utterances(folder / "valid" / "manifest.csv")][:256]


def video_inputs(model):
    """Clips of sampled frames `(T, S, S, 3)` uint8 (T from half the run's frames to all of them), as the run's
    sampling gives them: the export samples nothing more from a clip of at most its frames."""
    import numpy as np

    sampling = model.vectorizer.sampling
    frames, size = int(sampling.num_frames), int(sampling.frame_size)
    rng = np.random.default_rng(0)
    return [rng.integers(0, 256, (int(rng.integers(max(1, frames // 2), frames + 1)), size, size, 3), np.uint8)
            for _ in range(64)]


# === What each app calls ===


def strings(name):
    def feed(items):
        import numpy as np
        import tensorflow as tf

        return {name: tf.constant(np.array([item.encode() for item in items], dtype=object))}

    return feed


def padded(value_name, dtype):
    def feed(items):
        import numpy as np

        lengths = np.asarray([len(item) for item in items], np.int32)
        batch = np.zeros((len(items), int(lengths.max()), *items[0].shape[1:]), dtype)
        for row, item in enumerate(items):
            batch[row, : len(item)] = item
        return {value_name: batch, "lengths": lengths}

    return feed


def video_api(model):
    def predict(clips):
        return model.probabilities([model.vectorizer.inputs_of_pixels(clip) for clip in clips])

    return predict


def translate_traced(model):
    d = model.decoding
    return model._generator(d["beam_size"], d["length_penalty"], 1, None, None, None).decode_function


SPECS = {
    # app: (inputs(model), api(model) -> callable(items), traced tf.function(model), serving feed(items))
    "sentiment": (lambda m: sentiment_inputs(), lambda m: m.predict, lambda m: m._probabilities, strings("texts")),
    "ner": (lambda m: ner_inputs(), lambda m: m.predict, lambda m: m._tag_ids, strings("sentences")),
    "lm": (lambda m: lm_inputs(), lambda m: m.predict, lambda m: m._score_ids, strings("sentences")),
    "dna": (lambda m: dna_inputs(), lambda m: m.predict, lambda m: m._scores, strings("sequences")),
    "speech": (speech_inputs, lambda m: m.transcribe_waveforms, lambda m: m._log_probabilities,
               padded("waveforms", "float32")),
    "translate": (lambda m: translate_inputs(), lambda m: m.predict, translate_traced, strings("sentences")),
    "video": (video_inputs, video_api, lambda m: m._probabilities, padded("frames", "uint8")),
}


# === Training and export ===


def train(app, out, data=None, translate_pairs=2000):
    import importlib

    module = importlib.import_module(f"seqkit.apps.{app}")
    if app == "translate" and data is None:
        from seqkit.apps.translate.application import EMBEDDED_DIR

        lines = (EMBEDDED_DIR / "train.tsv").read_text(encoding="utf-8").splitlines()
        data = out.parent / "translate_train.tsv"
        data.write_text("\n".join(lines[: translate_pairs + 1]) + "\n", encoding="utf-8")
    module.fit(data=None if data is None else str(data), out=str(out), preset="tiny", overwrite=True,
               training_overrides={"epochs": 1, "seed": 0, "verbose": 0})


# === Timing ===


def batch_of(items, size, offset=0):
    return [items[(offset + i) % len(items)] for i in range(size)]


def items_per_second(calls, items, batch_size, rounds, seconds):
    """Median items/s of each of `calls` (name -> `call(batch)`) over `rounds` rounds of at least `seconds`
    each, the calls taking turns round by round (so a change of load on the machine reaches all of them). The
    batches are taken from the pool in turn (up to 8 different ones, so the lengths vary); each is called once
    before timing."""
    batches = [batch_of(items, batch_size, offset) for offset in range(0, len(items), max(1, batch_size))][:8]
    for call in calls.values():
        for batch in batches:
            call(batch)
    rates = {name: [] for name in calls}
    for _ in range(rounds):
        for name, call in calls.items():
            done, started = 0, time.perf_counter()
            while True:
                for batch in batches:
                    call(batch)
                    done += len(batch)
                elapsed = time.perf_counter() - started
                if elapsed >= seconds:
                    break
            rates[name].append(done / elapsed)
    return {name: statistics.median(values) for name, values in rates.items()}


def measure(app, run, export_root, batch_sizes, rounds, seconds):
    import importlib

    import tensorflow as tf

    from seqkit.progress import quiet

    inputs_of, api_of, traced_of, feed = SPECS[app]
    module = importlib.import_module(f"seqkit.apps.{app}")
    started = time.perf_counter()
    with quiet():
        # A run loaded for the export alone: tracing the serving module must not count as a trace of `model`'s
        # prediction function (the translator's export reuses its beam-search function).
        path = module.load(str(run)).export(str(export_root))
    loaded = tf.saved_model.load(str(path))
    print(f"{app}: exported and loaded in {time.perf_counter() - started:.0f} s", flush=True)
    signature = loaded.signatures["serving_default"]
    model = module.load(str(run))
    items = inputs_of(model)
    api = api_of(model)

    def serve(batch):
        return {key: value.numpy() for key, value in signature(**feed(batch)).items()}

    rows = []
    with quiet():
        for batch_size in batch_sizes:
            rates = items_per_second({"api": api, "export": serve}, items, batch_size, rounds, seconds)
            rows.append((batch_size, rates["api"], rates["export"]))
    traces = traced_of(model).experimental_get_tracing_count()
    lengths = sorted({len(item) for item in items})
    served = [loaded.signatures[name] for name in loaded.signatures]
    concrete = {name: len(getattr(getattr(loaded, attribute), "concrete_functions", [None]))
                for name, attribute in serving_attributes(loaded).items()}
    return {"rows": rows, "traces": traces, "lengths": (lengths[0], lengths[-1], len(lengths)),
            "signatures": len(served), "concrete": concrete}


def serving_attributes(loaded):
    """The restored `tf.function`s of a loaded serving module (`serve`, `score`, `sample`, `translate`)."""
    return {name: name for name in ("serve", "score", "sample", "translate") if hasattr(loaded, name)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apps", default=None, help=f"comma-separated subset of {','.join(APPS)} (default: all)")
    parser.add_argument("--batch-sizes", default=None, help="comma-separated (default 1,64,256)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=1.0, help="the least duration of one round")
    parser.add_argument("--quick", action="store_true", help="lm and sentiment, batch 1 and 64, 3 short rounds")
    parser.add_argument("--data", action="append", default=[], metavar="APP=PATH",
                        help="train APP on PATH instead of its embedded data (repeatable)")
    parser.add_argument("--translate-pairs", type=int, default=2000,
                        help="pairs of the embedded translation corpus to train on")
    parser.add_argument("--models", default=None, help="a folder of runs trained before (`<dir>/<app>/`)")
    parser.add_argument("--keep", default=None, help="train the runs into this folder (kept), not a temporary one")
    args = parser.parse_args()

    if args.quick:
        apps = args.apps or "lm,sentiment"
        batch_sizes = args.batch_sizes or "1,64"
        rounds, seconds = min(args.rounds, 3), min(args.seconds, 0.3)
    else:
        apps, batch_sizes, rounds, seconds = args.apps or ",".join(APPS), args.batch_sizes, args.rounds, args.seconds
    apps = [app.strip() for app in apps.split(",") if app.strip()]
    unknown = [app for app in apps if app not in SPECS]
    if unknown:
        parser.error(f"unknown app(s) {', '.join(unknown)}; choose from {', '.join(APPS)}")
    batch_sizes = [int(b) for b in batch_sizes.split(",")] if batch_sizes else list(BATCH_SIZES)
    data = dict(item.split("=", 1) for item in args.data)

    results = {}
    with tempfile.TemporaryDirectory() as temporary:
        work = pathlib.Path(args.keep or temporary)
        for app in apps:
            run = pathlib.Path(args.models) / app if args.models else work / "runs" / app
            started = time.perf_counter()
            if not args.models:
                run.parent.mkdir(parents=True, exist_ok=True)
                train(app, run, data.get(app), args.translate_pairs)
                print(f"{app}: trained (--preset tiny --epochs 1) in {time.perf_counter() - started:.0f} s", flush=True)
            results[app] = measure(app, run, work / "exports", batch_sizes, rounds, seconds)
            print(f"{app}: measured in {time.perf_counter() - started:.0f} s", flush=True)

    print()
    print(f"items/s, median of {rounds} rounds of >= {seconds:g} s; export = SavedModel serving_default in-process")
    print(f"{'app':<10} {'batch':>5} {'api':>10} {'export':>10} {'export/api':>10}")
    for app, result in results.items():
        for batch_size, api_rate, export_rate in result["rows"]:
            ratio = export_rate / api_rate
            flag = "" if ratio >= TARGET else f"  < {TARGET:.2f}"
            print(f"{app:<10} {batch_size:>5} {api_rate:>10.1f} {export_rate:>10.1f} {ratio:>10.2f}{flag}")
    print()
    print("traces of the in-process prediction tf.function across the batch sizes and input lengths")
    print("(lengths: of the items timed, in characters, samples or frames; their lowest-highest (distinct))")
    print(f"{'app':<10} {'traces':>6} {'lengths':>16} {'signatures':>10}  concrete functions of the loaded module")
    for app, result in results.items():
        low, high, count = result["lengths"]
        concrete = ", ".join(f"{name} {n}" for name, n in result["concrete"].items())
        print(f"{app:<10} {result['traces']:>6} {f'{low}-{high} ({count})':>16} {result['signatures']:>10}  {concrete}")


if __name__ == "__main__":
    main()
