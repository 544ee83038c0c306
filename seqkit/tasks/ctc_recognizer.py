"""Frame-level recognizer trained with CTC (speech, handwriting)."""

import keras
from keras import ops

from seqkit.tasks import _checks

BLANK_ID = 0
# Log-probability gap that makes a padded frame emit blank with probability 1
# in float32 (exp(-1e4) underflows to 0).
_PAD_LOGIT = -1e4

CTC_RECOGNIZER_PRESETS = {
    "speech": {
        "cell": "lstm",
        "units": 256,
        "num_layers": 3,
        "bidirectional": True,
        "dropout": 0.2,
    },
    "tiny": {"cell": "gru", "units": 8, "num_layers": 1, "bidirectional": True},
}


def ctc_recognizer(
    feature_dim,
    vocabulary_size,
    *,
    waveform_features=None,
    spec_augment=None,
    conv_filters=None,
    conv_kernel_size=11,
    conv_stride=2,
    cell="lstm",
    units=128,
    num_layers=2,
    bidirectional=True,
    dropout=0.0,
    recurrent_dropout=0.0,
    implementation="auto",
    name="ctc_recognizer",
):
    """Builds a recurrent acoustic model scoring every label at every frame.

    Input `"features"` float `(batch, frames, feature_dim)`; all-zero frames
    are padding. With `waveform_features`, the inputs are instead raw audio:
    `"waveforms"` float `(batch, samples)` and `"lengths"` int32 `(batch,)`
    (valid samples per row), turned into features inside the model by a
    `LogMelSpectrogram` (so an exported model takes waveforms), optionally
    masked in training by `SpecAugment`. An optional `Conv1D` front-end with
    time striding (`conv_filters`, `conv_stride`) shortens the frame
    sequence before the recurrent stack.

    Output: `(batch, output frames, vocabulary_size)` logits where id 0 is
    the CTC blank (labels use ids `1 .. vocabulary_size - 1`). Padded frames
    output a certain blank, so CTC over all frames equals CTC over the real
    ones: `ctc_loss` and `ctc_decode` need no length inputs.

    Args:
        feature_dim: int or `None`. Features per frame (e.g. 13 MFCCs, 80 mel
            bins); `None` with `waveform_features`.
        vocabulary_size: int. Output ids, the blank (0) included.
        waveform_features: dict or `None`. `LogMelSpectrogram` arguments
            (`sample_rate`, `num_mel_bins`, `deltas`, ...): take waveforms.
        spec_augment: dict or `None`. `SpecAugment` arguments (training only).
        conv_filters: int or `None`. Filters of a strided `Conv1D` (ReLU)
            before the recurrent stack. Its input is padded by a fixed
            `(kernel_size - 1) // 2` frames on the left and the rest of
            `kernel_size - 1` on the right (the lengths of "same" padding, but
            never shifted by the batch's longest clip, as "same" is when that
            length changes parity), so a clip's outputs do not depend on the
            batch it is in.
        conv_kernel_size: int. Its width in frames.
        conv_stride: int. Its stride: output frames = ceil(frames / stride).
        cell: str. Recurrent cell name.
        units: int. Recurrent units per direction.
        num_layers: int. Stacked recurrent layers.
        bidirectional: bool. Read frames in both directions.
        dropout: float. Dropout on the recurrent inputs and outputs.
        recurrent_dropout: float. Dropout on the recurrent state.
        implementation: str. Passed to `RecurrentStack`.
        name: str. Model name.

    Returns:
        A Functional `keras.Model`.

    Example:

    >>> import numpy as np
    >>> model = ctc_recognizer(13, 30, units=4, num_layers=1)
    >>> model({"features": np.ones((2, 50, 13), "float32")}).shape
    TensorShape([2, 50, 30])
    """
    from seqkit.layers import RecurrentStack

    _checks.positive_int("feature_dim", feature_dim, allow_none=waveform_features is not None)
    _checks.positive_int("vocabulary_size", vocabulary_size)
    _checks.positive_int("conv_filters", conv_filters, allow_none=True)
    _checks.positive_int("conv_kernel_size", conv_kernel_size)
    _checks.positive_int("conv_stride", conv_stride)
    if vocabulary_size < 2:
        raise ValueError(
            "`vocabulary_size` must be at least 2 (the blank and one label). "
            f"Received: vocabulary_size={vocabulary_size}"
        )
    _checks.positive_int("units", units)
    _checks.positive_int("num_layers", num_layers)
    _checks.rate("dropout", dropout)
    _checks.rate("recurrent_dropout", recurrent_dropout)

    # === Inputs ===
    if waveform_features is not None:
        inputs = {
            "waveforms": keras.Input(shape=(None,), dtype="float32", name="waveforms"),
            "lengths": keras.Input(shape=(), dtype="int32", name="lengths"),
        }
    else:
        inputs = {"features": keras.Input(shape=(None, feature_dim), dtype="float32", name="features")}

    # === Layers ===
    spectrogram = augment = convolution = None
    if waveform_features is not None:
        from seqkit.layers import LogMelSpectrogram

        spectrogram = LogMelSpectrogram(**waveform_features, name="log_mel")
    if spec_augment is not None:
        from seqkit.layers import SpecAugment

        augment = SpecAugment(**spec_augment, name="spec_augment")
    if conv_filters is not None:
        left = (conv_kernel_size - 1) // 2
        frame_padding = keras.layers.ZeroPadding1D((left, conv_kernel_size - 1 - left), name="frame_padding")
        convolution = keras.layers.Conv1D(
            conv_filters, conv_kernel_size, strides=conv_stride, padding="valid", activation="relu",
            name="frame_convolution",
        )
    recurrent = RecurrentStack(
        cell=cell,
        units=units,
        num_layers=num_layers,
        bidirectional=bidirectional,
        dropout=dropout,
        recurrent_dropout=recurrent_dropout,
        return_sequences=True,
        implementation=implementation,
        name="recurrent",
    )
    output_dropout = keras.layers.Dropout(dropout, name="output_dropout")
    logits = keras.layers.Dense(vocabulary_size, name="frame_logits")

    # === Functional Model ===
    if spectrogram is not None:
        features = spectrogram(inputs["waveforms"], inputs["lengths"])
    else:
        features = inputs["features"]
    frame_mask = ops.any(ops.not_equal(features, 0.0), axis=-1)
    if augment is not None:
        features = augment(features)
    x = features
    if convolution is not None:
        x = convolution(frame_padding(x))
        # Output frame i reads input frames around i * stride: it is real when that input frame is.
        frame_mask = frame_mask[:, ::conv_stride]
    x = recurrent(x, mask=frame_mask)
    x = logits(output_dropout(x))
    blank = ops.one_hot(BLANK_ID, vocabulary_size)
    padded = (1.0 - blank) * _PAD_LOGIT
    outputs = ops.where(frame_mask[:, :, None], x, padded)
    return keras.Model(inputs=inputs, outputs=outputs, name=name)


def _label_lengths(labels):
    labels = ops.cast(labels, "int32")
    return ops.sum(ops.cast(ops.greater(labels, 0), "int32"), axis=1), labels


def ctc_loss(y_true, y_pred):
    """CTC negative log-likelihood per sequence (`keras.ops.ctc_loss`).

    Args:
        y_true: int labels `(batch, max_label_length)` with ids >= 1,
            right-padded with 0 (or -1).
        y_pred: `ctc_recognizer` logits `(batch, frames, vocabulary_size)`.

    Returns:
        Float tensor `(batch,)`.

    Example:

    >>> import numpy as np
    >>> logits = np.zeros((1, 2, 2), "float32")  # 2 frames, blank + 1 label
    >>> round(float(ctc_loss(np.array([[1]]), logits)[0]), 4)  # -log(3 / 4)
    0.2877
    """
    y_pred = ops.convert_to_tensor(y_pred)
    label_lengths, labels = _label_lengths(y_true)
    labels = ops.maximum(labels, 0)
    frames = ops.shape(y_pred)[1]
    output_lengths = ops.full((ops.shape(y_pred)[0],), frames, dtype="int32")
    return ops.ctc_loss(labels, y_pred, label_lengths, output_lengths, mask_index=BLANK_ID)


def ctc_decode(outputs, strategy="greedy", beam_width=16, top_paths=1):
    """Label sequences from `ctc_recognizer` logits (`keras.ops.ctc_decode`).

    Repeated labels are merged and blanks removed.

    Args:
        outputs: logits `(batch, frames, vocabulary_size)`.
        strategy: `"greedy"` or `"beam_search"`.
        beam_width: int. Beam width for `"beam_search"`.
        top_paths: int. Paths to return for `"beam_search"`.

    Returns:
        `(labels, scores)`: int32 labels `(top_paths, batch, frames)`
        right-padded with -1, and the scores `keras.ops.ctc_decode` gives
        (`(batch, 1)` for greedy, log-probabilities `(batch, top_paths)` for
        beam search).

    Example:

    >>> import numpy as np
    >>> logits = np.log(np.array([[[0.1, 0.9], [0.1, 0.9], [0.9, 0.1],
    ...                            [0.1, 0.9]]], "float32"))
    >>> ctc_decode(logits)[0].numpy().tolist()
    [[[1, 1, -1, -1]]]
    """
    _checks.choice("strategy", strategy, ("greedy", "beam_search"))
    outputs = ops.convert_to_tensor(outputs)
    lengths = ops.full((ops.shape(outputs)[0],), ops.shape(outputs)[1], "int32")
    labels, scores = ops.ctc_decode(
        outputs,
        lengths,
        strategy=strategy,
        beam_width=beam_width,
        top_paths=top_paths,
        mask_index=BLANK_ID,
    )
    return ops.cast(labels, "int32"), scores
