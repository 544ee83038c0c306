"""Video activity recognition quality and speed: `seqkit video fit` defaults against order-free baselines, one run.

Three parts, each optional:

- `--generated`: a generated shape-motion corpus made here with another seed than the embedded one
  (`--per-class` training clips and a third of that for validation, per class; 8 classes in 4 pairs that differ
  only in the direction of time). Trains, for each `--seeds`, the default preset (bi-GRU over a 4 × 4 grid
  conv encoder of each frame and its difference to the previous one), the same without the differences, and
  two baselines with the same encoder and no recurrence (`num_layers=0`, the mean of the frames' features):
  with the differences (which carry local motion, so direction is visible in one pair of frames) and without
  (a bag of frames: order-free, it cannot beat chance within a pair). Prints validation accuracy, macro-F1,
  and per pair of opposite motions how often the direction is right among the clips predicted inside the
  pair (0.5 = chance). The default runs for every `--seeds`, the others for `--baseline-seeds`.
- `--ps7 DIR` (real clips of three arm gestures by two people, `DIR/<class>/PS7A{a}P{p}T{t}.avi`): trains on one
  person's 9 clips and tests on the other person's 9, both ways, for each seed, with early stopping off (no
  test data in the training loop) and `--ps7-epochs` epochs (default 100: 9 clips make one step per epoch); the
  bag-of-frames baseline and chance (1/3) beside it.
- Speed (with `--generated`): clips/s and frames/s of `predict` on the validation files (decode + sample +
  recognise) and of the exported SavedModel on the same decoded frames (batch 16), as a ratio in this run; on
  `--ps7`, decode + recognise of the 640×480 clips. With `--backbone`, the fit time of the backbone preset
  (MobileNetV3-Small with random weights saved to a file, as no ImageNet weights can be downloaded here) with a
  cold and then a warm `--feature-cache`.

Measured (2026-12, 2 CPU cores shared with other jobs; `--seeds 0 1 --baseline-seeds 0`, 53 minutes): generated
valid accuracy: default 0.762 ± 0.071 (direction within pair 1.00 / 1.00 / 0.71 / 0.84), frames only 0.125, bag
of frames + differences 0.675, bag of frames 0.156 (within pairs 0.33-0.55); ps7 across people default 1.000
both ways, bag of frames 0.50 / 0.33; predict 42 clips/s (64²), 24 clips/s = 1,760 source frames/s (640×480);
SavedModel 0.84× / 1.20× in-process; backbone fit 147 s cold, 15 s with a warm feature cache.

Usage:
    python benchmarks/video_quality.py --generated --ps7 ../shared/data/video/ps7 --backbone \\
        --seeds 0 1 2 --out /tmp/video-bench
"""

import argparse
import csv
import json
import os
import pathlib
import re
import time

import numpy as np
from seeds import format_mean_std  # benchmarks/seeds.py: this folder is on sys.path when run as a script

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

GENERATED_SEED = 20261203
# name in the run folders, builder overrides of the default preset.
MODELS = {
    "default (bi-GRU, frames + differences)": ("default", {}),
    "bi-GRU, frames only": ("nodiff", {"frame_differences": False}),
    "bag of frames + differences (no RNN)": ("bagdiff", {"num_layers": 0}),
    "bag of frames (no RNN, no differences)": ("bag", {"num_layers": 0, "frame_differences": False}),
}
PS7_NAME = re.compile(r"PS7A(\d)P(\d)T(\d)\.avi$", re.IGNORECASE)


# Sampling options given on the command line (`--frame-size`, `--num-frames`), applied to every fit.
SAMPLING = {}


def fit(name, train, valid, out, seed, model_overrides=None, **options):
    from seqkit.apps import video

    options = {**SAMPLING, **options}
    started = time.perf_counter()
    result = video.fit(data=str(train), valid=str(valid), out=str(out / name), model_overrides=model_overrides,
                       training_overrides={"verbose": 0, "seed": seed, **options.pop("training", {})}, **options)
    return result, time.perf_counter() - started


def clip_predictions(run_dir, source):
    """`(gold labels, predicted labels)` of the labelled clips of `source` (folder or CSV)."""
    from seqkit.apps import video
    from seqkit.data.video.clips import iter_clips

    model = video.load(run_dir)
    clips = list(iter_clips(source))
    probabilities = model.probabilities([model.vectorizer.inputs(clip) for clip in clips])
    return [clip.label for clip in clips], [model.classes[i] for i in probabilities.argmax(1)]


def pair_scores(gold, predicted, pairs):
    """Per pair `(a, b)`: share of its clips predicted inside the pair, and of those, with the right direction."""
    scores = {}
    for first, second in pairs:
        rows = [(g, p) for g, p in zip(gold, predicted) if g in (first, second)]
        inside = [(g, p) for g, p in rows if p in (first, second)]
        scores[f"{first}/{second}"] = {
            "found": len(inside) / len(rows),
            "direction": sum(g == p for g, p in inside) / len(inside) if inside else float("nan"),
        }
    return scores


def mean_std(values):
    """`"0.856 ± 0.012"` over the seeds (sample std; 0 for one seed)."""
    return format_mean_std([float(value) for value in values], digits=3, per_seed=False)


def generated_part(args, report):
    from seqkit.apps.video.synthetic_clips import CLASSES, OPPOSITE, write_corpus

    folder = args.out / "shapes"
    if not (folder / "corpus.json").is_file():
        write_corpus(folder, seed=GENERATED_SEED, train_per_class=args.per_class,
                     valid_per_class=max(1, args.per_class // 3))
    pairs = [(c, OPPOSITE[c]) for c in CLASSES if CLASSES.index(c) < CLASSES.index(OPPOSITE[c])]
    print(f"generated corpus (seed {GENERATED_SEED}): {args.per_class} training / {max(1, args.per_class // 3)} "
          f"validation clips per class, {len(CLASSES)} classes")
    results = {}
    for label, (short, overrides) in MODELS.items():
        runs = []
        for seed in args.seeds if short == "default" else args.baseline_seeds:
            name = f"shapes-{short}-{seed}"
            result, seconds = fit(name, folder / "train", folder / "valid", args.out, seed, overrides or None)
            gold, predicted = clip_predictions(args.out / name, folder / "valid")
            runs.append({"accuracy": result.metrics["accuracy"], "macro_f1": result.metrics["macro_f1"],
                         "pairs": pair_scores(gold, predicted, pairs), "train_seconds": seconds})
            print(f"  {label}, seed {seed}: accuracy {runs[-1]['accuracy']:.3f}, {seconds:.0f} s")
        results[label] = runs
    print("\n== generated shape motions, validation (mean ± std over seeds " + ", ".join(map(str, args.seeds)) + ")")
    print(f"{'model':40s} {'accuracy':>15s} {'macro-F1':>15s} {'fit s':>7s}  direction right within pair")
    for label, runs in results.items():
        directions = "  ".join(f"{pair.split('/')[0]}: {mean_std([r['pairs'][pair]['direction'] for r in runs])}"
                               for pair in runs[0]["pairs"])
        print(f"{label:40s} {mean_std([r['accuracy'] for r in runs]):>15s} "
              f"{mean_std([r['macro_f1'] for r in runs]):>15s} {np.mean([r['train_seconds'] for r in runs]):7.0f}  "
              f"{directions}")
    report["generated"] = results
    speed_part(args.out / f"shapes-default-{args.seeds[0]}", folder / "valid", args.out, report, "generated")


def speed_part(run_dir, source, out, report, key):
    """Clips/s and frames/s of predict (decode + recognise) and of the SavedModel on decoded frames."""
    import tensorflow as tf

    from seqkit.apps import video
    from seqkit.data.video.clips import iter_clips
    from seqkit.data.video.frames import video_info

    model = video.load(run_dir)
    paths = [clip.path for clip in iter_clips(source)]
    source_frames = sum(video_info(path).frame_count for path in paths)
    model.predict(paths[:2], timeline=False)  # trace
    started = time.perf_counter()
    model.predict(paths, timeline=False)
    predict_seconds = time.perf_counter() - started
    inputs = [model.vectorizer.inputs(clip) for clip in iter_clips(source)]
    model.probabilities(inputs)  # traces every batch shape first
    started = time.perf_counter()
    model.probabilities(inputs)
    model_seconds = time.perf_counter() - started
    export = model.export(str(out / f"saved_models-{key}"))
    served = tf.saved_model.load(str(export)).signatures["serving_default"]
    batches = []
    for begin in range(0, len(inputs), 16):
        chunk = inputs[begin : begin + 16]
        batches.append((tf.constant(np.stack([c["frames"] for c in chunk])),
                        tf.constant([int(c["lengths"]) for c in chunk], tf.int32)))
    served(frames=batches[0][0], lengths=batches[0][1])
    started = time.perf_counter()
    for frames, lengths in batches:
        served(frames=frames, lengths=lengths)
    served_seconds = time.perf_counter() - started
    sampled = sum(int(c["lengths"]) for c in inputs)
    figures = {"clips": len(paths), "source_frames": source_frames, "sampled_frames": sampled,
               "predict_clips_per_s": len(paths) / predict_seconds,
               "predict_source_frames_per_s": source_frames / predict_seconds,
               "model_sampled_frames_per_s": sampled / model_seconds,
               "savedmodel_sampled_frames_per_s": sampled / served_seconds,
               "savedmodel_over_in_process": model_seconds / served_seconds}
    print(f"\n== speed ({key}, {len(paths)} clips): predict {figures['predict_clips_per_s']:.1f} clips/s = "
          f"{figures['predict_source_frames_per_s']:.0f} source frames/s (decode + sample + recognise); model alone "
          f"{figures['model_sampled_frames_per_s']:.0f} sampled frames/s in-process, "
          f"{figures['savedmodel_sampled_frames_per_s']:.0f} through the SavedModel "
          f"({figures['savedmodel_over_in_process']:.2f}× in-process)")
    report.setdefault("speed", {})[key] = figures


def ps7_part(args, report):
    people = {}
    for path in sorted(args.ps7.glob("*/*.avi")):
        match = PS7_NAME.search(path.name)
        if match:
            people.setdefault(match.group(2), []).append((str(path.resolve()), path.parent.name))
    if sorted(people) != ["1", "2"]:
        raise SystemExit(f"--ps7 must hold the clips of people 1 and 2 (PS7A*P1T*.avi, PS7A*P2T*.avi): {args.ps7}")
    manifests = {}
    for person, rows in people.items():
        manifests[person] = args.out / "ps7" / f"person{person}.csv"
        manifests[person].parent.mkdir(parents=True, exist_ok=True)
        with open(manifests[person], "w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows([("path", "label"), *rows])
    results = {}
    for label in (list(MODELS)[0], list(MODELS)[3]):
        short, overrides = MODELS[label]
        for train, test in (("1", "2"), ("2", "1")):
            for seed in args.seeds:
                name = f"ps7-{short}-P{train}-{seed}"
                # Validation on the training person only: early stopping and checkpoint choice never see the test.
                _, seconds = fit(name, manifests[train], manifests[train], args.out, seed, overrides or None,
                                 training={"early_stopping_patience": None, "epochs": args.ps7_epochs})
                gold, predicted = clip_predictions(args.out / name, manifests[test])
                accuracy = float(np.mean([g == p for g, p in zip(gold, predicted)]))
                results.setdefault(label, {}).setdefault(f"P{train}->P{test}", []).append(
                    {"accuracy": accuracy, "train_seconds": seconds})
                print(f"  ps7 {label}, train P{train} test P{test}, seed {seed}: accuracy {accuracy:.3f} "
                      f"({seconds:.0f} s)")
    print("\n== ps7 across people (3 gestures, 9 clips per person; chance 0.333)")
    for label, directions in results.items():
        cells = "  ".join(f"{d}: {mean_std([r['accuracy'] for r in runs])} "
                          f"({np.mean([r['train_seconds'] for r in runs]):.0f} s)" for d, runs in directions.items())
        print(f"{label:40s} {cells}")
    report["ps7"] = results
    speed_part(args.out / f"ps7-default-P1-{args.seeds[0]}", manifests["2"], args.out, report, "ps7")


def backbone_part(args, report):
    """Fit time of the backbone preset with a cold, then a warm, feature cache (random weights from a file)."""
    import keras

    folder = args.out / "shapes"
    weights = args.out / "mobilenet_v3_small_random.weights.h5"
    if not weights.is_file():
        keras.utils.set_random_seed(0)
        keras.applications.MobileNetV3Small(include_top=False, pooling="avg", input_shape=(160, 160, 3),
                                            weights=None).save_weights(weights)
    cache = args.out / "feature_cache"
    times = []
    for attempt in ("cold", "warm"):
        _, seconds = fit(f"backbone-{attempt}", folder / "train", folder / "valid", args.out, 0, preset="backbone",
                         backbone="mobilenet_v3_small", weights=str(weights), feature_cache=str(cache),
                         training={"epochs": 5, "early_stopping_patience": None})
        times.append(seconds)
    print(f"\n== backbone preset (MobileNetV3-Small 160², random weights, 5 epochs): fit {times[0]:.0f} s with a cold "
          f"feature cache, {times[1]:.0f} s warm ({times[0] / times[1]:.1f}× faster)")
    report["backbone_cache"] = {"cold_seconds": times[0], "warm_seconds": times[1]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--generated", action="store_true")
    parser.add_argument("--per-class", type=int, default=60)
    parser.add_argument("--ps7", type=pathlib.Path)
    # 9 clips are one batch: an epoch is one step, so the preset's 25 epochs are too few steps.
    parser.add_argument("--ps7-epochs", type=int, default=100)
    parser.add_argument("--backbone", action="store_true")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--baseline-seeds", type=int, nargs="+", default=[0],
                        help="seeds of the other models on the generated corpus (each fit takes minutes)")
    parser.add_argument("--frame-size", type=int, help="every fit samples frames of this side (default: preset's)")
    parser.add_argument("--num-frames", type=int, help="every fit samples this many frames (default: preset's)")
    parser.add_argument("--out", type=pathlib.Path, required=True)
    args = parser.parse_args()
    SAMPLING.update({name: value for name, value in (("frame_size", args.frame_size),
                                                     ("num_frames", args.num_frames)) if value})
    args.out.mkdir(parents=True, exist_ok=True)
    report = {}
    if args.generated:
        generated_part(args, report)
    if args.ps7:
        ps7_part(args, report)
    if args.backbone:
        if not (args.out / "shapes" / "corpus.json").is_file():
            raise SystemExit("--backbone times fits on the generated corpus: run with --generated first")
        backbone_part(args, report)
    (args.out / "report.json").write_text(json.dumps(report, indent=2, default=float))
    print(f"\nreport: {args.out / 'report.json'}")


if __name__ == "__main__":
    main()
