import keras
import numpy as np
import pytest

from seqkit.layers import BahdanauAttention, LuongAttention

RNG = np.random.default_rng(0)
VALUES = RNG.normal(size=(2, 5, 4)).astype("float32")
VALUES_MASK = np.array([[True, True, True, False, False], [True] * 5])
QUERY_STEP = RNG.normal(size=(2, 6)).astype("float32")
QUERY_SEQUENCE = RNG.normal(size=(2, 3, 6)).astype("float32")


def _softmax(scores, mask):
    scores = np.where(mask, scores, -np.inf)
    exp = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return exp / exp.sum(axis=-1, keepdims=True)


def _reference(scores, mask):
    """Weights and context from scores `(batch, Tq, Tv)`."""
    weights = _softmax(scores, mask[:, None, :])
    return weights @ VALUES, weights


def _numpy(tensors):
    return [keras.ops.convert_to_numpy(t) for t in tensors]


def _bahdanau_scores(layer, query):
    w1, w2, v = _numpy(layer.weights)
    hidden = np.tanh((query @ w1)[:, :, None, :] + (VALUES @ w2)[:, None, :, :])
    return hidden @ v


def _luong_scores(layer, query):
    keys = VALUES @ _numpy(layer.weights)[0] if layer.score == "general" else VALUES
    return query @ keys.transpose(0, 2, 1)


@pytest.mark.parametrize(
    "make, scores",
    [
        (lambda: BahdanauAttention(units=7), _bahdanau_scores),
        (lambda: LuongAttention(score="general"), _luong_scores),
    ],
)
@pytest.mark.parametrize("query", [QUERY_SEQUENCE, QUERY_STEP], ids=["sequence", "step"])
def test_matches_numpy(make, scores, query):
    layer = make()
    context, weights = _numpy(layer(query, VALUES, mask=VALUES_MASK))
    expected_context, expected_weights = _reference(
        scores(layer, query if query.ndim == 3 else query[:, None]), VALUES_MASK
    )
    if query.ndim == 2:
        expected_context, expected_weights = expected_context[:, 0], expected_weights[:, 0]
    assert context.shape == expected_context.shape
    np.testing.assert_allclose(weights, expected_weights, atol=1e-6)
    np.testing.assert_allclose(context, expected_context, atol=1e-5)
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0, atol=1e-6)
    assert np.all(weights[0, ..., 3:] == 0)


def test_luong_dot_matches_numpy():
    query = RNG.normal(size=(2, 3, 4)).astype("float32")
    layer = LuongAttention(score="dot")
    context, weights = _numpy(layer(query, VALUES, mask=VALUES_MASK))
    expected_context, expected_weights = _reference(_luong_scores(layer, query), VALUES_MASK)
    assert layer.weights == []
    np.testing.assert_allclose(weights, expected_weights, atol=1e-6)
    np.testing.assert_allclose(context, expected_context, atol=1e-5)


def test_masked_queries_get_zero_context():
    layer = BahdanauAttention(units=3)
    query_mask = np.array([[True, True, False], [True, False, False]])
    context, _ = _numpy(layer(QUERY_SEQUENCE, VALUES, mask=VALUES_MASK, query_mask=query_mask))
    assert np.all(context[~query_mask] == 0) and np.all(context[query_mask] != 0)


def test_values_keras_mask_is_used_in_functional_model(tmp_path):
    query = keras.Input((6,))
    values = keras.Input((None, 4))
    context, weights = LuongAttention()(query, keras.layers.Masking()(values))
    model = keras.Model([query, values], [context, weights])
    padded = np.where(VALUES_MASK[..., None], VALUES, 0.0)
    _, weights = model.predict([QUERY_STEP, padded], verbose=0)
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0, atol=1e-6)
    assert np.all(weights[0, 3:] == 0) and np.all(weights[1] > 0)

    path = str(tmp_path / "attention.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    np.testing.assert_allclose(loaded.predict([QUERY_STEP, padded], verbose=0)[1], weights)


@pytest.mark.parametrize("layer", [BahdanauAttention(5, name="a"), LuongAttention("dot")])
def test_get_config_round_trip(layer):
    config = layer.get_config()
    assert type(layer).from_config(config).get_config() == config


def test_argument_errors():
    with pytest.raises(ValueError, match="`units` must be a positive integer. Received: units=0"):
        BahdanauAttention(0)
    with pytest.raises(ValueError, match="Received: score='concat'"):
        LuongAttention("concat")
    with pytest.raises(ValueError, match="score='dot' needs queries and values of the same size"):
        LuongAttention("dot")(QUERY_STEP, VALUES)


def test_mixed_precision_policy_reaches_sublayers():
    layer = BahdanauAttention(3, dtype="mixed_float16")
    context, weights = layer(QUERY_STEP, VALUES)
    assert context.dtype == weights.dtype == "float16"
    assert all(v.dtype == "float32" for v in layer.weights)
