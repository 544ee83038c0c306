"""A stack of recurrent layers: cell type, depth, direction and dropout in one layer."""

import keras

from seqkit import cells
from seqkit.layers.bidirectional import bidirectional_layer
from seqkit.layers.rnn import RNN

CELL_NAMES = cells.names()
_KERAS_CELLS = {
    "rnn": keras.layers.SimpleRNN,
    "gru": keras.layers.GRU,
    "lstm": keras.layers.LSTM,
}
# Cells that Keras's fused (cuDNN-capable) layers compute.
_FUSED_CELLS = ("gru", "lstm")
_SAID = set()


class GenericLoopWarning(UserWarning):
    """A recurrent layer runs seqkit's generic loop on a GPU, where a cuDNN kernel would be several times faster."""


def _gpu_visible():
    import tensorflow as tf

    return bool(tf.config.list_physical_devices("GPU"))


def _say_once_on_gpu(reason):
    """Warn once per reason and process, and only when a GPU is visible (on a CPU nothing faster is lost)."""
    if reason in _SAID or not _gpu_visible():
        return
    _SAID.add(reason)
    import warnings

    warnings.warn(GenericLoopWarning(
        f"RecurrentStack runs seqkit's generic loop, not a cuDNN kernel, because of {reason}; for cuDNN use "
        "cell 'lstm' or 'gru' with recurrent_dropout=0"
    ), stacklevel=4)
_IMPLEMENTATIONS = ("auto", "keras", "seqkit")
_MERGE_MODES = ("concat", "sum", "ave", "mul")


@keras.saving.register_keras_serializable(package="seqkit")
class RecurrentStack(keras.layers.Layer):
    """Stacked, optionally bidirectional recurrent layers with dropout between them.

    Layer `i` reads the (dropped-out) outputs of layer `i - 1`; every layer but
    the last returns full sequences. Which recurrent implementation is used is
    decided once, in the constructor, and exposed as `resolved_implementation`:

    - `"keras"`: Keras's built-in `LSTM`, `GRU` or `SimpleRNN` layers. `LSTM`
      and `GRU` run the fused cuDNN kernel on a GPU when Keras allows it
      (tanh/sigmoid activations, no recurrent dropout, right-padded masks).
      Keras's `GRU` is built with `reset_after=True`, the cuDNN-compatible
      variant that applies the reset gate *after* the recurrent matrix product
      (`r * (U h + b)`); seqkit's `GRUCell(variant="full")` applies it before
      (`U (r * h)`), as in the textbook equations. Both are standard GRUs but
      their weights are not interchangeable.
    - `"seqkit"`: seqkit's cells (`seqkit.cells.get`) in seqkit's `RNN` loop,
      which projects the inputs of all time steps with one matrix product.
      Needed for `"gru-simplified"`, `"lstm-peephole"` and cell instances.
    - `"auto"` (default) resolves to `"keras"` exactly when `cell` is `"lstm"`
      or `"gru"` and `recurrent_dropout == 0` (the configurations the fused
      kernels compute) and to `"seqkit"` otherwise.

    Args:
        cell: a cell name (`"rnn"`, `"gru"`, `"gru-simplified"`, `"lstm"`,
            `"lstm-peephole"`), a Keras RNN cell instance or its serialized
            config. A cell instance is cloned for every layer and direction.
        units: positive integer, dimensionality of each layer's output.
            Required with a cell name; with a cell instance it may be left
            `None` (the cell's own `units` is used) or must match it.
        num_layers: positive integer, number of stacked recurrent layers.
        bidirectional: whether every layer reads the sequence in both
            directions (`keras.layers.Bidirectional`).
        merge_mode: how forward and backward outputs are combined: `"concat"`,
            `"sum"`, `"ave"` or `"mul"`.
        dropout: float in [0, 1), dropout rate applied to the inputs of every
            recurrent layer (the stack's inputs and between layers).
        recurrent_dropout: float in [0, 1), dropout rate on the recurrent
            state inside each cell. Only with a cell name.
        return_sequences: whether the last layer returns the full sequence
            `(batch, time, features)` or only its last output `(batch, features)`.
        return_state: whether to also return the last layer's final states.
        implementation: `"auto"`, `"keras"` or `"seqkit"` (see above).
        activation: activation of the `"rnn"` cell (`"tanh"` or `"relu"`, ...).
            Other cells have fixed tanh/sigmoid activations.
        **kwargs: base layer keyword arguments, such as `name` and `dtype`.

    Call arguments:
        inputs: float tensor `(batch, time, features)`.
        mask: optional boolean tensor `(batch, time)`; `False` marks padding.
            Padded steps neither update the states nor the last output.
        training: Python boolean, whether dropout is active.
        initial_state: optional flat list of initial state tensors
            `(batch, units)`, layer by layer, each layer's in the order that
            `return_state` uses (cell order, forward then backward). Zero
            states when omitted. With one layer, the states returned by one
            stack (`return_state=True`) can start another, as in a
            sequence-to-sequence decoder.

    Returns:
        The last layer's outputs, `(batch, time, output_dim)` or
        `(batch, output_dim)`, where `output_dim` is `2 * units` for a
        bidirectional stack with `merge_mode="concat"` and `units` otherwise.
        With `return_state=True`, a list `[outputs, *states]` where `states`
        are the **last layer's** final states in the cell's state order
        (`h, c` for LSTM, `h` for GRU and simple RNN), the forward direction's
        states first, then the backward direction's; each `(batch, units)`.

    Example:

    >>> import numpy as np
    >>> stack = RecurrentStack("lstm", units=8, num_layers=2, bidirectional=True)
    >>> stack.resolved_implementation
    'keras'
    >>> stack(np.zeros((3, 5, 4), "float32")).shape
    TensorShape([3, 5, 16])
    """

    def __init__(
        self,
        cell="lstm",
        units=None,
        num_layers=1,
        bidirectional=False,
        merge_mode="concat",
        dropout=0.0,
        recurrent_dropout=0.0,
        return_sequences=True,
        return_state=False,
        implementation="auto",
        activation="tanh",
        **kwargs,
    ):
        super().__init__(**kwargs)
        cell_object = _cell_object(cell)
        units = _check_units(cell, cell_object, units)
        _check_positive_int("num_layers", num_layers)
        _check_rate("dropout", dropout)
        _check_rate("recurrent_dropout", recurrent_dropout)
        if merge_mode not in _MERGE_MODES:
            raise ValueError(
                f"`merge_mode` must be one of {_MERGE_MODES}. "
                f"Received: merge_mode={merge_mode!r}"
            )
        if implementation not in _IMPLEMENTATIONS:
            raise ValueError(
                f"`implementation` must be one of {_IMPLEMENTATIONS}. "
                f"Received: implementation={implementation!r}"
            )
        if cell_object is not None and recurrent_dropout:
            raise ValueError(
                "`recurrent_dropout` is set on the cell itself when `cell` is a "
                f"cell instance. Received: recurrent_dropout={recurrent_dropout}"
            )
        if cell != "rnn" and activation != "tanh":
            raise ValueError(
                "`activation` can only be changed for cell='rnn'. "
                f"Received: cell={cell!r}, activation={activation!r}"
            )

        # A cell instance is kept as its config: the stack clones it per layer.
        if cell_object is not None:
            cell = keras.saving.serialize_keras_object(cell_object)
        self.cell = cell
        self.units = units
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.merge_mode = merge_mode
        self.dropout = dropout
        self.recurrent_dropout = recurrent_dropout
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.implementation = implementation
        self.activation = activation
        self._resolved_implementation = self._resolve_implementation()
        self.supports_masking = True

        self.dropout_layers = []
        self.recurrent_layers = []
        for index in range(num_layers):
            if dropout:
                self.dropout_layers.append(
                    keras.layers.Dropout(
                        dropout, name=f"dropout_{index}", dtype=self.dtype_policy
                    )
                )
            last = index == num_layers - 1
            layer = self._make_recurrent_layer(
                index,
                return_sequences=return_sequences or not last,
                return_state=return_state and last,
            )
            if bidirectional:
                layer = bidirectional_layer(
                    layer,
                    merge_mode=merge_mode,
                    name=f"bidirectional_{index}",
                    dtype=self.dtype_policy,
                )
            self.recurrent_layers.append(layer)

    @property
    def resolved_implementation(self):
        """`"keras"` or `"seqkit"`: the recurrent implementation in use."""
        return self._resolved_implementation

    @property
    def output_dim(self):
        """Feature size of the outputs."""
        if self.bidirectional and self.merge_mode == "concat":
            return 2 * self.units
        return self.units

    def _resolve_implementation(self):
        if self.implementation == "seqkit":
            return "seqkit"
        keras_ok = isinstance(self.cell, str) and self.cell in _KERAS_CELLS
        if self.implementation == "keras":
            if not keras_ok:
                raise ValueError(
                    "implementation='keras' supports the cells "
                    f"{tuple(_KERAS_CELLS)}. Received: cell={self.cell!r}"
                )
            return "keras"
        fused = keras_ok and self.cell in _FUSED_CELLS and not self.recurrent_dropout
        if not fused:
            _say_once_on_gpu(self._generic_loop_reason())
        return "keras" if fused else "seqkit"

    def _generic_loop_reason(self):
        """Why `"auto"` chose seqkit's loop rather than a fused (cuDNN) kernel."""
        if not isinstance(self.cell, str):
            return "a cell instance"
        if self.cell not in _FUSED_CELLS:
            return f"cell={self.cell!r} (only 'lstm' and 'gru' have a cuDNN kernel)"
        return f"recurrent_dropout={self.recurrent_dropout} (cuDNN kernels have none)"

    def _make_recurrent_layer(self, index, return_sequences, return_state):
        common = dict(
            return_sequences=return_sequences,
            return_state=return_state,
            dtype=self.dtype_policy,
        )
        name = f"{self.cell if isinstance(self.cell, str) else 'rnn'}_{index}"
        if self._resolved_implementation == "keras":
            kwargs = dict(recurrent_dropout=self.recurrent_dropout, **common)
            if self.cell == "rnn":
                kwargs["activation"] = self.activation
            if self.cell == "gru":
                kwargs["reset_after"] = True
            return _KERAS_CELLS[self.cell](self.units, name=name, **kwargs)

        if not isinstance(self.cell, str):
            cell = keras.saving.deserialize_keras_object(self.cell)
        else:
            kwargs = {"dtype": self.dtype_policy}
            if self.recurrent_dropout:
                kwargs["recurrent_dropout"] = self.recurrent_dropout
            if self.cell == "rnn":
                kwargs["activation"] = self.activation
            cell = cells.get(self.cell, self.units, **kwargs)
        return RNN(cell, name=name, **common)

    def build(self, input_shape):
        shape = tuple(input_shape)
        for layer in self.recurrent_layers:
            layer.build(shape)
            shape = shape[:-1] + (self.output_dim,)
        self.built = True

    def call(self, inputs, mask=None, training=None, initial_state=None):
        states = self._split_initial_state(initial_state)
        outputs = inputs
        for index, layer in enumerate(self.recurrent_layers):
            if self.dropout_layers:
                outputs = self.dropout_layers[index](outputs, training=training)
            kwargs = {} if states is None else {"initial_state": states[index]}
            outputs = layer(outputs, mask=mask, training=training, **kwargs)
        if self.return_state:
            return list(outputs)
        return outputs

    def _split_initial_state(self, initial_state):
        """Splits a flat list of states into one list per layer."""
        if initial_state is None:
            return None
        initial_state = list(initial_state)
        per_layer = self._num_states()
        if len(initial_state) != per_layer * self.num_layers:
            raise ValueError(
                f"`initial_state` must hold {per_layer} states per layer, "
                f"{per_layer * self.num_layers} in all. "
                f"Received: {len(initial_state)} states"
            )
        return [
            initial_state[start : start + per_layer]
            for start in range(0, len(initial_state), per_layer)
        ]

    def _num_states(self):
        """Number of states of one layer, both directions."""
        if self._resolved_implementation == "keras":
            count = 2 if self.cell == "lstm" else 1
        else:
            layer = self.recurrent_layers[-1]
            if self.bidirectional:
                layer = layer.forward_layer
            state_size = layer.cell.state_size
            count = len(state_size) if isinstance(state_size, (list, tuple)) else 1
        return count * (2 if self.bidirectional else 1)

    def compute_output_shape(self, input_shape):
        batch, time = input_shape[0], input_shape[1]
        if self.return_sequences:
            output_shape = (batch, time, self.output_dim)
        else:
            output_shape = (batch, self.output_dim)
        if self.return_state:
            return [output_shape] + [(batch, self.units)] * self._num_states()
        return output_shape

    def compute_mask(self, inputs, mask=None):
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None] * self._num_states()
        return output_mask

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "cell": self.cell,
                "units": self.units,
                "num_layers": self.num_layers,
                "bidirectional": self.bidirectional,
                "merge_mode": self.merge_mode,
                "dropout": self.dropout,
                "recurrent_dropout": self.recurrent_dropout,
                "return_sequences": self.return_sequences,
                "return_state": self.return_state,
                "implementation": self.implementation,
                "activation": self.activation,
            }
        )
        return config


def _cell_object(cell):
    """Returns the cell instance `cell` describes, or None for a cell name."""
    if isinstance(cell, str):
        if cell not in CELL_NAMES:
            raise ValueError(
                f"`cell` must be one of {CELL_NAMES} or a cell instance. "
                f"Received: cell={cell!r}"
            )
        return None
    if isinstance(cell, dict):
        cell = keras.saving.deserialize_keras_object(cell)
    if not hasattr(cell, "state_size") or not callable(cell):
        raise ValueError(
            "`cell` must be a cell name, an RNN cell instance or a cell config. "
            f"Received: cell={cell!r}"
        )
    return cell


def _check_units(cell, cell_object, units):
    cell_units = getattr(cell_object, "units", None)
    if cell_object is not None and units is None:
        units = cell_units
    _check_positive_int("units", units)
    if cell_units is not None and units != cell_units:
        raise ValueError(
            "`units` must match the cell's units. "
            f"Received: units={units}, cell.units={cell_units}"
        )
    return units


def _check_positive_int(name, value):
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value}")


def _check_rate(name, value):
    if not isinstance(value, (int, float)) or not 0 <= value < 1:
        raise ValueError(f"`{name}` must be a float in [0, 1). Received: {name}={value}")
