"""Input pipeline speed: batches of a CoNLL file from the in-memory generator pipeline vs from an encoded shard.

`fit` encodes each split once into a TFRecord shard (`seqkit.data.shards`) and streams it every epoch; before,
apps kept the encoded examples in Python lists and fed `tf.data` through `make_dataset`'s generator. This script
builds both from the same examples (shuffled with the same seed, bucketed by length, batch 32), iterates a few
epochs of batches without training, and prints the seconds per epoch of each and their ratio, measured in the
same run, plus the time to write the shard.

Usage:
    python benchmarks/input_pipeline_speed.py --train ../shared/data/ner/train.txt --epochs 2
"""

import argparse
import pathlib
import tempfile
import time


def seconds_per_epoch(dataset):
    start = time.perf_counter()
    batches = sum(1 for _ in dataset)
    return time.perf_counter() - start, batches


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", required=True, help="a CoNLL file")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()

    from seqkit.data.conll import read_conll
    from seqkit.data.pipeline import make_dataset
    from seqkit.data.shards import shard_dataset, write_shard
    from seqkit.data.tagging import TaggingVectorizer

    sentences = read_conll(args.train)
    vectorizer = TaggingVectorizer.build(sentences, max_size=20_000)
    examples = [vectorizer.example(sentence) for sentence in sentences]
    start = time.perf_counter()
    shard = write_shard(pathlib.Path(tempfile.mkdtemp()) / "train.tfrecord", examples, length_key="token_ids")
    write_seconds = time.perf_counter() - start
    in_memory = make_dataset(
        examples, batch_size=args.batch_size, shuffle=True, seed=0, bucket_boundaries="auto", label_key="tags"
    )
    streamed = shard_dataset(shard, batch_size=args.batch_size, shuffle=True, seed=0, label_key="tags")
    print(f"{len(examples):,} sentences; shard written in {write_seconds:.1f} s")
    for epoch in range(1, args.epochs + 1):
        (old, old_batches), (new, new_batches) = seconds_per_epoch(in_memory), seconds_per_epoch(streamed)
        print(
            f"epoch {epoch}: in-memory generator {old:.2f} s ({old_batches} batches), "
            f"shard {new:.2f} s ({new_batches} batches): shard is {old / new:.2f}x as fast"
        )


if __name__ == "__main__":
    main()
