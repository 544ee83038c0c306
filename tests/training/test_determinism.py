import keras
import numpy as np
import pytest
from tensorflow.python.framework import config as tf_config

from seqkit.training.determinism import reproducible


def test_same_seed_same_numbers_and_determinism_is_scoped():
    was_enabled = tf_config.is_op_determinism_enabled()
    with reproducible(11):
        assert tf_config.is_op_determinism_enabled()
        first = keras.random.normal((3,)).numpy()
    with reproducible(11):
        second = keras.random.normal((3,)).numpy()
    with reproducible(12):
        other = keras.random.normal((3,)).numpy()
    np.testing.assert_array_equal(first, second)
    assert not np.allclose(first, other)
    assert tf_config.is_op_determinism_enabled() == was_enabled


def test_no_seed_changes_nothing():
    was_enabled = tf_config.is_op_determinism_enabled()
    with reproducible(None):
        assert tf_config.is_op_determinism_enabled() == was_enabled


def _pipeline():
    import tensorflow as tf

    tf.random.set_seed(5)
    return tf.data.Dataset.range(12).shuffle(12, seed=5).batch(3).prefetch(2)


def _epochs(dataset, count):
    return [[batch.numpy().tolist() for batch in dataset] for _ in range(count)]


def test_resumed_batches_continue_the_order_of_an_uninterrupted_run():
    from seqkit.training.determinism import resumable_batches

    straight, steps = resumable_batches(_pipeline(), batch_size=None, seed=None, epochs=4)
    assert steps is None
    expected = _epochs(straight, 4)
    assert len({str(order) for order in expected}) == 4  # reshuffled every epoch

    at_boundary, steps = resumable_batches(_pipeline(), batch_size=None, seed=None, epochs=4, epoch=2)
    assert steps is None and _epochs(at_boundary, 2) == expected[2:]

    mid_epoch, steps = resumable_batches(_pipeline(), batch_size=None, seed=None, epochs=4, epoch=1, batch=3)
    assert steps == 4
    stream = [batch.numpy().tolist() for batch in mid_epoch]
    assert stream == expected[1][3:] + expected[2] + expected[3]


def test_unread_iterators_draw_no_order():
    from seqkit.training.determinism import resumable_batches

    batches, _ = resumable_batches(_pipeline(), batch_size=None, seed=None, epochs=2)
    first = _epochs(batches, 1)
    unread = [iter(batches) for _ in range(3)]
    assert unread
    again, _ = resumable_batches(_pipeline(), batch_size=None, seed=None, epochs=2, epoch=1)
    assert _epochs(batches, 1) == _epochs(again, 1) != first


def test_arrays_are_shuffled_by_seed_and_resume_alike():
    from seqkit.training.determinism import resumable_batches

    x = np.arange(8, dtype="float32")[:, None]

    def run(**position):
        batches, _ = resumable_batches((x, x), batch_size=4, seed=3, epochs=3, **position)
        return [[batch[0].numpy()[:, 0].tolist() for batch in batches] for _ in range(3 - position.get("epoch", 0))]

    straight = run()
    assert straight == run() and straight[0] != straight[1]
    assert run(epoch=1) == straight[1:]


def test_resuming_past_the_end_of_an_epoch_is_an_error():
    from seqkit.training.determinism import resumable_batches

    with pytest.raises(ValueError, match="`batch` must be less than the number of batches per epoch. Received: batch=4"):
        resumable_batches(_pipeline(), batch_size=None, seed=None, epochs=2, batch=4)
    with pytest.raises(ValueError, match="the training data gives 4 batches per epoch, but the run was checkpointed"):
        resumable_batches(_pipeline(), batch_size=None, seed=None, epochs=2, batch=2, batches_per_epoch=6)
    with pytest.raises(ValueError, match="must be a tf.data.Dataset or a tuple"):
        resumable_batches((x := np.zeros((2, 1)), x, x), batch_size=1, seed=None, epochs=1)
