"""What `seqkit ner` adds to the shared recipe: CoNLL and token-table readers, the tagging vectorizer, the
word + character BiLSTM-CRF tagger, and entity-level evaluation."""

import os
import pathlib

from seqkit.application import Application, EmbeddedData, Option
from seqkit.apps.ner.presets import PRESETS
from seqkit.errors import UserInputError

EMBEDDED_DIR = pathlib.Path(__file__).resolve().parent / "data"
TABLE_SUFFIXES = {".csv", ".tsv", ".tab", ".parquet", ".pq"}
COLUMN_OPTIONS = ("sentence_column", "token_column", "tag_column")


def read_tagged_file(path, *, tag_scheme="auto", columns=None):
    """Stream a CoNLL file, or read a one-row-per-token table (by extension), as IOB2 `TaggedSentence`s."""
    path = pathlib.Path(path)
    if path.is_dir():
        raise UserInputError("expected a file, found a directory", path=path)
    if path.suffix.lower() in TABLE_SUFFIXES:
        from seqkit.data.tabular import read_token_table

        return read_token_table(path, scheme=tag_scheme, **(columns or {}))
    from seqkit.data.conll import iter_conll

    return iter_conll(path, scheme=tag_scheme)


class NerApplication(Application):
    name = "ner"
    presets = PRESETS
    example_unit = "sentence"
    feature_keys = ("token_ids", "char_ids")
    label_key = "tags"
    embedded = EmbeddedData(EMBEDDED_DIR / "train.txt", EMBEDDED_DIR / "valid.txt")
    datasets = {"conll2003": {}}
    builder = "seqkit.tasks.sequence_tagger"
    predictor = "seqkit.apps.ner.model.NerModel"
    options = {
        "tag_scheme": Option("auto", '`"auto"`, `"iob1"`, `"iob2"` or `"bioes"`; tags are normalised to IOB2.'),
        "embeddings": Option(None, "a GloVe/word2vec text file of pretrained word vectors."),
        "char_features": Option(None, "whether to add the character encoder (preset default if None).", "data"),
        "head": Option(None, '`"crf"` or `"softmax"` (preset default if None).', "model"),
        "lowercase": Option(None, "whether word lookups are lowercased (preset default if None).", "data"),
        "word_dropout": Option(
            None,
            "probability that a word seen once in training is replaced by `<UNK>` in each training batch "
            "(preset default if None; 0 turns it off).",
            "model",
        ),
        "transition_constraints": Option(
            None,
            "whether the CRF forbids the transitions IOB2 does not allow (`O` -> `I-X`, `I-X` first) in "
            "training and decoding (preset default if None).",
            "model",
        ),
        "max_vocabulary": Option(None, "largest word vocabulary (preset default if None).", "data"),
        "sentence_column": Option(None, "tables: the sentence id column (detected if None)."),
        "token_column": Option(None, "tables: the token column (detected if None)."),
        "tag_column": Option(None, "tables: the tag column (detected if None)."),
    }

    def __init__(self):
        self._schemes = {}

    def check_settings(self, settings):
        rate = settings.model.get("word_dropout", 0.0)
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0.0 <= rate < 1.0:
            raise UserInputError(f"word_dropout must be a number in [0, 1), not {rate!r}")

    def read(self, source, settings, **options):
        columns = {key: settings.options[key] for key in COLUMN_OPTIONS if settings.options.get(key) is not None}
        return read_tagged_file(source, tag_scheme=self._scheme(source, settings), columns=columns)

    def _scheme(self, path, settings):
        """The tag scheme of a CoNLL file, detected once (not at every pass) with `--tag-scheme auto`."""
        scheme = settings.options["tag_scheme"]
        path = pathlib.Path(path)
        if scheme != "auto" or path.suffix.lower() in TABLE_SUFFIXES or not path.is_file():
            return scheme
        stat = os.stat(path)
        key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
        if key not in self._schemes:
            from seqkit.data.conll import detect_file_scheme

            self._schemes[key] = detect_file_scheme(path)
        return self._schemes[key]

    def build_vectorizer(self, context, examples):
        from seqkit.data.tagging import TaggingVectorizer

        data = context.settings.data
        settings = {key: data[key] for key in ("min_count", "char_features", "lowercase")}
        return TaggingVectorizer.build(examples, max_size=data["max_vocabulary"], **settings)

    def load_vectorizer(self, run, config):
        from seqkit.data.tagging import TaggingVectorizer

        return TaggingVectorizer.load(run.path, config["vectorizer"])

    def save_vectorizer(self, context):
        context.vectorizer.save(context.run.path)

    def encode(self, context, example, split):
        yield context.vectorizer.example(example, split.source)

    def config_entries(self, context):
        return {"vectorizer": context.vectorizer.settings()}

    def builder_arguments(self, context):
        from seqkit.layers.crf import iob2_constraints, is_iob2

        vectorizer = context.vectorizer
        model = dict(context.settings.model)
        # The app's two switches become the builder's concrete arguments: the CRF's forbidden transitions
        # (from the tag list) and the first word id that word dropout replaces (the words seen once).
        if model.pop("transition_constraints", False) and model.get("head") == "crf" and is_iob2(vectorizer.tags):
            model["crf_constraints"] = iob2_constraints(vectorizer.tags)
        if model.get("word_dropout"):
            start = vectorizer.singleton_start
            model["word_dropout_min_id"] = len(vectorizer.words) if start is None else start
        return {
            "vocabulary_size": len(vectorizer.words),
            "num_tags": vectorizer.num_tags,
            "char_vocabulary_size": len(vectorizer.chars) if vectorizer.chars is not None else None,
            **model,
        }

    def loss(self, context, model):
        from seqkit.tasks import tagger_loss

        return tagger_loss(model)

    def metrics(self, context):
        from seqkit.tasks import tagger_tag_f1

        tags = context.vectorizer.tags
        if "O" not in tags:
            return None
        return [tagger_tag_f1(lambda: context.model, tags.index("O"))]

    def embedding_vocabulary(self, context):
        return context.vectorizer.words, context.vectorizer.normalize

    def evaluate(self, context, model, valid, history):
        from seqkit.apps.ner.model import NerModel

        return NerModel(context.run, model=model, vectorizer=context.vectorizer).evaluate_sentences(valid)

    def summary_lines(self, result):
        data, metrics = result.data, result.metrics
        lines = [f"Trained on {data['train']} ({data['train_sentences']} sentences)."]
        if metrics:
            lines.append(
                f"Validation ({data['valid_sentences']} sentences): entity F1 {metrics['f1']:.4f} "
                f"(precision {metrics['precision']:.4f}, recall {metrics['recall']:.4f}), "
                f"token accuracy {metrics['token_accuracy']:.4f}."
            )
        return lines


APPLICATION = NerApplication()
