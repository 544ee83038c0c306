"""Serving module for encoder-decoder translation: source strings in, translations and scores out.

Tokenisation of both sides (`seqkit.data.text_tokenizers`), the compiled decoding loop of
`seqkit.generation.Seq2SeqGenerator` (beam search included) and detokenisation are all plain TensorFlow, so a
process without seqkit loads the SavedModel and calls it.
"""


def build_translation_serving_module(model, source_tokenizer, target_tokenizer, generator, decoding):
    """A `tf.Module` whose `translate(sentences)` returns `translations` `(batch,)` and `scores` `(batch,)`.

    Args:
        model: a trained `seqkit.tasks.seq2seq` model.
        source_tokenizer, target_tokenizer: the run's `seqkit.data.text_tokenizers` tokenisers.
        generator: a `Seq2SeqGenerator` of `model` (its sampler decides greedy or beam search).
        decoding: `max_length_ratio` and `max_length_offset`: a source of `n` tokens gets at most
            `ceil(ratio * n) + offset` target tokens.

    Returns:
        A `tf.Module`; `translate` also returns `num_tokens` (target tokens of each translation, `<EOS>`
        excluded).
    """
    import tensorflow as tf

    eos_id = source_tokenizer.vocabulary.eos_id
    ratio, offset = float(decoding["max_length_ratio"]), int(decoding["max_length_offset"])

    class TranslationServing(tf.Module):
        def __init__(self):
            super().__init__(name="translation_serving")
            self.model = model
            self.encoder = generator.encoder
            self.decoder_step = generator.decoder_step
            self.source = source_tokenizer.tf_module()
            self.target = target_tokenizer.tf_module()

        @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="sentences")])
        def translate(self, sentences):
            ids = self.source.encode(sentences)
            batch = tf.shape(sentences)[0]
            ids = tf.concat([ids, tf.fill([batch, 1], eos_id)], axis=1)
            lengths = tf.cast(ids.row_lengths(), tf.float32) - 1.0
            max_lengths = tf.cast(tf.math.ceil(lengths * ratio), tf.int32) + offset
            decoded = generator.decode_function(ids.to_tensor(0), max_lengths)
            tokens, scores = decoded["tokens"], decoded["scores"]
            if tokens.shape.rank == 3:  # (batch, hypotheses, length): the best one
                tokens, scores = tokens[:, 0, :], scores[:, 0]
            texts = self.target.decode(tokens[:, 1:])
            generated = tf.not_equal(tokens[:, 1:], 0) & tf.not_equal(tokens[:, 1:], target_tokenizer.vocabulary.eos_id)
            return {
                "translations": texts,
                "scores": scores,
                "num_tokens": tf.reduce_sum(tf.cast(generated, tf.int32), axis=1),
            }

    return TranslationServing()
