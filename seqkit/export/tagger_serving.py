"""Serving module for word taggers: raw sentences in, words, tags and entity spans out."""


def build_tagger_serving_module(model, vectorizer, decode_tags):
    """A `tf.Module` whose `serve` function tags a batch of raw sentences in plain TensorFlow ops.

    The graph splits words with `seqkit.data.word_splitting.tf_split_words` (the same rules as Python
    prediction), looks words and characters up in static hash tables, runs the model, decodes the tags
    (Viterbi for CRF heads) and extracts IOB2 entity spans.

    Args:
        model: a trained `sequence_tagger` model.
        vectorizer: the run's `seqkit.data.tagging.TaggingVectorizer`.
        decode_tags: `decode_tags(model, outputs, mask)` from `seqkit.tasks`.

    Returns:
        A `tf.Module` with a `serve` `tf.function` taking a `(batch,)` string tensor and returning a dict of
        `words`, `tags` (both `(batch, T)`, `""` padded), `lengths`, `entity_starts`, `entity_ends`
        (token indices, end exclusive, −1 padded), `entity_types` and `entity_texts` (`""` padded).
    """
    import tensorflow as tf

    from seqkit.data.span_ops import tf_iob2_spans
    from seqkit.data.word_splitting import tf_split_words

    class TaggerServing(tf.Module):
        def __init__(self):
            super().__init__(name="tagger_serving")
            self.model = model
            self.tables = vectorizer.tf_lookup_tables()
            self.tag_names = tf.constant(vectorizer.tags)

        @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="sentences")])
        def serve(self, sentences):
            words = tf_split_words(sentences)
            lengths = tf.cast(words.row_lengths(), tf.int32)
            features = vectorizer.tf_encode_words(words, self.tables)
            steps = tf.shape(features["token_ids"])[1]
            mask = tf.sequence_mask(lengths, steps)
            outputs = self.model(features, training=False)
            tag_ids = tf.cast(decode_tags(self.model, outputs, mask), tf.int32)
            tags = tf.where(mask, tf.gather(self.tag_names, tf.maximum(tag_ids, 0)), "")
            spans = tf_iob2_spans(tags, lengths)
            dense_words = words.to_tensor("")
            entity_texts = _span_texts(dense_words, spans)
            return {
                "words": dense_words,
                "tags": tags,
                "lengths": lengths,
                "entity_starts": spans["entity_starts"],
                "entity_ends": spans["entity_ends"],
                "entity_types": spans["entity_types"],
                "entity_texts": entity_texts,
            }

    def _span_texts(words, spans):
        # Join each span's words with single spaces: (batch, entities) strings.
        starts, ends = spans["entity_starts"], spans["entity_ends"]
        steps = tf.shape(words)[1]
        positions = tf.range(steps)[tf.newaxis, tf.newaxis, :]
        inside = (positions >= starts[:, :, tf.newaxis]) & (positions < ends[:, :, tf.newaxis])
        chosen = tf.where(inside, words[:, tf.newaxis, :], "")
        joined = tf.strings.reduce_join(chosen, axis=-1, separator=" ")
        return tf.strings.strip(tf.strings.regex_replace(joined, " +", " "))

    return TaggerServing()
