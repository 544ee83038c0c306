"""Speech recognition quality and speed: `seqkit speech fit` defaults on real recordings, in one run.

Data paths are arguments; manifests are written to `--out` (absolute paths to the recordings):

- `--fsdd DIR` (FSDD `train/`, 8 kHz clips `{digit}_{speaker}_{index}.wav`, indices 5-49 here): trains on
  indices 10-49 and validates on indices 5-9 of every speaker (the set itself keeps 0-4 as its test split).
  Reports WER (= digit error rate: one word per clip) and CER, and the training time. A majority-class
  baseline (always the most frequent digit) is printed beside it.
- `--connected`: with `--fsdd`, utterances of 2-7 digits made by concatenating recordings of one speaker with
  random pauses of 0.1-0.4 s (training utterances from the training indices only, validation ones from the
  validation indices only): the task where CTC must segment. Reports WER and CER.
- `--yesno DIR` (`train/manifest.csv`, 31 clips of 8 words): trains on 25 clips and scores the last 6 (sorted
  by name), which training never sees.
- For every trained model: real-time factor (processing seconds per second of audio) of `predict` in-process
  and through the exported SavedModel (`tf.saved_model.load`, greedy), batch 16.

Measured (2026-12, 2 CPU cores shared with other jobs, one seed): FSDD WER 0.100 / CER 0.063 (majority baseline
WER 0.900), 763 s; connected digits WER 0.073 / CER 0.043, exact 0.795, 3,778 s; yes/no WER 0.000 on the 6 held-out
clips, 289 s; real-time factor 0.004-0.037 in-process, 0.004-0.011 through the SavedModel.

Usage:
    python benchmarks/speech_quality.py --fsdd ../shared/data/speech/fsdd --connected \\
        --yesno ../shared/data/speech/yesno --out /tmp/speech-bench
"""

import argparse
import collections
import csv
import json
import os
import pathlib
import time

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def write_manifest(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["path", "transcript"])
        writer.writerows(rows)
    return path


def fsdd_splits(folder, out):
    from seqkit.data.audio.manifests import name_fields

    digits = "zero one two three four five six seven eight nine".split()
    rows = {"train": [], "valid": []}
    for path in sorted((folder / "train").glob("*.wav")):
        digit, _, index = name_fields(path)
        rows["valid" if int(index) < 10 else "train"].append((str(path.resolve()), digits[int(digit)]))
    return {split: write_manifest(out / "fsdd" / f"{split}.csv", r) for split, r in rows.items()}, rows


def connected_digits(rows, out, split, count, seed):
    """`count` utterances of 2-7 digits, each from one speaker's recordings of `split`."""
    from seqkit.data.audio.waveforms import read_audio, write_wav

    rng = np.random.default_rng(seed)
    by_speaker = collections.defaultdict(list)
    for path, word in rows[split]:
        by_speaker[pathlib.Path(path).stem.split("_")[1]].append((path, word))
    speakers = sorted(by_speaker)
    folder = out / "connected" / split
    manifest = []
    cache = {}
    for i in range(count):
        clips = by_speaker[speakers[rng.integers(len(speakers))]]
        chosen = [clips[j] for j in rng.integers(len(clips), size=int(rng.integers(2, 8)))]
        parts = [np.zeros(int(rng.uniform(0.1, 0.3) * 16000), np.float32)]
        for path, _ in chosen:
            if path not in cache:
                cache[path] = read_audio(path)
            parts += [cache[path], np.zeros(int(rng.uniform(0.1, 0.4) * 16000), np.float32)]
        name = folder / f"utt{i:05d}.wav"
        write_wav(name, np.concatenate(parts), 16000)
        manifest.append((str(name), " ".join(word for _, word in chosen)))
    return write_manifest(folder / "manifest.csv", manifest)


def real_time_factors(run_dir, manifest, out):
    """`(in-process, SavedModel)` processing seconds per second of audio, greedy, batch 16."""
    import tensorflow as tf

    from seqkit.apps import speech
    from seqkit.data.audio.manifests import iter_utterances

    recognizer = speech.load(run_dir)
    waveforms = [recognizer.vectorizer.waveform(u.path) for u in iter_utterances(manifest)]
    audio_seconds = sum(len(w) for w in waveforms) / 16000
    recognizer.transcribe_waveforms(waveforms[:16])  # trace
    started = time.perf_counter()
    recognizer.transcribe_waveforms(waveforms)
    in_process = (time.perf_counter() - started) / audio_seconds
    export = recognizer.export(str(out / "saved_models"))
    served = tf.saved_model.load(str(export)).signatures["serving_default"]
    batches = []
    for begin in range(0, len(waveforms), 16):
        chunk = waveforms[begin : begin + 16]
        lengths = np.asarray([len(w) for w in chunk], np.int32)
        batch = np.zeros((len(chunk), lengths.max()), np.float32)
        for row, w in enumerate(chunk):
            batch[row, : len(w)] = w
        batches.append((tf.constant(batch), tf.constant(lengths)))
    served(waveforms=batches[0][0], lengths=batches[0][1])
    started = time.perf_counter()
    for batch, lengths in batches:
        served(waveforms=batch, lengths=lengths)
    exported = (time.perf_counter() - started) / audio_seconds
    return in_process, exported


def train(name, train_manifest, valid_manifest, out, **options):
    from seqkit.apps import speech

    started = time.perf_counter()
    result = speech.fit(data=str(train_manifest), valid=str(valid_manifest), out=str(out / name),
                        training_overrides={"verbose": 0}, **options)
    seconds = time.perf_counter() - started
    metrics = result.metrics
    rtf, rtf_export = real_time_factors(out / name, valid_manifest, out / name)
    print(f"\n== {name}: WER {metrics['wer']:.4f}, CER {metrics['cer']:.4f}, exact {metrics['exact']:.4f} "
          f"({metrics['count']} utterances); training {seconds:.0f} s; real-time factor {rtf:.4f} in-process, "
          f"{rtf_export:.4f} through the SavedModel")
    return {"wer": metrics["wer"], "cer": metrics["cer"], "exact": metrics["exact"], "count": metrics["count"],
            "train_seconds": seconds, "rtf": rtf, "rtf_export": rtf_export}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fsdd", type=pathlib.Path)
    parser.add_argument("--connected", action="store_true")
    parser.add_argument("--yesno", type=pathlib.Path)
    parser.add_argument("--out", type=pathlib.Path, required=True)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    report = {}
    if args.fsdd:
        manifests, rows = fsdd_splits(args.fsdd, args.out)
        counts = collections.Counter(word for _, word in rows["train"])
        majority = counts.most_common(1)[0][0]
        baseline = 1 - sum(word == majority for _, word in rows["valid"]) / len(rows["valid"])
        print(f"FSDD: {len(rows['train'])} training / {len(rows['valid'])} validation clips; "
              f"majority-digit baseline WER {baseline:.4f}")
        report["fsdd"] = train("fsdd", manifests["train"], manifests["valid"], args.out)
        report["fsdd"]["majority_baseline_wer"] = baseline
        if args.connected:
            train_manifest = connected_digits(rows, args.out, "train", 1500, seed=1)
            valid_manifest = connected_digits(rows, args.out, "valid", 200, seed=2)
            report["connected"] = train("connected", train_manifest, valid_manifest, args.out)
    if args.yesno:
        with open(args.yesno / "train" / "manifest.csv", encoding="utf-8") as handle:
            rows = sorted((str((args.yesno / "train" / r["path"]).resolve()), r["transcript"])
                          for r in csv.DictReader(handle))
        train_manifest = write_manifest(args.out / "yesno" / "train.csv", rows[:25])
        valid_manifest = write_manifest(args.out / "yesno" / "valid.csv", rows[25:])
        report["yesno"] = train("yesno", train_manifest, valid_manifest, args.out)
    (args.out / "report.json").write_text(json.dumps(report, indent=2))
    print(f"\nreport: {args.out / 'report.json'}")


if __name__ == "__main__":
    main()
