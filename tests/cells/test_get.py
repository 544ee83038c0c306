import keras
import pytest

from seqkit import cells


@pytest.mark.parametrize(
    "name, cls, attributes",
    [
        ("rnn", cells.SimpleRNNCell, {}),
        ("gru", cells.GRUCell, {"variant": "full"}),
        ("gru-simplified", cells.GRUCell, {"variant": "simplified"}),
        ("lstm", cells.LSTMCell, {"peephole": False}),
        ("LSTM-Peephole", cells.LSTMCell, {"peephole": True}),
    ],
)
def test_names(name, cls, attributes):
    cell = cells.get(name, 7, dropout=0.25)
    assert type(cell) is cls
    assert cell.units == 7 and cell.dropout == 0.25
    for key, value in attributes.items():
        assert getattr(cell, key) == value


def test_names_listed():
    assert cells.names() == ("rnn", "gru", "gru-simplified", "lstm", "lstm-peephole")


def test_instance_returned_as_is():
    cell = cells.LSTMCell(3)
    assert cells.get(cell) is cell
    keras_cell = keras.layers.GRUCell(2)
    assert cells.get(keras_cell, 5) is keras_cell


def test_config_dict():
    config = keras.saving.serialize_keras_object(cells.GRUCell(4, variant="simplified"))
    cell = cells.get(config)
    assert type(cell) is cells.GRUCell
    assert (cell.units, cell.variant) == (4, "simplified")


def test_unknown_name_lists_valid_names():
    with pytest.raises(ValueError) as info:
        cells.get("transformer", 4)
    message = str(info.value)
    assert "Received: identifier='transformer'" in message
    for name in cells.names():
        assert repr(name) in message


def test_unsupported_type():
    with pytest.raises(ValueError, match="Received: identifier=3"):
        cells.get(3, 4)


def test_name_needs_units():
    with pytest.raises(ValueError, match="`units` must be a positive integer"):
        cells.get("gru")
    with pytest.raises(ValueError, match="Received: units=-1"):
        cells.get("gru", -1)
