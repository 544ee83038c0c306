import keras
import numpy as np
import pytest
from builder_checks import assert_save_load_identical, assert_training_step_changes_all_weights

from seqkit.tasks import (
    SEQ2SEQ_PRESETS,
    seq2seq,
    seq2seq_attention_weights,
    seq2seq_decoder_step,
    seq2seq_encoder,
    seq2seq_loss,
)

SOURCE = np.array([[4, 5, 6, 0], [7, 8, 9, 3]], "int32")
TARGET_IN = np.array([[1, 7, 9, 0], [1, 3, 4, 5]], "int32")
TARGET_OUT = np.array([[7, 9, 2, -1], [3, 4, 5, 2]], "int32")


def _inputs():
    return {"source_ids": SOURCE, "target_ids": TARGET_IN}


def _tiny(**kwargs):
    config = dict(embedding_dim=4, units=5)
    config.update(kwargs)
    return seq2seq(12, 11, **config)


@pytest.mark.parametrize("attention, cell", [("bahdanau", "lstm"), ("luong", "gru-simplified"), (None, "gru")])
def test_step_by_step_decoding_equals_teacher_forcing(attention, cell):
    model = _tiny(attention=attention, cell=cell, num_layers=2)
    full = np.asarray(model(_inputs()))
    encoder_outputs, source_mask, *states = seq2seq_encoder(model)(SOURCE)
    assert np.asarray(source_mask).tolist() == (SOURCE != 0).tolist()
    step = seq2seq_decoder_step(model)
    pieces = []
    for t in range(TARGET_IN.shape[1]):
        token = keras.ops.convert_to_tensor(TARGET_IN[:, t : t + 1])
        logits, weights, *states = step([token, encoder_outputs, source_mask, *states])
        assert tuple(weights.shape) == (2, 1, 4)
        pieces.append(np.asarray(logits))
    real = TARGET_IN != 0
    np.testing.assert_allclose(np.concatenate(pieces, axis=1)[real], full[real], atol=1e-5)


@pytest.mark.parametrize("attention", ["bahdanau", "luong"])
def test_attention_weights_are_distributions_over_real_source_steps(attention):
    model = _tiny(attention=attention)
    weights = np.asarray(seq2seq_attention_weights(model)(_inputs()))
    assert weights.shape == (2, 4, 4)
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0, atol=1e-5)
    np.testing.assert_array_equal(weights[0, :, 3], 0.0)


def test_model_without_attention_has_no_weights_to_plot():
    with pytest.raises(ValueError, match="no attention layer"):
        seq2seq_attention_weights(_tiny(attention=None))


@pytest.mark.parametrize("attention", ["bahdanau", "luong", None])
def test_save_load_round_trip(attention, tmp_path):
    model = _tiny(attention=attention, num_layers=2, dropout=0.1)
    restored = assert_save_load_identical(model, _inputs(), tmp_path)
    # Inference models can be rebuilt from the loaded model.
    assert len(seq2seq_decoder_step(restored).outputs) == 2 + 2 * 2


@pytest.mark.parametrize("attention, num_layers", [("bahdanau", 1), ("luong", 2), (None, 2)])
def test_one_training_step_changes_every_weight(attention, num_layers):
    model = _tiny(attention=attention, num_layers=num_layers)
    # Additive scores depend on the query only through tanh's curvature,
    # which vanishes for tiny activations: give the embeddings unit scale.
    rng = np.random.default_rng(0)
    for name in ("source_embedding", "target_embedding"):
        layer = model.get_layer(name)
        layer.set_weights([rng.normal(size=layer.embeddings.shape).astype("float32")])
    assert_training_step_changes_all_weights(model, seq2seq_loss(), _inputs(), TARGET_OUT)


def test_preset_and_errors():
    assert seq2seq(12, 11, **SEQ2SEQ_PRESETS["tiny"]).output.shape[-1] == 11
    with pytest.raises(ValueError, match="`attention` must be one of"):
        _tiny(attention="dot")
    with pytest.raises(ValueError, match="`units` must be a positive integer"):
        _tiny(units=-2)
