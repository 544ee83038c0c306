"""Music app quality: validation perplexity vs Kneser–Ney n-gram baselines (1- to 5-gram), musical statistics, time.

Trains `seqkit music` on the Bach chorales of music21's corpus (fixed held-out split by file-name hash) and,
when given, on a MIDI folder with `train/` and `valid/` sub-folders (e.g. the Nottingham folk tunes), each
read through the MIDI-folder reader, once per `--seeds` (default 0 1 2; each seed's run in
`--out/{corpus}/seed-{seed}`). The model's perplexity is printed beside the strongest baseline (modified
Kneser–Ney n-grams of orders 1 to 5, fitted on the same training sequences; deterministic, so printed once, from
the first seed's run). Then times generation of 100 and 1,000 tokens with the compiled stateful loop of the first
seed's model (the cost per token should not grow with the length).

Printed: one JSON line per corpus and seed, one JSON summary line per corpus (`"seeds"` with each figure's
mean, sample std and per-seed values), the generation timing, and a table with one row per corpus where the
model's figures read `mean ± std (seed values)` beside the baselines' single figures.

Usage:

    python benchmarks/music_quality.py --nottingham ../shared/data/music/nottingham --epochs 20 --seeds 0 1 2 \\
        --out /tmp/music_bench
"""

import argparse
import json
import pathlib
import time

from seeds import format_mean_std, seed_summary  # benchmarks/seeds.py (this folder is on sys.path)

# Figures of the trained model, which vary with the seed (the baselines and the training statistics do not).
SEEDED = (
    "model_perplexity",
    "pitch_class_distance",
    "duration_distance",
    "in_key_generated",
    "repetition_generated",
    "epochs_run",
    "fit_seconds",
)


def train(name, out, data, valid, epochs, encoding, preset, seed):
    from seqkit.apps import music

    started = time.perf_counter()
    run = music.fit(
        data=data,
        valid=valid,
        out=str(pathlib.Path(out) / name / f"seed-{seed}"),
        preset=preset,
        encoding=encoding,
        training_overrides={"epochs": epochs, "seed": seed, "verbose": 0},
    )
    seconds = time.perf_counter() - started
    metrics = run.metrics
    comparison = metrics["statistics"]["comparison"]
    history = (pathlib.Path(run.run_dir) / "history.csv").read_text().strip().splitlines()
    return {
        "corpus": name,
        "seed": seed,
        "train_pieces": run.data["train_pieces"],
        "valid_pieces": run.data["valid_pieces"],
        "skipped": run.data["skipped"],
        "epochs_run": len(history) - 1,
        "fit_seconds": round(seconds, 1),
        "valid_tokens": metrics["num_tokens"],
        "model_perplexity": round(metrics["perplexity"], 3),
        **{f"{name}_perplexity": round(values["perplexity"], 3) for name, values in metrics["baselines"].items()},
        "best_baseline": metrics["best_baseline"],
        "best_baseline_perplexity": round(metrics["baselines"][metrics["best_baseline"]]["perplexity"], 3),
        "beats_best_baseline": metrics["beats_baselines"],
        "pitch_class_distance": round(comparison["pitch_class_distance"], 3),
        "duration_distance": round(comparison["duration_distance"], 3),
        "in_key_generated": round(comparison["in_key_fraction"]["generated"], 3),
        "in_key_training": round(comparison["in_key_fraction"]["reference"], 3),
        "repetition_generated": round(comparison["repetition"]["generated"], 3),
        "repetition_training": round(comparison["repetition"]["reference"], 3),
        "run_dir": run.run_dir,
    }


def generation_timing(run_dir, lengths=(100, 1000), repeats=3):
    """Seconds per generated token for each length (no stop token, so every row runs to the end)."""
    from seqkit.apps import music
    from seqkit.generation import SequenceGenerator

    composer = music.load(run_dir)
    generator = SequenceGenerator(composer.model, "random", temperature=1.0)
    bos = composer.vectorizer.vocabulary.bos_id
    generator.generate([[bos]], max_length=10, seed=0)  # trace once
    timing = {}
    for length in lengths:
        best = float("inf")
        for repeat in range(repeats):
            started = time.perf_counter()
            generator.generate([[bos]], max_length=length + 1, seed=repeat)
            best = min(best, time.perf_counter() - started)
        timing[length] = {"seconds": round(best, 3), "ms_per_token": round(1000 * best / length, 3)}
    return timing


def summarize(runs):
    """One corpus over its seeds: the deterministic figures of the first run, `seeds` = mean/std/values of the
    model's figures, and a warning if a baseline came out different for another seed (it should not)."""
    first = runs[0]
    summary = {
        key: value for key, value in first.items() if key not in SEEDED + ("seed", "run_dir", "beats_best_baseline")
    }
    summary["beats_best_baseline_seeds"] = sum(bool(run["beats_best_baseline"]) for run in runs)  # out of len(runs)
    summary["seeds"] = {"seed": [run["seed"] for run in runs]}
    summary["seeds"].update({key: seed_summary([run[key] for run in runs]) for key in SEEDED})
    summary["run_dirs"] = [run["run_dir"] for run in runs]
    differing = sorted(
        key for key, value in first.items()
        if key.endswith("_perplexity") and key != "model_perplexity" and any([run[key] != value for run in runs])
    )
    if differing:
        print(f"warning: {first['corpus']}: baselines differ between seeds: {', '.join(differing)}", flush=True)
    return summary


def train_seeds(name, arguments, data=None, valid=None):
    """`arguments.seeds` fits of one corpus, each printed as it ends; their summary, printed too."""
    runs = []
    for seed in arguments.seeds:
        runs.append(
            train(name, arguments.out, data, valid, arguments.epochs, arguments.encoding, arguments.preset, seed)
        )
        print(json.dumps(runs[-1]), flush=True)
    summary = summarize(runs)
    print(json.dumps(summary), flush=True)
    return summary


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nottingham", help="Folder with train/ and valid/ MIDI sub-folders.")
    parser.add_argument("--no-bach", action="store_true", help="Skip the Bach chorales.")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--encoding", default="melody", choices=["melody", "polyphonic"])
    parser.add_argument("--preset", default="default")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2], help="One fit per seed (default: 0 1 2).")
    parser.add_argument("--out", default="/tmp/music_benchmark")
    arguments = parser.parse_args()

    results = []
    if not arguments.no_bach:
        results.append(train_seeds("bach", arguments))
    if arguments.nottingham:
        folder = pathlib.Path(arguments.nottingham)
        results.append(train_seeds("nottingham", arguments, folder / "train", folder / "valid"))
    if results:
        timing = generation_timing(results[0]["run_dirs"][0])
        print(json.dumps({"generation": timing}))
        ratio = timing[1000]["ms_per_token"] / timing[100]["ms_per_token"]
        print(f"cost per token, 1000 vs 100 tokens: {ratio:.2f}x (1.0 = constant)")
    header = (
        "corpus",
        "model_perplexity",
        "best_baseline",
        "best_baseline_perplexity",
        "beats_best_baseline",
        "bigram_perplexity",
        "pitch_class_distance",
        "duration_distance",
        "in_key_generated",
        "in_key_training",
        "fit_seconds",
    )
    print(f"\nmodel figures: mean ± sample std (per seed, seeds {' '.join(map(str, arguments.seeds))}); "
          f"beats_best_baseline: seeds out of {len(arguments.seeds)}; fit_seconds: mean per seed")
    print(" | ".join(header))
    for row in results:
        cells = []
        for key in header:
            if key == "fit_seconds":
                cells.append(f"{row['seeds'][key]['mean']:.1f}")
            elif key in SEEDED:
                cells.append(format_mean_std(row["seeds"][key]["values"], digits=3))
            elif key == "beats_best_baseline":
                cells.append(f"{row['beats_best_baseline_seeds']}/{len(row['run_dirs'])}")
            else:
                cells.append(str(row[key]))
        print(" | ".join(cells))

if __name__ == "__main__":
    main()
