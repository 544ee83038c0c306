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
- For every task, with the first seed's model: real-time factor (processing seconds per second of audio) of
  `predict` in-process and through the exported SavedModel (`tf.saved_model.load`, greedy), batch 16.

Every task is trained once per `--seeds` (default 0 1 2; runs in `--out/{fsdd,connected,yesno}/seed-{seed}`);
the majority baseline and the data (connected-digit utterances included) are made once. Printed: one line per
task and seed, then per task the WER, CER and exact-match mean ± sample std with the per-seed values (beside the
majority baseline's WER on FSDD) and the mean training time. `report.json` holds per task `seeds`, `runs` (each
seed's figures and time), `wer` / `cer` / `exact` / `train_seconds` as `{"mean", "std", "values"}`, `count`,
`rtf` and `rtf_export` (first seed), and on FSDD `majority_baseline_wer`.

Measured (2026-12, 2 CPU cores shared with other jobs, one seed): FSDD WER 0.100 / CER 0.063 (majority baseline
WER 0.900), 763 s; connected digits WER 0.073 / CER 0.043, exact 0.795, 3,778 s; real-time factor 0.004-0.037
in-process, 0.004-0.011 through the SavedModel. Each further seed adds about its task's training time.
Yes/no, seeds 0 1 2 (2026-12-07): WER 0.000 / CER 0.000 on every seed, 652 / 595 / 325 s (the first two beside
another job), early stopping at epochs 67 / 73 / 46 of the 150 that the default `min_steps` 300 allows at 2
batches an epoch (25 clips, batch 16). Before `min_steps`, 30 epochs (60 updates, the validation loss still
falling) gave WER 0.625 / 0.333 / 1.000; an earlier unseeded run had given 0.000 (that code, aa309c4, with seed 0:
0.854).

Usage:
    python benchmarks/speech_quality.py --fsdd ../shared/data/speech/fsdd --connected \\
        --yesno ../shared/data/speech/yesno --seeds 0 1 2 --out /tmp/speech-bench
    # further seeds of the connected-digit task alone (the FSDD fits skipped; the same utterances are made):
    python benchmarks/speech_quality.py --fsdd ../shared/data/speech/fsdd --connected --skip-fsdd \\
        --seeds 1 2 --out /tmp/speech-connected
"""

import argparse
import collections
import csv
import json
import os
import pathlib
import time

import numpy as np
from seeds import format_mean_std, seed_summary  # benchmarks/seeds.py (this folder is on sys.path)

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


def train(name, train_manifest, valid_manifest, out, seed, timing=False, resume=False, **options):
    """One seeded fit into `out/name/seed-{seed}` (with `resume`, continued from its last checkpoint); with
    `timing`, its real-time factors too."""
    from seqkit.apps import speech

    run_dir = out / name / f"seed-{seed}"
    started = time.perf_counter()
    result = speech.fit(data=str(train_manifest), valid=str(valid_manifest), out=str(run_dir),
                        training_overrides={"verbose": 0, "seed": seed, "resume": resume}, **options)
    seconds = time.perf_counter() - started
    metrics = result.metrics
    run = {"seed": seed, "wer": metrics["wer"], "cer": metrics["cer"], "exact": metrics["exact"],
           "count": metrics["count"], "train_seconds": seconds, "run_dir": str(run_dir)}
    line = (f"  {name}, seed {seed}: WER {metrics['wer']:.4f}, CER {metrics['cer']:.4f}, exact {metrics['exact']:.4f} "
            f"({metrics['count']} utterances); training {seconds:.0f} s")
    if timing:
        run["rtf"], run["rtf_export"] = real_time_factors(run_dir, valid_manifest, run_dir)
        line += f"; real-time factor {run['rtf']:.4f} in-process, {run['rtf_export']:.4f} through the SavedModel"
    print(line, flush=True)
    return run


def train_seeds(name, train_manifest, valid_manifest, out, seeds, baseline_wer=None, **options):
    """`train` once per seed (real-time factors of the first); the summary over the seeds, printed."""
    runs = [train(name, train_manifest, valid_manifest, out, seed, timing=index == 0, **options)
            for index, seed in enumerate(seeds)]
    report = {"seeds": list(seeds), "runs": runs,
              **{key: seed_summary([run[key] for run in runs]) for key in ("wer", "cer", "exact", "train_seconds")},
              "count": runs[0]["count"], "rtf": runs[0]["rtf"], "rtf_export": runs[0]["rtf_export"]}
    beside = "" if baseline_wer is None else f"   (majority-digit baseline WER {baseline_wer:.4f})"
    print(f"\n== {name}: {len(runs)} seed(s) ({', '.join(map(str, seeds))}), mean ± sample std (per seed), "
          f"{runs[0]['count']} utterances")
    print(f"  WER   {format_mean_std([run['wer'] for run in runs], digits=4)}{beside}")
    print(f"  CER   {format_mean_std([run['cer'] for run in runs], digits=4)}")
    print(f"  exact {format_mean_std([run['exact'] for run in runs], digits=4)}")
    print(f"  training {report['train_seconds']['mean']:.0f} s per seed; real-time factor (seed {seeds[0]}) "
          f"{report['rtf']:.4f} in-process, {report['rtf_export']:.4f} through the SavedModel", flush=True)
    return report


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fsdd", type=pathlib.Path)
    parser.add_argument("--connected", action="store_true")
    parser.add_argument("--yesno", type=pathlib.Path)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2], help="One fit per seed (default: 0 1 2).")
    parser.add_argument("--out", type=pathlib.Path, required=True)
    parser.add_argument("--resume", action="store_true",
                        help="Continue each run in --out from its last checkpoint (a missing run starts afresh); "
                             "the training time printed is then that of the resumed part only.")
    parser.add_argument("--skip-fsdd", action="store_true",
                        help="With --fsdd --connected: train only the connected-digit task (e.g. further seeds).")
    args = parser.parse_args()
    if args.skip_fsdd and not (args.fsdd and args.connected):
        parser.error("--skip-fsdd needs --fsdd and --connected.")
    args.out.mkdir(parents=True, exist_ok=True)
    report = {}
    if args.fsdd:
        manifests, rows = fsdd_splits(args.fsdd, args.out)
        counts = collections.Counter(word for _, word in rows["train"])
        majority = counts.most_common(1)[0][0]
        baseline = 1 - sum(word == majority for _, word in rows["valid"]) / len(rows["valid"])
        print(f"FSDD: {len(rows['train'])} training / {len(rows['valid'])} validation clips; "
              f"majority-digit baseline WER {baseline:.4f}")
        if not args.skip_fsdd:
            report["fsdd"] = train_seeds("fsdd", manifests["train"], manifests["valid"], args.out, args.seeds,
                                         resume=args.resume, baseline_wer=baseline)
            report["fsdd"]["majority_baseline_wer"] = baseline
        if args.connected:
            train_manifest = connected_digits(rows, args.out, "train", 1500, seed=1)
            valid_manifest = connected_digits(rows, args.out, "valid", 200, seed=2)
            report["connected"] = train_seeds("connected", train_manifest, valid_manifest, args.out, args.seeds,
                                              resume=args.resume)
    if args.yesno:
        with open(args.yesno / "train" / "manifest.csv", encoding="utf-8") as handle:
            rows = sorted((str((args.yesno / "train" / r["path"]).resolve()), r["transcript"])
                          for r in csv.DictReader(handle))
        train_manifest = write_manifest(args.out / "yesno" / "train.csv", rows[:25])
        valid_manifest = write_manifest(args.out / "yesno" / "valid.csv", rows[25:])
        report["yesno"] = train_seeds("yesno", train_manifest, valid_manifest, args.out, args.seeds,
                                      resume=args.resume)
    (args.out / "report.json").write_text(json.dumps(report, indent=2))
    print(f"\nreport: {args.out / 'report.json'}")


if __name__ == "__main__":
    main()
