import itertools

import keras
import numpy as np
import pytest
import tensorflow as tf

from seqkit.data.pipeline import (
    MaskedAccuracy,
    auto_bucket_boundaries,
    auto_num_buckets,
    make_dataset,
    masked_accuracy,
    masked_sparse_categorical_crossentropy,
)


def tagged(lengths, num_chars=None):
    """Examples whose token ids are 1..T and whose tags equal T."""
    examples = []
    for i, length in enumerate(lengths):
        example = {
            "token_ids": np.arange(1, length + 1),
            "tags": np.full(length, length % 5),
        }
        if num_chars is not None:
            width = 1 + i % num_chars
            example["char_ids"] = np.full((length, width), 7)
        examples.append(example)
    return examples


def batches(dataset):
    """The batches of `dataset` as NumPy `(features, labels)` pairs."""
    return [
        ({key: value.numpy() for key, value in features.items()}, labels.numpy())
        for features, labels in dataset
    ]


def test_pads_features_with_zero_and_labels_with_minus_one():
    examples = [
        {"token_ids": [3, 4, 5], "tags": [1, 2, 0]},
        {"token_ids": [6], "tags": [2]},
    ]
    ds = make_dataset(examples, batch_size=2, label_key="tags")
    ((features, labels),) = batches(ds)
    assert list(features) == ["token_ids"]
    np.testing.assert_array_equal(features["token_ids"], [[3, 4, 5], [6, 0, 0]])
    np.testing.assert_array_equal(labels, [[1, 2, 0], [2, -1, -1]])
    assert features["token_ids"].dtype == np.int32
    assert labels.dtype == np.int32


def test_two_dimensional_fields_pad_in_both_dimensions():
    examples = [
        {"token_ids": [1, 2], "char_ids": [[5, 6, 7], [8, 0, 0]], "tags": [0, 1]},
        {"token_ids": [3, 4, 5], "char_ids": [[9], [9], [9]], "tags": [1, 1, 1]},
    ]
    ds = make_dataset(
        examples,
        batch_size=2,
        feature_keys=("token_ids", "char_ids"),
        label_key="tags",
    )
    ((features, labels),) = batches(ds)
    assert features["char_ids"].shape == (2, 3, 3)
    np.testing.assert_array_equal(
        features["char_ids"],
        [
            [[5, 6, 7], [8, 0, 0], [0, 0, 0]],
            [[9, 0, 0], [9, 0, 0], [9, 0, 0]],
        ],
    )
    np.testing.assert_array_equal(labels, [[0, 1, -1], [1, 1, 1]])


def test_float_features_scalar_labels_and_custom_pad_values():
    examples = [
        {"frames": np.ones((2, 3)), "label": 4},
        {"frames": np.full((4, 3), 0.5), "label": 1},
    ]
    ds = make_dataset(
        examples, batch_size=2, label_key="label", pad_values={"frames": -9.0}
    )
    ((features, labels),) = batches(ds)
    frames = features["frames"]
    assert frames.dtype == np.float32 and frames.shape == (2, 4, 3)
    np.testing.assert_array_equal(frames[0, 2:], np.full((2, 3), -9.0))
    np.testing.assert_array_equal(labels, [4, 1])


def test_unlabelled_data_yields_features_only_and_remainder_can_drop():
    examples = [{"token_ids": [1] * n} for n in (1, 2, 3)]
    ds = make_dataset(examples, batch_size=2)
    shapes = [batch["token_ids"].shape for batch in ds]
    assert shapes == [(2, 2), (1, 3)]
    assert int(ds.cardinality()) == 2  # known for a sized collection
    ds = make_dataset(lambda: iter(examples), batch_size=2)
    assert int(ds.cardinality()) == tf.data.UNKNOWN_CARDINALITY
    ds = make_dataset(examples, batch_size=2, drop_remainder=True)
    assert [batch["token_ids"].shape for batch in ds] == [(2, 2)]
    assert int(ds.cardinality()) == 1
    assert ds.element_spec["token_ids"].shape.as_list() == [2, None]


def test_bucketing_groups_similar_lengths():
    rng = np.random.default_rng(0)
    lengths = rng.permutation(np.repeat(np.arange(1, 41), 2))
    ds = make_dataset(
        tagged(lengths),
        batch_size=4,
        label_key="tags",
        bucket_boundaries=[10, 20, 30],
    )
    seen = 0
    for features, labels in batches(ds):
        lengths_in_batch = (features["token_ids"] > 0).sum(axis=1)
        buckets = np.digitize(lengths_in_batch, [10, 20, 30])
        assert len(set(buckets)) == 1
        assert features["token_ids"].shape[1] == lengths_in_batch.max()
        assert ((labels >= 0).sum(axis=1) == lengths_in_batch).all()
        seen += len(lengths_in_batch)
    assert seen == 80


def test_auto_bucket_boundaries_follow_length_quantiles():
    assert auto_bucket_boundaries(range(1, 101), num_buckets=4) == [26, 51, 76]
    assert auto_bucket_boundaries([5] * 10) == []
    assert auto_bucket_boundaries([]) == []
    lengths = [2] * 50 + [30] * 50
    assert auto_bucket_boundaries(lengths, num_buckets=2) == [3]


def test_auto_bucketing_separates_short_and_long_examples():
    lengths = [2, 30] * 20
    ds = make_dataset(
        tagged(lengths), batch_size=4, label_key="tags", bucket_boundaries="auto"
    )
    widths = sorted(features["token_ids"].shape[1] for features, _ in ds)
    assert widths == [2] * 5 + [30] * 5


def test_auto_buckets_are_one_per_eight_full_batches_up_to_eight():
    sizes = [(0, 32), (120, 32), (255, 32), (256, 32), (1_000, 32), (1_792, 32), (10**6, 32), (70, 4)]
    assert [auto_num_buckets(n, batch) for n, batch in sizes] == [1, 1, 1, 2, 4, 8, 8, 3]
    with pytest.raises(ValueError, match="batch_size"):
        auto_num_buckets(10, 0)


@pytest.mark.parametrize("count, batch_size, widths", [(24, 4, [23, 30, 30, 30, 30, 23]), (1_000, 200, None)])
def test_auto_bucketing_of_small_data_batches_plainly(count, batch_size, widths):
    # 6 full batches: one bucket, batches in order; a full sample of 1,000 examples gets the most buckets.
    lengths = list(itertools.islice(itertools.cycle([2, 9, 16, 23, 30]), count))
    ds = make_dataset(tagged(lengths), batch_size=batch_size, label_key="tags", bucket_boundaries="auto")
    batch_widths = [features["token_ids"].shape[1] for features, _ in ds]
    if widths is not None:
        assert batch_widths == widths
    else:
        assert sorted(batch_widths) == [2, 9, 16, 23, 30]


def test_factory_is_called_once_per_epoch():
    calls = []

    def examples():
        calls.append(1)
        for length in (3, 1, 2):
            yield {
                "token_ids": np.full(length, len(calls)),
                "tags": np.zeros(length, int),
            }

    ds = make_dataset(examples, batch_size=2, label_key="tags")
    assert len(calls) == 1  # the first example is inspected once, up front
    for epoch in range(3):
        assert [f["token_ids"].numpy().max() for f, _ in ds] == [epoch + 2] * 2
    assert len(calls) == 4

    ds = make_dataset(examples, batch_size=3, label_key="tags", repeat=True)
    probe = len(calls)
    epochs = [f["token_ids"].numpy().max() - probe for f, _ in ds.take(5)]
    assert epochs == [1, 2, 3, 4, 5]


def test_an_endless_generator_is_never_materialised():
    def endless():
        for i in itertools.count():
            yield {"token_ids": [i + 1]}

    ds = make_dataset(endless, batch_size=2, bucket_boundaries="auto")
    first = next(iter(ds))
    assert first["token_ids"].numpy().tolist() == [[1], [2]]


def test_shuffle_is_deterministic_with_a_seed():
    examples = tagged(range(1, 31))

    def order(seed, epochs=1):
        ds = make_dataset(
            examples, batch_size=5, label_key="tags", shuffle=True, seed=seed
        )
        result = []
        for _ in range(epochs):
            for features, _ in ds:
                result.append(features["token_ids"].numpy().max(axis=1).tolist())
        return result

    assert order(3) == order(3)
    assert order(3) != order(4)
    # Independent of TensorFlow's global seed left by earlier work in the process.
    tf.random.set_seed(1234)
    assert order(3) == order(3)
    reference = order(3)
    tf.random.set_seed(99)
    assert order(3) == reference
    two_epochs = order(3, epochs=2)
    assert two_epochs[:6] == order(3)
    assert two_epochs[:6] != two_epochs[6:]  # reshuffled each epoch
    flat = sorted(itertools.chain.from_iterable(order(3)))
    assert flat == list(range(1, 31))


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"batch_size": 0}, ValueError, "`batch_size` must be a positive integer. "
                                        "Received: batch_size=0"),
        ({"label_key": "y"}, ValueError, "`label_key` must be a field"),
        ({"feature_keys": ["tags"], "label_key": "tags"}, ValueError,
         "`feature_keys` must name"),
        ({"bucket_boundaries": [5, 3]}, ValueError, "strictly increasing"),
        ({"bucket_boundaries": "fast"}, ValueError,
         "Received: bucket_boundaries='fast'"),
        ({"bucket_boundaries": [3], "length_key": "nope"}, ValueError,
         "`length_key` must name a field"),
        ({"pad_values": {"x": 1}}, ValueError, r"unknown keys \['x'\]"),
    ],
)
def test_argument_errors(kwargs, error, message):
    kwargs = {"batch_size": 2, **kwargs}
    with pytest.raises(error, match=message):
        make_dataset(tagged([1, 2]), **kwargs)


def test_input_errors():
    with pytest.raises(TypeError, match="one-shot iterator"):
        make_dataset((e for e in tagged([1])), batch_size=1)
    with pytest.raises(ValueError, match="at least one example"):
        make_dataset([], batch_size=1)
    with pytest.raises(TypeError, match="integers or floats"):
        make_dataset([{"words": np.array(["a"])}], batch_size=1)
    ds = make_dataset(
        [{"token_ids": [1, 2]}, {"token_ids": [[1, 2]]}], batch_size=1
    )
    with pytest.raises(tf.errors.InvalidArgumentError, match="1 dimension"):
        list(ds)
    ds = make_dataset([{"token_ids": [1]}, {"other": [1]}], batch_size=1)
    with pytest.raises(tf.errors.InvalidArgumentError, match="example 1"):
        list(ds)


# === Loss and metrics ===

Y_TRUE = np.array([[0, 2, -1, -1], [1, -1, 1, 0]])
LOGITS = np.random.default_rng(1).normal(size=(2, 4, 3)).astype("float32")


def numpy_reference(y_true, logits):
    probs = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    keep = y_true >= 0
    picked = np.take_along_axis(probs, np.maximum(y_true, 0)[..., None], -1)[..., 0]
    loss = -np.log(picked[keep]).mean()
    accuracy = (probs.argmax(-1) == y_true)[keep].mean()
    return loss, accuracy


def masked_loss(y_true, y_pred, from_logits=False):
    """Our per-position values reduced as Keras reduces them, checked
    against Keras's own class with `ignore_class=-1`."""
    values = masked_sparse_categorical_crossentropy(
        y_true, y_pred, from_logits=from_logits
    ).numpy()
    labelled = np.asarray(y_true).reshape(values.shape) >= 0
    np.testing.assert_array_equal(values[~labelled], 0.0)
    mean = values.sum() / max(labelled.sum(), 1)
    keras_loss = keras.losses.SparseCategoricalCrossentropy(
        from_logits=from_logits, ignore_class=-1
    )
    assert float(keras_loss(y_true, y_pred)) == pytest.approx(mean, rel=1e-5)
    return mean


def test_masked_loss_and_accuracy_ignore_minus_one():
    probs = keras.ops.softmax(LOGITS).numpy()
    loss, accuracy = numpy_reference(Y_TRUE, LOGITS)
    assert masked_loss(Y_TRUE, probs) == pytest.approx(loss, rel=1e-5)
    assert masked_loss(Y_TRUE, LOGITS, from_logits=True) == (
        pytest.approx(loss, rel=1e-5)
    )
    per_position = masked_sparse_categorical_crossentropy(Y_TRUE, probs).numpy()
    assert per_position.shape == (2, 4)
    np.testing.assert_array_equal(per_position[Y_TRUE < 0], 0.0)
    assert float(masked_accuracy(Y_TRUE, probs)) == pytest.approx(accuracy)
    # Changing predictions at ignored positions changes nothing.
    other = probs.copy()
    other[Y_TRUE < 0] = [1.0, 0.0, 0.0]
    assert masked_loss(Y_TRUE, other) == pytest.approx(loss, rel=1e-5)
    assert float(masked_accuracy(Y_TRUE, other)) == pytest.approx(accuracy)


def test_masked_functions_with_no_label_and_for_classification():
    probs = np.full((2, 2, 3), 1 / 3, "float32")
    none = np.full((2, 2), -1)
    assert masked_loss(none, probs) == 0.0
    assert float(masked_accuracy(none, probs)) == 0.0
    y_true = np.array([2, -1, 0])  # one label per example, one ignored
    y_pred = np.array([[0.1, 0.1, 0.8], [1.0, 0.0, 0.0], [0.5, 0.25, 0.25]])
    expected = -(np.log(0.8) + np.log(0.5)) / 2
    assert masked_loss(y_true, y_pred) == pytest.approx(expected, rel=1e-5)
    assert masked_loss(y_true[:, None], y_pred) == pytest.approx(expected, rel=1e-5)
    assert float(masked_accuracy(y_true, y_pred)) == 1.0
    assert float(masked_accuracy(y_true[:, None], y_pred)) == 1.0


def test_masked_accuracy_metric_counts_tokens_across_batches():
    metric = MaskedAccuracy()
    probs = keras.ops.softmax(LOGITS).numpy()
    metric.update_state(Y_TRUE, probs)
    metric.update_state(np.array([[0, -1, -1, -1]]), np.eye(3)[[[0, 1, 1, 1]]])
    keep = Y_TRUE >= 0
    right = (probs.argmax(-1) == Y_TRUE)[keep].sum() + 1
    assert float(metric.result()) == pytest.approx(right / (keep.sum() + 1))
    metric.update_state(Y_TRUE, probs, sample_weight=np.array([0.0, 0.0]))
    assert float(metric.result()) == pytest.approx(right / (keep.sum() + 1))
    metric.reset_state()
    assert float(metric.result()) == 0.0
    config = MaskedAccuracy(name="acc").get_config()
    assert MaskedAccuracy.from_config(config).get_config() == config


@pytest.mark.filterwarnings("ignore:Skipping variable loading for optimizer")
@pytest.mark.parametrize("mask_zero", [True, False])
def test_compiled_tagger_reports_masked_loss_and_accuracy(tmp_path, mask_zero):
    keras.utils.set_random_seed(0)
    examples = [
        {"token_ids": np.array([1, 2, 3]), "tags": np.array([0, 1, 2])},
        {"token_ids": np.array([4]), "tags": np.array([1])},
        {"token_ids": np.array([2, 2]), "tags": np.array([2, -1])},
        {"token_ids": np.array([3, 1]), "tags": np.array([0, 2])},
    ]
    ds = make_dataset(examples, batch_size=3, label_key="tags")
    inputs = keras.Input((None,), dtype="int32", name="token_ids")
    x = keras.layers.Embedding(5, 4, mask_zero=mask_zero)(inputs)
    x = keras.layers.Dense(3, activation="softmax")(x)
    model = keras.Model({"token_ids": inputs}, x)
    model.compile(
        loss=masked_sparse_categorical_crossentropy,
        metrics=[MaskedAccuracy()],
    )
    results = model.evaluate(ds, return_dict=True, verbose=0)
    right = total = 0
    batch_losses = []
    for features, labels in batches(ds):
        probs = model.predict(features, verbose=0)
        keep = labels >= 0
        picked = np.take_along_axis(probs, np.maximum(labels, 0)[..., None], -1)
        batch_losses.append(-np.log(picked[..., 0][keep]).mean())
        right += (probs.argmax(-1) == labels)[keep].sum()
        total += keep.sum()
    # Keras averages the loss over batches weighted by their size (3 and 1).
    expected_loss = (3 * batch_losses[0] + batch_losses[1]) / 4
    assert results["loss"] == pytest.approx(expected_loss, rel=1e-4)
    assert results["masked_accuracy"] == pytest.approx(right / total)

    path = tmp_path / "tagger.keras"
    model.save(path)
    restored = keras.models.load_model(path)
    again = restored.evaluate(ds, return_dict=True, verbose=0)
    assert again["loss"] == pytest.approx(expected_loss, rel=1e-4)
    assert again["masked_accuracy"] == pytest.approx(right / total)
