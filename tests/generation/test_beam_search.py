import itertools

import keras
import numpy as np
import pytest
import tensorflow as tf

from seqkit.generation import Seq2SeqGenerator
from seqkit.generation.beam_search import beam_search, length_penalty_factor
from seqkit.generation.forbidden import forbid, forbidden_mask
from seqkit.tasks import seq2seq

# Fake tables: id 0 is the start token (forbidden), 1 the stop token, 2 and 3 words.
START, STOP = 0, 1
NOT_START = np.array([True, False, False, False])


def _bigram_step(probabilities):
    """A `step` whose logits are the row of `probabilities` of the last token (no cache needed)."""
    with np.errstate(divide="ignore"):
        table = tf.constant(np.log(np.asarray(probabilities, np.float64)), tf.float32)

    def step(tokens, cache):
        return tf.gather(table, tokens), cache

    return step


def _search(step, num_beams, max_length=6, **kwargs):
    found = beam_search(
        step, (), START, max_lengths=tf.constant([max_length]), num_beams=num_beams, stop_token_ids=[STOP],
        forbidden_mask=NOT_START, **kwargs,
    )
    return {key: value.numpy()[0] for key, value in found.items()}


def _trim(tokens):
    return [int(t) for t in tokens if t != 0]


# After <start>: 2 beats 3, but 3 is then almost surely followed by the stop token.
GREEDY_IS_WRONG = [
    [0.0, 0.1, 0.5, 0.4],
    [0.0, 0.1, 0.5, 0.4],
    [0.0, 0.3, 0.36, 0.34],
    [0.0, 0.9, 0.05, 0.05],
]


def test_a_second_beam_finds_the_sequence_greedy_decoding_misses():
    greedy = _search(_bigram_step(GREEDY_IS_WRONG), num_beams=1, max_length=4)
    assert _trim(greedy["tokens"][0]) == [2, 2, 2, 2] and not greedy["finished"][0]
    np.testing.assert_allclose(greedy["log_probs"][0], np.log(0.5 * 0.36**3), rtol=1e-6)
    found = _search(_bigram_step(GREEDY_IS_WRONG), num_beams=2, max_length=4, num_return=2)
    assert found["tokens"].tolist() == [[3, 1, 0, 0], [2, 3, 1, 0]]
    assert found["finished"].tolist() == [True, True] and found["lengths"].tolist() == [2, 3]
    np.testing.assert_allclose(found["log_probs"], np.log([0.4 * 0.9, 0.5 * 0.34 * 0.9]), rtol=1e-6)
    np.testing.assert_array_equal(found["scores"], found["log_probs"])  # length_penalty=0


# Stopping at once (0.4) beats the likeliest continuation [2, 3, <stop>] (0.6 * 0.8 * 0.8 = 0.384) by raw
# probability, not once the length penalty favours the longer sequence.
STOP_OR_GO_ON = [
    [0.0, 0.4, 0.6, 0.0],
    [0.0, 0.4, 0.6, 0.0],
    [0.0, 0.2, 0.0, 0.8],
    [0.0, 0.8, 0.2, 0.0],
]


def _counting(step):
    """`step`, counting its calls (the loop runs eagerly here)."""
    calls = []

    def counted(tokens, cache):
        calls.append(1)
        return step(tokens, cache)

    return counted, calls


def test_a_finished_hypothesis_beats_the_beams_that_go_on():
    step, calls = _counting(_bigram_step(STOP_OR_GO_ON))
    found = _search(step, num_beams=2, max_length=50, num_return=2)
    assert [_trim(tokens) for tokens in found["tokens"]] == [[1], [2, 3, 1]]
    # Its score is its own: tokens after <stop> are never added (keras-hub's BeamSampler keeps extending).
    np.testing.assert_allclose(found["log_probs"], np.log([0.4, 0.384]), rtol=1e-6)
    # After 3 steps the alive beam [2, 3, 2] (0.096) cannot beat the pool: the search stops.
    assert len(calls) == 3
    # One beam is greedy decoding: <stop> ranked second at the first step does not count.
    assert _trim(_search(_bigram_step(STOP_OR_GO_ON), num_beams=1)["tokens"][0]) == [2, 3, 1]


def test_the_length_penalty_changes_the_winner():
    found = _search(_bigram_step(STOP_OR_GO_ON), num_beams=2, num_return=2, length_penalty=1.0)
    assert found["tokens"].tolist() == [[2, 3, 1, 0, 0, 0], [1, 0, 0, 0, 0, 0]]
    np.testing.assert_allclose(found["scores"], [np.log(0.384) / (8 / 6), np.log(0.4)], rtol=1e-6)
    np.testing.assert_allclose(found["log_probs"], np.log([0.384, 0.4]), rtol=1e-6)
    assert float(length_penalty_factor(3, 1.0)) == pytest.approx(8 / 6)


def test_the_early_stop_allows_for_the_length_penalty():
    # After the first step the pool holds [<stop>] (log 0.55) and the alive beam [2] (log 0.45) has a lower
    # log-probability, yet its completion [2, 3, <stop>] wins once normalised: the search must go on.
    table = [[0.0, 0.55, 0.45, 0.0], [0.0, 0.55, 0.45, 0.0], [0.0, 0.01, 0.0, 0.99], [0.0, 0.99, 0.005, 0.005]]
    found = _search(_bigram_step(table), num_beams=1, length_penalty=2.0)
    assert _trim(found["tokens"][0]) == [2, 3, 1]
    np.testing.assert_allclose(found["scores"][0], np.log(0.45 * 0.99 * 0.99) / (8 / 6) ** 2, rtol=1e-6)
    assert _trim(_search(_bigram_step(table), num_beams=1)["tokens"][0]) == [1]


# === Against exhaustive search ===


def _enumerate(words, stop, max_length):
    """Every hypothesis: words then `stop` (at most `max_length` tokens), or `max_length` words (unfinished)."""
    hypotheses = [(w + (stop,), True) for n in range(max_length) for w in itertools.product(words, repeat=n)]
    return hypotheses + [(w, False) for w in itertools.product(words, repeat=max_length)]


def _ranked(hypotheses, log_probs, alpha):
    lengths = np.array([len(tokens) for tokens, _ in hypotheses])
    scores = np.asarray(log_probs) / ((5 + lengths) / 6) ** alpha
    order = np.argsort(-scores, kind="stable")
    return [hypotheses[i] for i in order], scores[order], np.asarray(log_probs)[order]


def _check_n_best(found, row, hypotheses, scores, log_probs):
    """`found` (a dict of `(batch, n, ...)` arrays, start token excluded) holds exactly the exhaustive n-best."""
    count = len(hypotheses)
    got = [(tuple(_trim(tokens)), bool(done)) for tokens, done in zip(found["tokens"][row], found["finished"][row])]
    assert got[:count] == hypotheses
    np.testing.assert_allclose(found["scores"][row, :count], scores, atol=1e-5, rtol=0)
    np.testing.assert_allclose(found["log_probs"][row, :count], log_probs, atol=1e-5, rtol=0)
    assert np.all(np.isneginf(found["scores"][row, count:]))  # fewer hypotheses than beams: empty slots


def _trigram_step(tables):
    """A `step` whose logits are `tables[row, previous token, last token]`: the cache (row ids, previous
    token) is only right if it follows the beams."""
    tables = tf.constant(tables, tf.float32)

    def step(tokens, cache):
        rows, previous = cache
        logits = tf.gather_nd(tables, tf.stack([rows, previous, tokens], axis=1))
        return logits, (rows, tokens)

    return step


def _trigram_log_prob(tables, row, tokens):
    allowed = tables[row][..., 1:] - np.log(np.exp(tables[row][..., 1:]).sum(-1, keepdims=True))
    previous, last, total = START, START, 0.0
    for token in tokens:
        total += allowed[previous, last, token - 1]
        previous, last = last, token
    return total


@pytest.mark.parametrize("alpha", [0.0, 0.6])
def test_beam_search_with_a_wide_beam_is_exhaustive_search(alpha):
    tables = np.random.default_rng(3).normal(scale=2.0, size=(3, 4, 4, 4))
    max_lengths = [4, 1, 3]
    cache = (tf.range(3), tf.fill([3], START))
    found = beam_search(
        _trigram_step(tables), cache, START, max_lengths=tf.constant(max_lengths), num_beams=32,
        stop_token_ids=[STOP], length_penalty=alpha, num_return=32, forbidden_mask=NOT_START,
    )
    found = {key: value.numpy() for key, value in found.items()}
    assert found["tokens"].shape == (3, 32, 4)
    for row, max_length in enumerate(max_lengths):
        hypotheses = _enumerate((2, 3), STOP, max_length)
        log_probs = [_trigram_log_prob(tables, row, tokens) for tokens, _ in hypotheses]
        _check_n_best(found, row, *_ranked(hypotheses, log_probs, alpha))


def _sharp_model(target_vocabulary_size):
    """A tiny `seq2seq` model with peaked (seeded) next-token distributions."""
    keras.utils.set_random_seed(7)
    model = seq2seq(12, target_vocabulary_size, embedding_dim=4, units=4)
    kernel, bias = model.get_layer("logits").get_weights()
    model.get_layer("logits").set_weights([4.0 * kernel, np.linspace(-1.0, 1.0, bias.size).astype("float32")])
    return model


SOURCE = np.array([[5, 6, 7, 0], [3, 0, 0, 0], [9, 8, 0, 0]], "int32")


def _teacher_forced_log_probs(model, source_row, hypotheses, mask, start_token_id):
    """Exact log-probability of each hypothesis: one teacher-forced pass, log-softmax over the allowed ids."""
    length = max(len(tokens) for tokens, _ in hypotheses)
    targets = np.zeros((len(hypotheses), length), "int32")
    for index, (tokens, _) in enumerate(hypotheses):
        targets[index, : len(tokens)] = tokens
    inputs = np.concatenate([np.full((len(hypotheses), 1), start_token_id, "int32"), targets[:, :-1]], axis=1)
    sources = np.repeat(source_row[None, :], len(hypotheses), axis=0)
    logits = model({"source_ids": sources, "target_ids": inputs})
    log_probs = np.asarray(tf.nn.log_softmax(forbid(logits, mask), axis=-1))
    picked = np.take_along_axis(log_probs, targets[:, :, None], axis=-1)[..., 0]
    return np.where(targets != 0, picked, 0.0).sum(axis=1)


@pytest.mark.parametrize("alpha", [0.0, 0.6])
def test_beam_search_of_a_seq2seq_model_with_a_wide_beam_is_exhaustive_search(alpha):
    # Target ids: 0 <PAD>, 1 <BOS> (both forbidden), 2 <EOS>, words 3 and 4.
    model = _sharp_model(5)
    generator = Seq2SeqGenerator(
        model, "beam", num_beams=16, length_penalty=alpha, num_return_sequences=16, start_token_id=1,
        stop_token_ids=[2], forbidden_ids=[0, 1],
    )
    max_lengths = [3, 2, 1]
    found = generator.decode(SOURCE, max_lengths)
    assert found["tokens"].shape == (3, 16, 4) and np.all(found["tokens"][:, :, 0] == 1)
    found["tokens"] = found["tokens"][:, :, 1:]
    mask = forbidden_mask([0, 1], 5)
    for row, max_length in enumerate(max_lengths):
        hypotheses = _enumerate((3, 4), 2, max_length)
        log_probs = _teacher_forced_log_probs(model, SOURCE[row], hypotheses, mask, start_token_id=1)
        _check_n_best(found, row, *_ranked(hypotheses, log_probs, alpha))


@pytest.mark.parametrize(
    "options",
    [{"cell": "gru"}, {"bidirectional": True, "input_feeding": True, "tie_embeddings": True, "num_layers": 2}],
)
def test_one_beam_without_length_penalty_is_greedy_decoding(options):
    model = seq2seq(12, 9, embedding_dim=4, units=4, attention="luong", **options)
    sources = np.array([[5, 6, 7, 0], [3, 0, 0, 0], [9, 8, 0, 0], [4, 4, 4, 4]], "int32")
    free = Seq2SeqGenerator(model, start_token_id=1, forbidden_ids=[0, 1]).generate(sources, max_length=8)
    stop = int(np.bincount(free[:, 1:].ravel()).argmax())  # the likeliest token ends some rows early
    options = {"start_token_id": 1, "stop_token_ids": [stop], "forbidden_ids": [0, 1]}
    greedy = Seq2SeqGenerator(model, **options).decode(sources, [7, 7, 3, 5])
    beam = Seq2SeqGenerator(model, "beam", num_beams=1, **options).decode(sources, [7, 7, 3, 5])
    np.testing.assert_array_equal(beam["tokens"][:, 0], greedy["tokens"])
    np.testing.assert_allclose(beam["scores"][:, 0], greedy["scores"], atol=1e-5)
    np.testing.assert_array_equal(beam["finished"][:, 0], greedy["finished"])
    assert greedy["finished"].any()


def test_the_search_is_traced_once_for_any_batch_size_and_lengths():
    step = _bigram_step(GREEDY_IS_WRONG)

    @tf.function(input_signature=[tf.TensorSpec((None,), tf.int32)])
    def search(max_lengths):
        return beam_search(step, (), START, max_lengths=max_lengths, num_beams=2, stop_token_ids=[STOP],
                           forbidden_mask=NOT_START)

    assert search(tf.constant([4])).get("tokens").numpy().tolist() == [[[3, 1, 0, 0]]]
    short = search(tf.constant([1, 6, 2]))
    assert short["tokens"].numpy()[:, 0].tolist() == [[2, 0, 0, 0, 0, 0], [3, 1, 0, 0, 0, 0], [3, 1, 0, 0, 0, 0]]
    assert short["finished"].numpy().tolist() == [[False], [True], [True]]
    assert search.experimental_get_tracing_count() == 1

    generator = Seq2SeqGenerator(seq2seq(12, 6, embedding_dim=4, units=4), "beam", num_beams=3,
                                 start_token_id=1, stop_token_ids=[2], forbidden_ids=[0, 1])
    assert generator.decode(SOURCE, 5)["tokens"].shape == (3, 1, 6)
    assert generator.decode(SOURCE[:1, :2], [2])["tokens"].shape == (1, 1, 3)
    assert generator.decode(np.pad(SOURCE, ((0, 0), (0, 5))), [1, 9, 3])["tokens"].shape == (3, 1, 10)
    assert generator.decode_function.experimental_get_tracing_count() == 1


def test_forbidden_ids_never_appear_and_padding_follows_the_end():
    model = seq2seq(12, 9, embedding_dim=4, units=4)
    kernel, bias = model.get_layer("logits").get_weights()
    bias[[0, 3, 5]] += 5.0  # the forbidden ids are the likeliest
    model.get_layer("logits").set_weights([kernel, bias])
    generator = Seq2SeqGenerator(model, "beam", num_beams=4, num_return_sequences=4, length_penalty=0.6,
                                 start_token_id=1, stop_token_ids=[2], forbidden_ids=[0, 1, 3, 5])
    sources = np.random.default_rng(0).integers(1, 12, size=(16, 5)).astype("int32")
    max_lengths = np.random.default_rng(1).integers(1, 8, size=16)
    found = generator.decode(sources, max_lengths)
    assert np.all(np.diff(found["scores"], axis=1) <= 0)  # best first
    for row, hypotheses in enumerate(found["tokens"][:, :, 1:]):
        for tokens, finished in zip(hypotheses, found["finished"][row]):
            length = list(tokens).index(2) + 1 if finished else max_lengths[row]
            assert not np.isin(tokens[:length], [0, 1, 3, 5]).any()
            assert np.all(tokens[length:] == 0)
            assert finished == (2 in tokens[:length])


def test_bad_arguments_are_rejected():
    step = _bigram_step(GREEDY_IS_WRONG)
    with pytest.raises(ValueError, match="`num_beams` must be a positive integer. Received: num_beams=0"):
        _search(step, num_beams=0)
    with pytest.raises(ValueError, match=r"`num_return` must be a positive integer at most `num_beams` \(2\). "
                                         "Received: num_return=3"):
        _search(step, num_beams=2, num_return=3)
    with pytest.raises(ValueError, match="`length_penalty` must be a non-negative number. "
                                         "Received: length_penalty=-0.5"):
        _search(step, num_beams=2, length_penalty=-0.5)
    model = seq2seq(12, 6, embedding_dim=4, units=4)
    with pytest.raises(ValueError, match="Received: num_beams=True"):
        Seq2SeqGenerator(model, "beam", num_beams=True, start_token_id=1)
    with pytest.raises(ValueError, match="Received: num_return_sequences=4"):
        Seq2SeqGenerator(model, "beam", num_beams=3, num_return_sequences=4, start_token_id=1)
    with pytest.raises(ValueError, match="takes `num_beams`, `length_penalty` and `num_return_sequences`. "
                                         "Received: temperature=0.5"):
        Seq2SeqGenerator(model, "beam", temperature=0.5, start_token_id=1)
