"""Generic verbs (`fit`, `evaluate`, `predict`, `export`) written once and parameterised by an app's spec.

An application describes itself with an `AppSpec` and provides a Python API module with two functions:

- `fit(*, data, valid, dataset, out, overwrite, preset, model_overrides, training_overrides, **app_options)`
  returning an object with `run_dir` and `summary()`;
- `load(model_dir)` returning a predictor with `predict(inputs)`, `evaluate(path, **options)`,
  `export(export_root, version=None)`, `format_prediction(result)` and `format_evaluation(metrics)`.

The API module is imported inside the commands, so `seqkit <app> --help` never imports TensorFlow.
"""

import dataclasses
import importlib
import json
import sys

import click

from seqkit.cli import options
from seqkit.cli.errors import report_errors

MODEL_OPTION_NAMES = ("cell", "units", "num_layers", "bidirectional", "dropout", "implementation")
TRAINING_OPTION_NAMES = (
    "epochs",
    "batch_size",
    "learning_rate",
    "learning_rate_schedule",
    "clipnorm",
    "patience",
    "weight_averaging",
    "seed",
    "resume",
    "checkpoint_every",
    "jit_compile",
    "run_eagerly",
    "precision",
    "strategy",
)


@dataclasses.dataclass
class AppSpec:
    """What the generic verbs need to know about an application.

    Args:
        name: the command name, e.g. `"ner"`.
        help: one paragraph shown by `seqkit <name> --help`.
        api_module: dotted path of the app's Python API module (imported lazily).
        input_name: what `predict` takes, for help texts (e.g. `"SENTENCES"`).
        fit_options: extra Click option decorators for `fit`, passed to `fit` as keyword arguments.
        evaluate_options: extra Click option decorators for `evaluate`.
        predict_verb: name of the prediction verb (`predict`, or e.g. `score`), or None for apps without one.
        evaluate_data_required: whether `evaluate` needs `--data`; when False, the API's `evaluate` gets
            `None` and uses the app's own held-out data.
        extra_commands: the app's own Click commands (`generate`, `sample`, ...).
        data_path_type: the Click type of `--data`/`--valid` (default: an existing file or folder; an app whose
            data may be a prefix of several files, such as `train` for `train.en` and `train.de`, checks paths
            itself).
        per_sentence_with_json: whether `evaluate --json` asks the API's `evaluate` for per-example scores
            (`per_sentence=True`).
        application: the app's `seqkit.application.Application` (its module imports no TensorFlow); its
            presets are the choices of `--preset` and its datasets those of `--dataset` (offered only when it
            has some).
    """

    name: str
    help: str
    api_module: str
    input_name: str = "INPUTS"
    fit_options: tuple = ()
    evaluate_options: tuple = ()
    predict_verb: str = "predict"
    evaluate_data_required: bool = True
    extra_commands: tuple = ()
    data_path_type: object = options.existing_path
    per_sentence_with_json: bool = False
    application: object = None

    @property
    def presets(self):
        return tuple(self.application.presets) if self.application is not None else ("default",)

    @property
    def datasets(self):
        return tuple(self.application.datasets) if self.application is not None else ()

    def api(self):
        return importlib.import_module(self.api_module)


def _split_options(kwargs, names):
    """Remove `names` from `kwargs`; return those that were given (not None)."""
    popped = {name: kwargs.pop(name, None) for name in names}
    return {name: value for name, value in popped.items() if value is not None}


def _emit(value, as_json, formatter):
    if as_json:
        click.echo(json.dumps(value, ensure_ascii=False))
    else:
        click.echo(formatter(value))


def _fit_command(spec):
    @click.command("fit")
    @options.data_options_of(spec.data_path_type, spec.datasets)
    @options.run_output_option
    @options.preset_option_of(spec.presets)
    @options.model_options
    @options.training_options
    @options.compose(*spec.fit_options)
    @report_errors
    def fit(**kwargs):
        """Train a model and write a run directory (model, vocabularies, metrics, logs)."""
        model_overrides = _split_options(kwargs, MODEL_OPTION_NAMES)
        resume = kwargs.pop("resume")
        training_overrides = _split_options(kwargs, TRAINING_OPTION_NAMES)
        if training_overrides.get("jit_compile") and training_overrides.get("run_eagerly"):
            raise click.UsageError("--jit-compile and --run-eagerly cannot be combined (XLA compiles a traced step).")
        training_overrides["resume"] = resume
        training_overrides["verbose"] = 0 if kwargs.pop("quiet") else 1
        if kwargs["out"] is None:
            kwargs["out"] = f"runs/{spec.name}"
        result = spec.api().fit(
            model_overrides=model_overrides, training_overrides=training_overrides, **kwargs
        )
        click.echo(result.summary())

    fit.help = "Train a model and write a run directory (model, vocabularies, metrics, logs)."
    return fit


def _evaluate_command(spec):
    @click.command("evaluate")
    @options.model_dir_option
    @click.option(
        "--data",
        type=spec.data_path_type,
        help="Labelled data to score. Default: the run's validation data, when `fit` had it from a file (--valid)"
        + ("." if spec.evaluate_data_required else " or held it out of the embedded data."),
    )
    @options.json_option
    @options.compose(*spec.evaluate_options)
    @report_errors
    def evaluate(model_dir, data, as_json, **app_options):
        """Score a trained model on labelled data."""
        if data is None:
            data = run_validation_data(model_dir, spec)
        predictor = spec.api().load(model_dir)
        if spec.per_sentence_with_json:
            app_options["per_sentence"] = as_json
        metrics = predictor.evaluate(data, **app_options)
        _emit(metrics, as_json, predictor.format_evaluation)

    return evaluate


def run_validation_data(model_dir, spec):
    """The validation file (or folder, or path prefix) that `fit` recorded in the run's `config.json`.

    None for an app that evaluates its own held-out data (`evaluate_data_required=False`) when there is no such
    file; otherwise a `UserInputError` saying that `--data` is needed and why.
    """
    import glob
    import os

    from seqkit.errors import UserInputError
    from seqkit.export.run_directory import RunDirectory

    config = RunDirectory(model_dir).read_config(app=spec.name)
    valid = config.get("data", {}).get("valid")
    if isinstance(valid, str) and (os.path.exists(valid) or glob.glob(glob.escape(valid) + ".*")):
        click.echo(f"Evaluating on the run's validation data: {valid}", err=True)
        return valid
    if not spec.evaluate_data_required:
        return None
    reason = f"fit validated on {valid}, which is not a file here" if valid else "fit had no validation data"
    raise UserInputError(f"give the data to evaluate with --data ({reason})", path=model_dir)


def read_inputs(arguments, input_file):
    """Inputs for a prediction verb: the arguments, else the lines of `--input FILE`, else standard input.

    Blank lines are skipped. Giving both arguments and `--input`, or nothing on an interactive terminal, is a
    usage error (exit 2). The file (a binary stream) must be UTF-8 text: a line that is not, or binary content,
    is a `UserInputError` naming the file and line.
    """
    if arguments and input_file is not None:
        raise click.UsageError("Give inputs as arguments or with --input, not both.")
    if arguments:
        return list(arguments)
    if input_file is None and sys.stdin.isatty():
        raise click.UsageError("Give inputs as arguments, with --input FILE, or on standard input.")
    stream = input_file if input_file is not None else sys.stdin.buffer
    return text_lines(stream, getattr(stream, "name", "<stdin>"))


def text_lines(stream, name):
    """The non-blank lines of a binary stream of UTF-8 text, without their line ends (a BOM is dropped)."""
    from seqkit.errors import UserInputError

    if not isinstance(name, str) or name in ("<stdin>", "-"):
        name = "<stdin>"
    lines = []
    for number, raw in enumerate(stream, 1):
        if isinstance(raw, str):  # a text stream (stdin replaced by a test runner)
            raw = raw.encode("utf-8")
        if b"\x00" in raw:
            raise UserInputError("binary content (a NUL byte), not text", path=name, line=number)
        try:
            text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as error:
            raise UserInputError(
                f"not UTF-8 text: byte {raw[error.start]:#04x} at column {error.start + 1}", path=name, line=number
            ) from None
        text = text.rstrip("\r\n")
        if text.strip():
            lines.append(text)
    return lines


def _predict_command(spec):
    @click.command(spec.predict_verb)
    @options.model_dir_option
    @click.argument("inputs", nargs=-1, metavar=f"[{spec.input_name}]...")
    @options.input_file_option
    @options.json_option
    @report_errors
    def predict(model_dir, inputs, input_file, as_json):
        """Run a trained model on raw inputs (arguments, --input FILE, or standard input)."""
        texts = read_inputs(inputs, input_file)
        predictor = spec.api().load(model_dir)
        for result in predictor.predict(texts):
            _emit(result, as_json, predictor.format_prediction)

    return predict


def _export_command(spec):
    @click.command("export")
    @options.model_dir_option
    @options.export_options
    @report_errors
    def export(model_dir, export_root, version):
        """Write a SavedModel for TF Serving under <out>/<app>/<version>/."""
        predictor = spec.api().load(model_dir)
        path = predictor.export(export_root, version=version)
        click.echo(f"Exported {spec.name} model to {path}")

    return export


def make_app_group(spec):
    """Build the Click group `seqkit <spec.name>` with the generic verbs and the app's own ones.

    Example:

    >>> spec = AppSpec(name="demo", help="A demo app.", api_module="seqkit.apps.ner.api")
    >>> sorted(make_app_group(spec).commands)
    ['evaluate', 'export', 'fit', 'predict']
    """
    group = click.Group(name=spec.name, help=spec.help)
    group.add_command(_fit_command(spec))
    group.add_command(_evaluate_command(spec))
    if spec.predict_verb:
        group.add_command(_predict_command(spec))
    group.add_command(_export_command(spec))
    for command in spec.extra_commands:
        group.add_command(command)
    return group
