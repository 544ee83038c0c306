"""What `seqkit music` adds to the shared recipe: MIDI/MusicXML folders (or the embedded Bach chorales) read
as pieces, a fixed codec vocabulary with transposition, windows of next-token targets, a language model, and
evaluation against n-gram baselines with musical statistics of generated pieces.

A music corpus is read once per fit and kept in memory (its files are parsed in parallel and the chorales are
cached on disk); the encoded windows stream from the run directory like every app's."""

from seqkit.application import Application, EmbeddedData, Option, Skipped
from seqkit.apps.music import readers
from seqkit.apps.music.encoding import SEQUENCES_FILE, MusicVectorizer, windows, write_sequences
from seqkit.apps.music.presets import PRESETS
from seqkit.errors import UserInputError

EMBEDDED = "music21 corpus: Bach chorales"
CODEC_KEYS = {
    "melody": ("min_pitch", "max_pitch", "steps_per_quarter", "max_duration"),
    "polyphonic": ("min_pitch", "max_pitch", "steps_per_quarter", "max_shift"),
}


def make_vectorizer(data_config):
    """The `MusicVectorizer` described by a preset's data settings (validated by the codec)."""
    from seqkit.data.music_codec import get_codec

    encoding = data_config["encoding"]
    if encoding not in CODEC_KEYS:
        raise UserInputError(f"unknown encoding {encoding!r}; choose 'melody' or 'polyphonic'")
    try:
        codec = get_codec({"encoding": encoding, **{key: data_config[key] for key in CODEC_KEYS[encoding]}})
        return MusicVectorizer(codec, transpose=data_config["transpose"])
    except ValueError as error:
        raise UserInputError(str(error)) from None


class MusicApplication(Application):
    name = "music"
    presets = PRESETS
    example_unit = "piece"
    single_input = True
    embedded = EmbeddedData(EMBEDDED)
    builder = "seqkit.tasks.language_model"
    predictor = "seqkit.apps.music.model.MusicModel"
    options = {
        "encoding": Option(None, '`"melody"` (top line: pitch, duration and rest tokens) or `"polyphonic"` '
                           "(note-on/off and time-shift events).", "data"),
        "transpose": Option(None, '`"none"`, `"key"` (into C major / A minor) or `"all"` (augment with every '
                            "fitting key).", "data"),
        "steps_per_quarter": Option(None, "time grid, steps per quarter note.", "data"),
        "window": Option(None, "tokens per training example.", "data"),
        "max_pieces": Option(None, "read at most this many files (the first by name).", "data"),
    }

    def __init__(self):
        self._corpus = (None, None)

    def check_settings(self, settings):
        make_vectorizer(settings.data)

    def dataset_sources(self, name, settings):
        raise UserInputError(f"unknown dataset {name!r}: the music app reads folders (--data) or its embedded corpus")

    def read(self, source, settings, **options):
        corpus = self._read_corpus(source, settings.data["steps_per_quarter"], settings.data["max_pieces"])
        for path, reason in corpus.skipped:
            yield Skipped(path, None, reason)
        yield from corpus.pieces

    def _read_corpus(self, source, steps_per_quarter, max_pieces):
        """The pieces of a folder or of the chorales, parsed once per fit (the recipe reads sources often)."""
        key = (str(source), steps_per_quarter, max_pieces)
        if self._corpus[0] != key:
            if source == EMBEDDED:
                corpus = readers.bach_chorales(steps_per_quarter, max_pieces=max_pieces)
            else:
                corpus = readers.read_folder(source, steps_per_quarter, max_pieces=max_pieces)
            self._corpus = (key, corpus)
        return self._corpus[1]

    def held_out(self, settings):
        fraction = settings.data["valid_fraction"]
        return lambda piece: readers.is_held_out(piece.name, fraction)

    def build_vectorizer(self, context, examples):
        return make_vectorizer(context.settings.data)  # fixed by the codec: nothing to learn

    def load_vectorizer(self, run, config):
        return MusicVectorizer.from_settings(config["vectorizer"])

    def save_vectorizer(self, context):
        context.vectorizer.vocabulary.save(context.run.file("vocabulary.txt"))

    def encode(self, context, piece, split):
        training = split.name == "train"
        try:
            sequences = context.vectorizer.encode(piece.notes, source=piece.path, augment=training)
        except ValueError as error:
            yield Skipped(piece.path, None, str(error))
            return
        if training:
            context.extras.setdefault("train_sequences", []).extend(sequences)
        for ids in sequences:
            yield from windows(ids, context.settings.data["window"])

    def builder_arguments(self, context):
        return {"vocabulary_size": len(context.vectorizer.vocabulary), **context.settings.model}

    def data_summary(self, context):
        skipped = context.extras["skipped"]
        return {
            "train_sequences": len(context.extras.get("train_sequences", [])),
            "skipped": skipped["train"] + skipped["valid"],
        }

    def config_entries(self, context):
        return {"vectorizer": context.vectorizer.settings(), "data_settings": context.settings.data}

    def write_assets(self, context):
        from seqkit.apps.music.statistics import music_statistics

        sequences = context.extras["train_sequences"]
        write_sequences(context.run.file(SEQUENCES_FILE), sequences)
        reference_notes = [context.vectorizer.decode(ids) for ids in sequences]
        context.run.write_json("corpus_statistics.json", music_statistics(reference_notes))

    def loss(self, context, model):
        from seqkit.tasks import language_model_loss

        return language_model_loss()

    def evaluate(self, context, model, valid, history):
        from seqkit.apps.music.model import MusicModel

        music_model = MusicModel(context.run, model=model, vectorizer=context.vectorizer)
        sequences = []
        for piece in valid:
            try:
                sequences.extend(context.vectorizer.encode(piece.notes, source=piece.path))
            except ValueError:
                pass  # counted as skipped when the split was encoded
        return music_model.evaluate_sequences(sequences, seed=context.config.seed or 0) if sequences else {}

    def summary_lines(self, result):
        data, metrics = result.data, result.metrics
        problems = [line for split in ("train", "valid") for line in result.details["problems"][split]]
        lines = [f"skipped {line}" for line in problems]
        if data["skipped"] > len(problems):
            lines.append(f"... and {data['skipped'] - len(problems)} more")
        lines.append(
            f"Trained on {data['train']} ({data['train_pieces']} pieces, {data['train_sequences']} "
            f"sequences; {data['skipped']} file(s) skipped)."
        )
        if metrics:
            baselines = ", ".join(f"{name} {values['perplexity']:.3f}" for name, values in metrics["baselines"].items())
            verdict = "beats" if metrics["beats_baselines"] else "does not beat"
            lines.append(
                f"Validation ({data['valid_pieces']} pieces): NLL {metrics['nll']:.4f} nats/token, "
                f"perplexity {metrics['perplexity']:.3f} (Kneser–Ney baselines: {baselines}; the model {verdict} "
                f"the strongest, {metrics['best_baseline']})."
            )
        return lines


APPLICATION = MusicApplication()
