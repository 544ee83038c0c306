"""Language-model quality: the recurrent model against count-based n-gram baselines, in one run.

Trains `seqkit lm` on a training file and reports, on the validation file, bits per token (character or word)
and perplexity of:
- the recurrent language model (`seqkit.apps.lm.fit`, then `evaluate`),
- n-gram baselines fitted on the same training sequences in the same process (`seqkit.metrics.ngram`):
  a unigram and a 3-gram model (add-k backed off to lower orders, and interpolated Kneser–Ney).

Both sides see the same tokens: the same sequences (lines at character level, sentences at word level), the
same vocabulary (tokens outside it mapped to `<UNK>`) and one `<EOS>` predicted per sequence.

Usage:
    python benchmarks/lm_quality.py --level char --train ../shared/data/lm/train.txt --valid ../shared/data/lm/valid.txt
    python benchmarks/lm_quality.py --level word --train ../shared/data/lm/train.txt --valid ../shared/data/lm/valid.txt
"""

import argparse
import json
import os
import tempfile
import time

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
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", help="run directory (default: a temporary one)")
    parser.add_argument("--resume", action="store_true", help="continue the run in --out up to --epochs")
    args = parser.parse_args()

    from seqkit.apps import lm
    from seqkit.apps.lm.text import read_sequences

    train = read_sequences(args.train, args.level)
    valid = read_sequences(args.valid, args.level)
    out = args.out or tempfile.mkdtemp(prefix=f"lm_{args.level}_")
    overrides = {
        name: value
        for name, value in (
            ("epochs", args.epochs),
            ("batch_size", args.batch_size),
            ("learning_rate", args.learning_rate),
        )
        if value is not None
    }
    model_overrides = {"units": args.units, "embedding_dim": args.embedding_dim}
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
        training_overrides={**overrides, "seed": args.seed, "verbose": 2, "resume": args.resume},
    )
    seconds = time.perf_counter() - start
    vocabulary = set(lm.load(out).vocabulary.tokens)

    orders = [(1, "add_k"), (3, "add_k"), (3, "kneser_ney")]
    if args.level == "char":
        orders.append((5, "kneser_ney"))
    baselines = ngram_baselines(train, valid, vocabulary, orders, args.k)
    rnn = {
        "bits_per_token": result.metrics["bits_per_token"],
        "perplexity": result.metrics["perplexity"],
        "tokens": result.metrics["tokens"],
        "seconds": round(seconds, 1),
        "epoch_valid_perplexity": result.metrics["epoch_valid_perplexity"],
    }
    unit = "character" if args.level == "char" else "word"
    print(f"\nValidation bits per {unit} ({rnn['tokens']} tokens with <EOS>, vocabulary of {len(vocabulary)} ids):")
    name = f"recurrent LM ({args.preset})"
    print(f"  {name:<24} {rnn['bits_per_token']:.4f}  perplexity {rnn['perplexity']:.3f}  ({rnn['seconds']} s)")
    for name, values in baselines.items():
        ratio = values["bits_per_token"] / rnn["bits_per_token"]
        bits, ppl = values["bits_per_token"], values["perplexity"]
        print(f"  {name:<24} {bits:.4f}  perplexity {ppl:.3f}  (x{ratio:.3f} the RNN's bits)")
    print(json.dumps({"level": args.level, "run_dir": out, "rnn": rnn, "baselines": baselines}))


if __name__ == "__main__":
    main()
