"""Serving module for DNA models: DNA strings in, per-base classes or a sequence class out."""


def build_dna_serving_module(model, task, classes):
    """A `tf.Module` whose `serve` function predicts a batch of DNA strings in plain TensorFlow ops.

    Bases are encoded by `seqkit.data.dna.alphabet.tf_encode_bases` (upper or lower case, IUPAC codes as
    mixtures; any other character is read as N, since a serving graph cannot reject one character of one
    request). Each sequence is read whole (no windows), so very long sequences should be cut by the client.

    Args:
        model: a trained `sequence_tagger` (`task="tagging"`) or `sequence_classifier` with base-code inputs.
        task: `"tagging"` or `"classification"`.
        classes: the class names, in id order.

    Returns:
        A `tf.Module` with a `serve` `tf.function` taking a `(batch,)` string tensor `sequences`. Tagging
        returns `labels` (`(batch, T)` class names, `""` padded), `probabilities` (`(batch, T, classes)`) and
        `lengths`; classification returns `label` (`(batch,)`), `probabilities` (`(batch, classes)`) and
        `lengths`.
    """
    import tensorflow as tf

    from seqkit.data.dna.alphabet import tf_encode_bases
    from seqkit.tasks import class_probabilities, decode_tags

    class DnaServing(tf.Module):
        def __init__(self):
            super().__init__(name="dna_serving")
            self.model = model
            self.class_names = tf.constant(list(classes))

        @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="sequences")])
        def serve(self, sequences):
            codes, lengths = tf_encode_bases(sequences)
            codes = tf.cast(codes, tf.int32)
            lengths = tf.cast(lengths, tf.int32)
            outputs = self.model({"token_ids": codes}, training=False)
            if task == "tagging":
                mask = tf.sequence_mask(lengths, tf.shape(codes)[1])
                ids = tf.cast(decode_tags(self.model, outputs, mask), tf.int32)
                labels = tf.where(mask, tf.gather(self.class_names, tf.maximum(ids, 0)), "")
                return {"labels": labels, "probabilities": tf.nn.softmax(outputs, axis=-1), "lengths": lengths}
            probabilities = class_probabilities(self.model, outputs)
            label = tf.gather(self.class_names, tf.argmax(probabilities, axis=-1, output_type=tf.int32))
            return {"label": label, "probabilities": probabilities, "lengths": lengths}

    return DnaServing()
