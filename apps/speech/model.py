"""A trained speech run: transcribe audio files, evaluate WER/CER on labelled data, export for TF Serving."""

import numpy as np

from seqkit.application.trained_run import TrainedRun
from seqkit.progress import Progress

PREDICT_BATCH_SIZE = 16
TRANSCRIPTS_FILE = "train_transcripts.txt"


class SpeechModel(TrainedRun):
    """Transcribes audio with a trained `seqkit speech` run directory.

    `vectorizer`, when given, is the run's `SpeechVectorizer` already in memory (`run` and `model`: see
    `TrainedRun`).
    """

    app = "speech"

    def __init__(self, run, model=None, vectorizer=None):
        import tensorflow as tf

        from seqkit.apps.speech.encoding import SpeechVectorizer

        super().__init__(run, model)
        self.vectorizer = vectorizer or SpeechVectorizer.load(run.path)
        self.read_options = dict(self.config.get("read_options", {}))
        self._language_model = None

        # One trace for every batch size and length (`reduce_retracing` traced a third time once both varied).
        @tf.function(input_signature=[tf.TensorSpec([None, None], tf.float32), tf.TensorSpec([None], tf.int32)])
        def log_probabilities(waveforms, lengths):
            logits = self.model({"waveforms": waveforms, "lengths": lengths}, training=False)
            return tf.nn.log_softmax(logits, axis=-1)

        self._log_probabilities = log_probabilities

    # === Decoding ===

    def _language_model_scorer(self):
        """A character 5-gram (Kneser–Ney) of the training transcripts, for shallow fusion."""
        if self._language_model is None:
            from seqkit.generation.ctc_decoding import ngram_character_lm
            from seqkit.metrics.ngram import NGramModel

            transcripts = self.run.file(TRANSCRIPTS_FILE).read_text(encoding="utf-8").splitlines()
            ngram = NGramModel(order=5, vocabulary_size=len(self.vectorizer.characters) + 1).fit(transcripts)
            self._language_model = ngram_character_lm(ngram)
        return self._language_model

    def training_words(self):
        """The words of the training transcripts (a lexicon)."""
        text = self.run.file(TRANSCRIPTS_FILE).read_text(encoding="utf-8")
        return sorted(set(text.split()))

    def _decoder(self, beam_size=1, lm_weight=0.0, lexicon=None, word_bonus=0.0):
        from seqkit.generation.ctc_decoding import greedy_decode, prefix_beam_search

        if beam_size <= 1 and not lm_weight and lexicon is None:
            return lambda log_probs: greedy_decode(log_probs)
        words = self.training_words() if lexicon == "train" else lexicon
        space = self.vectorizer.index.get(" ")
        lm = self._language_model_scorer() if lm_weight else None
        id_to_char = {i: c for c, i in self.vectorizer.index.items()}

        def decode(log_probs):
            [(ids, _)] = prefix_beam_search(
                log_probs, beam_size=max(beam_size, 2), lm=lm, lm_weight=lm_weight, word_bonus=word_bonus,
                lexicon=words, space_id=space, id_to_char=id_to_char,
            )
            return ids

        return decode

    def _transcribe_waveforms(self, waveforms, decode):
        """Transcripts of float32 waveforms (batched, longest first)."""
        order = sorted(range(len(waveforms)), key=lambda i: -len(waveforms[i]))
        texts = [None] * len(waveforms)
        with Progress("transcribing", unit="clip", total=len(order)) as progress:
            for begin in range(0, len(order), PREDICT_BATCH_SIZE):
                chunk = order[begin : begin + PREDICT_BATCH_SIZE]
                lengths = np.asarray([len(waveforms[i]) for i in chunk], dtype=np.int32)
                batch = np.zeros((len(chunk), max(1, int(lengths.max()))), dtype=np.float32)
                for row, i in enumerate(chunk):
                    batch[row, : lengths[row]] = waveforms[i]
                log_probs = self._log_probabilities(batch, lengths).numpy()
                for row, i in enumerate(chunk):
                    texts[i] = self.vectorizer.decode_ids(decode(log_probs[row]))
                progress.update(len(chunk))
        return texts

    def transcribe_waveforms(self, waveforms, *, beam_size=1, lm_weight=0.0, lexicon=None):
        """Transcripts of 16 kHz float32 waveforms (each cut at silences when longer than 20 s)."""
        from seqkit.data.audio.segmentation import split_at_silences

        pieces, owners = [], []
        for index, samples in enumerate(waveforms):
            for piece in split_at_silences(samples, self.vectorizer.sample_rate):
                pieces.append(piece)
                owners.append(index)
        texts = self._transcribe_waveforms(pieces, self._decoder(beam_size, lm_weight, lexicon))
        joined = [[] for _ in waveforms]
        for owner, text in zip(owners, texts):
            if text.strip():
                joined[owner].append(text.strip())
        return [" ".join(parts) for parts in joined]

    # === Prediction ===

    def predict(self, paths, *, beam_size=1, lm_weight=0.0, lexicon=None):
        """Transcribe audio files: one `{"path", "seconds", "transcript"}` per file."""
        from seqkit.data.audio.waveforms import read_audio

        waveforms = [read_audio(path, sample_rate=self.vectorizer.sample_rate) for path in paths]
        texts = self.transcribe_waveforms(waveforms, beam_size=beam_size, lm_weight=lm_weight, lexicon=lexicon)
        return [
            {"path": str(path), "seconds": round(len(w) / self.vectorizer.sample_rate, 3), "transcript": text}
            for path, w, text in zip(paths, waveforms, texts)
        ]

    @staticmethod
    def format_prediction(result):
        return f"{result['path']}\t{result['transcript']}"

    # === Evaluation ===

    def evaluate(self, path, *, transcript_from_name=None, beam_size=1, lm_weight=0.0, lexicon=None,
                 per_sentence=False):
        """WER and CER on a manifest, a LibriSpeech folder or a folder of named clips."""
        from seqkit.data.audio.manifests import iter_utterances

        rule = transcript_from_name or self.read_options.get("transcript_from_name")
        utterances = iter_utterances(path, transcript_from_name=rule)
        return self.evaluate_utterances(
            utterances, beam_size=beam_size, lm_weight=lm_weight, lexicon=lexicon, per_utterance=per_sentence
        )

    def evaluate_utterances(self, utterances, *, beam_size=1, lm_weight=0.0, lexicon=None, per_utterance=False,
                            skip_bad_rows=False):
        """Scores on `Utterance`s (any iterable, read once); references normalised as in training. With
        `skip_bad_rows`, clips that cannot be read are left out and counted (`skipped_clips`)."""
        from seqkit.application.sources import Skipped
        from seqkit.errors import UserInputError
        from seqkit.metrics.speech import error_rates
        from seqkit.progress import track

        references, waveforms, names, skipped = [], [], [], 0
        for utterance in track(utterances, "reading the evaluation clips", unit="clip"):
            if isinstance(utterance, Skipped):
                skipped += 1
                continue
            try:
                waveform = self.vectorizer.waveform(utterance.path)
            except UserInputError:
                if not skip_bad_rows:
                    raise
                skipped += 1
                continue
            references.append(self.vectorizer.normalizer(utterance.transcript))
            waveforms.append(waveform)
            names.append(str(utterance.path))
        hypotheses = self.transcribe_waveforms(waveforms, beam_size=beam_size, lm_weight=lm_weight, lexicon=lexicon)
        scores = error_rates(references, hypotheses, per_utterance=per_utterance)
        if per_utterance:
            for row, name in zip(scores["utterances"], names):
                row["path"] = name
        if skipped:
            scores["skipped_clips"] = skipped
        return scores

    @staticmethod
    def format_evaluation(metrics):
        from seqkit.metrics.speech import format_error_rates

        return format_error_rates(metrics)

    # === Export ===

    def export(self, export_root, version=None):
        """Write `<export_root>/speech/<version>/` with a `serving_default` taking 16 kHz waveforms."""
        from seqkit.export.speech_serving import build_speech_serving_module

        return self._export(
            export_root,
            version,
            lambda: build_speech_serving_module(self.model, self.vectorizer.characters),
            metadata={"sample_rate": self.vectorizer.sample_rate, "characters": self.vectorizer.characters},
        )


def write_training_transcripts(run, vectorizer, utterances):
    """Write the normalised training transcripts (for the lexicon and the character LM of decoding)."""
    from seqkit.data.atomic import atomic_write_text

    text = "".join(vectorizer.normalizer(u.transcript) + "\n" for u in utterances)
    atomic_write_text(run.file(TRANSCRIPTS_FILE), text)
