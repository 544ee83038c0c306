"""Language-model quality: the recurrent model against count-based n-gram baselines, in one run.

Trains `seqkit lm` on a training file and reports, on the validation file, bits per token (character or word)
and perplexity of:
- the recurrent language model (`seqkit.apps.lm.fit`, then `evaluate`),
- n-gram baselines fitted on the same training sequences in the same process (`seqkit.metrics.ngram`):
  a unigram and a 3-gram model (add-k backed off to lower orders, and interpolated Kneser–Ney).

Both sides see the same tokens and the same vocabulary (tokens outside it mapped to `<UNK>`). With `unit="line"`
they are the same sequences (lines at character level, sentences at word level), with one `<EOS>` predicted per
sequence. With `unit="text"` (running text, the default the app chooses for prose and verse) the recurrent model
scores the validation file as one stream with the line break as the token `<NL>`, and the n-gram models are
fitted on the training stream and score the validation stream the same way (one `<EOS>` at the end of each file,
one token in ~10⁵). `--seeds` trains one model per seed and prints mean ± std; the baselines are deterministic.

Usage:
    python benchmarks/lm_quality.py --level char --train ../shared/data/lm/train.txt --valid ../shared/data/lm/valid.txt --seeds 0 1 2
    python benchmarks/lm_quality.py --level word --train ../shared/data/lm/train.txt --valid ../shared/data/lm/valid.txt
"""

import argparse
import json
import os
import tempfile
import time

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

UNK = "<UNK>"


def ngram_baselines(train, valid, vocabulary, orders, k):
    """Bits per token of n-gram models on `valid` (lists of tokens), with the recurrent model's vocabulary."""
    from seqkit.metrics.ngram import NGramModel
    from seqkit.metrics.perplexity import bits_per_token, perplexity

    def mapped(sequences):
        return [[token if token in vocabulary else UNK for token in sequence] for sequence in sequences]

    train, valid = mapped(train), mapped(valid)
    # Outcomes: every vocabulary token except <PAD> and <BOS> (so <UNK> and <EOS> included).
    outcomes = len(vocabulary) - 2
    results = {}
    for order, smoothing in orders:
        start = time.perf_counter()
        model = NGramModel(order, outcomes, smoothing=smoothing, k=k).fit(train)
        total, count = model.log_probability(valid)
        results[f"{order}-gram {smoothing}"] = {
            "bits_per_token": round(bits_per_token(total, count), 4),
            "perplexity": round(perplexity(total, count), 3),
            "tokens": count,
            "seconds": round(time.perf_counter() - start, 1),
        }
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", required=True)
    parser.add_argument("--valid", required=True)
    parser.add_argument("--level", choices=["char", "word"], default="char")
    parser.add_argument("--preset", default="default")
    parser.add_argument("--epochs", type=int, help="time-box the training (default: the preset's)")
    parser.add_argument("--units", type=int)
    parser.add_argument("--embedding-dim", type=int)
    parser.add_argument("--vocab-size", type=int, default=10_000)
    parser.add_argument("--min-count", type=int, default=1)
    parser.add_argument("--batch-size", type=int)
    parser.add_argument("--learning-rate", type=float)
    parser.add_argument("--k", type=float, default=0.01, help="pseudo-count of the add-k baselines")
    parser.add_argument("--unit", choices=["line", "text"], help="default: the app chooses from the training file")
    parser.add_argument("--window", type=int, help="tokens per training window with --unit text")
    parser.add_argument("--layers", type=int)
    parser.add_argument("--dropout", type=float)
    parser.add_argument("--patience", type=int)
    parser.add_argument("--schedule", choices=["constant", "cosine"], help="learning-rate schedule")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--out", help="folder of the run directories (default: a temporary one)")
    parser.add_argument("--resume", action="store_true", help="continue the runs in --out up to --epochs")
    args = parser.parse_args()

    from seqkit.apps import lm

    out = args.out or tempfile.mkdtemp(prefix=f"lm_{args.level}_")
    runs = [fit_one(args, lm, os.path.join(out, f"seed-{seed}"), seed) for seed in args.seeds]
    first = runs[0]
    unit = first["unit"]
    vocabulary = set(lm.load(first["run_dir"]).vocabulary.tokens)
    train, valid = corpus(args.train, args.level, unit), corpus(args.valid, args.level, unit)
    orders = [(1, "add_k"), (3, "add_k"), (3, "kneser_ney")]
    if args.level == "char":
        orders.append((5, "kneser_ney"))
    baselines = ngram_baselines(train, valid, vocabulary, orders, args.k)

    token = "character" if args.level == "char" else "word"
    scored = "as one stream, <NL> included" if unit == "text" else "with <EOS>"
    print(f"\nValidation bits per {token} (unit {unit}, {first['tokens']} tokens {scored}, vocabulary of "
          f"{len(vocabulary)} ids):")
    bits = np.array([run["bits_per_token"] for run in runs])
    spread = f" ± {bits.std(ddof=1):.4f}" if len(runs) > 1 else ""
    minutes = np.mean([run["seconds"] for run in runs]) / 60
    name = f"recurrent LM ({args.preset})"
    print(f"  {name:<24} {bits.mean():.4f}{spread}  perplexity {np.mean([r['perplexity'] for r in runs]):.3f}  "
          f"({len(runs)} seed(s): {', '.join(f'{b:.4f}' for b in bits)}; {minutes:.1f} min per fit)")
    for name, values in baselines.items():
        ratio = values["bits_per_token"] / bits.mean()
        print(f"  {name:<24} {values['bits_per_token']:.4f}  perplexity {values['perplexity']:.3f}  "
              f"(x{ratio:.3f} the RNN's bits)")
    print(json.dumps({"level": args.level, "unit": unit, "runs": runs, "baselines": baselines}))


def corpus(path, level, unit):
    """The token sequences both sides score: lines/sentences, or the whole file as one stream with `<NL>`."""
    from seqkit.apps.lm.text import iter_stream_lines, read_sequences

    if unit == "text":
        return [[token for line in iter_stream_lines(path, level) for token in line]]
    return read_sequences(path, level)


def fit_one(args, lm, out, seed):
    """Train one seed; its validation figures, time and per-epoch validation perplexity."""
    overrides = {
        name: value
        for name, value in (
            ("epochs", args.epochs),
            ("batch_size", args.batch_size),
            ("learning_rate", args.learning_rate),
            ("learning_rate_schedule", args.schedule),
        )
        if value is not None
    }
    if args.patience is not None:
        overrides["early_stopping_patience"] = args.patience
    model_overrides = {"units": args.units, "embedding_dim": args.embedding_dim, "num_layers": args.layers,
                       "dropout": args.dropout}
    data_options = {name: value for name, value in (("unit", args.unit), ("window", args.window)) if value}
    start = time.perf_counter()
    result = lm.fit(
        data=args.train,
        valid=args.valid,
        out=out,
        preset=args.preset,
        level=args.level,
        vocab_size=args.vocab_size,
        min_count=args.min_count,
        model_overrides={key: value for key, value in model_overrides.items() if value is not None},
        training_overrides={**overrides, "seed": seed, "verbose": 2, "resume": args.resume},
        **data_options,
    )
    seconds = time.perf_counter() - start
    with open(os.path.join(out, "config.json"), encoding="utf-8") as file:
        unit = json.load(file).get("data", {}).get("unit", "line")
    run = {
        "seed": seed,
        "run_dir": out,
        "unit": unit,
        "bits_per_token": result.metrics["bits_per_token"],
        "perplexity": result.metrics["perplexity"],
        "tokens": result.metrics["tokens"],
        "seconds": round(seconds, 1),
        "epoch_valid_perplexity": result.metrics["epoch_valid_perplexity"],
    }
    print(f"seed {seed}: {run['bits_per_token']:.4f} bits per token, {seconds / 60:.1f} min", flush=True)
    return run


if __name__ == "__main__":
    main()
