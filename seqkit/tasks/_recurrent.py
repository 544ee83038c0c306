"""A single recurrent layer that takes initial states and returns states."""

import keras

from seqkit.tasks import _checks

_KERAS_LAYERS = {
    "rnn": keras.layers.SimpleRNN,
    "lstm": keras.layers.LSTM,
    "gru": keras.layers.GRU,
}
# Cells whose Keras layers run the fused (cuDNN-capable) kernel.
_FUSED = ("lstm", "gru")


def stateful_recurrent_layer(cell, units, *, recurrent_dropout=0.0, implementation="auto", name=None):
    """Returns a recurrent layer with `return_sequences` and `return_state`.

    Used where a model must set initial states (decoders). The choice of
    implementation follows `seqkit.layers.RecurrentStack`: Keras's `LSTM` /
    `GRU` (`reset_after=True`) / `SimpleRNN` when `implementation` is
    `"keras"`, or `"auto"` with an `"lstm"`/`"gru"` cell and no recurrent
    dropout; otherwise seqkit's `RNN` over `seqkit.cells.get(cell, units)`.

    Example:

    >>> layer = stateful_recurrent_layer("gru-simplified", 4, name="decoder_0")
    >>> type(layer).__name__
    'RNN'
    """
    _checks.choice("implementation", implementation, ("auto", "keras", "seqkit"))
    fused = cell in _FUSED and not recurrent_dropout
    if implementation == "keras" or (implementation == "auto" and fused):
        if cell not in _KERAS_LAYERS:
            raise ValueError(
                f"implementation='keras' supports the cells {tuple(_KERAS_LAYERS)} here. Received: cell={cell!r}"
            )
        return _KERAS_LAYERS[cell](
            units,
            recurrent_dropout=recurrent_dropout,
            return_sequences=True,
            return_state=True,
            name=name,
        )
    from seqkit import cells
    from seqkit.layers import RNN

    kwargs = {"recurrent_dropout": recurrent_dropout} if recurrent_dropout else {}
    return RNN(
        cells.get(cell, units, **kwargs),
        return_sequences=True,
        return_state=True,
        name=name,
    )
