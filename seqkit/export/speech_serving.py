"""Serving module for CTC speech recognizers: 16 kHz waveforms in, transcripts out."""


def build_speech_serving_module(model, characters):
    """A `tf.Module` whose `serve` function transcribes a batch of waveforms in plain TensorFlow ops.

    The model computes its own log-mel features from the waveforms; the graph then decodes greedily (the best
    label per frame, repeats merged, blanks dropped) and maps label ids to
    characters. Beam search, lexicons and language models stay in Python (`SpeechModel`).

    Args:
        model: a trained `ctc_recognizer` built with `waveform_features`.
        characters: the characters of label ids 1..V, in order (id 0 is the blank).

    Returns:
        A `tf.Module` with a `serve` `tf.function` taking `waveforms` (`(batch, samples)` float32 at 16 kHz,
        zero-padded) and `lengths` (`(batch,)` int32 valid samples) and returning `transcripts` (`(batch,)`
        strings).
    """
    import tensorflow as tf

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
            logits = self.model({"waveforms": waveforms, "lengths": lengths}, training=False)
            # Padded frames emit a certain blank, so they add nothing to the transcript.
            ids = tf.argmax(logits, axis=-1, output_type=tf.int32)
            previous = tf.pad(ids[:, :-1], [[0, 0], [1, 0]], constant_values=-1)
            keep = tf.logical_and(ids != 0, ids != previous)
            chars = tf.where(keep, tf.gather(self.characters, ids), "")
            return {"transcripts": tf.strings.reduce_join(chars, axis=1)}

    return SpeechServing()
