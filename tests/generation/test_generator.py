import keras
import numpy as np
import pytest

from seqkit.generation import SequenceGenerator, get_sampler
from seqkit.tasks import language_model, language_model_loss

VOCAB = 8


def _fake_next(table):
    """A `next` whose logits are row `cache` of `table`, with a per-row
    cache counting the calls, as a recurrent state carries the history."""
    table = keras.ops.convert_to_tensor(np.asarray(table, "float32"))

    def next(prompt, cache, index):
        (step,) = cache
        return keras.ops.take(table, step, axis=0), None, (step + 1,)

    return next


def _run(sampler, table, length=5, stop_token_ids=None):
    prompt = np.zeros((2, length), "int32")
    prompt[:, 0] = 1
    mask = np.zeros((2, length), bool)
    mask[:, 0] = True
    step = keras.ops.zeros((2,), "int32")
    out = sampler(
        _fake_next(table),
        prompt,
        cache=(step,),
        index=1,
        mask=mask,
        stop_token_ids=stop_token_ids,
    )
    return np.asarray(out)


TABLE = np.log(
    np.array(
        [
            [0.1, 0.1, 0.1, 0.6, 0.1, 0.0, 0.0, 0.0],
            [0.0, 0.0, 0.0, 0.0, 0.2, 0.7, 0.1, 0.0],
            [0.3, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.7],
            [0.0, 0.9, 0.0, 0.0, 0.0, 0.0, 0.1, 0.0],
        ]
    )
    + 1e-9
)


def test_greedy_follows_the_cache_driven_next_function():
    assert _run(get_sampler("greedy"), TABLE).tolist() == [[1, 3, 5, 7, 1]] * 2


def test_stop_token_ends_the_loop_early():
    # Token 5 is produced at the second step; nothing later is written.
    out = _run(get_sampler("greedy"), TABLE, stop_token_ids=[5])
    assert out.tolist() == [[1, 3, 5, 0, 0]] * 2


@pytest.mark.parametrize(
    "name, kwargs",
    [("top_k", {"k": 1}), ("top_p", {"p": 0.01}), ("beam", {"num_beams": 2})],
)
def test_narrow_samplers_agree_with_greedy(name, kwargs):
    assert _run(get_sampler(name, **kwargs), TABLE).tolist() == [[1, 3, 5, 7, 1]] * 2


def test_random_sampler_only_draws_tokens_with_probability():
    sampler = get_sampler("random", seed=1)
    allowed = [set(np.flatnonzero(np.exp(row) > 1e-6)) for row in TABLE]
    out = _run(sampler, TABLE)
    for row in out:
        for position, token in enumerate(row[1:]):
            assert token in allowed[position]


def test_unknown_sampler_name_is_rejected():
    with pytest.raises(ValueError, match="`sampler` must be one of"):
        get_sampler("nucleus")


def _trained_toy_model(sequence):
    keras.utils.set_random_seed(0)
    model = language_model(VOCAB, embedding_dim=8, units=16, cell="gru")
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss=language_model_loss())
    data = np.array([sequence], "int32")
    for _ in range(60):
        model.train_on_batch(data[:, :-1], data[:, 1:])
    return model


def test_toy_model_trained_on_one_sequence_reproduces_it_greedily():
    sequence = [1, 3, 5, 4, 6, 3, 2]
    model = _trained_toy_model(sequence)
    generator = SequenceGenerator(model, "greedy", stop_token_ids=[2])
    tokens = generator.generate([[1], [1, 3, 5]], max_length=10)
    expected = sequence + [0, 0, 0]
    assert tokens.tolist() == [expected, expected]


def test_compiled_loop_is_traced_once_and_seeds_reproduce():
    model = language_model(VOCAB, embedding_dim=4, units=4)
    generator = SequenceGenerator(model, "random", temperature=3.0)
    first = generator.generate([[1, 2], [3, 0]], max_length=12, seed=5)
    again = generator.generate([[1, 2], [3, 0]], max_length=12, seed=5)
    other = generator.generate([[1, 2], [3, 0]], max_length=12, seed=6)
    generator.generate([[4], [5, 6, 7]], max_length=20, seed=1)
    generator.generate([[4]], max_length=3)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
    assert first[:, :1].tolist() == [[1], [3]] and first[0, 1] == 2
    assert generator.generate_function.experimental_get_tracing_count() == 1


def test_primer_of_several_tokens_matches_reading_it_step_by_step():
    # Rows with primers of different lengths: the shorter one is extended by
    # sampling while the longer one is still fed its own primer tokens.
    model = language_model(VOCAB, embedding_dim=4, units=4, cell="lstm", num_layers=2)
    generator = SequenceGenerator(model, "greedy")
    together = generator.generate([[1, 3, 5, 4], [1, 6]], max_length=8)
    alone = generator.generate([[1, 3, 5, 4]], max_length=8)
    np.testing.assert_array_equal(together[0], alone[0])
    # The greedy continuation equals the argmax of the full model run on it.
    logits = np.asarray(model(together[:1, :-1]))
    np.testing.assert_array_equal(logits[0, 3:].argmax(-1), together[0, 4:])


def test_bad_arguments():
    model = language_model(VOCAB, embedding_dim=4, units=4)
    generator = SequenceGenerator(model)
    with pytest.raises(ValueError, match="at least one token"):
        generator.generate([[1], []], max_length=4)
    with pytest.raises(ValueError, match="`max_length` must be an integer"):
        generator.generate([[1, 2, 3]], max_length=3)
    with pytest.raises(ValueError, match="`padding_id` must be 0"):
        SequenceGenerator(model, padding_id=3)


# Logits that ignore the input (zero kernel): <PAD> (0) and <UNK> (1) are the most likely ids, then 4, 5, 3.
PREFERS_SPECIALS = np.array([5.0, 4.0, 0.0, 1.0, 3.0, 2.0, 0.5, 0.0], "float32")


def _constant_logits_model(bias=PREFERS_SPECIALS):
    model = language_model(VOCAB, embedding_dim=4, units=4)
    kernel, _ = model.get_layer("logits").get_weights()
    model.get_layer("logits").set_weights([np.zeros_like(kernel), bias])
    return model


def _allowed_frequencies(tokens, forbidden):
    allowed = np.exp(PREFERS_SPECIALS) * ~np.isin(np.arange(VOCAB), forbidden)
    counts = np.bincount(tokens.ravel(), minlength=VOCAB)
    return counts / counts.sum(), allowed / allowed.sum()


def test_greedy_without_forbidden_ids_picks_padding_and_with_them_the_best_allowed_id():
    model = _constant_logits_model()
    assert SequenceGenerator(model, "greedy").generate([[2]], max_length=4).tolist() == [[2, 0, 0, 0]]
    generator = SequenceGenerator(model, "greedy", forbidden_ids=[0, 1])
    assert generator.generate([[2], [2, 1, 3]], max_length=6).tolist() == [[2, 4, 4, 4, 4, 4], [2, 1, 3, 4, 4, 4]]
    # Forbidding 4 as well leaves 5 the best.
    generator = SequenceGenerator(model, "greedy", forbidden_ids=[0, 1, 4])
    assert generator.generate([[2]], max_length=3).tolist() == [[2, 5, 5]]


@pytest.mark.parametrize(
    "name, kwargs, expected",
    [("top_p", {"p": 0.5}, [4]), ("beam", {"num_beams": 3}, [4]), ("top_k", {"k": 2, "seed": 1}, [4, 5])],
)
def test_narrow_samplers_pick_only_the_best_allowed_ids(name, kwargs, expected):
    generator = SequenceGenerator(_constant_logits_model(), name, forbidden_ids=[0, 1], **kwargs)
    tokens = generator.generate([[2]] * 40, max_length=11, seed=3)
    assert sorted(set(tokens[:, 1:].ravel().tolist())) == expected


def test_random_sampling_never_draws_forbidden_ids_and_renormalizes_the_others():
    generator = SequenceGenerator(_constant_logits_model(), "random", forbidden_ids=[0, 1, 2])
    tokens = generator.generate([[2]] * 100, max_length=21, seed=4)[:, 1:]
    observed, expected = _allowed_frequencies(tokens, [0, 1, 2])
    assert observed[:3].tolist() == [0.0, 0.0, 0.0]
    # 2000 draws: P(4) = e^3 / (e^1 + e^3 + e^2 + e^0.5 + e^0) = 0.61, P(7) = 0.03.
    np.testing.assert_allclose(observed, expected, atol=0.03)
    assert expected[4] == pytest.approx(0.612, abs=1e-3)


def test_top_k_counts_only_allowed_ids():
    generator = SequenceGenerator(_constant_logits_model(), "top_k", k=2, forbidden_ids=[0, 1])
    tokens = generator.generate([[2]] * 100, max_length=21, seed=5)[:, 1:]
    counts = np.bincount(tokens.ravel(), minlength=VOCAB)
    # Among 4 and 5: P(4) = e^3 / (e^3 + e^2) = 0.73.
    assert counts.sum() == counts[4] + counts[5]
    assert abs(counts[4] / counts.sum() - 0.731) < 0.04


def test_a_stop_token_stays_allowed_and_ends_the_rows():
    generator = SequenceGenerator(_constant_logits_model(), "greedy", stop_token_ids=[4], forbidden_ids=[0, 1])
    assert generator.generate([[2], [3, 5]], max_length=5).tolist() == [[2, 4, 0, 0, 0], [3, 5, 4, 0, 0]]
    assert generator.generate_function.experimental_get_tracing_count() == 1


@pytest.mark.parametrize(
    "forbidden_ids, message",
    [
        (
            [0, 8],
            r"`forbidden_ids` must be ids in \[0, vocabulary_size\). Received: forbidden_ids=\[0, 8\], "
            "vocabulary_size=8",
        ),
        ([-1], r"must be ids in \[0, vocabulary_size\)"),
        ([1.0], r"must be ids in \[0, vocabulary_size\)"),
        ([True], r"must be ids in \[0, vocabulary_size\)"),
        (3, "`forbidden_ids` must be a list of ints. Received: forbidden_ids=3"),
        (
            [1, 2],
            r"`forbidden_ids` must not contain a stop token. Received: forbidden_ids=\[1, 2\], "
            r"stop_token_ids=\[2\]",
        ),
        (list(range(VOCAB)), "`forbidden_ids` must leave at least one id allowed"),
    ],
)
def test_bad_forbidden_ids(forbidden_ids, message):
    model = language_model(VOCAB, embedding_dim=4, units=4)
    stop = [2] if forbidden_ids == [1, 2] else None
    with pytest.raises(ValueError, match=message):
        SequenceGenerator(model, stop_token_ids=stop, forbidden_ids=forbidden_ids)


# Logits that ignore the input: the stop token 5 is the most likely id, then 6.
PREFERS_STOP = np.array([0.0, 0.0, 0.0, 0.0, 0.0, 9.0, 3.0, 1.0], "float32")


@pytest.mark.parametrize(
    "name, kwargs",
    [("greedy", {}), ("random", {}), ("top_k", {"k": 2}), ("top_p", {"p": 0.9}), ("beam", {"num_beams": 3})],
)
def test_min_length_masks_the_stop_token_until_each_row_has_generated_that_many(name, kwargs):
    generator = SequenceGenerator(
        _constant_logits_model(PREFERS_STOP), name, stop_token_ids=[5], forbidden_ids=[0, 1], **kwargs
    )
    primers = [[2], [2, 3, 4]]
    assert generator.generate(primers, max_length=8, seed=1).tolist() == [[2, 5] + [0] * 6, [2, 3, 4, 5] + [0] * 4]
    tokens = generator.generate(primers, max_length=8, seed=1, min_length=5)
    # Row 0: 5 tokens after its primer, then the stop token (still the most likely); row 1 fills its 5 places.
    assert tokens[:, :1].tolist() == [[2]] * 2 and tokens[1, :3].tolist() == [2, 3, 4]
    assert 5 not in tokens[0, 1:6] and 0 not in tokens[0, :6] and tokens[0, 6:].tolist() == [5, 0]
    assert 5 not in tokens[1] and 0 not in tokens[1]
    assert generator.generate_function.experimental_get_tracing_count() == 1


def test_bad_min_length():
    generator = SequenceGenerator(_constant_logits_model(PREFERS_STOP), stop_token_ids=[5])
    for min_length in (-1, 4, 1.0, True):
        with pytest.raises(ValueError, match=r"`min_length` must be an integer from 0 to 3 \(max_length minus the "):
            generator.generate([[2], [2, 3]], max_length=5, min_length=min_length)
