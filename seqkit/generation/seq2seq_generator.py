"""Compiled decoding loop for recurrent encoder-decoder models."""

import numbers

import numpy as np
import tensorflow as tf
from keras import ops

from seqkit.generation._stopping import PADDING_ID, pad_after_stop, single_sequence_sampler, stop_ids
from seqkit.generation.forbidden import forbid, forbidden_mask
from seqkit.generation.samplers import reseed


class Seq2SeqGenerator:
    """Decodes target sequences from a `seq2seq` model with a keras-hub sampler.

    The source is encoded once; the sampler's cache then holds the encoder
    outputs, the source mask and the decoder states, so each new token costs
    one decoder step (beam search repeats the cache per beam). The loop is
    one `tf.function` traced once for any batch size, source length and
    `max_length`.

    Args:
        model: a model built by `seqkit.tasks.seq2seq` (or loaded from its
            `.keras` file).
        sampler: a sampler name (`"greedy"`, `"random"`, `"top_k"`,
            `"top_p"`, `"beam"`) or a `keras_hub.samplers.Sampler`.
        start_token_id: int. The first decoder input of every target.
        stop_token_ids: target ids (e.g. `<EOS>`) that end a sequence;
            positions after a row's stop token hold 0 (padding).
        forbidden_ids: target ids never decoded (e.g. `<PAD>`, `<UNK>`,
            `<BOS>`; see `forbidden_special_ids`): their logits are set to
            -1e9 before every sampler, which then picks among the other ids.
            Ids in `[0, target vocabulary_size)`, no stop token among them.
        **sampler_kwargs: arguments of the named sampler.

    Example:

    >>> import numpy as np
    >>> from seqkit.tasks import seq2seq
    >>> model = seq2seq(20, 15, embedding_dim=4, units=4)
    >>> generator = Seq2SeqGenerator(model, "beam", num_beams=3,
    ...                              start_token_id=1, stop_token_ids=[2],
    ...                              forbidden_ids=[0, 1])
    >>> tokens = generator.generate(np.array([[5, 6, 7, 0]]), max_length=6)
    >>> tokens.shape, int(tokens[0, 0]), bool((tokens[0, 1:] != 1).all())
    ((1, 6), 1, True)
    """

    def __init__(
        self,
        model,
        sampler="greedy",
        *,
        start_token_id,
        stop_token_ids=None,
        forbidden_ids=None,
        **sampler_kwargs,
    ):
        from seqkit.tasks import seq2seq_decoder_step, seq2seq_encoder

        self.sampler = single_sequence_sampler("Seq2SeqGenerator", sampler, sampler_kwargs)
        self.start_token_id = int(start_token_id)
        self.stop_token_ids = stop_ids(stop_token_ids)
        self.encoder = seq2seq_encoder(model)
        self.decoder_step = seq2seq_decoder_step(model)
        self.vocabulary_size = int(self.decoder_step.outputs[0].shape[-1])
        self.forbidden_mask = forbidden_mask(forbidden_ids, self.vocabulary_size, self.stop_token_ids)
        self.generate_function = tf.function(
            self._generate,
            input_signature=[
                tf.TensorSpec((None, None), tf.int32, name="source_ids"),
                tf.TensorSpec((None, None), tf.int32, name="prompt"),
            ],
        )

    def generate(self, source_ids, max_length, seed=None):
        """Decodes one target per source row.

        Args:
            source_ids: int array `(batch, Tx)`, right-padded with 0.
            max_length: int > 1. Length of every returned row, the start
                token included.
            seed: int or `None`. The same seed gives the same samples.

        Returns:
            int32 NumPy array `(batch, max_length)`: the start token, the
            decoded tokens, then 0 (padding) after a stop token.
        """
        source_ids = np.asarray(source_ids, dtype=np.int32)
        if source_ids.ndim != 2 or not np.all((source_ids != 0).any(axis=1)):
            raise ValueError(
                "`source_ids` must be a 2D batch with at least one token per row. "
                f"Received: source_ids with shape {source_ids.shape}"
            )
        if isinstance(max_length, bool) or not isinstance(max_length, numbers.Integral) or max_length < 2:
            raise ValueError(f"`max_length` must be an integer of at least 2. Received: max_length={max_length!r}")
        prompt = np.full((len(source_ids), max_length), PADDING_ID, np.int32)
        prompt[:, 0] = self.start_token_id
        if seed is not None:
            reseed(self.sampler, seed)
        return np.asarray(self.generate_function(source_ids, prompt))

    def _generate(self, source_ids, prompt):
        encoder_outputs, source_mask, *states = self.encoder(source_ids)
        given = ops.equal(ops.arange(ops.shape(prompt)[1])[None, :], 0)
        given = ops.broadcast_to(given, ops.shape(prompt))

        def next(prompt, cache, index):
            encoder_outputs, source_mask, *states = cache
            token = ops.expand_dims(prompt[:, index - 1], axis=1)
            logits, _, *new_states = self.decoder_step([token, encoder_outputs, source_mask, *states])
            return forbid(logits[:, 0, :], self.forbidden_mask), None, (encoder_outputs, source_mask, *new_states)

        tokens = self.sampler(
            next,
            prompt,
            cache=(encoder_outputs, source_mask, *states),
            index=1,
            mask=given,
            stop_token_ids=self.stop_token_ids,
        )
        return pad_after_stop(tokens, given, self.stop_token_ids, PADDING_ID)
