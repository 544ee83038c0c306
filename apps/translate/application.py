"""What `seqkit translate` adds to the shared recipe: sentence pairs from aligned files or tables, a reversible
tokeniser per side (characters, words or sub-words), source/decoder-input/next-token arrays, the attention
encoder-decoder with a label-smoothed loss, and BLEU/chrF/exact match of the decoded validation data."""

import pathlib

import numpy as np

from seqkit.application import Application, EmbeddedData, Option, Skipped
from seqkit.apps.translate.presets import PRESETS
from seqkit.errors import UserInputError

EMBEDDED_DIR = pathlib.Path(__file__).resolve().parent / "data"
SOURCE_VOCABULARY_FILE = "source_vocabulary.txt"
TARGET_VOCABULARY_FILE = "target_vocabulary.txt"
TOKENIZERS = ("char", "word", "subword")
BUILDER_KEYS = (
    "embedding_dim", "cell", "units", "num_layers", "bidirectional", "dropout", "attention", "attention_units",
    "input_feeding", "tie_embeddings", "implementation",
)
DECODING_KEYS = ("beam_size", "length_penalty", "max_length_ratio", "max_length_offset")


class TranslationVectorizer:
    """The source and target tokenisers of a translation run (each with its vocabulary)."""

    def __init__(self, source, target):
        self.source = source
        self.target = target

    def encode_source(self, text):
        """Source ids, `<EOS>` last (so that no source is empty)."""
        return self.source.encode(text) + [self.source.vocabulary.eos_id]

    def save(self, run):
        self.source.save(run.file(SOURCE_VOCABULARY_FILE))
        self.target.save(run.file(TARGET_VOCABULARY_FILE))

    def settings(self):
        return {"source": self.source.settings(), "target": self.target.settings()}

    @classmethod
    def load(cls, run, settings):
        from seqkit.data.text_tokenizers import load_tokenizer

        return cls(
            load_tokenizer(run.file(SOURCE_VOCABULARY_FILE), settings["source"]),
            load_tokenizer(run.file(TARGET_VOCABULARY_FILE), settings["target"]),
        )


class TranslationApplication(Application):
    name = "translate"
    presets = PRESETS
    example_unit = "pair"
    feature_keys = ("source_ids", "target_ids")
    label_key = "labels"
    embedded = EmbeddedData(EMBEDDED_DIR / "train.tsv", EMBEDDED_DIR / "valid.tsv", name="the embedded date corpus")
    builder = "seqkit.tasks.seq2seq"
    predictor = "seqkit.apps.translate.model.Translator"
    options = {
        "source_lang": Option(None, "source language code: reads `<data>.<source_lang>` of aligned files "
                              "(and names a table's source column)."),
        "target_lang": Option(None, "target language code (`<data>.<target_lang>`)."),
        "source_column": Option(None, "table source column (default `source`/`src` or the source language code; "
                                "the first column of a table without a header)."),
        "target_column": Option(None, "table target column (default `target`/`tgt`/`translation` or the target "
                                "language code; the second column without a header)."),
        "skip_bad_rows": Option(False, "leave out and count bad pairs (one side empty, too long) instead of "
                                "stopping at the first."),
        "tokenizer": Option(None, '`"subword"`, `"word"` or `"char"` for both sides (preset default if None).'),
        "source_tokenizer": Option(None, "the source side's tokeniser (overrides `tokenizer`).", "data"),
        "target_tokenizer": Option(None, "the target side's tokeniser (overrides `tokenizer`).", "data"),
        "vocab_size": Option(None, "largest vocabulary per side, specials included (preset default if None).",
                             "data"),
        "lowercase": Option(None, "whether texts are lowercased (preset default: no, BLEU is cased).", "data"),
        "max_tokens": Option(None, "pairs with more tokens on either side are bad pairs (preset default if None).",
                             "data"),
        "label_smoothing": Option(None, "label smoothing of the training loss (preset default if None).", "data"),
        "beam_size": Option(None, "beam width of evaluation, prediction and export (1: greedy).", "data"),
        "length_penalty": Option(None, "GNMT length penalty alpha of beam search (0: none).", "data"),
        "attention": Option(None, '`"bahdanau"` or `"luong"` (preset default if None).', "model"),
        "input_feeding": Option(None, "feed the previous attentional vector to the decoder (Luong).", "model"),
        "tie_embeddings": Option(None, "share the target embedding with the output layer.", "model"),
    }

    def preset_for(self, preset, *, data=None, dataset=None):
        # The embedded corpus is dates in characters: its own preset unless one was asked for.
        return "dates" if preset == "default" and data is None and dataset is None else preset

    def settings(self, preset, model_overrides, training_overrides, options):
        tokenizer = options.get("tokenizer")
        if tokenizer is not None:
            options = {
                **options,
                "source_tokenizer": options.get("source_tokenizer") or tokenizer,
                "target_tokenizer": options.get("target_tokenizer") or tokenizer,
            }
        return super().settings(preset, model_overrides, training_overrides, options)

    def check_settings(self, settings):
        data = settings.data
        for side in ("source", "target"):
            kind = data.get(f"{side}_tokenizer")
            if kind not in TOKENIZERS:
                raise UserInputError(f"--{side}-tokenizer must be one of {', '.join(TOKENIZERS)}; got {kind!r}")
        unknown = sorted(set(settings.model) - set(BUILDER_KEYS))
        if unknown:
            raise UserInputError(f"unknown model settings for `seqkit translate`: {', '.join(unknown)}")
        if settings.model.get("input_feeding") and settings.model.get("attention") is None:
            raise UserInputError("--input-feeding needs attention (--attention bahdanau or luong)")
        if settings.model.get("bidirectional") and settings.model.get("units", 2) % 2:
            raise UserInputError(
                f"--units must be even with a bidirectional encoder (half per direction); got {settings.model['units']}"
            )
        if not 0 <= data.get("label_smoothing", 0.0) < 1:
            raise UserInputError(f"--label-smoothing must be in [0, 1); got {data['label_smoothing']}")
        if data.get("beam_size", 1) < 1:
            raise UserInputError(f"--beam-size must be at least 1; got {data['beam_size']}")

    def dataset_sources(self, name, settings):
        from seqkit.apps.translate.datasets import translation_dataset

        return translation_dataset(name, settings)

    def read(self, source, settings, **options):
        from seqkit.data.parallel_text import iter_parallel_text

        read = {
            "source_lang": settings.options["source_lang"],
            "target_lang": settings.options["target_lang"],
            "source_column": settings.options["source_column"],
            "target_column": settings.options["target_column"],
            "skip_bad_rows": settings.options["skip_bad_rows"],
            **options,
        }
        return iter_parallel_text(source, **read)

    # === Tokenisers ===

    def build_vectorizer(self, context, examples):
        from seqkit.data.text_tokenizers import build_tokenizer

        data = context.settings.data
        options = {"max_size": data["vocab_size"], "lowercase": data["lowercase"]}
        source = build_tokenizer(data["source_tokenizer"], (pair.source for pair in examples), **options)
        target = build_tokenizer(data["target_tokenizer"], (pair.target for pair in context.train), **options)
        return TranslationVectorizer(source, target)

    def load_vectorizer(self, run, config):
        return TranslationVectorizer.load(run, config["tokenizers"])

    def save_vectorizer(self, context):
        context.vectorizer.save(context.run)

    def encode(self, context, example, split):
        vectorizer = context.vectorizer
        source = vectorizer.encode_source(example.source)
        target = vectorizer.target.encode(example.target)
        limit = context.settings.data["max_tokens"]
        longest = max(len(source) - 1, len(target))
        if longest > limit:
            side = "source" if len(source) - 1 >= len(target) else "target"
            problem = f"the {side} sentence has {longest} tokens, more than --max-tokens {limit}"
            if not context.settings.options["skip_bad_rows"]:
                raise UserInputError(problem + " (--skip-bad-rows leaves such pairs out)", path=example.path,
                                     line=example.line)
            yield Skipped(example.path, example.line, problem)
            return
        if split.name == "train":
            _count_facts(context, source, target)
        bos, eos = vectorizer.target.vocabulary.bos_id, vectorizer.target.vocabulary.eos_id
        yield {
            "source_ids": np.asarray(source, np.int32),
            "target_ids": np.asarray([bos] + target, np.int32),
            "labels": np.asarray(target + [eos], np.int32),
        }

    # === Run directory ===

    def data_summary(self, context):
        facts = context.extras.get("train_facts", {})
        context.extras["preset"] = context.settings.preset
        vectorizer = context.vectorizer
        pairs = max(1, context.counts.get("train", 0))
        return {
            "source_lang": context.settings.options["source_lang"],
            "target_lang": context.settings.options["target_lang"],
            "skipped_pairs": dict(context.extras["skipped"]),
            "source_vocabulary_size": len(vectorizer.source),
            "target_vocabulary_size": len(vectorizer.target),
            "source_tokens": facts.get("source_tokens", 0),
            "target_tokens": facts.get("target_tokens", 0),
            "mean_source_tokens": round(facts.get("source_tokens", 0) / pairs, 2),
            "mean_target_tokens": round(facts.get("target_tokens", 0) / pairs, 2),
            "unknown_rate_source": _rate(facts.get("source_unknown", 0), facts.get("source_tokens", 0)),
            "unknown_rate_target": _rate(facts.get("target_unknown", 0), facts.get("target_tokens", 0)),
            "longest_target_tokens": facts.get("longest_target", 0),
        }

    def config_entries(self, context):
        data = context.settings.data
        return {
            "tokenizers": context.vectorizer.settings(),
            "languages": {
                "source": context.settings.options["source_lang"], "target": context.settings.options["target_lang"]
            },
            "decoding": {key: data[key] for key in DECODING_KEYS},
            "data_settings": data,
        }

    # === Model ===

    def builder_arguments(self, context):
        return {
            "source_vocabulary_size": len(context.vectorizer.source),
            "target_vocabulary_size": len(context.vectorizer.target),
            **context.settings.model,
        }

    def loss(self, context, model):
        from seqkit.tasks import seq2seq_loss

        return seq2seq_loss(label_smoothing=context.settings.data.get("label_smoothing", 0.0))

    def metrics(self, context):
        from seqkit.metrics.masked_perplexity import MaskedPerplexity

        return [MaskedPerplexity(from_logits=True, name="perplexity")]

    # === After training ===

    def evaluate(self, context, model, valid, history):
        from seqkit.apps.translate.model import Translator

        translator = Translator(context.run, model=model, vectorizer=context.vectorizer)
        metrics = translator.evaluate_pairs(valid)
        metrics["epoch_valid_perplexity"] = [round(v, 4) for v in history.get("val_perplexity", [])]
        return metrics

    def summary_lines(self, result):
        data, metrics = result.data, result.metrics
        lines = [
            f"Trained on {data['train']} ({data['train_pairs']} pairs; vocabularies of "
            f"{data['source_vocabulary_size']} source and {data['target_vocabulary_size']} target tokens; "
            f"preset {result.details.get('preset')}).",
        ]
        skipped = data.get("skipped_pairs", {})
        if any(skipped.values()):
            lines.append(
                f"Skipped bad pairs: {skipped.get('train', 0)} in training, {skipped.get('valid', 0)} in validation."
            )
        per_epoch = metrics.get("epoch_valid_perplexity") or []
        if per_epoch:
            lines.append("Validation perplexity by epoch: " + ", ".join(f"{v:.3f}" for v in per_epoch))
        if metrics.get("count"):
            lines.append(
                f"Validation ({metrics['count']} pairs, beam {metrics['beam_size']}): BLEU {metrics['bleu']:.2f}, "
                f"chrF {metrics['chrf']:.2f}, exact match {metrics['exact_match']:.4f}."
            )
        return lines


def _count_facts(context, source, target):
    facts = context.extras.setdefault(
        "train_facts",
        {"source_tokens": 0, "target_tokens": 0, "source_unknown": 0, "target_unknown": 0, "longest_target": 0},
    )
    unk = context.vectorizer.source.vocabulary.unk_id
    facts["source_tokens"] += len(source) - 1
    facts["target_tokens"] += len(target)
    facts["source_unknown"] += sum(token == unk for token in source)
    facts["target_unknown"] += sum(token == context.vectorizer.target.vocabulary.unk_id for token in target)
    facts["longest_target"] = max(facts["longest_target"], len(target))


def _rate(count, total):
    return round(count / total, 6) if total else 0.0


APPLICATION = TranslationApplication()
