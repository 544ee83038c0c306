import numpy as np
import pytest
import tensorflow as tf
from builder_checks import assert_save_load_identical, assert_training_step_changes_all_weights

from seqkit.tasks import SEQUENCE_TAGGER_PRESETS, decode_tags, sequence_tagger, tagger_loss

TOKENS = np.array([[4, 9, 2, 0, 0], [3, 1, 5, 6, 7]], dtype="int32")
LABELS = np.array([[1, 2, 0, -1, -1], [0, 0, 2, 1, 1]], dtype="int32")


def _chars(seed=0):
    chars = np.random.default_rng(seed).integers(1, 12, size=(2, 5, 4))
    chars[:, :, 3] = 0  # every word shorter than the longest
    chars[TOKENS == 0] = 0
    return chars.astype("int32")


def _features(seed=0):
    features = np.random.default_rng(seed).normal(size=(2, 5, 3))
    features[TOKENS == 0] = 0.0
    return features.astype("float32")


def _tiny(**kwargs):
    config = dict(embedding_dim=4, units=3)
    config.update(kwargs)
    return sequence_tagger(20, 3, **config)


def test_output_shape_and_steps_ignore_padding():
    model = _tiny(head="softmax")
    scores = np.asarray(model({"token_ids": TOKENS}))
    assert scores.shape == (2, 5, 3)
    # The same sentence without trailing padding scores identically: the
    # backward direction starts at the last real token.
    alone = np.asarray(model({"token_ids": TOKENS[:1, :3]}))
    np.testing.assert_allclose(alone[0], scores[0, :3], atol=1e-6)


def test_char_and_feature_inputs_change_scores_of_their_token():
    model = _tiny(
        head="softmax",
        char_vocabulary_size=12,
        char_embedding_dim=3,
        char_units=2,
        feature_dim=3,
        bidirectional=False,
    )
    inputs = {"token_ids": TOKENS, "char_ids": _chars(), "features": _features()}
    base = np.asarray(model(inputs))
    changed = dict(inputs, char_ids=_chars().copy())
    changed["char_ids"][1, 2, 0] = 11 if changed["char_ids"][1, 2, 0] != 11 else 10
    moved = np.asarray(model(changed))
    # Unidirectional: steps before the changed token are unaffected.
    np.testing.assert_allclose(moved[1, :2], base[1, :2], atol=1e-6)
    assert np.abs(moved[1, 2] - base[1, 2]).max() > 1e-6
    np.testing.assert_allclose(moved[0], base[0], atol=1e-6)


def test_feature_only_tagger_treats_all_zero_steps_as_padding():
    model = sequence_tagger(None, 2, feature_dim=3, units=3, head="softmax")
    assert list(model.input) == ["features"] or set(model.input) == {"features"}
    scores = np.asarray(model({"features": _features()}))
    alone = np.asarray(model({"features": _features()[:1, :3]}))
    np.testing.assert_allclose(alone[0], scores[0, :3], atol=1e-6)


def test_token_embedding_accepts_pretrained_vectors():
    model = _tiny(head="softmax")
    vectors = np.arange(20 * 4, dtype="float32").reshape(20, 4) / 100.0
    model.get_layer("token_embedding").set_weights([vectors])
    np.testing.assert_array_equal(model.get_layer("token_embedding").get_weights()[0], vectors)


def test_decode_softmax_is_masked_argmax_in_a_compiled_function():
    model = _tiny(head="softmax")
    scores = np.array([[[0.1, 0.7, 0.2], [2.0, 1.0, 0.0], [0.0, 0.0, 5.0]]], dtype="float32")
    mask = np.array([[True, True, False]])

    @tf.function(
        input_signature=[
            tf.TensorSpec((None, None, 3), tf.float32),
            tf.TensorSpec((None, None), tf.bool),
        ]
    )
    def decode(outputs, step_mask):
        return decode_tags(model, outputs, step_mask)

    assert decode(scores, mask).numpy().tolist() == [[1, 0, -1]]
    assert decode_tags(model, scores).numpy().tolist() == [[1, 0, 2]]


def test_crf_decode_is_the_best_path_by_brute_force():
    model = _tiny(head="crf")
    crf = model.get_layer("crf")
    rng = np.random.default_rng(1)
    for weight in crf.weights:
        weight.assign(rng.normal(size=weight.shape).astype("float32"))
    scores = rng.normal(size=(1, 4, 3)).astype("float32")
    mask = np.array([[True, True, True, False]])
    tags = decode_tags(model, scores, mask).numpy()[0]
    assert tags[3] == -1
    matrix = crf.transitions.numpy()
    start, end = crf.start_transitions.numpy(), crf.end_transitions.numpy()

    def path_score(path):
        total = sum(scores[0, t, k] for t, k in enumerate(path))
        total += sum(matrix[a, b] for a, b in zip(path, path[1:]))
        return total + start[path[0]] + end[path[-1]]

    assert tuple(tags[:3]) == max(np.ndindex(3, 3, 3), key=path_score)

    # The same in a compiled function with unknown batch size and length.
    @tf.function(input_signature=[tf.TensorSpec((None, None, 3), tf.float32), tf.TensorSpec((None, None), tf.bool)])
    def decode(outputs, step_mask):
        return decode_tags(model, outputs, step_mask)

    np.testing.assert_array_equal(decode(scores, mask).numpy()[0], tags)


@pytest.mark.parametrize("head", ["crf", "softmax"])
def test_save_load_round_trip_with_all_inputs(head, tmp_path):
    model = _tiny(
        head=head,
        char_vocabulary_size=12,
        char_embedding_dim=3,
        char_units=2,
        feature_dim=3,
    )
    inputs = {"token_ids": TOKENS, "char_ids": _chars(), "features": _features()}
    assert_save_load_identical(model, inputs, tmp_path)


@pytest.mark.parametrize("head", ["crf", "softmax"])
def test_one_training_step_changes_every_weight(head):
    model = _tiny(
        head=head,
        char_vocabulary_size=12,
        char_embedding_dim=3,
        char_units=2,
    )
    inputs = {"token_ids": TOKENS, "char_ids": _chars()}
    assert_training_step_changes_all_weights(model, tagger_loss(model), inputs, LABELS)


def test_softmax_loss_is_cross_entropy_from_logits_over_labelled_steps():
    model = _tiny(head="softmax")
    scores = np.asarray(model({"token_ids": TOKENS}))
    shifted = scores - scores.max(axis=-1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    labelled = LABELS >= 0
    picked = np.take_along_axis(log_probs, np.maximum(LABELS, 0)[..., None], -1)
    expected = -picked[..., 0][labelled].mean()
    got = float(tagger_loss(model)(LABELS, scores))
    assert got == pytest.approx(expected, rel=1e-5)


def test_loss_ignores_labels_marked_minus_one():
    model = _tiny(head="softmax")
    loss = tagger_loss(model)
    scores = np.asarray(model({"token_ids": TOKENS}))
    value = float(loss(LABELS, scores))
    # Changing logits only where labels are -1 leaves the loss unchanged.
    bumped = scores.copy()
    bumped[LABELS == -1] += [10.0, -5.0, 3.0]
    assert float(loss(LABELS, bumped)) == pytest.approx(value, rel=1e-6)
    moved = scores.copy()
    moved[0, 0] += [10.0, -5.0, 3.0]
    assert float(loss(LABELS, moved)) != pytest.approx(value, rel=1e-6)


def test_preset_builds():
    model = sequence_tagger(30, 4, char_vocabulary_size=10, **SEQUENCE_TAGGER_PRESETS["tiny"])
    assert model.output.shape[-1] == 4


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"units": 0}, "`units` must be a positive integer. Received: units=0"),
        ({"head": "mlp"}, "`head` must be one of 'crf', 'softmax'"),
        ({"dropout": 1.0}, "`dropout` must be a float in [0, 1)"),
    ],
)
def test_argument_errors(kwargs, message):
    with pytest.raises(ValueError) as error:
        sequence_tagger(20, 3, **kwargs)
    assert message in str(error.value)


def test_needs_some_input():
    with pytest.raises(ValueError, match="At least one of"):
        sequence_tagger(None, 3)


def test_tag_f1_metric_counts_only_words_inside_entities():
    import keras

    from seqkit.tasks import tagger_tag_f1

    model = sequence_tagger(20, 3, embedding_dim=4, units=4, head="softmax")
    metric = tagger_tag_f1(lambda: model, outside_tag=0)
    gold = np.array([[0, 1, 2, -1], [0, 0, 1, 1]])
    predicted = np.array([[0, 1, 1, 2], [1, 0, 1, 0]])  # the -1 position's prediction is ignored
    logits = keras.ops.one_hot(predicted, 3) * 10.0
    metric.update_state(gold, logits)
    # inside gold: 4 words (1, 2, 1, 1); inside predicted: 4 (1, 1, 1, 1 at valid steps); found: 2.
    assert float(metric.result()) == pytest.approx(2 * 2 / (4 + 4))
    everything_outside = tagger_tag_f1(lambda: model, outside_tag=0)
    everything_outside.update_state(gold, keras.ops.one_hot(np.zeros((2, 4), int), 3) * 10.0)
    assert float(everything_outside.result()) == 0.0
    crf_model = sequence_tagger(20, 3, embedding_dim=4, units=4)
    crf_metric = tagger_tag_f1(lambda: crf_model, outside_tag=0)
    tokens = np.array([[3, 4, 5, 0], [6, 7, 8, 9]])
    crf_metric.update_state(gold, crf_model({"token_ids": tokens}))
    decoded = np.asarray(decode_tags(crf_model, crf_model({"token_ids": tokens}), mask=gold >= 0))
    valid = gold >= 0
    found = ((decoded == gold) & (gold != 0) & valid).sum()
    total = ((decoded != 0) & valid).sum() + ((gold != 0) & valid).sum()
    assert float(crf_metric.result()) == pytest.approx(2 * found / total if total else 0.0)


# === Word dropout and CRF constraints ===


def test_word_dropout_replaces_only_eligible_ids_and_only_in_training():
    import keras

    from seqkit.tasks._front_end import WordDropout

    keras.utils.set_random_seed(0)
    layer = WordDropout(0.5, min_id=5)
    ids = np.tile(np.arange(12, dtype="int32"), (200, 1))
    np.testing.assert_array_equal(layer(ids), ids)
    np.testing.assert_array_equal(layer(ids, training=False), ids)
    out = np.asarray(layer(ids, training=True))
    np.testing.assert_array_equal(out[:, :5], ids[:, :5])  # padding, <UNK> and frequent words kept
    replaced = out[:, 5:] != ids[:, 5:]
    assert np.all(out[:, 5:][replaced] == 1)
    assert 0.45 < replaced.mean() < 0.55
    # Fresh draws at every call, from a generator whose state is a variable (saved in the training state).
    assert not np.array_equal(np.asarray(layer(ids, training=True)), out)
    assert any("seed_generator" in v.path for v in layer.non_trainable_variables)


def test_word_dropout_draws_follow_the_global_seed():
    import keras

    from seqkit.tasks._front_end import WordDropout

    ids = np.tile(np.arange(2, 30, dtype="int32"), (8, 1))
    draws = []
    for _ in range(2):
        keras.utils.set_random_seed(3)
        draws.append(np.asarray(WordDropout(0.5)(ids, training=True)))
    np.testing.assert_array_equal(draws[0], draws[1])


def test_tagger_with_word_dropout_is_deterministic_outside_training_and_noisy_in_it():
    model = _tiny(word_dropout=0.5, word_dropout_min_id=2)
    assert model.get_layer("word_dropout").min_id == 2
    inputs = {"token_ids": np.tile(TOKENS, (20, 1))}
    np.testing.assert_array_equal(model(inputs, training=False), model(inputs, training=False))
    np.testing.assert_array_equal(model(inputs, training=False), _same_weights_without_dropout(model)(inputs))
    assert not np.allclose(model(inputs, training=True), model(inputs, training=False))


def _same_weights_without_dropout(model):
    plain = _tiny()
    plain.set_weights(model.get_weights())
    return plain


def test_crf_constraints_reach_the_crf_and_decoding():
    from seqkit.layers.crf import iob2_constraints

    tags = ["O", "B-PER", "I-PER"]
    model = _tiny(crf_constraints=iob2_constraints(tags))
    assert model.get_layer("crf").constraints["start"] == [True, True, False]
    scores = np.zeros((1, 2, 3), "float32")
    scores[0, :, 2] = 5.0  # I-PER everywhere: it cannot come first
    assert decode_tags(model, scores).numpy().tolist() == [[1, 2]]


def test_save_load_round_trip_with_word_dropout_and_constraints(tmp_path):
    from seqkit.layers.crf import iob2_constraints

    model = _tiny(word_dropout=0.5, word_dropout_min_id=4, crf_constraints=iob2_constraints(["O", "B-X", "I-X"]))
    loaded = assert_save_load_identical(model, {"token_ids": TOKENS}, tmp_path)
    assert loaded.get_layer("word_dropout").get_config() == model.get_layer("word_dropout").get_config()
    assert loaded.get_layer("crf").constraints == model.get_layer("crf").constraints


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"word_dropout": 1.0}, "`word_dropout` must be a float in [0, 1)"),
        ({"word_dropout_min_id": 0}, "`word_dropout_min_id` must be a positive integer"),
        ({"head": "softmax", "crf_constraints": {}}, "`crf_constraints` needs head='crf'"),
    ],
)
def test_word_dropout_and_constraint_argument_errors(kwargs, message):
    with pytest.raises(ValueError) as error:
        sequence_tagger(20, 3, **kwargs)
    assert message in str(error.value)


def test_word_dropout_needs_embedded_token_ids():
    with pytest.raises(ValueError, match="`word_dropout` needs token ids looked up in an embedding"):
        sequence_tagger(16, 3, token_encoding="bases", word_dropout=0.5)
