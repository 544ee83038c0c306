"""Shared Click options, defined once and reused by every application's verbs."""

import click


def compose(*decorators):
    """Apply several Click decorators as one (first listed is outermost, as when stacked)."""

    def apply(function):
        for decorator in reversed(decorators):
            function = decorator(function)
        return function

    return apply


existing_file = click.Path(exists=True, dir_okay=False, readable=True)
existing_path = click.Path(exists=True, readable=True)

def data_options_of(path_type, datasets=()):
    """`--data`, `--valid` and, when the app has `datasets`, `--dataset` choosing one of them; `path_type` is
    the Click type of the two paths."""
    decorators = [
        click.option("--data", type=path_type, help="Training data (file or folder). Default: the embedded corpus."),
        click.option("--valid", type=path_type, help="Validation data. Default: held out from --data."),
    ]
    if datasets:
        decorators.append(click.option(
            "--dataset", type=click.Choice(sorted(datasets)),
            help="A standard public dataset to download, check and cache instead of --data.",
        ))
    return compose(*decorators)


def preset_option_of(presets):
    """`--preset`, one of the app's `presets` (`"default"` first)."""
    names = sorted(presets, key=lambda name: (name != "default", name))
    return click.option("--preset", type=click.Choice(names), default="default", show_default=True,
                        help="Named set of model and training defaults.")


data_options = data_options_of(existing_path)

run_output_option = compose(
    click.option(
        "--out",
        type=click.Path(file_okay=False),
        default=None,
        help="Run directory to write (model, config, vocabularies, metrics, logs). Default: runs/<app>. "
        "One that already holds a run needs --resume or --overwrite.",
    ),
    click.option(
        "--overwrite",
        is_flag=True,
        help="Replace the run already in --out (kept if the fit fails before training starts).",
    ),
)

model_options = compose(
    click.option(
        "--cell",
        type=click.Choice(["rnn", "gru", "gru-simplified", "lstm", "lstm-peephole"]),
        help="Recurrent cell.",
    ),
    click.option("--units", type=click.IntRange(min=1), help="Units per recurrent layer (and direction)."),
    click.option("--layers", "num_layers", type=click.IntRange(min=1), help="Stacked recurrent layers."),
    click.option("--bidirectional/--no-bidirectional", default=None, help="Read sequences in both directions."),
    click.option("--dropout", type=click.FloatRange(0.0, 1.0, max_open=True), help="Dropout rate."),
    click.option(
        "--implementation",
        type=click.Choice(["auto", "keras", "seqkit"]),
        help="Recurrent kernels: Keras built-ins (cuDNN on GPU) when possible, or seqkit cells.",
    ),
)

training_options = compose(
    click.option("--epochs", type=click.IntRange(min=1), help="Training epochs."),
    click.option("--batch-size", type=click.IntRange(min=1), help="Examples per batch."),
    click.option("--learning-rate", type=click.FloatRange(min=0.0, min_open=True), help="Optimizer step size."),
    click.option(
        "--learning-rate-schedule",
        type=click.Choice(["constant", "cosine"]),
        help="cosine: the learning rate falls each epoch along a half cosine to 5% of --learning-rate in the "
        "last epoch.",
    ),
    click.option("--clipnorm", type=click.FloatRange(min=0.0, min_open=True), help="Gradient clipping norm."),
    click.option("--patience", type=click.IntRange(min=1), help="Early stopping patience in epochs."),
    click.option(
        "--weight-averaging",
        type=click.FloatRange(0.0, 1.0, min_open=True, max_open=True),
        help="Momentum (e.g. 0.99) of a moving average of the weights used to validate and keep the model.",
    ),
    click.option("--seed", type=int, default=None, help="Random seed for reproducible runs on CPU."),
    click.option(
        "--resume",
        is_flag=True,
        help="Continue the run in --out where it stopped, with its options (--epochs, --patience, --quiet, "
        "--checkpoint-every, --jit-compile, --run-eagerly and --strategy may change).",
    ),
    click.option(
        "--checkpoint-every",
        type=click.IntRange(min=1),
        metavar="N",
        help="Also save the training state every N batches, so --resume after a kill loses at most N batches. "
        "Default: at the end of each epoch only.",
    ),
    click.option("--jit-compile/--no-jit-compile", default=None, help="Compile train steps with XLA."),
    click.option(
        "--run-eagerly",
        is_flag=True,
        default=None,
        help="Run train steps op by op, untraced (for debugging layers; slower).",
    ),
    click.option(
        "--precision", type=click.Choice(["float32", "mixed"]), help="mixed: float16 compute on GPU."
    ),
    click.option(
        "--strategy",
        type=click.Choice(["auto", "default", "mirrored", "multiworker"]),
        help="tf.distribute strategy; multiworker reads TF_CONFIG.",
    ),
    click.option("--quiet", is_flag=True, help="No progress bar."),
)

model_dir_option = click.option(
    "--model",
    "model_dir",
    type=click.Path(exists=True, file_okay=False),
    required=True,
    help="Run directory written by `fit`.",
)

json_option = click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")

input_file_option = click.option(
    "--input",
    "input_file",
    type=click.File("rb"),
    help="Read one input per line from this UTF-8 file ('-' for stdin).",
)

export_options = compose(
    click.option(
        "--out",
        "export_root",
        type=click.Path(file_okay=False),
        default="saved_models",
        show_default=True,
        help="Export root; the model goes to <out>/<app>/<version>/.",
    ),
    click.option("--version", "version", type=click.IntRange(min=1), help="Version number. Default: next free."),
)

sampling_options = compose(
    click.option(
        "--temperature",
        type=click.FloatRange(min=0.0),
        default=1.0,
        show_default=True,
        help="Divide the logits by this; below 1 is more conservative, 0 picks the most likely token.",
    ),
    click.option("--top-k", type=click.IntRange(min=1), help="Sample among the k most likely tokens only."),
    click.option(
        "--top-p",
        type=click.FloatRange(0.0, 1.0, min_open=True),
        help="Sample among the most likely tokens whose probabilities add up to p (nucleus sampling).",
    ),
    click.option("--seed", type=int, help="Random seed: the same seed gives the same output."),
)

embeddings_option = click.option(
    "--embeddings",
    type=existing_file,
    help="Pretrained word vectors (GloVe or word2vec text format); the coverage of the vocabulary is reported.",
)
