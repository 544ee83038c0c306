"""Serving module for recurrent language models: score strings, and sample strings from prefixes.

Everything in the traced graphs is plain TensorFlow (string ops, a static hash table, the model, and the
compiled sampling loop of `seqkit.generation.SequenceGenerator`), so a process without seqkit loads and calls it.

A model of running text (`unit="text"`: one token stream with the line break as a token, no `<BOS>`/`<EOS>` in
its training data) is served as it is used in-process: `score` reads each string as text after a line break,
from a zero state, every token (line breaks included) scored and no end token; `sample` continues a line break
(and the prefix) for exactly `max_length` tokens, the end token never sampled.
"""

UNITS = ("line", "text")


def build_language_model_serving_module(
    model, vocabulary, *, tokenize, detokenize, temperature=1.0, top_k=None, unit="line", newline_token="<NL>"
):
    """A `tf.Module` with `score` (strings → log-probabilities) and `sample` (prefixes → strings).

    Args:
        model: a trained `seqkit.tasks.language_model` model.
        vocabulary: its `seqkit.data.vocabulary.Vocabulary` (built with `bos_eos=True`).
        tokenize: a function from a `(batch,)` string tensor to a ragged `(batch, None)` string tensor of
            tokens, in plain TensorFlow ops.
        detokenize: a function from a `(batch, None)` string tensor of tokens (`""` padded) to `(batch,)` text.
        temperature: float, the sampling temperature of the `sample` signature (> 0).
        top_k: int or None, restrict `sample` to the `k` most likely tokens.
        unit: `"line"` (each string is a sequence between `<BOS>` and `<EOS>`) or `"text"` (running text:
            `tokenize` gives line breaks as `newline_token`, the context of the first token is
            `newline_token`, and there is no end token).
        newline_token: the vocabulary's line-break token (`unit="text"` only).

    Returns:
        A `tf.Module` whose `score(sentences)` returns `log_probability` `(batch,)` (natural log, `<EOS>`
        included), `token_log_probs` `(batch, T)`, `tokens` `(batch, T)` (`""` padded, `<EOS>` last; unknown
        tokens as `<UNK>`), `num_tokens` and `perplexity`; and whose `sample(prefixes, max_length)` returns
        `texts` `(batch,)`, `tokens` `(batch, max_length)` (`""` padded, prefix included) and `complete`
        (whether `<EOS>` ended the text); `sample` never produces `<PAD>`, `<UNK>` or `<BOS>`. Each call of
        `sample` draws new random numbers. With `unit="text"`, `tokens` of `score` have no `<EOS>`,
        and each row of `sample` is exactly `max_length` tokens (the prefix included; a prefix of
        `max_length` tokens or more gets one token more), `""` padded to the longest row, `complete` true.
    """
    import tensorflow as tf

    from seqkit.generation import SequenceGenerator, forbidden_special_ids, score

    if not vocabulary.bos_eos:
        raise ValueError("`vocabulary` must be built with `bos_eos=True`. Received: a vocabulary without <BOS>/<EOS>")
    if unit not in UNITS:
        raise ValueError(f"`unit` must be one of {UNITS}. Received: unit={unit!r}")
    if unit == "text" and newline_token not in vocabulary:
        raise ValueError(
            f"`vocabulary` of a running-text model must hold `newline_token`. Received: newline_token={newline_token!r}"
        )
    bos_id, eos_id, unk_id, pad_id = vocabulary.bos_id, vocabulary.eos_id, vocabulary.unk_id, vocabulary.pad_id
    text = unit == "text"
    # The context of the first token: <BOS>, or the line break that running text follows.
    start_id = vocabulary.token_to_id(newline_token) if text else bos_id
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
            start = tf.fill([batch, 1], start_id)
            known = tf.ragged.map_flat_values(lambda p, i: tf.where(i == unk_id, "<UNK>", p), pieces, ids)
            if text:
                # One pass from a zero state after the line break, as `score_stream` reads a fresh text; at
                # least two columns, so that an empty string scores no token.
                framed = tf.concat([start, ids], axis=1)
                longest = tf.maximum(tf.cast(tf.reduce_max(framed.row_lengths()), tf.int32), 2)
                sequences = framed.to_tensor(pad_id, shape=tf.stack([batch, longest]))
                names = known.to_tensor("", shape=tf.stack([batch, longest - 1]))
            else:
                eos = tf.fill([batch, 1], eos_id)
                sequences = tf.concat([start, ids, eos], axis=1).to_tensor(pad_id)
                names = tf.concat([known, tf.fill([batch, 1], "<EOS>")], axis=1).to_tensor("")
            result = score(self.model, sequences)
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
            primers = tf.concat([tf.fill([batch, 1], start_id), ids], axis=1)
            lengths = tf.cast(primers.row_lengths(), tf.int32)
            # One more position than the longest primer, at least; +1 for <BOS> (or the line break).
            total = tf.maximum(max_length + 1, tf.reduce_max(lengths) + 1)
            prompt = primers.to_tensor(pad_id, shape=tf.stack([batch, total]))
            primer_mask = tf.sequence_mask(lengths, total)
            # Running text has no end: <EOS> stays masked up to the last position.
            min_length = total if text else tf.constant(0, tf.int32)
            generated = generator.generate_function(prompt, primer_mask, min_length)[:, 1:]
            is_eos = generated == eos_id
            complete = tf.ones([batch], tf.bool) if text else tf.reduce_any(is_eos, axis=1)
            keep = (generated != pad_id) & ~is_eos
            if text:
                # Each row is `max_length` tokens long (its prefix and one more token, if that is longer),
                # whatever the longest prefix of the batch.
                row_lengths = tf.maximum(max_length, lengths)
                keep &= tf.range(total - 1)[None, :] < row_lengths[:, None]
            names = tf.where(keep, tf.gather(self.token_names, generated), "")
            return {"texts": detokenize(names), "tokens": names, "complete": complete}

    return LanguageModelServing()
