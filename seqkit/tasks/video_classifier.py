"""Video activity recognition: a per-frame CNN read by a recurrent stack (one label per clip or per frame)."""

import numbers

import keras
from keras import ops

from seqkit.tasks import _checks

POOLINGS = ("mean", "max", "last")

VIDEO_CLASSIFIER_PRESETS = {
    "activity": {
        "frame_size": 64,
        "conv_filters": (16, 32, 64),
        "cell": "gru",
        "units": 64,
        "bidirectional": True,
        "dropout": 0.2,
        "pooling": "mean",
    },
    "tiny": {"frame_size": 16, "conv_filters": (4, 8), "cell": "gru", "units": 4, "dropout": 0.0},
}


def video_classifier(
    num_classes,
    *,
    frame_size=64,
    channels=3,
    frame_differences=False,
    conv_filters=(16, 32, 64),
    conv_kernel_size=3,
    encoder_grid=None,
    feature_dim=None,
    cell="gru",
    units=64,
    num_layers=1,
    bidirectional=True,
    dropout=0.2,
    recurrent_dropout=0.0,
    pooling="mean",
    per_frame=False,
    implementation="auto",
    name="video_classifier",
):
    """Builds a recurrent video classifier (activity per clip or per frame).

    Inputs are a dict. From raw frames (`feature_dim=None`):

    - `"frames"`: uint8 `(batch, time, height, width, channels)`, any frame
      size (resized to `frame_size` inside, by `FramePreprocessing`);
    - `"lengths"`: int32 `(batch,)`, the real frames of each clip; frames at
      or after it are padding, and their content never changes the outputs.

    `FramePreprocessing` (values to `[-1, 1]`: centred, so that the ReLU
    encoder starts alive; optional frame differences) and a `FrameEncoder`
    CNN turn every frame into `conv_filters[-1]` features. From precomputed per-frame features (`feature_dim` set, e.g. a
    frozen `frame_backbone` cached on disk), the inputs are `"features"`
    float32 `(batch, time, feature_dim)` and `"lengths"`, with no
    preprocessing or CNN.

    A `RecurrentStack` reads the frame vectors under the mask `t < length`
    (its `dropout` drops its inputs, the frame vectors). Then:

    - `per_frame=False`: `pooling` makes one vector per clip: `"mean"` /
      `"max"` over the real frames (`MaskedPooling`), `"last"` the stack's
      final output (both directions' final states when bidirectional);
      dropout, then `Dense(num_classes)` logits `(batch, num_classes)`.
    - `per_frame=True` (many-to-many, an activity per frame): dropout, then
      `Dense(num_classes)` logits at every step `(batch, time,
      num_classes)`; padding steps have logits too, give them the label -1.

    The output layer is named `"class_logits"`, so
    `seqkit.tasks.classifier_loss(model)` (sparse cross-entropy from logits,
    labels -1 ignored) and `class_probabilities` apply.

    Args:
        num_classes: int. Activity classes, at least 2.
        frame_size: int. Height and width the frames are resized to.
        channels: int. Channels of the input frames (3 for RGB).
        frame_differences: bool. Also feed `x<t> - x<t-1>` (motion) to the
            CNN, doubling its input channels.
        conv_filters: tuple of ints. Filters of the `FrameEncoder` blocks.
        conv_kernel_size: int. Their kernel size.
        encoder_grid: int or `None`. Keep a `grid × grid` map of the last
            block's averages per frame (where things are) instead of one
            global average (`FrameEncoder(grid=...)`).
        feature_dim: int or `None`. Take precomputed features of this size
            per frame instead of frames.
        cell: str. Recurrent cell name.
        units: int. Recurrent units per direction.
        num_layers: int. Stacked recurrent layers. `0` keeps no recurrence:
            the frame vectors are pooled as they are, an order-free "bag of
            frames" baseline (`pooling="last"`: the last real frame alone).
        bidirectional: bool. Read the clip in both directions (not for
            online, causal per-frame labelling).
        dropout: float. Dropout on the frame vectors, between recurrent
            layers and before the output layer.
        recurrent_dropout: float. Dropout on the recurrent state.
        pooling: str. `"mean"`, `"max"` or `"last"` (ignored with
            `per_frame`).
        per_frame: bool. Logits for every frame instead of every clip.
        implementation: str. Passed to `RecurrentStack`.
        name: str. Model name.

    Returns:
        A Functional `keras.Model`.

    Example:

    >>> import numpy as np
    >>> model = video_classifier(3, frame_size=16, conv_filters=(4, 8), units=4)
    >>> frames = np.zeros((2, 5, 24, 32, 3), "uint8")
    >>> model({"frames": frames, "lengths": np.array([5, 3], "int32")}).shape
    TensorShape([2, 3])
    >>> features_model = video_classifier(3, feature_dim=8, units=4, per_frame=True)
    >>> features_model({"features": np.ones((2, 5, 8), "float32"), "lengths": np.array([5, 3])}).shape
    TensorShape([2, 5, 3])
    """
    from seqkit.layers import FrameEncoder, FramePreprocessing, MaskedPooling, RecurrentStack

    _checks.positive_int("num_classes", num_classes)
    if num_classes < 2:
        raise ValueError(f"`num_classes` must be at least 2. Received: num_classes={num_classes}")
    _checks.positive_int("feature_dim", feature_dim, allow_none=True)
    if feature_dim is None:
        _checks.positive_int("frame_size", frame_size)
        _checks.positive_int("channels", channels)
        _checks.positive_int("conv_kernel_size", conv_kernel_size)
        if (
            not isinstance(conv_filters, (list, tuple))
            or not conv_filters
            or any(isinstance(f, bool) or not isinstance(f, numbers.Integral) or f < 1 for f in conv_filters)
        ):
            raise ValueError(
                "`conv_filters` must be a non-empty tuple of positive integers. "
                f"Received: conv_filters={conv_filters!r}"
            )
    _checks.positive_int("units", units)
    if isinstance(num_layers, bool) or not isinstance(num_layers, numbers.Integral) or num_layers < 0:
        raise ValueError(f"`num_layers` must be a non-negative integer. Received: num_layers={num_layers!r}")
    _checks.rate("dropout", dropout)
    _checks.rate("recurrent_dropout", recurrent_dropout)
    _checks.choice("pooling", pooling, POOLINGS)
    for flag_name, flag in (("frame_differences", frame_differences), ("bidirectional", bidirectional),
                            ("per_frame", per_frame)):
        if not isinstance(flag, bool):
            raise ValueError(f"`{flag_name}` must be a boolean. Received: {flag_name}={flag!r}")

    # === Inputs ===
    if feature_dim is None:
        inputs = {"frames": keras.Input(shape=(None, None, None, channels), dtype="uint8", name="frames")}
    else:
        inputs = {"features": keras.Input(shape=(None, feature_dim), dtype="float32", name="features")}
    inputs["lengths"] = keras.Input(shape=(), dtype="int32", name="lengths")

    # === Layers ===
    preprocessing = encoder = None
    if feature_dim is None:
        preprocessing = FramePreprocessing(
            frame_size=frame_size, frame_differences=frame_differences, scale="symmetric", name="frame_preprocessing"
        )
        encoder = FrameEncoder(
            filters=tuple(int(f) for f in conv_filters), kernel_size=conv_kernel_size, grid=encoder_grid,
            name="frame_encoder",
        )
    # With no recurrent layer, "last" pools the last real frame's features (a single-frame model).
    last = pooling == "last" and not per_frame and num_layers > 0
    recurrent = None
    if num_layers > 0:
        recurrent = RecurrentStack(
            cell=cell,
            units=units,
            num_layers=num_layers,
            bidirectional=bidirectional,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            return_sequences=not last,
            implementation=implementation,
            name="recurrent",
        )
    pool = None
    if not per_frame and not last:
        pool = MaskedPooling(pooling, name="pooling")
    output_dropout = keras.layers.Dropout(dropout, name="output_dropout")
    logits = keras.layers.Dense(num_classes, name="class_logits")

    # === Functional Model ===
    if feature_dim is None:
        x = preprocessing(inputs["frames"], inputs["lengths"])
        x = encoder(x)
    else:
        x = inputs["features"]
    mask = _length_mask(x, inputs["lengths"])
    if recurrent is not None:
        x = recurrent(x, mask=mask)
    if pool is not None:
        x = pool(x, mask=mask)
    outputs = logits(output_dropout(x))
    return keras.Model(inputs=inputs, outputs=outputs, name=name)


def frame_accuracy(name="accuracy"):
    """A Keras metric: the accuracy of a per-frame `video_classifier` over the labelled frames only.

    Labels are `(batch, time)` class ids with -1 at padding (and any frame to ignore); those frames count
    neither as right nor as wrong, unlike `keras.metrics.SparseCategoricalAccuracy`, which would count every
    padding frame as a mistake.

    Args:
        name: str. The metric's name in the logs (`accuracy`, `val_accuracy`).

    Returns:
        A `keras.metrics.Metric`.

    Example:

    >>> import numpy as np
    >>> metric = frame_accuracy()
    >>> logits = np.array([[[2.0, 0.0], [0.0, 2.0], [2.0, 0.0]]], "float32")
    >>> metric.update_state(np.array([[0, 0, -1]]), logits)
    >>> float(metric.result())
    0.5
    """
    return FrameAccuracy(name=name)


@keras.saving.register_keras_serializable(package="seqkit")
class FrameAccuracy(keras.metrics.SparseCategoricalAccuracy):
    """`SparseCategoricalAccuracy` that leaves out the frames labelled -1 (see `frame_accuracy`)."""

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = ops.convert_to_tensor(y_true)
        labelled = ops.cast(ops.greater_equal(y_true, 0), self.dtype)
        if sample_weight is not None:
            labelled = labelled * ops.cast(sample_weight, self.dtype)
        super().update_state(ops.maximum(y_true, 0), y_pred, sample_weight=labelled)


def _length_mask(steps, lengths):
    """Boolean `(batch, time)`: `t < lengths[b]` for the step vectors `steps` `(batch, time, dim)`.

    The step index is a cumulative sum of ones, so the mask is built from Keras ops on symbolic
    tensors whose time dimension is unknown.
    """
    index = ops.cumsum(ops.ones_like(steps[:, :, 0], dtype="int32"), axis=1) - 1
    return ops.less(index, ops.expand_dims(ops.cast(lengths, "int32"), 1))
