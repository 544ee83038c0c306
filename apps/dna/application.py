"""What `seqkit dna` adds to the shared recipe: FASTA/GFF3/BED/table readers, base codes as one-hot input, a
motif-convolution + bidirectional recurrent tagger (a class per base) or classifier (a class per sequence),
reverse-complement augmentation, and per-base/segment or classification scores.

The task is inferred from the training data (see `seqkit.apps.dna.sources`) and stored with the model.
"""

import pathlib

from seqkit.application import Application, EmbeddedData, Option
from seqkit.apps.dna.presets import PRESETS
from seqkit.apps.dna.sources import TAGGING

EMBEDDED_DIR = pathlib.Path(__file__).resolve().parent / "data"
COMMON_MODEL_KEYS = (
    "cell", "units", "num_layers", "bidirectional", "dropout", "recurrent_dropout", "conv_filters",
    "conv_kernel_size", "implementation",
)


class DnaApplication(Application):
    name = "dna"
    presets = PRESETS
    example_unit = "sequence"
    feature_keys = ("token_ids",)
    label_key = "labels"
    embedded = EmbeddedData(
        EMBEDDED_DIR / "train.fa", EMBEDDED_DIR / "valid.fa", name="embedded genome-like loci (train.fa + train.gff3)"
    )
    predictor = "seqkit.apps.dna.model.DnaModel"
    options = {
        "annotation": Option(None, "GFF3 or BED annotation of a FASTA `data` (default: the same stem beside it)."),
        "valid_annotation": Option(None, "GFF3 or BED annotation of a FASTA `valid`."),
        "transcript": Option("first", '`"first"` or `"longest"`: the transcript of each gene that gives the classes.'),
        "strand": Option("both", '`"both"`, `"+"` or `"-"`: the strand whose genes are tagged.'),
        "background": Option("intergenic", "BED annotations: the class of bases outside every interval."),
        "sequence_column": Option(None, "tables: the sequence column (detected if None)."),
        "label_column": Option(None, "tables: the class column (detected if None)."),
        "tags_column": Option(None, "tables: the per-base tag string column (detected if None)."),
        "skip_bad_rows": Option(False, "leave out and count bad table rows instead of stopping."),
        "head": Option(None, 'tagging: `"softmax"` or `"crf"` (preset default if None).', "model"),
        "pooling": Option(None, 'classification: `"mean"`, `"max"`, `"last"` or `"attention"` (preset default if None).', "model"),
        "conv_filters": Option(None, "filters of the motif convolution (preset default if None).", "model"),
        "conv_kernel_size": Option(None, "width of the motif convolution (preset default if None).", "model"),
        "window": Option(None, "bases per training window of long FASTA records (preset default if None).", "data"),
        "overlap": Option(None, "bases shared by neighbouring windows at prediction (preset default if None).", "data"),
        "rc_augment": Option(None, "train on the reverse complement of every example too (stranded classes swapped).",
                             "data"),
    }

    # === Data ===

    def split_read_options(self, settings, split):
        key = "annotation" if split == "train" else "valid_annotation"
        return {"annotation": settings.options.get(key)}

    def read(self, source, settings, annotation=None, **options):
        from seqkit.apps.dna.sources import read_examples

        return read_examples(source, settings.options, annotation=annotation, window=settings.data["window"])

    def check_settings(self, settings):
        from seqkit.errors import UserInputError

        window, overlap = settings.data["window"], settings.data["overlap"]
        if not 0 <= overlap < window:
            raise UserInputError(f"--overlap must be at least 0 and less than --window ({window}); got {overlap}")
        for key, allowed in (("transcript", ("first", "longest")), ("strand", ("both", "+", "-"))):
            if settings.options[key] is not None and settings.options[key] not in allowed:
                raise UserInputError(f"--{key} must be one of {', '.join(allowed)}; got {settings.options[key]!r}")

    # === Vectorizer ===

    def build_vectorizer(self, context, examples):
        from seqkit.apps.dna.encoding import DnaVectorizer

        return DnaVectorizer.build(examples)

    def load_vectorizer(self, run, config):
        from seqkit.apps.dna.encoding import DnaVectorizer

        return DnaVectorizer.load(run.path)

    def save_vectorizer(self, context):
        context.vectorizer.save(context.run.path)

    def encode(self, context, example, split):
        augment = bool(context.settings.data.get("rc_augment")) and split.name == "train"
        yield from context.vectorizer.encode(example, split.source, reverse_complement=augment)

    def config_entries(self, context):
        data = context.settings.data
        return {
            "vectorizer": context.vectorizer.settings(),
            "task": context.vectorizer.task,
            "window": data["window"],
            "overlap": data["overlap"],
            "read_options": {key: context.settings.options[key] for key in ("transcript", "strand", "background")},
        }

    def data_summary(self, context):
        return {"task": context.vectorizer.task, "classes": context.vectorizer.classes}

    # === Model ===

    def builder_arguments(self, context):
        model = context.settings.model
        arguments = {key: model[key] for key in COMMON_MODEL_KEYS if key in model}
        arguments.update(vocabulary_size=16, token_encoding="bases")
        if context.vectorizer.task == TAGGING:
            arguments.update(num_tags=len(context.vectorizer.classes), head=model.get("head", "softmax"))
        else:
            if model.get("head", "softmax") != "softmax":
                from seqkit.errors import UserInputError

                raise UserInputError("--head crf is for per-base tagging; a sequence classifier has a softmax head")
            arguments.update(num_classes=len(context.vectorizer.classes), pooling=model.get("pooling", "mean"))
        return arguments

    def build_model(self, context):
        from seqkit.tasks import sequence_classifier, sequence_tagger

        build = sequence_tagger if context.vectorizer.task == TAGGING else sequence_classifier
        return build(**context.builder_arguments, name=f"dna_{context.vectorizer.task}")

    def loss(self, context, model):
        from seqkit.tasks import classifier_loss, tagger_loss

        return tagger_loss(model) if context.vectorizer.task == TAGGING else classifier_loss(model)

    # === After training ===

    def evaluate(self, context, model, valid, history):
        from seqkit.apps.dna.model import DnaModel

        predictor = DnaModel(context.run, model=model, vectorizer=context.vectorizer)
        separate_file = valid.description == str(valid.source)  # not a tenth held out of the training data
        if separate_file and context.vectorizer.task == TAGGING:
            from seqkit.apps.dna.sources import is_annotated_fasta

            if is_annotated_fasta(valid.source, context.settings.options):
                return predictor.evaluate(valid.source, annotation=context.settings.options.get("valid_annotation"))
        return predictor.evaluate_examples(valid, source=valid.source)

    def summary_lines(self, result):
        data, metrics = result.data, result.metrics
        lines = [
            f"Trained on {data['train']} ({data.get('train_sequences', 0)} sequences): {data['task']} into "
            f"{len(data['classes'])} classes ({', '.join(data['classes'])})."
        ]
        if metrics.get("task") == TAGGING:
            lines.append(
                f"Validation ({metrics['count']} bases): per-base accuracy {metrics['accuracy']:.4f}, macro-F1 "
                f"{metrics['macro_f1']:.4f}, segment overlap F1 {metrics['segment_overlap']['f1']:.4f}."
            )
        elif metrics:
            lines.append(
                f"Validation ({metrics['count']} sequences): accuracy {metrics['accuracy']:.4f}, macro-F1 "
                f"{metrics['macro_f1']:.4f}, MCC {metrics['mcc']:.4f}."
            )
        return lines


APPLICATION = DnaApplication()
