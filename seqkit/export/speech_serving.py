"""Serving module for CTC speech recognizers: 16 kHz waveforms in, transcripts out."""

# Clips per model call in `serve`, longest first (`SpeechModel` runs 16 per call from Python; in the graph 32
# were faster on CPU, the fixed cost of each call being larger than the padding it saves).
SERVING_CHUNK_SIZE = 32


def build_speech_serving_module(model, characters, chunk_size=SERVING_CHUNK_SIZE):
    """A `tf.Module` whose `serve` function transcribes a batch of waveforms in plain TensorFlow ops.

    The request is grouped by length (`seqkit.export.length_groups.map_length_groups`): the clips are sorted
    longest first and the model runs on consecutive chunks of `chunk_size` clips, each padded only to its own
    longest clip, so short clips do not pay for the request's longest one. The model computes its own log-mel
    features from the waveforms; the graph then decodes greedily (the best label per frame, repeats merged,
    blanks dropped), maps label ids to characters and returns the transcripts in the request's order. A clip's
    transcript does not depend on the other clips of the request. Beam search, lexicons and language models
    stay in Python (`SpeechModel`).

    Args:
        model: a trained `ctc_recognizer` built with `waveform_features`.
        characters: the characters of label ids 1..V, in order (id 0 is the blank).
        chunk_size: int. Clips per model call.

    Returns:
        A `tf.Module` with a `serve` `tf.function` taking `waveforms` (`(batch, samples)` float32 at 16 kHz,
        zero-padded) and `lengths` (`(batch,)` int32 valid samples) and returning `transcripts` (`(batch,)`
        strings).
    """
    import tensorflow as tf

    from seqkit.export.length_groups import map_length_groups

    class SpeechServing(tf.Module):
        def __init__(self):
            super().__init__(name="speech_serving")
            self.model = model
            # Id 0 (blank) never reaches the lookup; it maps to "" for safety.
            self.characters = tf.constant([""] + list(characters))

        @tf.function(input_signature=[
            tf.TensorSpec([None, None], tf.float32, name="waveforms"),
            tf.TensorSpec([None], tf.int32, name="lengths"),
        ])
        def serve(self, waveforms, lengths):
            transcripts = map_length_groups(
                self.transcribe, waveforms, lengths, chunk_size=chunk_size,
                output_signature=tf.TensorSpec([None], tf.string),
            )
            return {"transcripts": transcripts}

        def transcribe(self, waveforms, lengths):
            logits = self.model({"waveforms": waveforms, "lengths": lengths}, training=False)
            # Padded frames emit a certain blank, so they add nothing to the transcript.
            ids = tf.argmax(logits, axis=-1, output_type=tf.int32)
            previous = tf.pad(ids[:, :-1], [[0, 0], [1, 0]], constant_values=-1)
            keep = tf.logical_and(ids != 0, ids != previous)
            chars = tf.where(keep, tf.gather(self.characters, ids), "")
            return tf.strings.reduce_join(chars, axis=1)

    return SpeechServing()
