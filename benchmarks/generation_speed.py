"""Generation cost per token: time for 1000 new tokens against 100.

With the recurrent state carried through the compiled loop, each token costs
one recurrent step, so the ratio should be close to 10 (a loop that re-ran
the prefix would be near 100). Both lengths run in this process on the same
model, after one warm-up call that traces the loop.

    python benchmarks/generation_speed.py [--vocabulary-size 10000] [--units 256]
"""

import argparse
import time


def _best_time(generator, max_length, repeats):
    times = []
    for seed in range(repeats):
        start = time.perf_counter()
        generator.generate([[1]] * 4, max_length=max_length, seed=seed)
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vocabulary-size", type=int, default=10_000)
    parser.add_argument("--units", type=int, default=256)
    parser.add_argument("--cell", default="lstm")
    parser.add_argument("--sampler", default="top_k")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    from seqkit.generation import SequenceGenerator
    from seqkit.tasks import language_model

    model = language_model(args.vocabulary_size, embedding_dim=128, units=args.units, cell=args.cell)
    generator = SequenceGenerator(model, args.sampler)
    generator.generate([[1]] * 4, max_length=8, seed=0)  # trace once

    short = _best_time(generator, 1 + 100, args.repeats)
    long = _best_time(generator, 1 + 1000, args.repeats)
    traces = generator.generate_function.experimental_get_tracing_count()
    print(f"100 tokens:  {short * 1000:8.1f} ms")
    print(f"1000 tokens: {long * 1000:8.1f} ms")
    print(f"ratio 1000/100: {long / short:.2f} (constant cost per token: ~10)")
    print(f"loop traces: {traces}")


if __name__ == "__main__":
    main()
