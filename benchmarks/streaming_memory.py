"""Streaming memory: does the peak memory of `seqkit <app> fit` grow with the size of the training data?

For every application asked (`--apps`, default `ner,sentiment,lm`) and given a training and a validation file:

1. Writes into a temporary directory a 1x copy of the training file and a `--factor` times (default 10)
   concatenation of it, in the file's own format: CoNLL files are concatenated with a blank line between copies,
   CSV/TSV tables keep one header row, plain text is concatenated line for line.
2. Runs `seqkit <app> fit --data COPY --valid VALID --out TMP/run-<app>-<k>x --preset tiny --epochs 1 --seed 0
   --quiet` on each copy in a fresh subprocess (`--repeat` times, interleaved), and measures the subprocess's own
   peak resident set size (`ru_maxrss` from `os.wait4`), its wall-clock time and its exit status.
3. Prints, per application, the peak RSS of the 1x and the Kx run (median over the repeats), their ratio, the wall
   seconds of each, the training examples each run reports in its run directory's `config.json` (`data` keys
   `train_*s`, e.g. `train_sentences`) and PASS/FAIL against `--max-ratio` (default 1.3, the target: a `fit`
   that streams its data, as opposed to holding every example in memory, stays within it).

Both runs of an application share the same validation file, model, vocabulary limits and preset, so the ratio
isolates what grows with the training data. The peak RSS includes the fixed cost of importing TensorFlow
(several hundred MiB), so a ratio near 1 needs the data-dependent part to be small, not absent; the growth in MiB
is printed too. Exit status: 0 when every measured application passes, 1 when a ratio exceeds `--max-ratio` or a
run fails (its stderr tail is printed), 2 for argument errors.

Usage (from the repository root; SST-5 has the columns `text,stars`, as has Alexa in ../shared/data/sentiment/alexa):
    python benchmarks/streaming_memory.py \\
        --ner-train ../shared/data/ner/train.txt --ner-valid ../shared/data/ner/valid.txt \\
        --sentiment-train ../shared/data/sentiment/sst5/train.csv \\
        --sentiment-valid ../shared/data/sentiment/sst5/valid.csv --text-column text --label-column stars \\
        --lm-train ../shared/data/lm/train.txt --lm-valid ../shared/data/lm/valid.txt --lm-level char

A quick check on the embedded corpora:
    python benchmarks/streaming_memory.py --factor 2 \\
        --ner-train apps/ner/data/train.txt --ner-valid apps/ner/data/valid.txt \\
        --sentiment-train apps/sentiment/data/train.csv --sentiment-valid apps/sentiment/data/valid.csv \\
        --lm-train apps/lm/data/train.txt --lm-valid apps/lm/data/valid.txt
"""

import argparse
import dataclasses
import json
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

APPS = ("ner", "sentiment", "lm")
TABLE_SUFFIXES = (".csv", ".tsv")
STDERR_TAIL_LINES = 30


@dataclasses.dataclass
class Measurement:
    """One `fit` subprocess: its peak RSS, wall time, exit status and the training sizes it reported."""

    factor: int
    peak_rss_mib: float
    wall_seconds: float
    returncode: int
    train_counts: dict
    stderr_tail: str = ""

    @property
    def ok(self):
        return self.returncode == 0


# --- Scaled copies of the training file ----------------------------------------------------------------------


def file_kind(app, path):
    """How a training file is concatenated: `"table"` (one header row), `"conll"` (blank line between copies) or
    `"text"`."""
    if pathlib.Path(path).suffix.lower() in TABLE_SUFFIXES:
        return "table"
    return "conll" if app == "ner" else "text"


def _with_final_newline(data):
    return data if not data or data.endswith(b"\n") else data + b"\n"


def concatenated(data, kind, factor):
    """The bytes of `factor` copies of the file content `data`, joined as valid data of the same `kind`."""
    if kind == "table":
        header, newline, body = data.partition(b"\n")
        return header + newline + _with_final_newline(body) * factor
    body = _with_final_newline(data)
    if kind == "conll":
        body = body.rstrip(b"\r\n") + b"\n"
        return b"\n".join([body] * factor)  # each copy ends with "\n": joining adds the blank line
    return body * factor


def write_copy(source, directory, app, factor):
    """Write `factor` copies of `source` into `directory` (keeping its suffix) and return the new path."""
    source = pathlib.Path(source)
    target = pathlib.Path(directory, f"{app}-train-{factor}x{source.suffix}")
    target.write_bytes(concatenated(source.read_bytes(), file_kind(app, source), factor))
    return target


# --- Running and measuring one fit -----------------------------------------------------------------------------


def seqkit_command():
    """The argv prefix that runs the `seqkit` CLI: the installed script, else this interpreter on its entry point
    (`seqkit/cli/main.py` has no `__main__` block, so `python -m seqkit.cli.main` would do nothing)."""
    script = pathlib.Path(sys.executable).with_name("seqkit")
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    found = shutil.which("seqkit")
    if found:
        return [found]
    return [sys.executable, "-c", "import sys; from seqkit.cli.main import main; sys.exit(main())"]


def fit_command(app, data, valid, out, args):
    """The `seqkit <app> fit` argv for one measurement."""
    command = seqkit_command() + [app, "fit", "--data", str(data), "--valid", str(valid), "--out", str(out)]
    command += ["--preset", args.preset, "--epochs", "1", "--seed", str(args.seed), "--quiet"]
    if app == "sentiment":
        if args.text_column:
            command += ["--text-column", args.text_column]
        if args.label_column:
            command += ["--label-column", args.label_column]
    if app == "lm":
        command += ["--level", args.lm_level]
    return command


def maxrss_mib(rusage):
    """`ru_maxrss` in MiB: kilobytes on Linux, bytes on macOS."""
    scale = 1 if sys.platform == "darwin" else 1024
    return rusage.ru_maxrss * scale / 2**20


def run_measured(command, log_dir, timeout):
    """Run `command` as a child process and return `(peak_rss_mib, wall_seconds, returncode, stderr_tail)`.

    `os.wait4` reports the child's own resource usage (unlike `RUSAGE_CHILDREN`, which accumulates every child this
    process ever waited for). Output goes to files, so a chatty child cannot block on a full pipe.
    """
    env = dict(os.environ)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("KERAS_BACKEND", "tensorflow")
    stdout_path, stderr_path = pathlib.Path(log_dir, "stdout.log"), pathlib.Path(log_dir, "stderr.log")
    with open(stdout_path, "wb") as stdout, open(stderr_path, "wb") as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr, env=env)
        killer = threading.Timer(timeout, process.kill) if timeout else None
        if killer:
            killer.start()
        try:
            _pid, status, rusage = os.wait4(process.pid, 0)
        finally:
            if killer:
                killer.cancel()
        wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped here; keeps Popen from waiting again
    tail = ""
    if process.returncode != 0:
        lines = stderr_path.read_text(errors="replace").splitlines()
        tail = "\n".join(lines[-STDERR_TAIL_LINES:])
    return maxrss_mib(rusage), wall, process.returncode, tail


def train_counts(run_dir):
    """The training sizes a run recorded: `config.json` `data` keys starting with `train_` and ending in `s`."""
    path = pathlib.Path(run_dir, "config.json")
    if not path.is_file():
        return {}
    data = json.loads(path.read_text()).get("data", {})
    return {
        key[len("train_") :]: value
        for key, value in data.items()
        if key.startswith("train_") and key.endswith("s") and isinstance(value, (int, float))
    }


def measure(app, data, valid, workdir, factor, args):
    """One `fit` on `data` in a fresh run directory `workdir/run-<app>-<factor>x`."""
    out = pathlib.Path(workdir, f"run-{app}-{factor}x")
    shutil.rmtree(out, ignore_errors=True)
    log_dir = pathlib.Path(workdir, f"logs-{app}-{factor}x")
    log_dir.mkdir(exist_ok=True)
    command = fit_command(app, data, valid, out, args)
    rss, wall, returncode, tail = run_measured(command, log_dir, args.timeout)
    return Measurement(factor, rss, wall, returncode, train_counts(out), tail)


# --- Per-application comparison --------------------------------------------------------------------------------


def median_of(measurements, attribute):
    return statistics.median(getattr(m, attribute) for m in measurements)


def log(message):
    print(message, file=sys.stderr, flush=True)


def report_failure(app, measurement):
    log(f"[{app}] {measurement.factor}x fit failed with exit status {measurement.returncode}; stderr tail:")
    log("    " + (measurement.stderr_tail or "(empty)").replace("\n", "\n    "))


def compare_app(app, train, valid, workdir, args):
    """Measure `app` on the 1x and the `--factor`x copy; return one result row (a dict)."""
    factors = (1, args.factor)
    copies = {factor: write_copy(train, workdir, app, factor) for factor in factors}
    runs = {factor: [] for factor in factors}
    for repeat in range(args.repeat):
        for factor in factors:
            log(f"[{app}] fit on {factor}x ({copies[factor].stat().st_size / 2**20:.1f} MiB), "
                f"run {repeat + 1}/{args.repeat} ...")
            measurement = measure(app, copies[factor], valid, workdir, factor, args)
            log(f"[{app}] {factor}x: peak RSS {measurement.peak_rss_mib:.0f} MiB, "
                f"{measurement.wall_seconds:.1f} s, exit status {measurement.returncode}")
            runs[factor].append(measurement)
            if not measurement.ok:
                report_failure(app, measurement)
                return failed_row(app, factors, runs)
    return result_row(app, factors, runs, args.max_ratio)


def failed_row(app, factors, runs):
    return {
        "app": app, "factor": factors[-1], "status": "FAIL", "error": "fit failed",
        "returncodes": {f"{f}x": [m.returncode for m in runs[f]] for f in factors},
    }


def result_row(app, factors, runs, max_ratio):
    small, large = factors
    rss = {f: median_of(runs[f], "peak_rss_mib") for f in factors}
    wall = {f: median_of(runs[f], "wall_seconds") for f in factors}
    ratio = rss[large] / rss[small]
    counts = {f: runs[f][-1].train_counts for f in factors}
    row = {
        "app": app,
        "factor": large,
        "peak_rss_mib_1x": round(rss[small], 1),
        f"peak_rss_mib_{large}x": round(rss[large], 1),
        "rss_ratio": round(ratio, 3),
        "rss_growth_mib": round(rss[large] - rss[small], 1),
        "wall_seconds_1x": round(wall[small], 1),
        f"wall_seconds_{large}x": round(wall[large], 1),
        "train_1x": counts[small],
        f"train_{large}x": counts[large],
        "max_ratio": max_ratio,
        "status": "PASS" if ratio <= max_ratio else "FAIL",
    }
    warn_if_not_scaled(app, counts[small], counts[large], large)
    return row


def warn_if_not_scaled(app, small, large, factor):
    """A sanity check: the Kx copy should give about K times the training examples."""
    for key, value in small.items():
        if value and key in large and abs(large[key] / value - factor) > 0.05 * factor:
            log(f"[{app}] warning: train_{key} is {large[key]} on {factor}x against {value} on 1x "
                f"(expected about {factor * value})")


# --- Output ---------------------------------------------------------------------------------------------------


def format_counts(counts):
    return ", ".join(f"{value:,} {key}" for key, value in counts.items()) or "?"


def print_table(rows):
    factor = rows[0]["factor"] if rows else 10
    header = ["app", "1x RSS MiB", f"{factor}x RSS MiB", "ratio", "growth MiB", "1x s", f"{factor}x s",
              "1x train", f"{factor}x train", "result"]
    table = [header]
    for row in rows:
        if "rss_ratio" not in row:
            table.append([row["app"], "-", "-", "-", "-", "-", "-", "-", "-", f"{row['status']} ({row['error']})"])
            continue
        k = row["factor"]
        table.append([
            row["app"],
            f"{row['peak_rss_mib_1x']:.0f}",
            f"{row[f'peak_rss_mib_{k}x']:.0f}",
            f"{row['rss_ratio']:.2f}",
            f"{row['rss_growth_mib']:+.0f}",
            f"{row['wall_seconds_1x']:.1f}",
            f"{row[f'wall_seconds_{k}x']:.1f}",
            format_counts(row["train_1x"]),
            format_counts(row[f"train_{k}x"]),
            f"{row['status']} (max {row['max_ratio']})",
        ])
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    for line in table:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip())


# --- Command line ---------------------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--apps", default=",".join(APPS), help="Comma-separated applications (default: all).")
    for app in APPS:
        parser.add_argument(f"--{app}-train", metavar="PATH", help=f"Training file of `seqkit {app} fit`.")
        parser.add_argument(f"--{app}-valid", metavar="PATH", help=f"Validation file of `seqkit {app} fit`.")
    parser.add_argument("--text-column", default=None, help="sentiment: passed on as --text-column.")
    parser.add_argument("--label-column", default=None, help="sentiment: passed on as --label-column.")
    parser.add_argument("--lm-level", choices=["char", "word"], default="char", help="lm: passed on as --level.")
    parser.add_argument("--factor", type=int, default=10, help="Copies in the large training file (default 10).")
    parser.add_argument("--repeat", type=int, default=1, help="Runs per size; the median RSS is kept (default 1).")
    parser.add_argument("--max-ratio", type=float, default=1.3, help="Largest passing RSS ratio (default 1.3).")
    parser.add_argument("--preset", default="tiny", help="Preset of every fit (default tiny).")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=None, help="Seconds before a fit is killed (default none).")
    parser.add_argument("--keep", action="store_true", help="Keep the temporary directory and print its path.")
    parser.add_argument("--json", action="store_true", help="Print the rows as JSON instead of a table.")
    args = parser.parse_args(argv)
    args.apps = [app.strip() for app in args.apps.split(",") if app.strip()]
    unknown = sorted(set(args.apps) - set(APPS))
    if unknown:
        parser.error(f"unknown application(s) {', '.join(unknown)}; choose from {', '.join(APPS)}")
    if args.factor < 2:
        parser.error(f"`--factor` must be an integer of at least 2. Received: factor={args.factor}")
    if args.repeat < 1:
        parser.error(f"`--repeat` must be a positive integer. Received: repeat={args.repeat}")
    if args.max_ratio <= 0:
        parser.error(f"`--max-ratio` must be positive. Received: max_ratio={args.max_ratio}")
    args.inputs = selected_inputs(parser, args)
    return args


def selected_inputs(parser, args):
    """`{app: (train, valid)}` for the asked applications whose two files are given; others are skipped."""
    inputs = {}
    for app in args.apps:
        train, valid = getattr(args, f"{app}_train"), getattr(args, f"{app}_valid")
        if not train and not valid:
            log(f"[{app}] skipped: no --{app}-train/--{app}-valid given")
            continue
        if not (train and valid):
            parser.error(f"--{app}-train and --{app}-valid go together")
        for path in (train, valid):
            if not pathlib.Path(path).is_file():
                parser.error(f"{path}: not a file")
        inputs[app] = (pathlib.Path(train).resolve(), pathlib.Path(valid).resolve())
    if not inputs:
        parser.error("no application to measure: give --<app>-train and --<app>-valid")
    return inputs


def main(argv=None):
    args = parse_args(argv)
    workdir = tempfile.mkdtemp(prefix="streaming-memory-")
    try:
        rows = [compare_app(app, train, valid, workdir, args) for app, (train, valid) in args.inputs.items()]
    finally:
        if args.keep:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        print_table(rows)
    return 0 if all(row["status"] == "PASS" for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
