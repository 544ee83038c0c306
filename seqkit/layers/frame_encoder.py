"""A small convolutional encoder applied to every frame of a clip."""

import numbers

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="seqkit")
class FrameEncoder(keras.layers.Layer):
    """Encodes every frame of a clip into one vector with a small CNN.

    For each entry of `filters`, a block `Conv2D(filters, kernel_size,
    padding="same", activation="relu")` then `MaxPool2D(2, padding="same")`
    (and `Dropout(dropout)` when `dropout > 0`); then the global average over
    the frame's positions, or with `grid=g` the average over each cell of a
    `g × g` grid, flattened (`g² · filters[-1]` features): the average forgets
    *where* things are, which is what tells "moving left" from "moving right"
    once frames are read in order. There is no batch normalisation: its batch
    statistics would mix padding frames into the encoding of real ones.

    Frames are encoded independently (batch and time are merged into one
    axis), so a frame's vector never depends on the other frames of its clip
    or on how much padding the clip has. A Keras mask passes through
    unchanged.

    Args:
        filters: tuple of positive ints. Filters of each block; the output
            has `filters[-1]` features.
        kernel_size: int. Height and width of the convolution kernels.
        dropout: float in [0, 1). Dropout after every block (training only).
        grid: int or `None`. Keep a `grid × grid` map of averages instead of
            one global average.
        **kwargs: base layer keyword arguments, such as `name`.

    Call arguments:
        frames: float tensor `(batch, time, height, width, channels)`;
            batch, time, height and width may be unknown, channels must be
            known.
        training: Python boolean, whether dropout is active.

    Returns:
        Float tensor `(batch, time, filters[-1])` (`grid² · filters[-1]` with
        a grid).

    Example:

    >>> import numpy as np
    >>> encoder = FrameEncoder(filters=(4, 8))
    >>> encoder(np.zeros((2, 5, 16, 16, 3), "float32")).shape
    TensorShape([2, 5, 8])
    >>> FrameEncoder(filters=(4, 8), grid=2)(np.zeros((2, 5, 16, 16, 3), "float32")).shape
    TensorShape([2, 5, 32])
    """

    def __init__(self, filters=(16, 32, 64), kernel_size=3, dropout=0.0, grid=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(filters, numbers.Integral) and not isinstance(filters, bool):
            filters = (filters,)
        if (
            not isinstance(filters, (list, tuple))
            or not filters
            or any(isinstance(f, bool) or not isinstance(f, numbers.Integral) or f < 1 for f in filters)
        ):
            raise ValueError(f"`filters` must be a non-empty tuple of positive integers. Received: filters={filters!r}")
        if isinstance(kernel_size, bool) or not isinstance(kernel_size, numbers.Integral) or kernel_size < 1:
            raise ValueError(f"`kernel_size` must be a positive integer. Received: kernel_size={kernel_size!r}")
        if isinstance(dropout, bool) or not isinstance(dropout, numbers.Real) or not 0.0 <= dropout < 1.0:
            raise ValueError(f"`dropout` must be a float in [0, 1). Received: dropout={dropout!r}")
        if grid is not None and (isinstance(grid, bool) or not isinstance(grid, numbers.Integral) or grid < 1):
            raise ValueError(f"`grid` must be None or a positive integer. Received: grid={grid!r}")
        self.grid = None if grid is None else int(grid)
        self.filters = tuple(int(f) for f in filters)
        self.kernel_size = int(kernel_size)
        self.dropout = float(dropout)
        self.supports_masking = True
        self.convolutions = [
            keras.layers.Conv2D(
                f, self.kernel_size, padding="same", activation="relu", name=f"conv_{index}", dtype=self.dtype_policy
            )
            for index, f in enumerate(self.filters)
        ]
        self.poolings = [
            keras.layers.MaxPooling2D(2, padding="same", name=f"pool_{index}", dtype=self.dtype_policy)
            for index in range(len(self.filters))
        ]
        self.dropouts = [
            keras.layers.Dropout(self.dropout, name=f"dropout_{index}", dtype=self.dtype_policy)
            for index in range(len(self.filters) if self.dropout else 0)
        ]

    def build(self, input_shape):
        if len(input_shape) != 5 or input_shape[-1] is None:
            raise ValueError(
                "`FrameEncoder` expects inputs `(batch, time, height, width, channels)` with known channels. "
                f"Received: input_shape={tuple(input_shape)}"
            )
        shape = (None, *input_shape[2:])
        for convolution, pooling in zip(self.convolutions, self.poolings):
            convolution.build(shape)
            shape = pooling.compute_output_shape(convolution.compute_output_shape(shape))
        self.built = True

    def call(self, frames, training=None):
        shape = ops.shape(frames)
        x = ops.reshape(frames, (-1, shape[2], shape[3], shape[4]))
        for index, (convolution, pooling) in enumerate(zip(self.convolutions, self.poolings)):
            x = pooling(convolution(x))
            if self.dropouts:
                x = self.dropouts[index](x, training=training)
        if self.grid is None:
            x = ops.mean(x, axis=(1, 2))
        else:
            x = _grid_average(x, self.grid)
        return ops.reshape(x, (shape[0], shape[1], self.output_features))

    @property
    def output_features(self):
        return self.filters[-1] * (1 if self.grid is None else self.grid * self.grid)

    def compute_mask(self, inputs, mask=None):
        return mask

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[1], self.output_features)

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "dropout": self.dropout,
            "grid": self.grid,
        }


def _pooling_matrix(size, grid):
    """`(grid, size)` weights averaging `size` positions into `grid` cells (cell `i` covers positions
    `floor(i·size/grid)` to `ceil((i+1)·size/grid)`, so every position is used even when `size < grid`)."""
    positions = ops.cast(ops.arange(size), "float32")[None, :]
    cells = ops.cast(ops.arange(grid), "float32")[:, None]
    length = ops.cast(size, "float32")
    starts = ops.floor(cells * length / grid)
    ends = ops.ceil((cells + 1.0) * length / grid)
    inside = ops.cast(ops.logical_and(positions >= starts, positions < ends), "float32")
    return inside / ops.sum(inside, axis=1, keepdims=True)


def _grid_average(x, grid):
    """Average `(N, H, W, C)` maps over the cells of a `grid × grid` grid: `(N, grid · grid · C)`."""
    shape = ops.shape(x)
    rows = ops.cast(_pooling_matrix(shape[1], grid), x.dtype)
    columns = ops.cast(_pooling_matrix(shape[2], grid), x.dtype)
    pooled = ops.einsum("ih,nhwc,jw->nijc", rows, x, columns)
    return ops.reshape(pooled, (shape[0], grid * grid * shape[3]))
