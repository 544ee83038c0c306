"""What `seqkit speech` adds to the shared recipe: manifests, LibriSpeech folders and named clips as
utterances, waveforms resampled to 16 kHz, normalised transcripts as characters, a log-mel + strided
convolution + bidirectional recurrent CTC recognizer that takes raw waveforms, and WER/CER evaluation."""

from seqkit.application import Application, EmbeddedData, Option
from seqkit.apps.speech.presets import PRESETS

EMBEDDED_FOLDER = "speech-words-v1"


class SpeechApplication(Application):
    name = "speech"
    presets = PRESETS
    example_unit = "utterance"
    feature_keys = ("waveforms", "lengths")
    label_key = "labels"
    predictor = "seqkit.apps.speech.model.SpeechModel"
    builder = "seqkit.tasks.ctc_recognizer"
    # Both are one folder of named clips: the file names give the transcripts; a tenth is held out.
    datasets = {
        "fsdd": {"options": {"transcript_from_name": "digits"}},
        "yesno": {"options": {"transcript_from_name": "yesno"}},
    }
    options = {
        "transcript_from_name": Option(
            None, 'folders of clips: the transcript from each file name, `"digits"` (FSDD), `"yesno"` or `"stem"`.'
        ),
        "skip_bad_rows": Option(False, "leave out and count clips that cannot be read instead of stopping."),
        "max_seconds": Option(None, "longest clip in seconds (preset default if None); longer ones are bad.", "data"),
        "digits": Option(None, '`"words"` (say digits as words) or `"keep"` in transcripts (default words).', "data"),
        "mel_bins": Option(None, "log-mel bins per frame (preset default if None).", "data"),
        "deltas": Option(None, "0, 1 or 2: add delta and delta-delta features (preset default if None).", "data"),
        "spec_augment": Option(None, "mask frequency bands and time spans in training (preset default if None).",
                               "data"),
        "conv_filters": Option(None, "filters of the strided convolution (preset default if None).", "model"),
        "conv_stride": Option(None, "its stride in frames (preset default if None).", "model"),
    }

    # === Data ===

    def embedded_data(self, settings):
        from seqkit.apps.speech.synthetic_words import ensure_corpus
        from seqkit.data.downloads import default_cache_dir

        folder = ensure_corpus(default_cache_dir() / EMBEDDED_FOLDER)
        return EmbeddedData(
            folder / "train" / "manifest.csv", folder / "valid" / "manifest.csv",
            name="embedded synthesised words (a smoke test, not speech)",
        )

    def read(self, source, settings, **options):
        from seqkit.data.audio.manifests import iter_utterances

        if settings.options.get("transcript_from_name") is None and options.get("transcript_from_name"):
            # A standard dataset's naming rule, kept with the run like an explicit --transcript-from-name.
            settings.options["transcript_from_name"] = options["transcript_from_name"]
        return iter_utterances(
            source, transcript_from_name=settings.options.get("transcript_from_name"),
            skip_bad_rows=bool(settings.options.get("skip_bad_rows")),
        )

    # === Vectorizer ===

    def build_vectorizer(self, context, examples):
        from seqkit.apps.speech.encoding import SpeechVectorizer
        from seqkit.data.audio.transcripts import TextNormalizer

        data = context.settings.data
        normalizer = TextNormalizer(digits=data.get("digits") or "words")
        return SpeechVectorizer.build(examples, normalizer, max_seconds=data.get("max_seconds"))

    def load_vectorizer(self, run, config):
        from seqkit.apps.speech.encoding import SpeechVectorizer

        return SpeechVectorizer.load(run.path)

    def save_vectorizer(self, context):
        context.vectorizer.save(context.run.path)

    def encode(self, context, example, split):
        return self.encode_or_skip(context, example, context.vectorizer.encode)

    def length_key(self, context):
        return "waveforms"

    def config_entries(self, context):
        return {
            "vectorizer": context.vectorizer.settings(),
            "read_options": {"transcript_from_name": context.settings.options.get("transcript_from_name")},
        }

    def write_assets(self, context):
        from seqkit.apps.speech.model import write_training_transcripts

        write_training_transcripts(context.run, context.vectorizer, context.train)

    def data_summary(self, context):
        return {"characters": "".join(context.vectorizer.characters), "skipped_clips": dict(context.extras["skipped"])}

    # === Model ===

    def builder_arguments(self, context):
        model, data = dict(context.settings.model), context.settings.data
        features = dict(model.pop("waveform_features") or {})
        features["sample_rate"] = context.vectorizer.sample_rate
        for key, name in (("mel_bins", "num_mel_bins"), ("deltas", "deltas")):
            if data.get(key) is not None:
                features[name] = data[key]
        if data.get("spec_augment") is False:
            model["spec_augment"] = None
        elif data.get("spec_augment") is True and not model.get("spec_augment"):
            model["spec_augment"] = dict(PRESETS["default"]["model"]["spec_augment"])
        return {
            "feature_dim": None, "vocabulary_size": context.vectorizer.vocabulary_size,
            "waveform_features": features, **model,
        }

    def loss(self, context, model):
        from seqkit.tasks import ctc_loss

        return ctc_loss

    # === After training ===

    def evaluate(self, context, model, valid, history):
        from seqkit.apps.speech.model import SpeechModel

        predictor = SpeechModel(context.run, model=model, vectorizer=context.vectorizer)
        return predictor.evaluate_utterances(valid, skip_bad_rows=bool(context.settings.options.get("skip_bad_rows")))

    def summary_lines(self, result):
        data, metrics = result.data, result.metrics
        lines = [
            f"Trained on {data['train']} ({data.get('train_utterances', 0)} utterances); characters "
            f"{data['characters']!r}."
        ]
        skipped = data.get("skipped_clips", {})
        if any(skipped.values()):
            lines.append(
                f"Skipped bad clips: {skipped.get('train', 0)} in training, {skipped.get('valid', 0)} in validation."
            )
        if metrics:
            lines.append(
                f"Validation ({metrics['count']} utterances): WER {metrics['wer']:.4f}, CER {metrics['cer']:.4f}, "
                f"exact {metrics['exact']:.4f}."
            )
        return lines


APPLICATION = SpeechApplication()
