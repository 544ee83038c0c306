"""Video frames to model inputs inside the model: cast, resize, scale and frame differences."""

import numbers

import keras
from keras import ops

SCALES = ("unit", "symmetric", "none")


@keras.saving.register_keras_serializable(package="seqkit")
class FramePreprocessing(keras.layers.Layer):
    """Turns a batch of clips of raw frames into float32 model inputs.

    The steps, frame by frame:

    1. cast to float32 (uint8 frames, or float frames with values in
       `[0, 255]`);
    2. when `frame_size` is set, resize every frame to `frame_size x
       frame_size` (bilinear, `keras.ops.image.resize`; skipped when the
       input frames are known to have that size already);
    3. scale: `"unit"` divides by 255 (values in `[0, 1]`), `"symmetric"`
       maps to `[-1, 1]` (`x / 127.5 - 1`), `"none"` keeps `0..255` (for
       Keras Applications models that preprocess their inputs themselves);
    4. with `frame_differences=True`, append the channels `x<t> - x<t-1>` of
       the scaled frames (zeros at `t = 0`), so the output has twice the
       input channels: the frame itself, then its difference.

    Every frame is processed alone, so padding frames never change the
    values of real frames. With `lengths`, the differences at and after each
    clip's length are zero too (the difference at `t = length` would read a
    padding frame); the padding frames themselves are kept as they are.

    Args:
        frame_size: int or `None`. Height and width of the output frames;
            `None` keeps the input size.
        frame_differences: bool. Append the frame-to-frame differences.
        scale: `"unit"`, `"symmetric"` or `"none"`.
        **kwargs: base layer keyword arguments, such as `name`.

    Call arguments:
        frames: uint8 or float tensor `(batch, time, height, width,
            channels)`; batch, time, height and width may be unknown.
        lengths: optional int tensor `(batch,)`: real frames of each clip
            (frames at or after it are padding). Every frame counts when not
            given.

    Returns:
        Float32 tensor `(batch, time, frame_size, frame_size, channels')`
        with `channels' = 2 * channels` when `frame_differences` and
        `channels` otherwise.

    Example:

    >>> import numpy as np
    >>> frames = np.zeros((1, 3, 8, 8, 1), "uint8")
    >>> frames[0, 1:] = 255
    >>> layer = FramePreprocessing(frame_size=4, frame_differences=True)
    >>> outputs = layer(frames, lengths=np.array([2]))
    >>> tuple(outputs.shape)
    (1, 3, 4, 4, 2)
    >>> outputs[0, :, 0, 0].numpy().tolist()  # [frame, difference] per step
    [[0.0, 0.0], [1.0, 1.0], [1.0, 0.0]]
    """

    def __init__(self, frame_size=None, frame_differences=False, scale="unit", **kwargs):
        super().__init__(**kwargs)
        if frame_size is not None and (
            isinstance(frame_size, bool) or not isinstance(frame_size, numbers.Integral) or frame_size < 1
        ):
            raise ValueError(
                f"`frame_size` must be None or a positive integer. Received: frame_size={frame_size!r}"
            )
        if not isinstance(frame_differences, bool):
            raise ValueError(
                f"`frame_differences` must be a boolean. Received: frame_differences={frame_differences!r}"
            )
        if scale not in SCALES:
            raise ValueError(f"`scale` must be one of {SCALES}. Received: scale={scale!r}")
        self.frame_size = None if frame_size is None else int(frame_size)
        self.frame_differences = frame_differences
        self.scale = scale
        self.supports_masking = True

    def call(self, frames, lengths=None):
        x = ops.cast(frames, "float32")
        if self.frame_size is not None and tuple(x.shape[2:4]) != (self.frame_size, self.frame_size):
            x = self._resize(x)
        if self.scale == "unit":
            x = x / 255.0
        elif self.scale == "symmetric":
            x = x / 127.5 - 1.0
        if not self.frame_differences:
            return x
        differences = ops.concatenate([ops.zeros_like(x[:, :1]), x[:, 1:] - x[:, :-1]], axis=1)
        if lengths is not None:
            # Step t is real when t < length: `cumsum` counts the steps without needing the time dimension.
            steps = ops.cumsum(ops.ones_like(x[:, :, 0, 0, 0], dtype="int32"), axis=1) - 1
            inside = ops.less(steps, ops.expand_dims(ops.cast(lengths, "int32"), 1))
            differences = ops.where(inside[:, :, None, None, None], differences, ops.zeros_like(differences))
        return ops.concatenate([x, differences], axis=-1)

    def _resize(self, x):
        shape = ops.shape(x)
        merged = ops.reshape(x, (-1, shape[2], shape[3], shape[4]))
        resized = ops.image.resize(merged, (self.frame_size, self.frame_size), interpolation="bilinear")
        return ops.reshape(resized, (shape[0], shape[1], self.frame_size, self.frame_size, shape[4]))

    def compute_mask(self, inputs, mask=None):
        return mask

    def compute_output_shape(self, input_shape, lengths_shape=None):
        batch, time, height, width, channels = input_shape
        if self.frame_size is not None:
            height = width = self.frame_size
        if self.frame_differences and channels is not None:
            channels = 2 * channels
        return (batch, time, height, width, channels)

    def compute_output_spec(self, frames, lengths=None):
        return keras.KerasTensor(self.compute_output_shape(frames.shape), dtype="float32")

    def get_config(self):
        return {
            **super().get_config(),
            "frame_size": self.frame_size,
            "frame_differences": self.frame_differences,
            "scale": self.scale,
        }
