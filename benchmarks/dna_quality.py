"""DNA quality: `seqkit dna fit` defaults against logistic-regression baselines, in the same run.

Each data set (paths as arguments; nothing is read from a fixed place):

- `--splice DIR` (`train.csv`, `valid.csv`: `name,sequence,label`, classes EI/IE/N) and `--promoters DIR`
  (`train/`, `valid/`: one FASTA per class): baselines are multinomial logistic regression (scikit-learn) on
  positional one-hot bases and on k-mer counts (k = 1..4); the model is `dna.fit` with the defaults. Printed:
  accuracy, macro-F1, MCC, ROC-AUC, PR-AUC on the valid split, and the training time.
- `--celegans DIR` (`train.fa` + `train.gff3`, `valid.fa` + `valid.gff3`): per-base gene structure; the baseline
  is logistic regression on a one-hot window of ±20 bases around each position (trained on a sample of
  positions). Printed: per-base accuracy, macro-F1, CDS F1 and segment overlap F1.
- `--ecoli DIR` (`genome.fna.gz`, `annotation.gff.gz`): the chromosome is split at 80 % into a training and an
  evaluation FASTA/GFF3 (written to the output folder); one epoch of training is timed (`--ecoli-epochs`), the
  evaluation part is scored, and `seqkit dna predict --fasta` over the whole genome is timed in a subprocess
  whose peak resident memory is reported. A timing check, trained once, with the first of `--seeds`.

On splice, promoters and C. elegans the model is trained once per `--seeds` (default 0 1 2; runs in
`--out/{splice,promoters,celegans}/seed-{seed}`); the baselines are fitted once (they are deterministic). The
table has the baselines' rows and one row per seed, then one line per metric: the model's mean ± sample std and
per-seed values beside the best baseline's figure. `report.json` holds, per data set, `baselines` (label →
scores) and `seqkit` (`seeds`, `runs` with each seed's scores and time, and `mean` / `std` / `values` of every
metric and of `train_seconds`).

Measured (README, 2 CPU cores shared with other jobs, one seed): splice 3 minutes, promoters 4.4 minutes,
C. elegans 18–40 minutes per seed (patience 8: all 20 epochs); E. coli about 7 minutes per epoch and 60 s
for `predict` over the genome.

`--set section.key=value` (repeatable) changes the preset for every fit of the run, e.g.
`--set training.early_stopping_patience=8` (see `benchmarks/overrides.py`); `report.json` records them.

Usage:
    python benchmarks/dna_quality.py --splice ../shared/data/dna/splice --promoters ../shared/data/dna/promoters \\
        --celegans ../shared/data/dna/celegans_genes --ecoli ../shared/data/dna/ecoli --seeds 0 1 2 --out /tmp/dna-bench
"""

import argparse
import gzip
import json
import os
import pathlib
import subprocess
import sys
import time

import numpy as np
from overrides import add_overrides_argument, parse_overrides  # benchmarks/overrides.py
from seeds import format_mean_std, seed_summary  # benchmarks/seeds.py (this folder is on sys.path)

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


# === Baselines ===

def positional_one_hot(code_arrays):
    from seqkit.data.dna.alphabet import BASE_DISTRIBUTIONS

    length = max(len(c) for c in code_arrays)
    batch = np.zeros((len(code_arrays), length), dtype=np.int64)
    for row, codes in enumerate(code_arrays):
        batch[row, : len(codes)] = codes
    return BASE_DISTRIBUTIONS[batch].reshape(len(code_arrays), -1)


def kmer_counts(sequences, k_max=4):
    import itertools

    columns = {}
    for k in range(1, k_max + 1):
        for kmer in itertools.product("ACGT", repeat=k):
            columns["".join(kmer)] = len(columns)
    features = np.zeros((len(sequences), len(columns)), dtype=np.float32)
    for row, sequence in enumerate(sequences):
        sequence = sequence.upper()
        for k in range(1, k_max + 1):
            for start in range(len(sequence) - k + 1):
                column = columns.get(sequence[start : start + k])
                if column is not None:
                    features[row, column] += 1
        features[row] /= max(1, len(sequence))
    return features


def logistic_regression(train_x, train_y, valid_x):
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(train_x)
    model = LogisticRegression(max_iter=2000, C=1.0).fit(scaler.transform(train_x), train_y)
    return model.predict_proba(scaler.transform(valid_x))


# === Data ===

def classification_examples(source):
    from seqkit.apps.dna.sources import read_examples

    examples = list(read_examples(source, {}))
    return [e.sequence for e in examples], [e.label for e in examples]


# `--set` overrides of the preset (`benchmarks/overrides.py`), the same for every fit of the run.
MODEL_OVERRIDES, TRAINING_OVERRIDES = {}, {}


def fit_and_evaluate(data, valid, out, seed, **options):
    from seqkit.apps import dna

    started = time.perf_counter()
    result = dna.fit(data=str(data), valid=str(valid), out=str(out), model_overrides=dict(MODEL_OVERRIDES) or None,
                     training_overrides={**TRAINING_OVERRIDES, "verbose": 0, "seed": seed}, **options)
    seconds = time.perf_counter() - started
    return result, seconds


def seeded_fits(data, valid, out, seeds, scores):
    """One `dna.fit` per seed into `out/seed-{seed}`; each run's `scores(metrics)`, seed and training time."""
    runs = []
    for seed in seeds:
        result, seconds = fit_and_evaluate(data, valid, out / f"seed-{seed}", seed)
        runs.append({"seed": seed, **scores(result.metrics), "train_seconds": seconds,
                     "run_dir": str(out / f"seed-{seed}")})
        print(f"  seqkit dna fit, seed {seed}: " + ", ".join(f"{k} {v:.4f}" for k, v in scores(result.metrics).items())
              + f" ({seconds:.0f} s)", flush=True)
    return runs


def seed_report(runs, metrics):
    """`seeds`, `runs` and, for every metric and `train_seconds`, `{"mean", "std", "values"}` over the seeds."""
    return {"seeds": [run["seed"] for run in runs], "runs": runs,
            **{key: seed_summary([run[key] for run in runs]) for key in (*metrics, "train_seconds")}}


def print_seed_summary(runs, baselines, metrics, names):
    """Per metric: the model's mean ± std (per-seed values) beside the best baseline's figure."""
    print(f"seqkit dna fit (defaults), {len(runs)} seed(s) ({', '.join(str(run['seed']) for run in runs)}), "
          f"mean ± sample std (per seed) vs the best baseline:")
    for key in metrics:
        label = max(baselines, key=lambda name, metric=key: baselines[name][metric])
        print(f"  {names[key]:<15} {format_mean_std([run[key] for run in runs], digits=4):<44} "
              f"best baseline {baselines[label][key]:.4f} ({label})")
    seconds = [run["train_seconds"] for run in runs]
    print(f"  {'training time':<15} {format_mean_std(seconds, digits=0)} s")


CLASSIFICATION_METRICS = ("accuracy", "macro_f1", "mcc", "roc_auc", "pr_auc")
CLASSIFICATION_NAMES = {"accuracy": "accuracy", "macro_f1": "macro-F1", "mcc": "MCC", "roc_auc": "ROC-AUC",
                        "pr_auc": "PR-AUC"}


def classification_benchmark(name, train, valid, out, seeds):
    from seqkit.data.dna.alphabet import encode_bases
    from seqkit.metrics.classification import classification_scores

    train_x, train_y = classification_examples(train)
    valid_x, valid_y = classification_examples(valid)
    classes = sorted(set(train_y))
    train_ids = np.asarray([classes.index(y) for y in train_y])
    valid_ids = np.asarray([classes.index(y) for y in valid_y])
    rows = {}
    one_hot = positional_one_hot([encode_bases(s) for s in train_x + valid_x])
    rows["logistic regression, positional one-hot"] = classification_scores(
        valid_ids, logistic_regression(one_hot[: len(train_x)], train_ids, one_hot[len(train_x):]), classes
    )
    kmers = kmer_counts(train_x + valid_x)
    rows["logistic regression, k-mer counts (k=1..4)"] = classification_scores(
        valid_ids, logistic_regression(kmers[: len(train_x)], train_ids, kmers[len(train_x):]), classes
    )
    baselines = {label: {k: scores[k] for k in CLASSIFICATION_METRICS} for label, scores in rows.items()}
    print(f"\n== {name}: {len(train_x)} train / {len(valid_x)} valid sequences, classes {classes}", flush=True)
    runs = seeded_fits(train, valid, out / name, seeds, lambda m: {k: m[k] for k in CLASSIFICATION_METRICS})
    print(f"{'model':<52} {'acc':>7} {'macroF1':>8} {'MCC':>7} {'ROC-AUC':>8} {'PR-AUC':>7}")
    table = {**baselines, **{f"seqkit dna fit (defaults, seed {r['seed']}, {r['train_seconds']:.0f} s)": r for r in runs}}
    for label, scores in table.items():
        print(f"{label:<52} {scores['accuracy']:7.4f} {scores['macro_f1']:8.4f} {scores['mcc']:7.4f} "
              f"{scores['roc_auc']:8.4f} {scores['pr_auc']:7.4f}")
    print_seed_summary(runs, baselines, CLASSIFICATION_METRICS, CLASSIFICATION_NAMES)
    return {"baselines": baselines, "seqkit": seed_report(runs, CLASSIFICATION_METRICS)}


def window_features(codes, radius=20):
    """One-hot bases of positions `i - radius .. i + radius` for every position `i` (zeros outside)."""
    from seqkit.data.dna.alphabet import BASE_DISTRIBUTIONS

    padded = np.concatenate([np.zeros(radius, np.int64), codes.astype(np.int64), np.zeros(radius, np.int64)])
    index = np.arange(len(codes))[:, None] + np.arange(2 * radius + 1)[None, :]
    return BASE_DISTRIBUTIONS[padded[index]].reshape(len(codes), -1)


def tagging_examples(fasta, annotation):
    from seqkit.apps.dna.sources import read_examples

    return list(read_examples(fasta, {}, annotation=annotation, window=10**9))


TAGGING_METRICS = ("accuracy", "macro_f1", "cds_f1", "segment_overlap_f1")
TAGGING_NAMES = {"accuracy": "per-base acc.", "macro_f1": "macro-F1", "cds_f1": "CDS F1",
                 "segment_overlap_f1": "seg. overlap F1"}


def tagging_scores(scores):
    return {"accuracy": scores["accuracy"], "macro_f1": scores["macro_f1"], "cds_f1": scores["per_class"]["cds"]["f1"],
            "segment_overlap_f1": scores["segment_overlap"]["f1"]}


def tagging_benchmark(folder, out, seeds, sample=150_000, seed=0):
    """`seed` draws the baseline's sample of positions; `seeds` are the model's."""
    from seqkit.metrics.base_tagging import base_tagging_scores

    train = tagging_examples(folder / "train.fa", folder / "train.gff3")
    valid = tagging_examples(folder / "valid.fa", folder / "valid.gff3")
    classes = list(train[0].classes)
    rng = np.random.default_rng(seed)
    train_x = np.concatenate([window_features(e.codes) for e in train])
    train_y = np.concatenate([e.labels for e in train])
    chosen = rng.choice(len(train_y), size=min(sample, len(train_y)), replace=False)
    from sklearn.linear_model import LogisticRegression

    baseline = LogisticRegression(max_iter=500).fit(train_x[chosen], train_y[chosen])
    predicted = [baseline.predict(window_features(e.codes)) for e in valid]
    rows = {"logistic regression, one-hot window ±20": base_tagging_scores(
        [e.labels for e in valid], predicted, classes, background="intergenic")}
    baselines = {label: tagging_scores(scores) for label, scores in rows.items()}
    print(f"\n== C. elegans gene structure: {len(train)} train / {len(valid)} valid loci, classes {classes}",
          flush=True)
    runs = seeded_fits(folder / "train.fa", folder / "valid.fa", out / "celegans", seeds, tagging_scores)
    print(f"{'model':<46} {'acc':>7} {'macroF1':>8} {'CDS F1':>7} {'seg.overlap F1':>15}")
    table = {**baselines, **{f"seqkit dna fit (defaults, seed {r['seed']}, {r['train_seconds']:.0f} s)": r for r in runs}}
    for label, scores in table.items():
        print(f"{label:<46} {scores['accuracy']:7.4f} {scores['macro_f1']:8.4f} "
              f"{scores['cds_f1']:7.4f} {scores['segment_overlap_f1']:15.4f}")
    print_seed_summary(runs, baselines, TAGGING_METRICS, TAGGING_NAMES)
    return {"baselines": baselines, "seqkit": seed_report(runs, TAGGING_METRICS)}


# === E. coli ===

def split_genome(folder, out, fraction=0.8):
    """Write `train.fa`/`train.gff3` (first `fraction` of the chromosome) and `eval.fa`/`eval.gff3` (the rest)."""
    from seqkit.data.dna.fasta import iter_fasta

    [record] = list(iter_fasta(folder / "genome.fna.gz"))
    cut = int(len(record.sequence) * fraction)
    out.mkdir(parents=True, exist_ok=True)
    parts = {"train": (0, cut), "eval": (cut, len(record.sequence))}
    for part, (start, end) in parts.items():
        with open(out / f"{part}.fa", "w") as handle:
            handle.write(f">{record.name}_{part}\n")
            for offset in range(start, end, 80):
                handle.write(record.sequence[offset : min(offset + 80, end)] + "\n")
    handles = {part: open(out / f"{part}.gff3", "w") for part in parts}
    for handle in handles.values():
        handle.write("##gff-version 3\n")
    with gzip.open(folder / "annotation.gff.gz", "rt") as annotation:
        for line in annotation:
            if line.startswith("#") or not line.strip():
                continue
            columns = line.rstrip("\n").split("\t")
            first, last = int(columns[3]), int(columns[4])
            for part, (start, end) in parts.items():
                # Features wholly inside one part, coordinates shifted to the part's record.
                if first > start and last <= end:
                    columns_out = [f"{columns[0]}_{part}", *columns[1:3], str(first - start), str(last - start),
                                   *columns[5:]]
                    handles[part].write("\t".join(columns_out) + "\n")
    for handle in handles.values():
        handle.close()
    return out


def ecoli_benchmark(folder, out, epochs, seed):
    from seqkit.apps import dna

    split = split_genome(folder, out / "ecoli_split")

    started = time.perf_counter()
    result = dna.fit(data=str(split / "train.fa"), valid=str(split / "eval.fa"), out=str(out / "ecoli"),
                     training_overrides={"verbose": 0, "epochs": epochs, "seed": seed})
    seconds = time.perf_counter() - started
    scores = result.metrics
    print(f"\n== E. coli K-12, trained on the first 80 % ({epochs} epoch(s), seed {seed}, {seconds:.0f} s), "
          f"scored on the rest")
    print(f"classes {result.data['classes']}: per-base accuracy {scores['accuracy']:.4f}, macro-F1 "
          f"{scores['macro_f1']:.4f}, segment overlap F1 {scores['segment_overlap']['f1']:.4f}")
    bed = out / "ecoli_genome.bed"
    command = [sys.executable, "-c", "from seqkit.cli.main import main; main()", "dna", "predict", "--model", str(out / "ecoli"),
               "--fasta", str(folder / "genome.fna.gz"), "--out", str(bed)]
    started = time.perf_counter()
    process = subprocess.Popen(command)
    _, status, usage = os.wait4(process.pid, 0)  # this child's own peak, not the largest earlier child's
    predict_seconds = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"predict failed with status {status}")
    peak = usage.ru_maxrss
    regions = sum(1 for line in open(bed) if not line.startswith("track"))
    print(f"predict --fasta over the whole genome (4.64 Mb): {predict_seconds:.0f} s, "
          f"{4_641_652 / predict_seconds:,.0f} bases/s, peak RSS {peak / 1024:.0f} MiB, {regions} regions")
    return {"train_seconds": seconds, "epochs": epochs, "seed": seed, "accuracy": scores["accuracy"], "macro_f1": scores["macro_f1"],
            "segment_overlap_f1": scores["segment_overlap"]["f1"], "predict_seconds": predict_seconds,
            "predict_peak_rss_mib": peak / 1024, "regions": regions}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--splice", type=pathlib.Path)
    parser.add_argument("--promoters", type=pathlib.Path)
    parser.add_argument("--celegans", type=pathlib.Path)
    parser.add_argument("--ecoli", type=pathlib.Path)
    parser.add_argument("--ecoli-epochs", type=int, default=1)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2],
                        help="one fit per seed on splice, promoters and C. elegans (default: 0 1 2); E. coli: the first")
    parser.add_argument("--out", type=pathlib.Path, required=True)
    add_overrides_argument(parser)
    args = parser.parse_args()
    try:
        model_overrides, training_overrides, fit_options = parse_overrides(args.overrides)
    except ValueError as error:
        parser.error(str(error))
    if fit_options:
        parser.error(f"`--set` here takes model.* and training.* only. Received: {sorted(fit_options)}")
    MODEL_OVERRIDES.update(model_overrides)
    TRAINING_OVERRIDES.update(training_overrides)
    report = {"overrides": {"model": model_overrides, "training": training_overrides}}
    if args.splice:
        report["splice"] = classification_benchmark("splice", args.splice / "train.csv", args.splice / "valid.csv",
                                                    args.out, args.seeds)
    if args.promoters:
        report["promoters"] = classification_benchmark("promoters", args.promoters / "train", args.promoters / "valid",
                                                       args.out, args.seeds)
    if args.celegans:
        report["celegans"] = tagging_benchmark(args.celegans, args.out, args.seeds)
    if args.ecoli:
        report["ecoli"] = ecoli_benchmark(args.ecoli, args.out, args.ecoli_epochs, args.seeds[0])
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "report.json").write_text(json.dumps(report, indent=2))
    print(f"\nreport: {args.out / 'report.json'}")


if __name__ == "__main__":
    main()
