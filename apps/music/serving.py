"""The exported generation signature: a request (length, temperature, top-k, seed, primer ids) → token ids.

Plain TensorFlow ops only (a `tf.while_loop` over the language model's step model, stateless sampling), so a
TensorFlow process without seqkit or keras-hub serves it. The recurrent state is carried from step to step:
the primer is read in one pass, then each new token costs one step. MIDI writing stays in Python.
"""

NEG_INF = -1e9


def build_music_serving_module(model, vectorizer):
    """A `tf.Module` whose `serve` function generates token ids.

    `serve(length, temperature, top_k, seed, num_samples, primer)`:
    - `length` int32 scalar: tokens to generate after the primer (fewer if every sample ends with `<EOS>`),
    - `temperature` float32 scalar: softmax temperature; 0 or less picks the most likely token,
    - `top_k` int32 scalar: sample among the `k` most likely tokens (0 = all),
    - `seed` int32 scalar: the same seed gives the same samples,
    - `num_samples` int32 scalar: rows of the result,
    - `primer` int32 `(P,)`: token ids to continue (may be empty); `<BOS>` is put before it.

    It returns `token_ids` int32 `(num_samples, n)` (generated ids, `<EOS>` included, 0 after it), `tokens`
    (the same as strings) and `lengths` (generated tokens before `<EOS>`).
    """
    import tensorflow as tf

    from seqkit.tasks import language_model_step

    step = language_model_step(model)
    state_sizes = [int(spec.shape[-1]) for spec in step.inputs[1:]]
    vocabulary = vectorizer.vocabulary
    vocabulary_size = len(vocabulary)
    bos_id, eos_id = vocabulary.bos_id, vocabulary.eos_id
    banned = [0.0] * vocabulary_size
    for token_id in (vocabulary.pad_id, vocabulary.unk_id, bos_id):
        banned[token_id] = 1.0

    class MusicServing(tf.Module):
        def __init__(self):
            super().__init__(name="music_serving")
            self.step = step
            self.token_table = tf.Variable(vocabulary.tokens, trainable=False, name="tokens")

        @tf.function(
            input_signature=[
                tf.TensorSpec([], tf.int32, name="length"),
                tf.TensorSpec([], tf.float32, name="temperature"),
                tf.TensorSpec([], tf.int32, name="top_k"),
                tf.TensorSpec([], tf.int32, name="seed"),
                tf.TensorSpec([], tf.int32, name="num_samples"),
                tf.TensorSpec([None], tf.int32, name="primer"),
            ]
        )
        def serve(self, length, temperature, top_k, seed, num_samples, primer):
            batch = num_samples
            prefix = tf.concat([tf.constant([bos_id], tf.int32), primer], axis=0)
            prefix = tf.tile(prefix[tf.newaxis, :], [batch, 1])
            zeros = tuple(tf.zeros([batch, size]) for size in state_sizes)

            def read_prefix():
                return tuple(self.step([prefix[:, :-1], *zeros])[1:])

            states = tf.cond(tf.shape(prefix)[1] > 1, read_prefix, lambda: zeros)
            penalty = tf.constant(banned, tf.float32) * NEG_INF
            k = tf.where(top_k > 0, tf.minimum(top_k, vocabulary_size), vocabulary_size)

            def choose(logits, index):
                logits = logits + penalty
                greedy = tf.argmax(logits, axis=-1, output_type=tf.int32)
                scaled = logits / tf.maximum(temperature, 1e-6)
                kth = tf.math.top_k(scaled, k=k).values[:, -1:]
                scaled = tf.where(scaled < kth, NEG_INF, scaled)
                sampled = tf.random.stateless_categorical(scaled, 1, seed=tf.stack([seed, index]), dtype=tf.int32)
                return tf.where(temperature > 0.0, sampled[:, 0], greedy)

            def keep_going(index, last, done, states, output):
                return tf.logical_and(index < length, tf.logical_not(tf.reduce_all(done)))

            def body(index, last, done, states, output):
                logits, *new_states = self.step([last[:, tf.newaxis], *states])
                chosen = choose(logits[:, 0, :], index)
                chosen = tf.where(done, tf.zeros_like(chosen), chosen)
                done = tf.logical_or(done, tf.equal(chosen, eos_id))
                return index + 1, chosen, done, tuple(new_states), output.write(index, chosen)

            _, _, _, _, output = tf.while_loop(
                keep_going,
                body,
                (
                    tf.constant(0),
                    prefix[:, -1],
                    tf.zeros([batch], tf.bool),
                    states,
                    tf.TensorArray(tf.int32, size=0, dynamic_size=True),
                ),
            )
            token_ids = tf.transpose(output.stack())
            token_ids = tf.reshape(token_ids, [batch, -1])
            content = tf.logical_and(token_ids > eos_id, tf.cumsum(tf.cast(token_ids == eos_id, tf.int32), axis=1) == 0)
            return {
                "token_ids": token_ids,
                "tokens": tf.gather(self.token_table, token_ids),
                "lengths": tf.reduce_sum(tf.cast(content, tf.int32), axis=1),
            }

    return MusicServing()
