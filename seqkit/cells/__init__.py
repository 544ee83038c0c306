"""Recurrent cells following the Keras cell contract.

Each cell keeps its input kernel apart from its recurrent kernel and offers
`project_inputs()` / `recurrent_step()` so that `seqkit.layers.RNN` can
project every time step with one matrix product before the loop; inside a
plain `keras.layers.RNN` the same cells project one step at a time.

>>> from seqkit import cells
>>> cells.get("lstm-peephole", 8).peephole
True
"""

import keras

from seqkit.cells.gru_cell import GRUCell
from seqkit.cells.lstm_cell import LSTMCell
from seqkit.cells.simple_rnn_cell import SimpleRNNCell

_NAMES = {
    "rnn": (SimpleRNNCell, {}),
    "gru": (GRUCell, {"variant": "full"}),
    "gru-simplified": (GRUCell, {"variant": "simplified"}),
    "lstm": (LSTMCell, {"peephole": False}),
    "lstm-peephole": (LSTMCell, {"peephole": True}),
}

__all__ = ["GRUCell", "LSTMCell", "SimpleRNNCell", "get", "names"]


def names():
    """Returns the cell names that `get()` accepts, in a stable order."""
    return tuple(_NAMES)


def get(identifier, units=None, **kwargs):
    """Returns a recurrent cell from a name, a config dict or an instance.

    Args:
        identifier: one of `"rnn"`, `"gru"`, `"gru-simplified"`, `"lstm"`,
            `"lstm-peephole"` (case-insensitive); a cell instance, returned
            as is; or a dict made by `keras.saving.serialize_keras_object`.
        units: positive integer, required with a name.
        **kwargs: further constructor arguments of the named cell
            (`dropout`, `recurrent_dropout`, `seed`, initializers, ...).

    Returns:
        A cell (a `keras.layers.Layer` with `state_size`).

    Example:

    >>> from seqkit import cells
    >>> cell = cells.get("gru-simplified", 16, dropout=0.1)
    >>> type(cell).__name__, cell.variant, cell.units
    ('GRUCell', 'simplified', 16)
    """
    if isinstance(identifier, keras.layers.Layer):
        return identifier
    if isinstance(identifier, dict):
        return keras.saving.deserialize_keras_object(identifier)
    if isinstance(identifier, str) and identifier.lower() in _NAMES:
        if units is None:
            raise ValueError(
                "`units` must be a positive integer when the cell is given by "
                f"name. Received: units=None, identifier={identifier!r}"
            )
        cls, preset = _NAMES[identifier.lower()]
        return cls(units, **{**preset, **kwargs})
    expected = ", ".join(repr(name) for name in _NAMES)
    raise ValueError(
        f"`identifier` must be one of {expected}, a cell instance or a config dict. Received: identifier={identifier!r}"
    )
