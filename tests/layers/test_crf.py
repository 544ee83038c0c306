import itertools

import keras
import numpy as np
import pytest
import tensorflow as tf

from seqkit.layers import CRF
from seqkit.layers.crf import FORBIDDEN_SCORE, iob2_constraints, is_iob2

NUM_TAGS = 3
MASK = np.array(
    [
        [True, True, True, True],  # full length
        [True, True, False, False],  # right padding
        [False, True, False, True],  # holes: steps 1 and 3 form the sequence
        [True, False, False, False],  # one step
    ]
)


def _crf(seed=0):
    crf = CRF(NUM_TAGS, transitions_initializer=keras.initializers.RandomNormal(seed=seed))
    crf.build((None, None, NUM_TAGS))
    return crf


def _potentials(seed=1):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(len(MASK), MASK.shape[1], NUM_TAGS)).astype("float32")


def _weights(crf):
    return [keras.ops.convert_to_numpy(w) for w in (
        crf.transitions, crf.start_transitions, crf.end_transitions)]


def _path_score(emissions, path, transitions, start, end):
    score = start[path[0]] + end[path[-1]]
    score += sum(emissions[t, tag] for t, tag in enumerate(path))
    score += sum(transitions[a, b] for a, b in zip(path[:-1], path[1:]))
    return score


def _all_paths(emissions, crf):
    """Every tag path of the unmasked steps with its score, by enumeration."""
    transitions, start, end = _weights(crf)
    paths = list(itertools.product(range(NUM_TAGS), repeat=len(emissions)))
    scores = np.array([_path_score(emissions, p, transitions, start, end) for p in paths])
    return paths, scores


def test_log_likelihood_matches_enumeration():
    crf, potentials = _crf(), _potentials()
    tags = np.random.default_rng(2).integers(0, NUM_TAGS, size=MASK.shape)
    tags[~MASK] = -1
    result = keras.ops.convert_to_numpy(crf.log_likelihood(potentials, tags, MASK))
    for row in range(len(MASK)):
        emissions = potentials[row][MASK[row]]
        paths, scores = _all_paths(emissions, crf)
        gold = paths.index(tuple(tags[row][MASK[row]]))
        expected = scores[gold] - np.log(np.sum(np.exp(scores)))
        np.testing.assert_allclose(result[row], expected, atol=1e-5)


def test_probabilities_of_all_paths_sum_to_one():
    crf, potentials = _crf(), _potentials()[:1, :3]
    paths = np.array(list(itertools.product(range(NUM_TAGS), repeat=3)))
    tiled = np.repeat(potentials, len(paths), axis=0)
    log_likelihood = crf.log_likelihood(tiled, paths)
    np.testing.assert_allclose(np.exp(log_likelihood).sum(), 1.0, atol=1e-5)


def test_decode_matches_enumeration():
    crf, potentials = _crf(), _potentials()
    decoded = keras.ops.convert_to_numpy(crf.decode(potentials, MASK))
    assert decoded.dtype == np.int32
    for row in range(len(MASK)):
        paths, scores = _all_paths(potentials[row][MASK[row]], crf)
        np.testing.assert_array_equal(decoded[row][MASK[row]], paths[np.argmax(scores)])
        assert np.all(decoded[row][~MASK[row]] == -1)


def test_without_mask_every_step_counts():
    crf, potentials = _crf(), _potentials()
    full = np.ones(MASK.shape, bool)
    tags = np.zeros(MASK.shape, "int32")
    np.testing.assert_allclose(crf.log_likelihood(potentials, tags),
                               crf.log_likelihood(potentials, tags, full))
    np.testing.assert_array_equal(crf.decode(potentials), crf.decode(potentials, full))


def test_fully_masked_sequence():
    crf, potentials = _crf(), _potentials()[:1]
    mask = np.zeros((1, MASK.shape[1]), bool)
    assert float(crf.log_likelihood(potentials, -np.ones((1, 4)), mask)[0]) == 0.0
    np.testing.assert_array_equal(crf.decode(potentials, mask), -np.ones((1, 4)))


def test_call_returns_potentials_without_mask():
    crf, potentials = _crf(), _potentials()
    outputs = crf(potentials, mask=MASK)
    np.testing.assert_array_equal(outputs, potentials)
    assert getattr(outputs, "_keras_mask", None) is None


def test_gradient_reaches_every_transition_weight():
    crf, potentials = _crf(), _potentials()
    tags = np.where(MASK, 1, -1)
    with tf.GradientTape() as tape:
        loss = crf.loss(tags, potentials)
    gradients = tape.gradient(loss, crf.trainable_variables)
    assert len(gradients) == 3
    for gradient in gradients:
        assert np.all(np.isfinite(gradient)) and np.any(np.abs(gradient) > 1e-4)


def test_loss_is_mean_negative_log_likelihood():
    crf, potentials = _crf(), _potentials()
    tags = np.where(MASK, 2, -1)
    expected = -np.mean(crf.log_likelihood(potentials, np.maximum(tags, 0), MASK))
    np.testing.assert_allclose(crf.loss(tags, potentials), expected, rtol=1e-6)


def test_decode_in_tf_function_with_unknown_shapes():
    crf = _crf()
    spec = tf.TensorSpec((None, None, NUM_TAGS), tf.float32)
    decode = tf.function(crf.decode, input_signature=[spec, tf.TensorSpec((None, None), tf.bool)])
    potentials = _potentials()
    np.testing.assert_array_equal(decode(potentials, MASK), crf.decode(potentials, MASK))
    short = decode(potentials[:2, :2], MASK[:2, :2])
    assert short.shape == (2, 2)
    assert len(decode.get_concrete_function().graph.as_graph_def().node) > 0
    # A batch whose longest sequence is one step (one-word sentences): the best single tag.
    one = decode(potentials[:2, :1], np.ones((2, 1), bool)).numpy()
    start, end = (np.asarray(w) for w in (crf.start_transitions, crf.end_transitions))
    np.testing.assert_array_equal(one[:, 0], np.argmax(start + potentials[:2, 0] + end, axis=1))


def _tagger(crf):
    inputs = keras.Input((None,), dtype="int32")
    x = keras.layers.Embedding(8, 4, mask_zero=True)(inputs)
    x = keras.layers.GRU(6, return_sequences=True)(x)
    return keras.Model(inputs, crf(keras.layers.Dense(NUM_TAGS)(x)))


def _tagging_data():
    tokens = np.array([[1, 2, 3, 4], [5, 6, 0, 0], [7, 1, 2, 0]], "int32")
    tags = np.array([[0, 1, 2, 0], [1, 2, -1, -1], [2, 0, 1, -1]], "int32")
    return tokens, tags


def test_tagger_fit_lowers_loss_and_reloads_compiled(tmp_path):
    keras.utils.set_random_seed(0)
    crf = CRF(NUM_TAGS)
    model = _tagger(crf)
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss=crf.loss)
    tokens, tags = _tagging_data()
    history = model.fit(tokens, tags, epochs=15, batch_size=3, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < 0.5 * losses[0]
    np.testing.assert_array_equal(crf.decode(model(tokens), tokens != 0), tags)

    path = str(tmp_path / "tagger.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded.layers[-1], CRF)
    assert loaded.loss.layer() is loaded.layers[-1]
    np.testing.assert_allclose(loaded.evaluate(tokens, tags, verbose=0),
                               model.evaluate(tokens, tags, verbose=0), rtol=1e-5)


def test_get_config_round_trip():
    crf = CRF(4, transitions_initializer="zeros", name="tags")
    config = crf.get_config()
    assert CRF.from_config(config).get_config() == config


@pytest.mark.parametrize("num_tags", [0, -2, 2.0, True])
def test_num_tags_must_be_positive_int(num_tags):
    with pytest.raises(ValueError, match="`num_tags` must be a positive integer"):
        CRF(num_tags)


def test_potentials_must_have_num_tags_features():
    with pytest.raises(ValueError, match="must equal `num_tags`"):
        CRF(3)(np.zeros((1, 2, 4), "float32"))


def test_decode_in_saved_model_with_new_batch_and_length(tmp_path):
    crf = _crf()
    module = tf.Module()
    module.crf = crf

    @tf.function(input_signature=[tf.TensorSpec((None, None, NUM_TAGS), tf.float32),
                                  tf.TensorSpec((None, None), tf.bool)])
    def serve(potentials, mask):
        return {"tags": crf.decode(potentials, mask)}

    tf.saved_model.save(module, str(tmp_path), signatures={"serving_default": serve})
    reloaded = tf.saved_model.load(str(tmp_path)).signatures["serving_default"]
    for batch, time in [(4, 4), (1, 2)]:
        potentials, mask = _potentials()[:batch, :time], MASK[:batch, :time]
        np.testing.assert_array_equal(reloaded(potentials=potentials, mask=mask)["tags"],
                                      crf.decode(potentials, mask))


# === IOB2 transition constraints ===

IOB2_TAGS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]


def _legal(path, tags=IOB2_TAGS):
    """Whether a path of tag ids is legal IOB2, written out independently of the layer."""
    names = [tags[i] for i in path]
    for previous, tag in zip([None] + names[:-1], names):
        if tag.startswith("I-") and previous not in ("B-" + tag[2:], tag):
            return False
    return True


def _constrained_crf(seed=0):
    crf = CRF(len(IOB2_TAGS), transitions_initializer=keras.initializers.RandomNormal(seed=seed),
              constraints=iob2_constraints(IOB2_TAGS))
    crf.build((None, None, len(IOB2_TAGS)))
    return crf


def test_iob2_constraints_forbid_i_after_other_types_and_at_the_start():
    constraints = iob2_constraints(IOB2_TAGS)
    assert constraints["start"] == [True, True, False, True, False]
    allowed = np.array(constraints["transitions"])
    for i, previous in enumerate(IOB2_TAGS):
        for j, tag in enumerate(IOB2_TAGS):
            expected = not tag.startswith("I-") or previous in ("B-" + tag[2:], tag)
            assert allowed[i, j] == expected, (previous, tag)
    assert is_iob2(IOB2_TAGS) and not is_iob2(["O", "PER"])
    with pytest.raises(ValueError, match="Received: tag='PER'"):
        iob2_constraints(["O", "PER"])


def test_constrained_decode_picks_a_legal_path_where_unconstrained_picks_o_then_i():
    tags = ["O", "B-PER", "I-PER"]
    # O is best at step 0, I-PER at step 1: O -> I-PER (score 10) unless it is forbidden.
    potentials = np.array([[[5.0, 0.0, 0.0], [0.0, 1.0, 5.0]]], "float32")
    free = CRF(3, transitions_initializer="zeros")
    constrained = CRF(3, transitions_initializer="zeros", constraints=iob2_constraints(tags))
    assert free.decode(potentials).numpy().tolist() == [[0, 2]]
    # Legal: O B-PER (6), B-PER I-PER (5), O O (5): the first.
    assert constrained.decode(potentials).numpy().tolist() == [[0, 1]]
    # A sequence cannot start with I-PER, even one step long.
    one = np.array([[[0.0, 1.0, 5.0]]], "float32")
    assert free.decode(one).numpy().tolist() == [[2]]
    assert constrained.decode(one).numpy().tolist() == [[1]]


def test_constrained_probabilities_of_legal_paths_sum_to_one_by_enumeration():
    crf = _constrained_crf()
    transitions, start, end = _weights(crf)
    k = len(IOB2_TAGS)
    potentials = np.random.default_rng(3).normal(size=(1, 4, k)).astype("float32")
    paths = list(itertools.product(range(k), repeat=4))
    legal = [p for p in paths if _legal(p)]
    scores = np.array([_path_score(potentials[0], p, transitions, start, end) for p in legal])
    log_z = np.log(np.sum(np.exp(scores)))
    log_likelihood = crf.log_likelihood(np.repeat(potentials, len(legal), axis=0), np.array(legal)).numpy()
    # Each legal path: its own score minus log Z over legal paths only; together they sum to one.
    np.testing.assert_allclose(log_likelihood, scores - log_z, atol=1e-4)
    np.testing.assert_allclose(np.exp(log_likelihood).sum(), 1.0, atol=1e-5)
    illegal = [p for p in paths if not _legal(p)]
    assert np.all(crf.log_likelihood(np.repeat(potentials, len(illegal), axis=0), np.array(illegal)).numpy()
                  < FORBIDDEN_SCORE / 2)


def test_constrained_decode_is_the_best_legal_path_with_masks():
    crf = _constrained_crf()
    transitions, start, end = _weights(crf)
    k = len(IOB2_TAGS)
    # Potentials favouring I- tags everywhere, so the constraints matter.
    potentials = np.random.default_rng(4).normal(size=(len(MASK), MASK.shape[1], k)).astype("float32")
    potentials[:, :, [2, 4]] += 2.0
    decoded = crf.decode(potentials, MASK).numpy()
    for row in range(len(MASK)):
        emissions = potentials[row][MASK[row]]
        legal = [p for p in itertools.product(range(k), repeat=len(emissions)) if _legal(p)]
        scores = [_path_score(emissions, p, transitions, start, end) for p in legal]
        np.testing.assert_array_equal(decoded[row][MASK[row]], legal[int(np.argmax(scores))])


def test_constraints_survive_config_keras_file_and_saved_model(tmp_path):
    crf = _constrained_crf()
    config = crf.get_config()
    assert config["constraints"]["start"] == [True, True, False, True, False]
    assert CRF.from_config(config).get_config() == config

    inputs = keras.Input((None, len(IOB2_TAGS)))
    model = keras.Model(inputs, crf(inputs))
    model.save(tmp_path / "crf.keras")
    loaded = keras.saving.load_model(tmp_path / "crf.keras").layers[-1]
    assert loaded.constraints == crf.constraints
    potentials = np.zeros((1, 2, len(IOB2_TAGS)), "float32")
    potentials[0, :, 2] = 5.0  # I-PER everywhere: illegal at the start
    expected = crf.decode(potentials).numpy()
    assert expected[0, 0] != 2
    np.testing.assert_array_equal(loaded.decode(potentials), expected)

    module = tf.Module()
    module.crf = crf
    serve = tf.function(crf.decode, input_signature=[tf.TensorSpec((None, None, len(IOB2_TAGS)), tf.float32)])
    tf.saved_model.save(module, str(tmp_path / "saved"), signatures={"serving_default": serve})
    reloaded = tf.saved_model.load(str(tmp_path / "saved")).signatures["serving_default"]
    np.testing.assert_array_equal(reloaded(potentials=tf.constant(potentials))["output_0"], expected)


@pytest.mark.parametrize(
    "constraints, message",
    [
        ({"transitions": [[True]]}, "must be booleans of shape"),
        ({"ends": [True, True]}, "with keys among"),
        ({"start": [2, 0]}, "must be booleans of shape"),
    ],
)
def test_constraints_errors(constraints, message):
    with pytest.raises(ValueError, match=message):
        CRF(2, constraints=constraints)
