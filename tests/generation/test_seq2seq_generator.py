import numpy as np
import pytest
import tensorflow as tf

from seqkit.generation import Seq2SeqGenerator
from seqkit.generation.forbidden import forbid, forbidden_mask
from seqkit.tasks import seq2seq

SOURCE = np.array([[5, 6, 7, 0], [3, 0, 0, 0]], "int32")


@pytest.mark.parametrize("attention", ["bahdanau", None])
def test_greedy_decoding_is_the_argmax_of_teacher_forcing_on_itself(attention):
    model = seq2seq(12, 9, embedding_dim=4, units=4, attention=attention, num_layers=2)
    # Id 0 is padding: teacher forcing masks a 0 it is fed, so a decoded 0 (an untrained model can pick it) would
    # make the two runs differ by design. The apps always forbid it; so does this test.
    generator = Seq2SeqGenerator(model, start_token_id=1, forbidden_ids=[0])
    tokens = generator.generate(SOURCE, max_length=6)
    assert tokens[:, 0].tolist() == [1, 1] and np.all(tokens[:, 1:] != 0)
    logits = np.asarray(model({"source_ids": SOURCE, "target_ids": tokens[:, :-1]}))
    np.testing.assert_array_equal(logits[..., 1:].argmax(-1) + 1, tokens[:, 1:])
    # Extra source padding changes nothing.
    wider = np.pad(SOURCE, ((0, 0), (0, 3)))
    np.testing.assert_array_equal(generator.generate(wider, max_length=6), tokens)


def test_stop_token_pads_the_rest_and_the_loop_is_traced_once():
    model = seq2seq(12, 9, embedding_dim=4, units=4)
    greedy = Seq2SeqGenerator(model, start_token_id=1).generate(SOURCE, max_length=5)
    stop = int(greedy[0, 2])  # make the second decoded token of row 0 a stop token
    generator = Seq2SeqGenerator(model, "beam", num_beams=1, start_token_id=1, stop_token_ids=[stop])
    tokens = generator.generate(SOURCE, max_length=5)
    first = list(greedy[0]).index(stop, 1)
    assert tokens[0, : first + 1].tolist() == greedy[0, : first + 1].tolist()
    assert np.all(tokens[0, first + 1 :] == 0)
    generator.generate(SOURCE[:1, :2], max_length=9, seed=3)
    assert generator.generate_function.experimental_get_tracing_count() == 1


def test_sampling_is_reproducible_with_a_seed():
    model = seq2seq(12, 9, embedding_dim=4, units=4)
    generator = Seq2SeqGenerator(model, "random", temperature=5.0, start_token_id=1)
    first = generator.generate(SOURCE, max_length=8, seed=4)
    np.testing.assert_array_equal(generator.generate(SOURCE, max_length=8, seed=4), first)
    assert not np.array_equal(generator.generate(SOURCE, max_length=8, seed=5), first)


def test_bad_arguments():
    generator = Seq2SeqGenerator(seq2seq(12, 9, embedding_dim=4, units=4), start_token_id=1)
    with pytest.raises(ValueError, match="at least one token per row"):
        generator.generate(np.array([[4, 5], [0, 0]]), max_length=4)
    with pytest.raises(ValueError, match="`max_length` must be an integer of at least 2"):
        generator.generate(SOURCE, max_length=1)


def _model_preferring(target_logits):
    """A `seq2seq` model whose decoder logits are `target_logits` whatever the source and the prefix."""
    model = seq2seq(12, 9, embedding_dim=4, units=4)
    kernel, _ = model.get_layer("logits").get_weights()
    model.get_layer("logits").set_weights([np.zeros_like(kernel), np.asarray(target_logits, "float32")])
    return model


@pytest.mark.parametrize("sampler, kwargs", [("greedy", {}), ("beam", {"num_beams": 3}), ("top_k", {"k": 1})])
def test_forbidden_ids_are_never_decoded(sampler, kwargs):
    # <PAD>, <UNK>, <BOS> (0, 1, 2) are the most likely; 6 is the best allowed id, then 3.
    model = _model_preferring([6.0, 5.0, 4.0, 2.0, 0.0, 0.0, 3.0, 1.0, 0.0])
    free = Seq2SeqGenerator(model, sampler, start_token_id=2, **kwargs).generate(SOURCE, max_length=4)
    assert free[:, 1:].tolist() == [[0, 0, 0]] * 2
    generator = Seq2SeqGenerator(model, sampler, start_token_id=2, forbidden_ids=[0, 1, 2], **kwargs)
    assert generator.generate(SOURCE, max_length=4).tolist() == [[2, 6, 6, 6]] * 2
    stopping = Seq2SeqGenerator(model, sampler, start_token_id=2, stop_token_ids=[6], forbidden_ids=[0, 1, 2], **kwargs)
    assert stopping.generate(SOURCE, max_length=4).tolist() == [[2, 6, 0, 0]] * 2


def test_random_decoding_never_draws_forbidden_ids():
    model = _model_preferring([6.0, 5.0, 4.0, 2.0, 0.0, 0.0, 3.0, 1.0, 0.0])
    generator = Seq2SeqGenerator(model, "random", start_token_id=2, forbidden_ids=[0, 1, 2])
    tokens = generator.generate(np.repeat(SOURCE, 50, axis=0), max_length=11, seed=2)[:, 1:]
    counts = np.bincount(tokens.ravel(), minlength=9)
    assert counts[:3].tolist() == [0, 0, 0]
    # P(6) = e^3 / (e^2 + 3 e^0 + e^3 + e^1) = 0.605 among the allowed ids, over 1000 draws.
    assert abs(counts[6] / counts.sum() - 0.605) < 0.04


def test_forbidden_ids_out_of_the_target_vocabulary_are_rejected():
    model = seq2seq(12, 9, embedding_dim=4, units=4)
    with pytest.raises(ValueError, match=r"Received: forbidden_ids=\[9\], vocabulary_size=9"):
        Seq2SeqGenerator(model, start_token_id=1, forbidden_ids=[9])


def _teacher_forced_log_probs(model, sources, tokens, forbidden_ids):
    """Log-probability of `tokens[:, 1:]` (0 = padding) by one pass of the training model."""
    logits = model({"source_ids": sources, "target_ids": tokens[:, :-1]})
    log_probs = np.asarray(tf.nn.log_softmax(forbid(logits, forbidden_mask(forbidden_ids, 9)), axis=-1))
    picked = np.take_along_axis(log_probs, tokens[:, 1:, None], axis=-1)[..., 0]
    return np.where(tokens[:, 1:] != 0, picked, 0.0).sum(axis=1)


@pytest.mark.parametrize("sampler, kwargs", [("greedy", {}), ("random", {"temperature": 2.0}), ("top_k", {"k": 3})])
def test_decode_scores_the_tokens_and_keeps_each_row_within_its_length(sampler, kwargs):
    model = seq2seq(12, 9, embedding_dim=4, units=4, attention="luong")
    sources = np.repeat(SOURCE, 3, axis=0)
    free = Seq2SeqGenerator(model, start_token_id=1, forbidden_ids=[0, 1]).generate(sources, max_length=9)
    stop = int(np.bincount(free[:, 1:].ravel()).argmax())
    generator = Seq2SeqGenerator(model, sampler, start_token_id=1, stop_token_ids=[stop], forbidden_ids=[0, 1],
                                 **kwargs)
    limits = np.array([1, 2, 3, 8, 5, 4])
    decoded = generator.decode(sources, limits, seed=3)
    tokens = decoded["tokens"]
    assert tokens.shape == (6, 9) and decoded["scores"].shape == decoded["finished"].shape == (6,)
    for row, limit in zip(tokens, limits):
        length = list(row[1:]).index(stop) + 1 if stop in row[1:] else limit
        assert length <= limit and np.all(row[1 : length + 1] != 0) and np.all(row[length + 1 :] == 0)
    np.testing.assert_array_equal(decoded["finished"], (tokens[:, 1:] == stop).any(axis=1))
    expected = _teacher_forced_log_probs(model, sources, tokens, [0, 1])
    np.testing.assert_allclose(decoded["scores"], expected, atol=1e-5)
    np.testing.assert_array_equal(decoded["log_probs"], decoded["scores"])
    if sampler == "greedy":  # a row's limit cuts the unlimited decoding
        unlimited = generator.decode(sources, 8)["tokens"]
        np.testing.assert_array_equal(tokens, np.where(np.arange(9) > limits[:, None], 0, unlimited))


def test_beam_decode_returns_n_best_lists_and_scores():
    model = seq2seq(12, 9, embedding_dim=4, units=4)
    generator = Seq2SeqGenerator(model, "beam", num_beams=4, num_return_sequences=3, length_penalty=0.6,
                                 start_token_id=1, stop_token_ids=[2], forbidden_ids=[0, 1])
    decoded = generator.decode(SOURCE, [6, 3])
    assert decoded["tokens"].shape == (2, 3, 7) and decoded["scores"].shape == (2, 3)
    assert np.all(np.diff(decoded["scores"], axis=1) <= 0)
    tokens = decoded["tokens"].reshape(6, 7)
    expected = _teacher_forced_log_probs(model, np.repeat(SOURCE, 3, axis=0), tokens, [0, 1]).reshape(2, 3)
    np.testing.assert_allclose(decoded["log_probs"], expected, atol=1e-5)
    lengths = np.where(decoded["finished"], (decoded["tokens"][:, :, 1:] != 0).sum(-1), [[6], [3]])
    np.testing.assert_allclose(decoded["scores"], expected / ((5 + lengths) / 6) ** 0.6, rtol=1e-5)
    best = generator.generate(SOURCE, max_length=7)
    np.testing.assert_array_equal(best, generator.decode(SOURCE, 6)["tokens"][:, 0])


@pytest.mark.parametrize("sampler, kwargs", [("beam", {"num_beams": 3}), ("greedy", {})])
def test_decode_function_is_saved_and_served_with_plain_tensorflow_ops(sampler, kwargs, tmp_path):
    model = seq2seq(12, 9, embedding_dim=4, units=4, cell="gru", num_layers=2)
    generator = Seq2SeqGenerator(model, sampler, start_token_id=1, stop_token_ids=[2], forbidden_ids=[0, 1],
                                 **kwargs)

    class Serving(tf.Module):
        def __init__(self):
            super().__init__()
            self.encoder, self.decoder_step = generator.encoder, generator.decoder_step

        @tf.function(input_signature=[tf.TensorSpec((None, None), tf.int32), tf.TensorSpec((None,), tf.int32)])
        def decode(self, source_ids, max_lengths):
            return generator.decode_function(source_ids, max_lengths)

    tf.saved_model.save(Serving(), str(tmp_path / "served"))
    loaded = tf.saved_model.load(str(tmp_path / "served"))
    served = loaded.decode(tf.constant(SOURCE), tf.constant([5, 2]))
    expected = generator.decode(SOURCE, [5, 2])
    for key, value in expected.items():
        np.testing.assert_allclose(served[key].numpy(), value, atol=1e-6)
    graph = loaded.decode.get_concrete_function(
        tf.TensorSpec((None, None), tf.int32), tf.TensorSpec((None,), tf.int32)
    ).graph.as_graph_def()
    op_types = {node.op for node in graph.node} | {n.op for f in graph.library.function for n in f.node_def}
    assert not op_types & {"PyFunc", "EagerPyFunc", "PyFuncStateless"}


def test_decode_rejects_bad_lengths():
    generator = Seq2SeqGenerator(seq2seq(12, 9, embedding_dim=4, units=4), start_token_id=1)
    for bad in (0, [3, 0], [3], 2.5, True):
        with pytest.raises(ValueError, match="`max_length` must be a positive integer or one positive integer per"):
            generator.decode(SOURCE, bad)
