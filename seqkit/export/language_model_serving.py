"""Serving module for recurrent language models: score strings, and sample strings from prefixes.

Everything in the traced graphs is plain TensorFlow (string ops, a static hash table, the model, and the
compiled sampling loop of `seqkit.generation.SequenceGenerator`), so a process without seqkit loads and calls it.
"""


def build_language_model_serving_module(model, vocabulary, *, tokenize, detokenize, temperature=1.0, top_k=None):
    """A `tf.Module` with `score` (strings → log-probabilities) and `sample` (prefixes → strings).

    Args:
        model: a trained `seqkit.tasks.language_model` model.
        vocabulary: its `seqkit.data.vocabulary.Vocabulary` (built with `bos_eos=True`).
        tokenize: a function from a `(batch,)` string tensor to a ragged `(batch, None)` string tensor of
            tokens, in plain TensorFlow ops.
        detokenize: a function from a `(batch, None)` string tensor of tokens (`""` padded) to `(batch,)` text.
        temperature: float, the sampling temperature of the `sample` signature (> 0).
        top_k: int or None, restrict `sample` to the `k` most likely tokens.

    Returns:
        A `tf.Module` whose `score(sentences)` returns `log_probability` `(batch,)` (natural log, `<EOS>`
        included), `token_log_probs` `(batch, T)`, `tokens` `(batch, T)` (`""` padded, `<EOS>` last; unknown
        tokens as `<UNK>`), `num_tokens` and `perplexity`; and whose `sample(prefixes, max_length)` returns
        `texts` `(batch,)`, `tokens` `(batch, max_length)` (`""` padded, prefix included) and `complete`
        (whether `<EOS>` ended the text); `sample` never produces `<PAD>`, `<UNK>` or `<BOS>`. Each call of
        `sample` draws new random numbers.
    """
    import tensorflow as tf

    from seqkit.generation import SequenceGenerator, forbidden_special_ids, score

    if not vocabulary.bos_eos:
        raise ValueError("`vocabulary` must be built with `bos_eos=True`. Received: a vocabulary without <BOS>/<EOS>")
    bos_id, eos_id, unk_id, pad_id = vocabulary.bos_id, vocabulary.eos_id, vocabulary.unk_id, vocabulary.pad_id
    tokens = vocabulary.tokens
    sampler, arguments = ("top_k", {"k": top_k}) if top_k else ("random", {})
    # <PAD>, <UNK> and <BOS> are never sampled (their logits are masked inside the compiled loop).
    generator = SequenceGenerator(
        model,
        sampler,
        stop_token_ids=[eos_id],
        forbidden_ids=forbidden_special_ids(vocabulary),
        padding_id=pad_id,
        temperature=temperature,
        **arguments,
    )

    class LanguageModelServing(tf.Module):
        def __init__(self):
            super().__init__(name="language_model_serving")
            self.model = model
            self.step_model = generator.step_model
            # The sampler's random state: tracked so that the SavedModel holds it.
            self.sampler_state = [variable.value for variable in generator.sampler.variables]
            initializer = tf.lookup.KeyValueTensorInitializer(
                tf.constant(tokens, tf.string), tf.range(len(tokens), dtype=tf.int64)
            )
            self.table = tf.lookup.StaticHashTable(initializer, default_value=unk_id)
            self.token_names = tf.constant(tokens, tf.string)

        def _ids(self, pieces):
            return tf.cast(tf.ragged.map_flat_values(self.table.lookup, pieces), tf.int32)

        @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="sentences")])
        def score(self, sentences):
            pieces = tokenize(sentences)
            ids = self._ids(pieces)
            batch = tf.shape(sentences)[0]
            bos = tf.fill([batch, 1], bos_id)
            eos = tf.fill([batch, 1], eos_id)
            sequences = tf.concat([bos, ids, eos], axis=1).to_tensor(pad_id)
            result = score(self.model, sequences)
            known = tf.ragged.map_flat_values(lambda p, i: tf.where(i == unk_id, "<UNK>", p), pieces, ids)
            names = tf.concat([known, tf.fill([batch, 1], "<EOS>")], axis=1).to_tensor("")
            return {
                "log_probability": result["log_probability"],
                "token_log_probs": result["token_log_probs"],
                "num_tokens": result["num_tokens"],
                "perplexity": result["perplexity"],
                "tokens": names,
            }

        @tf.function(
            input_signature=[
                tf.TensorSpec([None], tf.string, name="prefixes"),
                tf.TensorSpec([], tf.int32, name="max_length"),
            ]
        )
        def sample(self, prefixes, max_length):
            ids = self._ids(tokenize(prefixes))
            batch = tf.shape(prefixes)[0]
            primers = tf.concat([tf.fill([batch, 1], bos_id), ids], axis=1)
            lengths = tf.cast(primers.row_lengths(), tf.int32)
            # One more position than the longest primer, at least; +1 for <BOS>.
            total = tf.maximum(max_length + 1, tf.reduce_max(lengths) + 1)
            prompt = primers.to_tensor(pad_id, shape=tf.stack([batch, total]))
            primer_mask = tf.sequence_mask(lengths, total)
            generated = generator.generate_function(prompt, primer_mask)[:, 1:]
            is_eos = generated == eos_id
            complete = tf.reduce_any(is_eos, axis=1)
            keep = (generated != pad_id) & ~is_eos
            names = tf.where(keep, tf.gather(self.token_names, generated), "")
            return {"texts": detokenize(names), "tokens": names, "complete": complete}

    return LanguageModelServing()
