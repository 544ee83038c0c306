"""Music app quality: validation perplexity vs Kneser–Ney n-gram baselines (1- to 5-gram), musical statistics, time.

Trains `seqkit music` on the Bach chorales of music21's corpus (fixed held-out split by file-name hash) and,
when given, on a MIDI folder with `train/` and `valid/` sub-folders (e.g. the Nottingham folk tunes), each
read through the MIDI-folder reader. The model's perplexity is printed beside the strongest baseline (modified
Kneser–Ney n-grams of orders 1 to 5, fitted on the same training sequences). Then times generation of 100 and
1,000 tokens with the compiled stateful loop (the cost per token should not grow with the length).

Usage:

    python benchmarks/music_quality.py --nottingham ../shared/data/music/nottingham --epochs 20 --out /tmp/music_bench
"""

import argparse
import json
import pathlib
import time


def train(name, out, data, valid, epochs, encoding, preset):
    from seqkit.apps import music

    started = time.perf_counter()
    run = music.fit(
        data=data,
        valid=valid,
        out=str(pathlib.Path(out) / name),
        preset=preset,
        encoding=encoding,
        training_overrides={"epochs": epochs, "seed": 0, "verbose": 0},
    )
    seconds = time.perf_counter() - started
    metrics = run.metrics
    comparison = metrics["statistics"]["comparison"]
    history = (pathlib.Path(run.run_dir) / "history.csv").read_text().strip().splitlines()
    return {
        "corpus": name,
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


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nottingham", help="Folder with train/ and valid/ MIDI sub-folders.")
    parser.add_argument("--no-bach", action="store_true", help="Skip the Bach chorales.")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--encoding", default="melody", choices=["melody", "polyphonic"])
    parser.add_argument("--preset", default="default")
    parser.add_argument("--out", default="/tmp/music_benchmark")
    arguments = parser.parse_args()

    results = []
    if not arguments.no_bach:
        results.append(train("bach", arguments.out, None, None, arguments.epochs, arguments.encoding, arguments.preset))
        print(json.dumps(results[-1]), flush=True)
    if arguments.nottingham:
        folder = pathlib.Path(arguments.nottingham)
        results.append(
            train(
                "nottingham",
                arguments.out,
                folder / "train",
                folder / "valid",
                arguments.epochs,
                arguments.encoding,
                arguments.preset,
            )
        )
        print(json.dumps(results[-1]), flush=True)
    if results:
        timing = generation_timing(results[0]["run_dir"])
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
    print(" | ".join(header))
    for row in results:
        print(" | ".join(str(row[key]) for key in header))


if __name__ == "__main__":
    main()
