"""Generation time of `seqkit lm` for 100 vs 1000 characters: the cost per token must stay constant.

Times the compiled sampling loop (`seqkit.generation.SequenceGenerator`, the loop behind `seqkit lm sample`)
on a trained run's model, generating exactly N tokens (no stop token) for N = 100 and 1000, after a warm-up
call that traces the loop once. As a baseline measured in the same run, a naive loop re-runs the model on the
whole prefix for every new token (quadratic cost).

Usage:
    python benchmarks/lm_generation_speed.py --model runs/lm_char     # a run directory written by `seqkit lm fit`
    python benchmarks/lm_generation_speed.py                          # an untrained model of the default preset
"""

import argparse
import json
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def load_model(run_dir, vocabulary_size):
    if run_dir:
        from seqkit.apps import lm

        loaded = lm.load(run_dir)
        return loaded.model, loaded.vocabulary.bos_id
    from seqkit.apps.lm.presets import PRESETS
    from seqkit.tasks import language_model

    config = {k: v for k, v in PRESETS["default"]["model"].items() if k != "dropout"}
    return language_model(vocabulary_size, **config), 2


def time_compiled(model, bos_id, lengths, batch_size, repeats, seed):
    from seqkit.generation import SequenceGenerator

    generator = SequenceGenerator(model, "random", stop_token_ids=None)
    primers = [[bos_id]] * batch_size
    generator.generate(primers, max_length=lengths[0] + 1, seed=seed)  # warm-up: traces the loop once
    results = {}
    for length in lengths:
        times = []
        for repeat in range(repeats):
            start = time.perf_counter()
            tokens = generator.generate(primers, max_length=length + 1, seed=seed + repeat)
            times.append(time.perf_counter() - start)
        assert tokens.shape == (batch_size, length + 1)
        results[length] = min(times)
    return results, generator.generate_function.experimental_get_tracing_count()


def time_naive(model, bos_id, lengths, seed):
    """Re-run the model on the whole prefix for each new token (what a loop without a state cache does)."""
    import numpy as np
    import tensorflow as tf

    @tf.function(input_signature=[tf.TensorSpec([None, None], tf.int32)])
    def next_logits(prefix):
        return model(prefix, training=False)[:, -1, :]

    rng = np.random.default_rng(seed)
    next_logits(np.array([[bos_id]], np.int32))
    results = {}
    for length in lengths:
        prefix = [bos_id]
        start = time.perf_counter()
        for _ in range(length):
            logits = next_logits(np.array([prefix], np.int32)).numpy()[0].astype(np.float64)
            probabilities = np.exp(logits - logits.max())
            prefix.append(int(rng.choice(len(probabilities), p=probabilities / probabilities.sum())))
        results[length] = time.perf_counter() - start
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="run directory of `seqkit lm fit` (default: untrained default preset)")
    parser.add_argument("--vocabulary-size", type=int, default=68, help="for the untrained model")
    parser.add_argument("--batch-size", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-naive", action="store_true", help="skip the quadratic baseline")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    model, bos_id = load_model(args.model, args.vocabulary_size)
    lengths = (100, 1000)
    compiled, traces = time_compiled(model, bos_id, lengths, args.batch_size, args.repeats, args.seed)
    report = {
        "batch_size": args.batch_size,
        "traces": traces,
        "compiled_seconds": {n: round(t, 4) for n, t in compiled.items()},
        "compiled_ms_per_token": {n: round(1000 * t / n, 4) for n, t in compiled.items()},
        "compiled_ratio_1000_vs_100": round(compiled[1000] / compiled[100], 2),
    }
    print(f"compiled loop (traced {traces} time(s)), batch {args.batch_size}:")
    for n, t in compiled.items():
        print(f"  {n:>5} tokens: {t:.3f} s  ({1000 * t / n:.3f} ms per token)")
    print(f"  1000 vs 100 tokens: x{report['compiled_ratio_1000_vs_100']} the time (x10 = constant cost per token)")
    if not args.no_naive:
        naive = time_naive(model, bos_id, lengths, args.seed)
        report["naive_seconds"] = {n: round(t, 3) for n, t in naive.items()}
        report["naive_ratio_1000_vs_100"] = round(naive[1000] / naive[100], 2)
        print("naive loop re-reading the prefix, batch 1:")
        for n, t in naive.items():
            print(f"  {n:>5} tokens: {t:.3f} s  ({1000 * t / n:.3f} ms per token)")
        print(f"  1000 vs 100 tokens: x{report['naive_ratio_1000_vs_100']} the time")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
