"""NER quality and speed on CoNLL-2003 (or any CoNLL train/valid pair).

Measures, in one run on the same data:
1. `seqkit ner fit` with the default preset: entity F1 on the validation file and wall-clock training time
   (per seed with `--seeds 0 1 2`, then mean ± std); `--word-dropout 0.5` trains with word dropout (off by
   default), `--no-transition-constraints` without the CRF's IOB2 constraints (on by default), and
   `--set section.key=value` with any other preset value replaced (`--set training.weight_averaging=0.999`).
2. Training throughput (real tokens per second) of seqkit's tagger against a hand-written plain Keras
   equivalent (Embedding -> Bidirectional(LSTM) -> Dense, `model.fit` on arrays padded to the longest
   sentence, as a notebook would), printed as ratios.
3. Batch prediction throughput (sentences per second) of the exported SavedModel on raw sentences.

Usage:
    python benchmarks/ner_conll.py --train ../shared/data/ner/train.txt --valid ../shared/data/ner/valid.txt
"""

import argparse
import json
import os
import pathlib
import tempfile
import time

from overrides import add_overrides_argument, parse_overrides  # benchmarks/overrides.py
from seeds import mean_std  # benchmarks/seeds.py: this folder is on sys.path when run as a script

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def fit_defaults(train, valid, out, epochs, seed, training_overrides=None, **options):
    from seqkit.apps import ner

    overrides = {**(training_overrides or {}), "seed": seed, "verbose": 2}
    if epochs:
        overrides["epochs"] = epochs
    start = time.perf_counter()
    result = ner.fit(data=train, valid=valid, out=out, training_overrides=overrides, **options)
    return result, time.perf_counter() - start


def fit_report(train, valid, out, epochs, seed, **options):
    """The scores, time and epochs of one seeded `fit` into `out`."""
    result, seconds = fit_defaults(train, valid, out, epochs, seed, **options)
    return {
        "seed": seed,
        "valid_entity_f1": result.metrics["f1"],
        "valid_precision": result.metrics["precision"],
        "valid_recall": result.metrics["recall"],
        "per_type_f1": {k: v["f1"] for k, v in result.metrics["per_type"].items()},
        "train_seconds": round(seconds, 1),
        "epochs_trained": len(pathlib.Path(out, "history.csv").read_text().splitlines()) - 1,
    }


def throughput_comparison(train, steps_epochs, seed):
    """Tokens/s of one training epoch: seqkit taggers vs plain Keras, same sentences."""
    import keras
    import numpy as np

    from seqkit.data.conll import read_conll
    from seqkit.data.shards import shard_dataset, write_shard
    from seqkit.data.tagging import TaggingVectorizer
    from seqkit.tasks import sequence_tagger, tagger_loss

    sentences = read_conll(train)
    vectorizer = TaggingVectorizer.build(sentences, max_size=20_000)
    examples = [vectorizer.example(s) for s in sentences]
    tokens = sum(len(s.tokens) for s in sentences)
    results = {}

    def timed_fit(model, data, loss, **fit_kwargs):
        model.compile(optimizer=keras.optimizers.Adam(1e-3, clipnorm=1.0), loss=loss)
        model.fit(data, epochs=1, verbose=0, **fit_kwargs)  # warm-up: tracing and first epoch
        start = time.perf_counter()
        model.fit(data, epochs=steps_epochs, verbose=0, **fit_kwargs)
        return tokens * steps_epochs / (time.perf_counter() - start)

    # Plain Keras: pad everything to the longest sentence, softmax, model.fit on arrays.
    keras.utils.set_random_seed(seed)
    length = max(len(e["token_ids"]) for e in examples)
    x = np.zeros((len(examples), length), dtype=np.int32)
    y = np.zeros((len(examples), length), dtype=np.int32)
    for row, example in enumerate(examples):
        x[row, : len(example["token_ids"])] = example["token_ids"]
        y[row, : len(example["tags"])] = example["tags"]
    inputs = keras.Input((None,), dtype="int32")
    hidden = keras.layers.Embedding(len(vectorizer.words), 100, mask_zero=True)(inputs)
    hidden = keras.layers.Bidirectional(keras.layers.LSTM(100, return_sequences=True))(hidden)
    plain = keras.Model(inputs, keras.layers.Dense(vectorizer.num_tags)(hidden))
    results["plain_keras"] = timed_fit(
        plain, x, keras.losses.SparseCategoricalCrossentropy(from_logits=True), y=y, batch_size=32
    )

    def seqkit_rate(char_features, head):
        keras.utils.set_random_seed(seed)
        chosen = examples if char_features else [{k: v for k, v in e.items() if k != "char_ids"} for e in examples]
        # As `fit` does: encoded once into a shard, streamed by tf.data, bucketed by length.
        shard = write_shard(pathlib.Path(tempfile.mkdtemp()) / "train.tfrecord", chosen, length_key="token_ids")
        dataset = shard_dataset(shard, batch_size=32, label_key="tags", shuffle=True, seed=seed)
        model = sequence_tagger(
            len(vectorizer.words),
            vectorizer.num_tags,
            embedding_dim=100,
            units=100,
            head=head,
            char_vocabulary_size=len(vectorizer.chars) if char_features else None,
        )
        return timed_fit(model, dataset, tagger_loss(model))

    results["seqkit_word_softmax"] = seqkit_rate(False, "softmax")
    results["seqkit_word_crf"] = seqkit_rate(False, "crf")
    results["seqkit_default_char_crf"] = seqkit_rate(True, "crf")
    return results


def serving_throughput(model_dir, valid, batch_size=256, repeats=3):
    import tensorflow as tf

    from seqkit.apps import ner
    from seqkit.data.conll import read_conll

    export_root = tempfile.mkdtemp()
    path = ner.load(model_dir).export(export_root)
    served = tf.saved_model.load(str(path)).signatures["serving_default"]
    texts = [" ".join(s.tokens) for s in read_conll(valid)]
    served(sentences=tf.constant(texts[:batch_size]))  # warm-up
    start = time.perf_counter()
    for _ in range(repeats):
        for begin in range(0, len(texts), batch_size):
            served(sentences=tf.constant(texts[begin : begin + batch_size]))
    return len(texts) * repeats / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--train", required=True)
    parser.add_argument("--valid", required=True)
    parser.add_argument("--out", default=None, help="Run directory (default: a temporary one).")
    parser.add_argument("--epochs", type=int, default=None, help="Override the preset's epochs.")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0], help="One fit per seed (default: 0).")
    parser.add_argument("--word-dropout", type=float, default=None, help="Override the preset's word dropout.")
    parser.add_argument(
        "--no-transition-constraints", action="store_true", help="Train without the CRF's IOB2 constraints."
    )
    parser.add_argument("--throughput-epochs", type=int, default=1)
    parser.add_argument("--skip", choices=["fit", "throughput", "serving"], action="append", default=[])
    add_overrides_argument(parser)
    args = parser.parse_args()
    try:
        model_overrides, training_overrides, options = parse_overrides(args.overrides)
    except ValueError as error:
        parser.error(str(error))
    out = args.out or tempfile.mkdtemp(prefix="ner-bench-")
    report = {}
    if model_overrides:
        options["model_overrides"] = model_overrides
    if training_overrides:
        options["training_overrides"] = training_overrides
    if args.word_dropout is not None:
        options["word_dropout"] = args.word_dropout
    if args.no_transition_constraints:
        options["transition_constraints"] = False
    if "fit" not in args.skip:
        runs = []
        for index, seed in enumerate(args.seeds):
            # The first seed's run goes to `out` (served below); the others beside it.
            run_out = out if index == 0 else f"{out}-seed{seed}"
            runs.append(fit_report(args.train, args.valid, run_out, args.epochs, seed, **options))
            print(json.dumps(runs[-1], indent=2), flush=True)
        f1_mean, f1_std = mean_std(run["valid_entity_f1"] for run in runs)
        seconds_mean, _ = mean_std(run["train_seconds"] for run in runs)
        report["fit"] = {
            "options": options,
            "runs": runs,
            "valid_entity_f1_mean": f1_mean,
            "valid_entity_f1_std": f1_std,
            "train_seconds_mean": round(seconds_mean, 1),
        }
        print(f"valid entity F1 {f1_mean:.4f} ± {f1_std:.4f} over {len(runs)} seed(s); "
              f"training {seconds_mean / 60:.1f} min per run", flush=True)
    if "throughput" not in args.skip:
        rates = throughput_comparison(args.train, args.throughput_epochs, args.seeds[0])
        baseline = rates["plain_keras"]
        report["train_tokens_per_second"] = {k: round(v) for k, v in rates.items()}
        report["ratio_vs_plain_keras"] = {k: round(v / baseline, 2) for k, v in rates.items()}
        print(json.dumps({k: report[k] for k in ("train_tokens_per_second", "ratio_vs_plain_keras")}, indent=2), flush=True)
    if "serving" not in args.skip and pathlib.Path(out, "model.keras").is_file():
        report["serving_sentences_per_second"] = round(serving_throughput(out, args.valid))
        print(json.dumps({"serving_sentences_per_second": report["serving_sentences_per_second"]}), flush=True)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
