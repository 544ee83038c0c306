"""What `seqkit lm` adds to the shared recipe: text read as character or word sequences, a vocabulary with
`<BOS>`/`<EOS>`, next-token targets, perplexity, and fingerprints of the training sequences (for `--novel`).

With `unit="line"` every line (char level) or sentence (word level) is one sequence `<BOS> ... <EOS>`. With
`unit="text"` the corpus is one stream of tokens with the line break as the token `<NL>`; it is cut into
windows laid out as parallel streams (`encoding.stream_windows`) and trained with the recurrent state carried
from batch to batch (`seqkit.apps.lm.stateful`, truncated back-propagation through time). Without `unit`, the
training file's first lines choose (`text.choose_unit`)."""

import pathlib

from seqkit.application import Application, EmbeddedData, Option
from seqkit.apps.lm import encoding
from seqkit.apps.lm.presets import PRESETS
from seqkit.apps.lm.text import NEWLINE, check_level, check_unit, choose_file_unit, iter_sequences, iter_stream_lines
from seqkit.errors import UserInputError

EMBEDDED_DIR = pathlib.Path(__file__).resolve().parent / "data"
# Tokens per training window with `unit="text"`, by level, when `window` is not given.
DEFAULT_WINDOW = {"char": 100, "word": 35}
# `unit="text"` without `--valid` holds out blocks of this many lines, one block in ten.
HELD_OUT_BLOCK_LINES = 10
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
        "unit": Option(
            None,
            '`"line"` (each line or sentence is one sequence) or `"text"` (running text: one stream, the line '
            "break a token, the state carried from window to window); default: chosen from the training data.",
            "data",
        ),
        "window": Option(
            None, 'tokens per training window with `unit="text"` (default 100 for char, 35 for word).', "data"
        ),
    }

    def preset_for(self, preset, *, data=None, dataset=None):
        # Remembered so that `check_settings` chooses the unit from the training file before anything is read.
        self._unit_source = data
        return preset

    def check_settings(self, settings):
        check_level(settings.data["level"])
        check_unit(settings.data.get("unit"))
        source, self._unit_source = getattr(self, "_unit_source", None), None
        if source is not None:
            self._resolve_unit(source, settings)
        window = settings.data.get("window")
        if window is not None and (isinstance(window, bool) or not isinstance(window, int) or window < 1):
            raise UserInputError(f"`window` must be a positive integer. Received: window={window!r}")
        if settings.data.get("unit") == "text":
            self._check_text_settings(settings)
        model = dict(settings.model)
        if model.pop("bidirectional", None):
            raise UserInputError("a language model reads left to right: --bidirectional is not available in `seqkit lm`")
        unknown = sorted(set(model) - set(BUILDER_KEYS))
        if unknown:
            raise UserInputError(f"unknown model settings for `seqkit lm`: {', '.join(unknown)}")

    @staticmethod
    def _check_text_settings(settings):
        strategy = settings.training.get("strategy", "auto")
        if strategy == "auto":
            # "auto" would mirror over several GPUs; the carried states live on one device.
            settings.training["strategy"] = "default"
        if strategy in ("mirrored", "multiworker"):
            raise UserInputError(
                f"--unit text carries the recurrent state from batch to batch on one device; "
                f"--strategy {strategy} is not available with it"
            )

    @staticmethod
    def unit(settings):
        return settings.data.get("unit") or "line"

    @staticmethod
    def window(settings):
        return settings.data.get("window") or DEFAULT_WINDOW[settings.data["level"]]

    def _resolve_unit(self, source, settings):
        """Choose `unit` from the training file's first lines when it was not given (the first file read)."""
        if settings.data.get("unit") is None:
            unit, reason = choose_file_unit(source)
            settings.data["unit"] = unit
            settings.unit_choice = f"--unit {unit} chosen from the data: {reason}"
            import sys

            print(settings.unit_choice, file=sys.stderr)

    def embedded_data(self, settings):
        if settings.data["level"] != "char":
            raise UserInputError("the embedded corpus is a list of names for --level char; give --data for --level word")
        return self.embedded

    def dataset_sources(self, name, settings):
        raise UserInputError(f"no standard dataset is known to `seqkit lm` (got --dataset {name}); give --data FILE")

    def read(self, source, settings, **options):
        self._resolve_unit(source, settings)
        if settings.data["unit"] == "text":
            return iter_stream_lines(source, settings.data["level"])
        return iter_sequences(source, settings.data["level"])

    def held_out(self, settings):
        """Running text keeps its held-out lines together: one block of lines in ten."""
        if self.unit(settings) != "text":
            return None
        counter = iter(range(2**62))
        return lambda example: next(counter) // HELD_OUT_BLOCK_LINES % 10 == 9

    def build_vectorizer(self, context, examples):
        data = context.settings.data
        return encoding.build_vocabulary(examples, vocab_size=data["vocab_size"], min_count=data["min_count"])

    def load_vectorizer(self, run, config):
        from seqkit.data.vocabulary import Vocabulary

        return Vocabulary.load(run.file(encoding.VOCABULARY_FILE))

    def save_vectorizer(self, context):
        context.vectorizer.save(context.run.file(encoding.VOCABULARY_FILE))

    def encode(self, context, example, split):
        if self.unit(context.settings) == "text":
            self._append_to_stream(context, example, split)
            return
        if split.name == "train":
            facts = context.extras.setdefault("train_facts", {"tokens": 0, "unknown": 0, "fingerprints": set()})
            facts["tokens"] += len(example)
            facts["unknown"] += sum(token not in context.vectorizer for token in example)
            facts["fingerprints"].add(encoding.fingerprint(example))
        yield encoding.training_example(encoding.encode(context.vectorizer, example))

    def _append_to_stream(self, context, tokens, split):
        """Append a line's ids to the split's stream (laid out in windows by `finish_encoding`)."""
        stream = context.extras.setdefault("streams", {}).setdefault(
            split.name, {"ids": [context.vectorizer.token_to_id(NEWLINE)], "lines": 0}
        )
        stream["ids"].extend(context.vectorizer.encode(tokens))
        stream["lines"] += 1
        if split.name == "train":
            facts = context.extras.setdefault("train_facts", {"tokens": 0, "unknown": 0, "fingerprints": set()})
            facts["tokens"] += len(tokens)
            facts["unknown"] += sum(token not in context.vectorizer for token in tokens)

    def finish_encoding(self, context, split):
        if self.unit(context.settings) != "text":
            return
        stream = context.extras.get("streams", {}).get(split.name)
        if stream is None:
            return
        ids, stream["ids"] = stream["ids"], None
        rows = encoding.stream_windows(ids, context.config.batch_size, self.window(context.settings))
        stream["tokens"], stream["windows"] = len(ids) - 1, len(rows)
        if split.name == "valid" and not len(rows):
            import warnings

            warnings.warn(
                f"the validation text ({len(ids) - 1} tokens) is too short for one batch of "
                f"{context.config.batch_size} windows of {self.window(context.settings)} + 1 tokens: "
                "training runs without validation",
                stacklevel=2,
            )
        for row in rows:
            yield encoding.training_example(row)

    def ordered_batches(self, context):
        return self.unit(context.settings) == "text"

    def build_model(self, context):
        model = super().build_model(context)
        if self.unit(context.settings) != "text":
            return model
        from seqkit.apps.lm.stateful import StatefulLanguageModel

        return StatefulLanguageModel(model, context.config.batch_size)

    def training_callbacks(self, context):
        if self.unit(context.settings) != "text":
            return []
        from seqkit.apps.lm.stateful import CarriedStateCallback

        windows = context.extras["streams"]["train"]["windows"]
        return [CarriedStateCallback(batches_per_epoch=windows // context.config.batch_size)]

    def trained_model(self, context, model):
        return getattr(model, "inner", model)

    def builder_arguments(self, context):
        model = {key: value for key, value in context.settings.model.items() if key != "bidirectional"}
        return {"vocabulary_size": len(context.vectorizer), **model}

    def _output_layer(self, context):
        units = context.builder_arguments.get("units", 256)
        return encoding.output_layer_size(len(context.vectorizer), units, context.config.batch_size)

    def data_summary(self, context):
        facts = context.extras["train_facts"]
        text = {}
        if self.unit(context.settings) == "text":
            streams = context.extras["streams"]
            text = {"window": self.window(context.settings)}
            for name, stream in streams.items():
                text[f"{name}_sequences"] = text[f"{name}_lines"] = stream["lines"]
                text[f"{name}_windows"], text[f"{name}_stream_tokens"] = stream["windows"], stream["tokens"]
        return {
            **text,
            "unit": self.unit(context.settings),
            "level": context.settings.data["level"],
            "train_tokens": facts["tokens"],
            "vocabulary_size": len(context.vectorizer),
            "unknown_rate_train": round(facts["unknown"] / facts["tokens"], 6) if facts["tokens"] else 0.0,
        }

    def config_entries(self, context):
        context.extras["output_layer"] = self._output_layer(context)
        unit = self.unit(context.settings)
        context.extras["unit_choice"] = getattr(context.settings, "unit_choice", None)
        return {
            "level": context.settings.data["level"],
            "unit": unit,
            **({"window": self.window(context.settings)} if unit == "text" else {}),
            "unit_choice": context.extras["unit_choice"] or f"--unit {unit} given",
            "data_settings": context.settings.data,
            "output_layer": context.extras["output_layer"],
        }

    def write_assets(self, context):
        # Running text has no sequences to recognise: no fingerprints (`--novel` is refused).
        if self.unit(context.settings) == "text":
            return
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
        if self.unit(context.settings) == "text":
            metrics = predictor.evaluate_stream(valid)
        else:
            metrics = predictor.evaluate_sequences(valid)
        metrics["epoch_valid_perplexity"] = [round(v, 4) for v in history.get("val_perplexity", [])]
        return metrics

    def summary_lines(self, result):
        data, metrics = result.data, result.metrics
        output_layer = result.details["output_layer"]
        unit = "character" if data["level"] == "char" else "word"
        if data.get("unit") == "text":
            return self._text_summary_lines(result, unit)
        lines = [result.details["unit_choice"]] if result.details.get("unit_choice") else []
        lines += [
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

    @staticmethod
    def _text_summary_lines(result, unit):
        data, metrics = result.data, result.metrics
        lines = [
            result.details.get("unit_choice") or "--unit text given.",
            f"Trained on {data['train']} as running text ({data['train_lines']} lines, {data['train_stream_tokens']} "
            f"{unit}s with <NL>, {data['train_windows']} windows of {data['window']}, vocabulary of "
            f"{data['vocabulary_size']} ids); the state is carried from window to window.",
        ]
        per_epoch = metrics.get("epoch_valid_perplexity") or []
        if per_epoch:
            lines.append("Validation perplexity by epoch: " + ", ".join(f"{v:.3f}" for v in per_epoch))
        if "perplexity" in metrics:
            lines.append(
                f"Validation ({metrics['tokens']} tokens, <NL> included, scored as one stream): perplexity "
                f"{metrics['perplexity']:.3f}, {metrics['bits_per_token']:.4f} bits per {unit}."
            )
        return lines


APPLICATION = LanguageModelApplication()
