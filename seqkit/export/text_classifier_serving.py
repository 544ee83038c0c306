"""Serving module for text classifiers: raw texts in, label and the probability of every label out."""


def build_text_classifier_serving_module(
    model, encoder, labels, probabilities, label_output="label", decision="argmax"
):
    """A `tf.Module` whose `serve` function classifies a batch of raw texts in plain TensorFlow ops.

    Args:
        model: a trained `sequence_classifier` taking `{"token_ids": (batch, T)}`.
        encoder: the encoder of the run (`seqkit.data.word_ids.WordIdEncoder`: `tf_lookup_table`,
            `tf_encode`).
        labels: the label strings, in class order.
        probabilities: `probabilities(model, outputs)` → `(batch, num_classes)`, such as
            `seqkit.tasks.class_probabilities`.
        label_output: the name of the predicted-label output (e.g. `"rating"`).
        decision: how the label is chosen: `"argmax"` (the most probable) or `"median"` (the first label
            whose cumulative probability reaches 1/2, for ordered labels).

    Returns:
        A `tf.Module` with a `serve` `tf.function` taking a `(batch,)` string tensor `texts` and returning
        `label_output` (`(batch,)` strings), `label_index` (`(batch,)` int32), `probabilities`
        (`(batch, num_classes)` float32, in the order of `labels`) and `labels` (`(batch, num_classes)`
        strings naming the columns of `probabilities`).
    """
    import tensorflow as tf

    if decision not in ("argmax", "median"):
        raise ValueError(f"`decision` must be 'argmax' or 'median'. Received: decision={decision!r}")

    class TextClassifierServing(tf.Module):
        def __init__(self):
            super().__init__(name="text_classifier_serving")
            self.model = model
            self.table = encoder.tf_lookup_table()
            self.label_names = tf.constant(list(labels), tf.string)

        @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="texts")])
        def serve(self, texts):
            token_ids = encoder.tf_encode(texts, self.table)
            outputs = self.model({"token_ids": token_ids}, training=False)
            scores = tf.cast(probabilities(self.model, outputs), tf.float32)
            if decision == "median":
                reached = tf.cast(tf.math.cumsum(scores, axis=-1) >= 0.5 - 1e-6, tf.int32)
                index = tf.argmax(reached, axis=-1, output_type=tf.int32)
            else:
                index = tf.argmax(scores, axis=-1, output_type=tf.int32)
            batch = tf.shape(texts)[0]
            return {
                label_output: tf.gather(self.label_names, index),
                "label_index": index,
                "probabilities": scores,
                "labels": tf.tile(self.label_names[tf.newaxis, :], [batch, 1]),
            }

    return TextClassifierServing()
