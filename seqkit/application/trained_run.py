"""`TrainedRun`: what every app's predictor shares — a run directory, its config and model, and the export.

Loading checks the run directory (`seqkit.export.run_directory`): `config.json`, the recorded size and SHA-256 of
every asset, and `model.keras`; a damaged or unfinished run raises `CorruptRunError` (exit 2 in the CLI), never a
`KeyError` or a Keras traceback. `Application.load` also reports what the app's own loader trips on (a
missing key, a missing or unreadable vocabulary) the same way.
"""


class TrainedRun:
    """Base class of an app's predictor (`NerModel`, `LanguageModel`, ...): a run directory written by `fit`.

    Subclasses set `app` and add what they do with the model (predict, evaluate, generate) and how they
    export it (`export` calls `_export` with the app's serving module).

    Args:
        run: a `seqkit.export.run_directory.RunDirectory` written by `fit`.
        model: the trained Keras model, if already in memory (otherwise `model.keras` is loaded).

    Raises:
        CorruptRunError: `config.json` is missing, not JSON or lacks `app`; an asset does not match its record
            in `config.json`; `model.keras` is missing or does not load.
        WrongRunError: another app trained the run.

    Example:

    >>> class Demo(TrainedRun):
    ...     app = "demo"
    >>> Demo.app
    'demo'
    """

    app = None

    def __init__(self, run, model=None):
        self.run = run
        self.config = run.read_config(app=self.app)
        run.verify_assets(self.config)
        # Loaded here, never lazily inside a `tf.function` (variables made while tracing are not restored).
        self.model = model if model is not None else run.load_model()

    def input_specs(self, names=None):
        """`{input name: tf.TensorSpec}` of the model's inputs with the batch and time axes left open.

        A prediction `tf.function` given these as its `input_signature` traces once for every batch size and
        length (with `reduce_retracing` alone it traces again each time another axis first varies).

        Args:
            names: the inputs to describe (default: all of them).
        """
        import tensorflow as tf

        specs = {}
        for tensor in self.model.inputs:
            name = tensor.name
            if names is None or name in names:
                shape = [None] * min(len(tensor.shape), 2) + list(tensor.shape[2:])
                specs[name] = tf.TensorSpec(shape, tf.as_dtype(tensor.dtype), name=name)
        return specs

    def _export(self, export_root, version, build_module, metadata, signatures=(("serving_default", "serve"),)):
        """Write `<export_root>/<app>/<version>/` from the serving module `build_module()` returns.

        The module is built and traced with the portable recurrent kernels (never cuDNN-only ops).

        Args:
            export_root: the folder of all exports.
            version: the version, or None for the next free one.
            build_module: a function of no arguments returning the `tf.Module` to save.
            metadata: facts stored in `seqkit.json` beside the SavedModel.
            signatures: `(signature name, tf.function attribute of the module)` pairs.
        """
        from seqkit.export.saved_model import export_saved_model, portable_recurrent_kernels
        from seqkit.progress import step

        with step(f"exporting {self.app} to {export_root}"), portable_recurrent_kernels(self.model):
            module = build_module()
            concrete = {name: getattr(module, attribute).get_concrete_function() for name, attribute in signatures}
            return export_saved_model(
                module, export_root=export_root, app=self.app, version=version, signatures=concrete, metadata=metadata
            )
