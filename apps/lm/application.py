"""What `seqkit lm` adds to the shared recipe: text read as character or word sequences, a vocabulary with
`<BOS>`/`<EOS>`, next-token targets, perplexity, and fingerprints of the training sequences (for `--novel`)."""

import pathlib

from seqkit.application import Application, EmbeddedData, Option
from seqkit.apps.lm import encoding
from seqkit.apps.lm.presets import PRESETS
from seqkit.apps.lm.text import check_level, iter_sequences
from seqkit.errors import UserInputError

EMBEDDED_DIR = pathlib.Path(__file__).resolve().parent / "data"
BUILDER_KEYS = ("embedding_dim", "cell", "units", "num_layers", "dropout", "recurrent_dropout", "implementation")


class LanguageModelApplication(Application):
    name = "lm"
    presets = PRESETS
    example_unit = "sequence"
    label_key = "targets"
    single_input = True
    embedded = EmbeddedData(EMBEDDED_DIR / "train.txt", EMBEDDED_DIR / "valid.txt")
    builder = "seqkit.tasks.language_model"
    predictor = "seqkit.apps.lm.model.LanguageModel"
    options = {
        "level": Option(None, '`"char"` (one sequence per line) or `"word"` (running text split into sentences).', "data"),
        "vocab_size": Option(None, "most ids in the vocabulary (reserved tokens included); rarer tokens become `<UNK>`.", "data"),
        "min_count": Option(None, "tokens seen fewer times in training become `<UNK>`.", "data"),
    }

    def check_settings(self, settings):
        check_level(settings.data["level"])
        model = dict(settings.model)
        if model.pop("bidirectional", None):
            raise UserInputError("a language model reads left to right: --bidirectional is not available in `seqkit lm`")
        unknown = sorted(set(model) - set(BUILDER_KEYS))
        if unknown:
            raise UserInputError(f"unknown model settings for `seqkit lm`: {', '.join(unknown)}")

    def embedded_data(self, settings):
        if settings.data["level"] != "char":
            raise UserInputError("the embedded corpus is a list of names for --level char; give --data for --level word")
        return self.embedded

    def dataset_sources(self, name, settings):
        raise UserInputError(f"no standard dataset is known to `seqkit lm` (got --dataset {name}); give --data FILE")

    def read(self, source, settings, **options):
        return iter_sequences(source, settings.data["level"])

    def build_vectorizer(self, context, examples):
        data = context.settings.data
        return encoding.build_vocabulary(examples, vocab_size=data["vocab_size"], min_count=data["min_count"])

    def load_vectorizer(self, run, config):
        from seqkit.data.vocabulary import Vocabulary

        return Vocabulary.load(run.file(encoding.VOCABULARY_FILE))

    def save_vectorizer(self, context):
        context.vectorizer.save(context.run.file(encoding.VOCABULARY_FILE))

    def encode(self, context, example, split):
        if split.name == "train":
            facts = context.extras.setdefault("train_facts", {"tokens": 0, "unknown": 0, "fingerprints": set()})
            facts["tokens"] += len(example)
            facts["unknown"] += sum(token not in context.vectorizer for token in example)
            facts["fingerprints"].add(encoding.fingerprint(example))
        yield encoding.training_example(encoding.encode(context.vectorizer, example))

    def builder_arguments(self, context):
        model = {key: value for key, value in context.settings.model.items() if key != "bidirectional"}
        return {"vocabulary_size": len(context.vectorizer), **model}

    def _output_layer(self, context):
        units = context.builder_arguments.get("units", 256)
        return encoding.output_layer_size(len(context.vectorizer), units, context.config.batch_size)

    def data_summary(self, context):
        facts = context.extras["train_facts"]
        return {
            "level": context.settings.data["level"],
            "train_tokens": facts["tokens"],
            "vocabulary_size": len(context.vectorizer),
            "unknown_rate_train": round(facts["unknown"] / facts["tokens"], 6) if facts["tokens"] else 0.0,
        }

    def config_entries(self, context):
        context.extras["output_layer"] = self._output_layer(context)
        return {
            "level": context.settings.data["level"],
            "data_settings": context.settings.data,
            "output_layer": context.extras["output_layer"],
        }

    def write_assets(self, context):
        encoding.write_fingerprint_set(
            context.run.file(encoding.FINGERPRINTS_FILE), context.extras["train_facts"]["fingerprints"]
        )

    def loss(self, context, model):
        from seqkit.tasks import language_model_loss

        return language_model_loss()

    def metrics(self, context):
        from seqkit.metrics.masked_perplexity import MaskedPerplexity

        return [MaskedPerplexity(from_logits=True, name="perplexity")]

    def evaluate(self, context, model, valid, history):
        from seqkit.apps.lm.model import LanguageModel

        predictor = LanguageModel(context.run, model=model, vocabulary=context.vectorizer)
        metrics = predictor.evaluate_sequences(valid)
        metrics["epoch_valid_perplexity"] = [round(v, 4) for v in history.get("val_perplexity", [])]
        return metrics

    def summary_lines(self, result):
        data, metrics = result.data, result.metrics
        output_layer = result.details["output_layer"]
        unit = "character" if data["level"] == "char" else "word"
        lines = [
            f"Trained on {data['train']} ({data['train_sequences']} sequences, "
            f"{data['train_tokens']} {unit}s, vocabulary of {data['vocabulary_size']} ids).",
            f"Output layer: {output_layer['parameters']:,} parameters ({output_layer['weights_mib']} MiB); "
            f"logits take {output_layer['logits_per_step_mib']} MiB per time step of a batch.",
        ]
        per_epoch = metrics.get("epoch_valid_perplexity") or []
        if per_epoch:
            lines.append("Validation perplexity by epoch: " + ", ".join(f"{v:.3f}" for v in per_epoch))
        if "perplexity" in metrics:
            lines.append(
                f"Validation ({data['valid_sequences']} sequences, {metrics['tokens']} tokens with <EOS>): "
                f"perplexity {metrics['perplexity']:.3f}, {metrics['bits_per_token']:.4f} bits per {unit}."
            )
        return lines


APPLICATION = LanguageModelApplication()
