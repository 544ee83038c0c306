import numpy as np
import pytest

from seqkit.generation import Seq2SeqGenerator
from seqkit.tasks import seq2seq

SOURCE = np.array([[5, 6, 7, 0], [3, 0, 0, 0]], "int32")


@pytest.mark.parametrize("attention", ["bahdanau", None])
def test_greedy_decoding_is_the_argmax_of_teacher_forcing_on_itself(attention):
    model = seq2seq(12, 9, embedding_dim=4, units=4, attention=attention, num_layers=2)
    generator = Seq2SeqGenerator(model, start_token_id=1)
    tokens = generator.generate(SOURCE, max_length=6)
    assert tokens[:, 0].tolist() == [1, 1]
    logits = np.asarray(model({"source_ids": SOURCE, "target_ids": tokens[:, :-1]}))
    np.testing.assert_array_equal(logits.argmax(-1), tokens[:, 1:])
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
