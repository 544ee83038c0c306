"""A trained translation run: translate sentences (greedy, beam, sampling), plot attention, evaluate, export."""

import numpy as np

from seqkit.application.trained_run import TrainedRun
from seqkit.apps.translate.application import TranslationVectorizer
from seqkit.errors import UserInputError

BATCH_SIZE = 64


class Translator(TrainedRun):
    """Translates raw sentences with a trained run directory's encoder-decoder.

    Pass `vectorizer` to reuse the run's tokenisers already in memory; `run` and `model` are those of
    `TrainedRun`. Decoding defaults (beam size, length penalty, maximum length relative to the source) are
    the run's (`config.json`'s `decoding`).
    """

    app = "translate"

    def __init__(self, run, model=None, vectorizer=None):
        super().__init__(run, model)
        self.vectorizer = vectorizer or TranslationVectorizer.load(run, self.config["tokenizers"])
        self.decoding = dict(self.config["decoding"])
        self.languages = self.config.get("languages", {})
        self._generators = {}

    # === Decoding ===

    def _generator(self, beam_size, length_penalty, n_best, temperature, top_k, top_p):
        from seqkit.generation import Seq2SeqGenerator
        from seqkit.generation.samplers import sampling_settings

        if temperature is None or temperature == 0:
            if beam_size == 1 and n_best == 1:
                sampler, arguments = "greedy", {}
            else:
                sampler = "beam"
                arguments = {"num_beams": beam_size, "length_penalty": length_penalty, "num_return_sequences": n_best}
        else:
            sampler, arguments = sampling_settings(temperature, top_k, top_p)
        key = (sampler, tuple(sorted(arguments.items())))
        if key not in self._generators:
            vocabulary = self.vectorizer.target.vocabulary
            self._generators[key] = Seq2SeqGenerator(
                self.model,
                sampler,
                start_token_id=vocabulary.bos_id,
                stop_token_ids=[vocabulary.eos_id],
                forbidden_ids=[vocabulary.pad_id, vocabulary.bos_id],
                **arguments,
            )
        return self._generators[key]

    def max_lengths(self, source_lengths, max_length=None):
        """The most target tokens (`<EOS>` included) of each source: `ratio * length + offset`, capped by
        `max_length`."""
        ratio, offset = self.decoding["max_length_ratio"], self.decoding["max_length_offset"]
        lengths = np.ceil(np.asarray(source_lengths, np.float64) * ratio).astype(np.int32) + offset
        return np.minimum(lengths, max_length) if max_length is not None else lengths

    def translate(self, texts, *, beam_size=None, length_penalty=None, n_best=1, temperature=None, top_k=None,
                  top_p=None, seed=None, max_length=None):
        """Translate raw sentences.

        Args:
            texts: source sentences (strings).
            beam_size: beam width (1: greedy); the run's default if None.
            length_penalty: GNMT length penalty alpha of beam search; the run's default if None.
            n_best: how many translations per sentence, best first (at most `beam_size`).
            temperature: sample instead of searching (with `top_k`/`top_p`); None or 0 searches.
            top_k, top_p: restrict sampling to the k most likely tokens / the nucleus of mass p.
            seed: int, the same seed gives the same samples.
            max_length: int, the most target tokens of any translation (besides the run's limit relative to
                the source length).

        Returns:
            One dict per text: `source`, `translation`, `score` (the log-probability of the translation given
            the source; divided by the length penalty with beam search), and `n_best` (a list of
            `{translation, score}`) when `n_best > 1`.
        """
        beam_size = self.decoding["beam_size"] if beam_size is None else beam_size
        length_penalty = self.decoding["length_penalty"] if length_penalty is None else length_penalty
        _check_decoding(beam_size, n_best, max_length)
        sampling = temperature not in (None, 0)
        if sampling and n_best > 1:
            raise UserInputError("--n-best needs beam search; it cannot be used with --temperature")
        generator = self._generator(beam_size, length_penalty, n_best, temperature, top_k, top_p)
        sources = [self.vectorizer.encode_source(text) for text in texts]
        results = [None] * len(texts)
        order = sorted(range(len(texts)), key=lambda i: len(sources[i]))
        for begin in range(0, len(order), BATCH_SIZE):
            chunk = order[begin : begin + BATCH_SIZE]
            batch = np.zeros((len(chunk), max(len(sources[i]) for i in chunk)), np.int32)
            for row, i in enumerate(chunk):
                batch[row, : len(sources[i])] = sources[i]
            limits = self.max_lengths([len(sources[i]) - 1 for i in chunk], max_length)
            decoded = generator.decode(batch, limits, seed=None if seed is None else seed + begin)
            tokens, scores = np.asarray(decoded["tokens"]), np.asarray(decoded["scores"])
            if tokens.ndim == 2:
                tokens, scores = tokens[:, None, :], scores[:, None]
            for row, i in enumerate(chunk):
                hypotheses = [
                    {"translation": self.vectorizer.target.decode(tokens[row, k]), "score": round(float(scores[row, k]), 6)}
                    for k in range(min(n_best, tokens.shape[1]))
                ]
                results[i] = {"source": texts[i], **hypotheses[0]}
                if n_best > 1:
                    results[i]["n_best"] = hypotheses
        return results

    def predict(self, texts):
        """`translate` with the run's decoding defaults."""
        return self.translate(texts)

    @staticmethod
    def format_prediction(result):
        lines = [result["translation"]]
        for rank, hypothesis in enumerate(result.get("n_best", [])[1:], start=2):
            lines.append(f"  {rank}. {hypothesis['translation']}  ({hypothesis['score']:.4f})")
        return "\n".join(lines)

    # === Attention ===

    def attention(self, text, translation):
        """`(source tokens, target tokens, weights)`: the attention of each target token (rows, `<EOS>` last)
        over the source tokens (columns, `<EOS>` last) when the model reads `translation` after `text`."""
        from seqkit.tasks import seq2seq_attention_weights

        if "attention" not in {layer.name for layer in self.model.layers}:
            raise UserInputError("this model has no attention to plot (it was trained with --attention none)")
        source = self.vectorizer.encode_source(text)
        target = self.vectorizer.target.encode(translation)
        bos, eos = self.vectorizer.target.vocabulary.bos_id, self.vectorizer.target.vocabulary.eos_id
        weights = seq2seq_attention_weights(self.model)(
            {"source_ids": np.asarray([source], np.int32), "target_ids": np.asarray([[bos] + target], np.int32)}
        )
        source_tokens = self.vectorizer.source.vocabulary.decode(source[:-1]) + ["<EOS>"]
        target_tokens = self.vectorizer.target.vocabulary.decode(target) + ["<EOS>"]
        return source_tokens, target_tokens, np.asarray(weights)[0]

    def plot_attention(self, text, path, translation=None):
        """Draw the attention map of `text` and its translation (decoded with the defaults if None) to a PNG."""
        from seqkit.apps.translate.plots import plot_attention

        translation = translation if translation is not None else self.translate([text])[0]["translation"]
        source_tokens, target_tokens, weights = self.attention(text, translation)
        plot_attention(weights, source_tokens, target_tokens, path)
        return path

    # === Evaluation ===

    def evaluate(self, data, *, beam_size=None, source_lang=None, target_lang=None, source_column=None,
                 target_column=None, skip_bad_rows=False, per_sentence=False):
        """BLEU, chrF and exact match on parallel data (a table, or the prefix of aligned files; the run's
        languages by default)."""
        from seqkit.application.sources import Skipped
        from seqkit.data.parallel_text import iter_parallel_text

        pairs, skipped = [], 0
        for item in iter_parallel_text(
            data,
            source_lang=source_lang or self.languages.get("source"),
            target_lang=target_lang or self.languages.get("target"),
            source_column=source_column,
            target_column=target_column,
            skip_bad_rows=skip_bad_rows,
        ):
            if isinstance(item, Skipped):
                skipped += 1
            else:
                pairs.append(item)
        metrics = self.evaluate_pairs(pairs, beam_size=beam_size, per_sentence=per_sentence)
        metrics["skipped_pairs"] = skipped
        return metrics

    def evaluate_pairs(self, pairs, *, beam_size=None, per_sentence=False):
        """Metrics of translating `pairs` (`SentencePair`s; any iterable, read once)."""
        from seqkit.metrics.translation import translation_scores
        from seqkit.progress import Progress

        pairs = list(pairs)
        if not pairs:
            raise UserInputError("no sentence pairs to evaluate")
        beam_size = self.decoding["beam_size"] if beam_size is None else beam_size
        hypotheses = []
        with Progress("translating the evaluation data", unit="sentence", total=len(pairs)) as progress:
            for begin in range(0, len(pairs), 8 * BATCH_SIZE):
                chunk = pairs[begin : begin + 8 * BATCH_SIZE]
                hypotheses += [r["translation"] for r in self.translate([p.source for p in chunk], beam_size=beam_size)]
                progress.update(len(chunk))
        metrics = {"beam_size": beam_size, **translation_scores(hypotheses, [p.target for p in pairs],
                                                                per_sentence=per_sentence)}
        if per_sentence:
            for sentence, pair, hypothesis in zip(metrics["sentences"], pairs, hypotheses):
                sentence.update({"source": pair.source, "reference": pair.target, "translation": hypothesis,
                                 "line": pair.line})
        return metrics

    @staticmethod
    def format_evaluation(metrics):
        details = metrics["bleu_details"]
        return "\n".join(
            [
                f"{metrics['count']} pairs, beam {metrics['beam_size']}: BLEU {metrics['bleu']:.2f}, "
                f"chrF {metrics['chrf']:.2f}, exact match {metrics['exact_match']:.4f}",
                "BLEU n-gram precisions " + "/".join(f"{p:.1f}" for p in details["precisions"])
                + f", brevity penalty {details['brevity_penalty']:.3f} "
                f"(hypotheses {details['hypothesis_length']} / references {details['reference_length']} tokens)",
                f"sacreBLEU {metrics['bleu_signature']}",
            ]
        )

    # === Export ===

    def export(self, export_root, version=None):
        """Write `<export_root>/translate/<version>/`: `serving_default` takes a batch of source strings and
        returns `translations` and `scores` (beam search with the run's defaults, inside the SavedModel)."""
        from seqkit.export.translation_serving import build_translation_serving_module

        decoding = self.decoding

        def build_module():
            generator = self._generator(decoding["beam_size"], decoding["length_penalty"], 1, None, None, None)
            return build_translation_serving_module(self.model, self.vectorizer.source, self.vectorizer.target,
                                                    generator, decoding)

        metadata = {"languages": self.languages, "decoding": decoding, "tokenizers": self.config["tokenizers"]}
        return self._export(export_root, version, build_module, metadata, signatures=(("serving_default", "translate"),))


def _check_decoding(beam_size, n_best, max_length):
    for name, value in (("beam_size", beam_size), ("n_best", n_best)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise UserInputError(f"`{name}` must be a positive integer. Received: {name}={value!r}")
    if n_best > beam_size:
        raise UserInputError(f"`n_best` must be at most `beam_size` ({beam_size}). Received: n_best={n_best}")
    if max_length is not None and (not isinstance(max_length, int) or max_length < 1):
        raise UserInputError(f"`max_length` must be a positive integer. Received: max_length={max_length!r}")


