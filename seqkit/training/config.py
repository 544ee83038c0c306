"""`TrainingConfig`: every knob of a training run, validated, JSON friendly."""

import dataclasses
import math
import numbers

# Keras optimizer identifiers accepted by `keras.optimizers.get`.
OPTIMIZERS = (
    "adadelta",
    "adafactor",
    "adagrad",
    "adam",
    "adamax",
    "adamw",
    "ftrl",
    "lion",
    "nadam",
    "rmsprop",
    "sgd",
)
PRECISIONS = ("float32", "mixed")
STRATEGIES = ("auto", "default", "mirrored", "multiworker")
LEARNING_RATE_SCHEDULES = ("constant", "cosine")
# Where the cosine schedule ends, as a fraction of the starting learning rate.
COSINE_FINAL_FRACTION = 0.05


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_positive_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value) and value > 0


@dataclasses.dataclass
class TrainingConfig:
    """Settings of one training run, shared by every application.

    The values are checked when the config is made, so a bad value fails before
    any TensorFlow work starts. `to_dict`/`from_dict` round-trip through JSON.

    Args:
        epochs: number of epochs to train (positive integer).
        min_steps: `None`, or the fewest optimizer steps a fit of the recipe
            makes (positive integer): where `epochs` epochs of the training
            data are fewer batches, the recipe trains for more epochs (see
            `epochs_for_min_steps`); early stopping still ends the run when
            `monitor` stops improving. A preset sets it for data that may be
            small; an explicit `epochs` without `min_steps` turns it off.
        batch_size: examples per batch. Used when `fit` receives NumPy arrays;
            `tf.data` pipelines read it when they batch.
        learning_rate: the optimizer's learning rate (positive).
        optimizer: a Keras optimizer name, one of `OPTIMIZERS`.
        clipnorm: clip each gradient tensor to this norm (positive), or `None`
            to turn clipping off. On by default against exploding gradients.
        jit_compile: whether Keras compiles the train step with XLA. XLA has
            no deterministic mode, so Keras ignores it when `seed` is set.
        run_eagerly: run the train and validation steps op by op instead of
            tracing them into a graph (Keras's `compile(run_eagerly=True)`):
            Python breakpoints and prints inside layers work, and a fit of a
            few steps starts sooner (a trace of a recurrent train step takes
            seconds), but each step is several times slower. Cannot be
            combined with `jit_compile`.
        precision: `"float32"`, or `"mixed"` for the `mixed_float16` policy when
            a GPU is visible (see `resolve_precision`).
        strategy: `"auto"`, `"default"`, `"mirrored"` or `"multiworker"` (see
            `get_strategy`).
        early_stopping_patience: epochs without improvement of `monitor`
            before training stops and the best weights are restored, or `None`
            for no early stopping.
        monitor: the logged quantity that early stopping watches; whether it
            is minimised or maximised is inferred from its name.
        seed: seeds Python, NumPy and TensorFlow and makes ops deterministic,
            or `None` for no seeding.
        resume: continue from the last training state in the run directory,
            if any, exactly as if the run had not stopped (see `fit`).
        checkpoint_every: also write the training state every this many
            batches (positive integer) within an epoch, so that a run killed
            in the middle of an epoch loses at most that many batches; `None`
            writes it at the end of each epoch only.
        verbose: 0 (silent), 1 (progress bar on a terminal, one line per epoch elsewhere) or 2
            (one line per epoch).
        learning_rate_schedule: `"constant"`, or `"cosine"`: the learning rate
            falls each epoch along a half cosine from `learning_rate` in the
            first epoch to `learning_rate * COSINE_FINAL_FRACTION` in the last
            (epoch `epochs`); a function of the epoch alone, so a resumed run
            follows the same schedule (see `learning_rate_at`).
        weight_averaging: `None`, or the momentum (between 0 and 1, e.g.
            0.99) of an exponential moving average of the weights kept by
            the optimizer. Validation, checkpoints, early stopping and the
            final model then use the averaged weights, which are smoother
            than the last step's on small, noisy data (see
            `seqkit.training.callbacks.AveragedWeights`).

    Example:

    >>> config = TrainingConfig(epochs=3, learning_rate=1e-2)
    >>> TrainingConfig.from_dict(config.to_dict()) == config
    True
    >>> TrainingConfig(epochs=0)
    Traceback (most recent call last):
    ...
    ValueError: `epochs` must be a positive integer. Received: epochs=0
    """

    epochs: int = 10
    min_steps: int | None = None
    batch_size: int = 32
    learning_rate: float = 1e-3
    optimizer: str = "adam"
    clipnorm: float | None = 1.0
    jit_compile: bool = False
    run_eagerly: bool = False
    precision: str = "float32"
    strategy: str = "auto"
    early_stopping_patience: int | None = None
    monitor: str = "val_loss"
    seed: int | None = None
    resume: bool = False
    checkpoint_every: int | None = None
    verbose: int = 1
    weight_averaging: float | None = None
    learning_rate_schedule: str = "constant"

    def __post_init__(self):
        for name in ("epochs", "batch_size"):
            value = getattr(self, name)
            if not _is_int(value) or value < 1:
                raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value!r}")
        if self.min_steps is not None and (not _is_int(self.min_steps) or self.min_steps < 1):
            raise ValueError(
                f"`min_steps` must be None or a positive integer. Received: min_steps={self.min_steps!r}"
            )
        if not _is_positive_number(self.learning_rate):
            raise ValueError(
                f"`learning_rate` must be a positive number. Received: learning_rate={self.learning_rate!r}"
            )
        self._check_choice("optimizer", OPTIMIZERS)
        if self.clipnorm is not None and not _is_positive_number(self.clipnorm):
            raise ValueError(f"`clipnorm` must be a positive number or None. Received: clipnorm={self.clipnorm!r}")
        for name in ("jit_compile", "run_eagerly", "resume"):
            value = getattr(self, name)
            if not isinstance(value, bool):
                raise ValueError(f"`{name}` must be True or False. Received: {name}={value!r}")
        if self.jit_compile and self.run_eagerly:
            raise ValueError(
                "`jit_compile` and `run_eagerly` cannot both be True (XLA compiles a traced step). "
                "Received: jit_compile=True, run_eagerly=True"
            )
        self._check_choice("precision", PRECISIONS)
        self._check_choice("learning_rate_schedule", LEARNING_RATE_SCHEDULES)
        self._check_choice("strategy", STRATEGIES)
        patience = self.early_stopping_patience
        if patience is not None and (not _is_int(patience) or patience < 0):
            raise ValueError(
                "`early_stopping_patience` must be None or a non-negative "
                f"integer. Received: early_stopping_patience={patience!r}"
            )
        if not isinstance(self.monitor, str) or not self.monitor:
            raise ValueError(f"`monitor` must be a non-empty string. Received: monitor={self.monitor!r}")
        if self.seed is not None and (not _is_int(self.seed) or self.seed < 0):
            raise ValueError(f"`seed` must be None or a non-negative integer. Received: seed={self.seed!r}")
        every = self.checkpoint_every
        if every is not None and (not _is_int(every) or every < 1):
            raise ValueError(
                f"`checkpoint_every` must be None or a positive integer. Received: checkpoint_every={every!r}"
            )
        if self.verbose not in (0, 1, 2):
            raise ValueError(f"`verbose` must be 0, 1 or 2. Received: verbose={self.verbose!r}")
        self.verbose = int(self.verbose)
        averaging = self.weight_averaging
        if averaging is not None and not (_is_positive_number(averaging) and averaging < 1):
            raise ValueError(
                "`weight_averaging` must be None or a number between 0 and 1 (exclusive). "
                f"Received: weight_averaging={averaging!r}"
            )

    def _check_choice(self, name, choices):
        value = getattr(self, name)
        if value not in choices:
            raise ValueError(f"`{name}` must be one of {', '.join(map(repr, choices))}. Received: {name}={value!r}")

    def to_dict(self):
        """Returns the settings as a dict of JSON values."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values):
        """Makes a config from a dict such as `to_dict()` returns.

        Missing keys take their defaults; unknown keys are an error, so a typo
        in a JSON file does not pass silently.
        """
        known = {field.name for field in dataclasses.fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"Unknown `TrainingConfig` keys: {unknown}. Known keys: {sorted(known)}")
        return cls(**values)


def epochs_for_min_steps(config, batches_per_epoch):
    """The epochs to train for `config.min_steps` steps at `batches_per_epoch`: `config.epochs` or more.

    Example:

    >>> config = TrainingConfig(epochs=30, min_steps=300)
    >>> epochs_for_min_steps(config, 2), epochs_for_min_steps(config, 150)
    (150, 30)
    """
    if not _is_int(batches_per_epoch) or batches_per_epoch < 1:
        raise ValueError(
            f"`batches_per_epoch` must be a positive integer. Received: batches_per_epoch={batches_per_epoch!r}"
        )
    if config.min_steps is None:
        return config.epochs
    return max(config.epochs, math.ceil(config.min_steps / batches_per_epoch))


def learning_rate_at(config, epoch):
    """The learning rate of 0-based `epoch` under `config.learning_rate_schedule`.

    Example:

    >>> config = TrainingConfig(epochs=3, learning_rate=1.0, learning_rate_schedule="cosine")
    >>> [round(learning_rate_at(config, epoch), 3) for epoch in range(3)]
    [1.0, 0.525, 0.05]
    """
    if config.learning_rate_schedule == "constant" or config.epochs == 1:
        return config.learning_rate
    progress = min(epoch, config.epochs - 1) / (config.epochs - 1)
    fraction = COSINE_FINAL_FRACTION + (1 - COSINE_FINAL_FRACTION) * 0.5 * (1 + math.cos(math.pi * progress))
    return config.learning_rate * fraction
