"""`Application`: what one app declares; the shared recipe (`seqkit.application.recipe`) does the rest.

An app subclasses `Application` in one small file (`apps/<app>/application.py`), sets its declarations
(name, presets, options, embedded data, datasets, feature fields, builder) and fills in the hooks the recipe
calls: read a source, build/load/save the vectorizer, encode one example, builder arguments, loss and
metrics, evaluation and the summary. Hooks with a default need no override. No hook parses argv or builds
`tf.data` pipelines: the recipe does.

Example:

>>> class Names(Application):
...     name = "names"
...     presets = {"default": {"model": {}, "data": {}, "training": {}}}
...     options = {"level": Option("char", "`char` or `word`.", kind="data")}
>>> settings = Names().settings("default", {}, {"epochs": 2}, {})
>>> settings.data, settings.training
({'level': 'char'}, {'epochs': 2})
"""

import dataclasses
import inspect

from seqkit.application.sources import EmbeddedData
from seqkit.errors import UserInputError
from seqkit.presets import resolve_preset


@dataclasses.dataclass(frozen=True)
class Option:
    """A keyword argument of an app's `fit`, beyond the shared ones.

    Args:
        default: its default (None: "not given", the preset decides).
        doc: one line for the `fit` docstring.
        kind: where it goes: `"model"` (a builder argument that overrides the preset's), `"data"` (a data
            setting that overrides the preset's), or `"read"` (an option of the app's readers and hooks, kept
            in `Settings.options`).
    """

    default: object = None
    doc: str = ""
    kind: str = "read"


@dataclasses.dataclass
class Settings:
    """Everything `fit` was asked for, resolved against the preset.

    Args:
        preset: the preset's name.
        model: builder arguments.
        data: data settings (vocabulary sizes, tokenizer, ...).
        training: `TrainingConfig` fields.
        options: the app's `"read"` options (file columns, tag scheme, ...).
    """

    preset: str
    model: dict
    data: dict
    training: dict
    options: dict


@dataclasses.dataclass
class FitContext:
    """What the recipe knows while it runs a fit, passed to the app's hooks.

    Args:
        app: the `Application`.
        settings: the `Settings`.
        run: the `RunDirectory` being written.
        config: the `TrainingConfig`.
        train, valid: the `Split`s.
        sources: where the data came from (`config.json`'s `data`).
        vectorizer: what the app built (or loaded on `--resume`) to encode examples.
        counts: `{"train": examples, "valid": examples}` after encoding.
        builder_arguments: the builder's keyword arguments, once known.
        model: the Keras model, once built (for metrics that need it, such as a CRF's decoding).
        extras: the app's own facts, to keep between hooks (label counts, skipped files, ...).
    """

    app: object
    settings: Settings
    run: object
    config: object
    train: object
    valid: object
    sources: dict
    vectorizer: object = None
    counts: dict = dataclasses.field(default_factory=dict)
    builder_arguments: dict = dataclasses.field(default_factory=dict)
    model: object = None
    extras: dict = dataclasses.field(default_factory=dict)


class Application:
    """Base class of an application's declaration. Subclasses set the attributes and override the hooks.

    Attributes:
        name: the app's name (`seqkit <name>`, `saved_models/<name>/`, `config.json`'s `app`).
        presets: `{name: {"model": {...}, "data": {...}, "training": {...}}}`.
        options: `{keyword: Option}`: the app's own `fit` keyword arguments.
        example_unit: what one raw example is called (`"sentence"`): `config.json` counts
            `train_<unit>s`/`valid_<unit>s`, and messages use it.
        feature_keys: the encoded fields that are model inputs (missing ones are left out).
        label_key: the encoded field that is the target.
        single_input: whether the model takes the one feature as a plain tensor rather than a dict.
        datasets: the standard datasets `--dataset` knows (see `dataset_sources`).
        embedded: the `EmbeddedData` used without `--data` (see `embedded_data`).
        byte_fields: encoded fields of 0..255 values stored as bytes and fed as `uint8` (video frames).
        shuffle_buffer: examples in the training shuffle buffer (fewer for large examples such as clips).
        resume_may_change: the app options that `fit --resume` may change; any other option, model or data
            setting that differs from the run's `config.json` is refused (`seqkit.application.resume`).
    """

    name = None
    presets = {}
    options = {}
    example_unit = "example"
    feature_keys = ("token_ids",)
    label_key = "labels"
    single_input = False
    datasets = {}
    embedded = None
    byte_fields = ()
    shuffle_buffer = 10_000
    resume_may_change = ("skip_bad_rows", "feature_cache")

    # === Settings ===

    def preset_for(self, preset, *, data=None, dataset=None):
        """The preset to use when `preset` was asked for with this data (e.g. the embedded data's own preset
        in place of `"default"`); `preset` itself by default."""
        return preset

    def settings(self, preset, model_overrides, training_overrides, options):
        """Resolve the preset with the explicit options (`None` = not given) into `Settings`."""
        unknown = sorted(set(options) - set(self.options))
        if unknown:
            raise TypeError(f"`fit` of {self.name!r} got unknown options {unknown}")
        given = {key: options.get(key, option.default) for key, option in self.options.items()}
        by_kind = {
            kind: {key: value for key, value in given.items() if self.options[key].kind == kind}
            for kind in ("model", "data", "read")
        }
        # An app option left out (None) must not erase the same key given in `model_overrides`.
        by_kind["model"] = {key: value for key, value in by_kind["model"].items() if value is not None}
        model, data, training = resolve_preset(
            self.presets,
            preset,
            {**(model_overrides or {}), **by_kind["model"]},
            training_overrides,
            by_kind["data"],
        )
        return Settings(preset, model, data, training, by_kind["read"])

    def check_settings(self, settings):
        """Raise `UserInputError` for settings that cannot work, before any file is read."""

    # === Data ===

    def read(self, source, settings, **options):
        """An iterable of raw examples (and `Skipped` items) of one source, read as a stream.

        Args:
            source: a path given by the user, or the app's embedded or dataset source.
            settings: the `Settings`.
            **options: read options of a standard dataset (from `dataset_sources`).
        """
        raise NotImplementedError(f"{type(self).__name__} must implement `read`")

    def split_read_options(self, settings, split):
        """Read options of one split (`"train"` or `"valid"`) passed to `read`, e.g. the annotation file that
        goes with each split's sequences; none by default."""
        return {}

    def embedded_data(self, settings):
        """The `EmbeddedData` used without `--data`."""
        if self.embedded is None:
            raise UserInputError(f"`seqkit {self.name}` has no embedded data: give --data")
        return self.embedded

    def dataset_sources(self, name, settings):
        """`{"train": source, "valid": source or None, "test": path or None, "options": read options}` of a
        standard dataset, downloaded and cached on first use (`seqkit.data.downloads`)."""
        if name not in self.datasets:
            known = ", ".join(sorted(self.datasets)) or "none"
            raise UserInputError(f"unknown dataset {name!r} for `seqkit {self.name}`; known datasets: {known}")
        from seqkit.data.downloads import dataset_files

        spec = self.datasets[name]
        paths = dataset_files(name)
        return {
            "train": paths["train"],
            "valid": paths.get(spec.get("valid_split", "validation")),
            "test": paths.get("test"),
            "options": spec.get("options", {}),
        }

    def held_out(self, settings):
        """A rule `example -> bool` choosing the examples held out for validation, or None for a seeded
        random tenth."""
        return None

    # === Vectorizer ===

    def build_vectorizer(self, context, examples):
        """Learn what encodes examples (vocabularies, labels) from one pass over the training examples."""
        raise NotImplementedError(f"{type(self).__name__} must implement `build_vectorizer`")

    def save_vectorizer(self, context):
        """Write the vectorizer's plain files into the run directory."""

    def load_vectorizer(self, run, config):
        """The vectorizer of a run directory (for `--resume`); `config` is its `config.json`."""
        raise NotImplementedError(f"{type(self).__name__} must implement `load_vectorizer`")

    def encode(self, context, example, split):
        """The encoded examples (dicts of arrays) of one raw example of `split`; may yield `Skipped`."""
        raise NotImplementedError(f"{type(self).__name__} must implement `encode`")

    def encode_or_skip(self, context, example, encode):
        """Yield `encode(example)`; with the `skip_bad_rows` option, a `Skipped` item in place of an example
        whose encoding raised `UserInputError` (an undecodable clip, an unknown label)."""
        from seqkit.application.sources import Skipped

        try:
            yield encode(example)
        except UserInputError as error:
            if not context.settings.options.get("skip_bad_rows"):
                raise
            yield Skipped(error.path or getattr(example, "source", None), error.line, error.problem)

    def finish_encoding(self, context, split):
        """More encoded examples of `split`, written after all of `encode`'s (e.g. windows of a whole stream);
        none by default."""
        return ()

    def ordered_batches(self, context):
        """Whether batches keep the encoded order, unshuffled, unbucketed and all full (row `s` of each batch
        continuing row `s` of the previous one, for a model that carries its state); False by default."""
        return False

    def length_key(self, context):
        """The encoded field whose length buckets batches (the first feature by default)."""
        return self.feature_keys[0]

    def class_weights(self, context):
        """Per-class weights of the training examples (an array indexed by label id), or None."""
        return None

    # === Run directory ===

    def data_summary(self, context):
        """The app's own facts about the data, added to `config.json`'s `data` (and `FitResult.data`)."""
        return {}

    def config_entries(self, context):
        """The app's own entries of `config.json` (what its predictor reads back)."""
        return {}

    def write_assets(self, context):
        """Write the app's other files into the run directory (after encoding, before training)."""

    # === Model ===

    builder = None
    """Dotted name of the task builder (e.g. `"seqkit.tasks.sequence_tagger"`), called with `builder_arguments`;
    a name, so that declaring an app imports no TensorFlow."""

    def builder_arguments(self, context):
        """The builder's keyword arguments: sizes from the vectorizer and the preset's model settings."""
        return dict(context.settings.model)

    def build_model(self, context):
        """The uncompiled model (by default `builder(**context.builder_arguments)`)."""
        import importlib

        module, _, function = self.builder.rpartition(".")
        return getattr(importlib.import_module(module), function)(**context.builder_arguments)

    def loss(self, context, model):
        """The training loss of `model`."""
        raise NotImplementedError(f"{type(self).__name__} must implement `loss`")

    def metrics(self, context):
        """Keras metrics to log each epoch, or None."""
        return None

    def training_callbacks(self, context):
        """More Keras callbacks for training (after the trainer's own); none by default."""
        return []

    def trained_model(self, context, model):
        """The model to save as `model.keras` and evaluate, from the one trained (itself by default)."""
        return model

    def embedding_vocabulary(self, context):
        """`(Vocabulary, normalize)` of the token embedding, for `--embeddings` (None: not supported)."""
        return None

    # === After training ===

    predictor = None
    """Dotted name of the class of a trained run (`predictor(run, model=..., vectorizer=...)`): predict,
    evaluate, export."""

    def predictor_class(self):
        import importlib

        module, _, name = self.predictor.rpartition(".")
        return getattr(importlib.import_module(module), name)

    def evaluate(self, context, model, valid, history):
        """Metrics of the trained model on the validation examples (an iterable of raw examples)."""
        return {}

    def summary_lines(self, result):
        """Lines of `FitResult.summary()` before the run directory."""
        data = result.data
        unit = self.example_unit
        return [f"Trained on {data['train']} ({data.get(f'train_{unit}s', 0)} {unit}s)."]

    def load(self, model_dir):
        """The trained run in `model_dir` as the app's predictor.

        Raises:
            CorruptRunError: the run directory is damaged or unfinished (`config.json` not JSON or missing a
                key the app reads, an asset that does not match its record, a missing vocabulary, a
                `model.keras` that does not load): "corrupt or incomplete run directory: <file>: <problem>".
        """
        from seqkit.export.run_directory import RunDirectory

        run = RunDirectory(model_dir)
        predictor = self.predictor_class()
        with run.reading():
            return predictor(run)

    # === Python API ===

    def api_fit(self, out_default=None, doc=None):
        """The app's `fit(*, data=None, valid=None, dataset=None, out=..., preset="default", model_overrides=None,
        training_overrides=None, overwrite=False, **options)` function, with its signature and docstring."""
        from seqkit.application import recipe

        app = self

        def fit(**kwargs):
            return recipe.fit(app, **kwargs)

        shared = [
            ("data", None), ("valid", None), ("dataset", None), ("out", out_default or f"runs/{self.name}"),
            ("preset", "default"), ("model_overrides", None), ("training_overrides", None), ("overwrite", False),
        ]
        parameters = [inspect.Parameter(key, inspect.Parameter.KEYWORD_ONLY, default=value) for key, value in shared]
        parameters += [
            inspect.Parameter(key, inspect.Parameter.KEYWORD_ONLY, default=option.default)
            for key, option in self.options.items()
        ]
        fit.__signature__ = inspect.Signature(parameters)
        fit.__name__ = fit.__qualname__ = "fit"
        fit.__doc__ = _fit_doc(self, doc)
        return fit


def _fit_doc(app, doc):
    lines = [
        doc or f"Train a `seqkit {app.name}` model and write a run directory; returns a `FitResult`.",
        "",
        "Args:",
        "    data: training file or folder; the embedded default data if None.",
        "    valid: validation file or folder; a tenth of the training data (seeded) if None.",
        "    dataset: name of a standard dataset to download and cache instead of `data`.",
        "    out: the run directory; one that already holds a run needs `resume` or `overwrite`.",
        "    preset: a name in the app's presets.",
        "    model_overrides: builder arguments replacing the preset's (`cell`, `units`, `num_layers`, ...).",
        "    training_overrides: `TrainingConfig` fields replacing the preset's (`epochs`, `seed`, `resume`, ...);",
        "        `resume=True` continues the run in `out` and must keep its model, data and encoding settings.",
        "    overwrite: replace the run in `out` (kept if the fit fails before training starts).",
    ]
    lines += [f"    {key}: {option.doc}" for key, option in app.options.items()]
    return "\n".join(lines)


__all__ = ["Application", "EmbeddedData", "FitContext", "Option", "Settings"]
