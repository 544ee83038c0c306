"""A trained language-model run: score sentences, compare them, sample novel sequences, evaluate, export.

A run trained with `unit="text"` models running text: scores and evaluations read the text as one stream
(line breaks as `<NL>`, no `<EOS>`) with the state carried through it, and samples are `max_length` tokens of
text following a line break."""

import math

import numpy as np

from seqkit.apps.lm import encoding, reports
from seqkit.apps.lm.text import (
    NEWLINE,
    detokenize,
    detokenize_stream,
    iter_sequences,
    iter_stream_lines,
    tokenize,
    tokenize_stream,
)
from seqkit.errors import UserInputError
from seqkit.metrics.perplexity import LN10, bits_per_token, format_probability, perplexity
from seqkit.application.trained_run import TrainedRun

SCORE_BATCH_SIZE = 128
# Sequences scored per call when evaluating a stream (bounded memory for any file size).
EVALUATE_CHUNK = 4096
# Most logits (floats) computed at once when scoring: 64 Mi floats = 256 MiB, whatever the vocabulary size.
SCORE_LOGITS_BUDGET = 64 * 2**20
NOVEL_ROUNDS = 10
UNK_NOTE = (
    "<UNK> stands for every token outside the vocabulary: an unknown token is scored as the <UNK> token, "
    "whose probability is the mass of all rare tokens together, not of that particular one."
)


class LanguageModel(TrainedRun):
    """Scores and samples token sequences with a trained run directory's model.

    Pass `vocabulary` to reuse the run's `Vocabulary` already in memory; `run` and `model` are those of
    `TrainedRun`.
    """

    app = "lm"

    def __init__(self, run, model=None, vocabulary=None):
        import tensorflow as tf

        from seqkit.data.vocabulary import Vocabulary
        from seqkit.generation import score

        super().__init__(run, model)
        self.level = self.config["level"]
        self.unit = self.config.get("unit", "line")
        self.vocabulary = vocabulary or Vocabulary.load(run.file(encoding.VOCABULARY_FILE))
        self._generators = {}

        @tf.function(input_signature=[tf.TensorSpec([None, None], tf.int32)])
        def score_ids(sequences):
            return score(self.model, sequences)

        self._score_ids = score_ids

    # === Scoring ===

    def score_token_lists(self, token_lists):
        """Per-token natural-log probabilities of each token list followed by `<EOS>` (a list of arrays)."""
        encoded = [encoding.encode(self.vocabulary, tokens) for tokens in token_lists]
        order = sorted(range(len(encoded)), key=lambda i: -len(encoded[i]))
        results = [None] * len(encoded)
        begin = 0
        while begin < len(order):
            # Longest first: the first row fixes the padded length, and the logits stay within the budget.
            rows = SCORE_LOGITS_BUDGET // (len(encoded[order[begin]]) * len(self.vocabulary))
            chunk = order[begin : begin + min(SCORE_BATCH_SIZE, max(1, rows))]
            begin += len(chunk)
            batch = np.zeros((len(chunk), len(encoded[chunk[0]])), dtype=np.int32)
            for row, i in enumerate(chunk):
                batch[row, : len(encoded[i])] = encoded[i]
            log_probs = self._score_ids(batch)["token_log_probs"].numpy()
            for row, i in enumerate(chunk):
                results[i] = log_probs[row, : len(encoded[i]) - 1].astype(np.float64)
        return results

    def _stream_ids(self, token_lists):
        """`[<NL>]` (the context of the first token) and the ids of every token list, one stream."""
        ids = [self.vocabulary.token_to_id(NEWLINE)]
        for tokens in token_lists:
            ids.extend(self.vocabulary.encode(tokens))
        return ids

    def score_stream_tokens(self, token_lists):
        """Natural-log probabilities of the tokens of `token_lists` read as one stream after `<NL>` (text runs)."""
        from seqkit.generation.scoring import score_stream

        return score_stream(self.model, self._stream_ids(token_lists))

    def predict(self, texts):
        """Score raw sentences (one sequence each): total and per-token log-probabilities, P, perplexity.

        A run trained with `unit="text"` scores each text as running text after a line break (its line breaks
        are `<NL>` tokens), with no `<EOS>`.

        Returns:
            One dict per text: `text`, `tokens` (`{token, log_prob, unknown}`, `<EOS>` last),
            `log_probability` (natural log), `log10_probability`, `probability` (scientific notation, as a
            string, since it may be below the smallest float), `perplexity`, `num_tokens` and `unknown`
            (the tokens scored as `<UNK>`).
        """
        if self.unit == "text":
            # Running text: each text follows a line break and has no end token.
            token_lists = [tokenize_stream(text, self.level) for text in texts]
            if not all(token_lists):
                raise UserInputError("an empty text has no token to score (running text has no end token)")
            scores = [self.score_stream_tokens([tokens]) for tokens in token_lists]
            ends = []
        else:
            token_lists = [tokenize(text, self.level) for text in texts]
            scores = self.score_token_lists(token_lists)
            ends = ["<EOS>"]
        results = []
        for text, tokens, log_probs in zip(texts, token_lists, scores):
            unknown = [token not in self.vocabulary for token in tokens] + [False] * len(ends)
            total = float(log_probs.sum())
            results.append(
                {
                    "text": text,
                    "tokens": [
                        {"token": token, "log_prob": round(float(value), 6), "unknown": flag}
                        for token, value, flag in zip(tokens + ends, log_probs, unknown)
                    ],
                    "log_probability": round(total, 6),
                    "log10_probability": round(total / LN10, 6),
                    "probability": format_probability(total),
                    "perplexity": round(perplexity(total, len(log_probs)), 6),
                    "num_tokens": len(log_probs),
                    "unknown": [token for token, flag in zip(tokens, unknown) if flag],
                }
            )
        return results

    def compare(self, texts):
        """Rank sentences by probability (most likely first); each result as `predict` plus `rank` and
        `times_less_likely` than the best."""
        results = sorted(self.predict(texts), key=lambda r: -r["log_probability"])
        best = results[0]["log_probability"] if results else 0.0
        for rank, result in enumerate(results, start=1):
            result["rank"] = rank
            gap = best - result["log_probability"]
            result["times_less_likely"] = float(f"{math.exp(gap):.4g}") if gap < 700 else math.inf
        return results

    @staticmethod
    def format_prediction(result):
        return reports.format_score(result, UNK_NOTE)

    @staticmethod
    def format_comparison(results):
        return reports.format_comparison(results)

    # === Sampling ===

    def _generator(self, temperature, top_k, top_p):
        from seqkit.generation import SequenceGenerator, forbidden_special_ids
        from seqkit.generation.samplers import sampling_settings

        sampler, arguments = sampling_settings(temperature, top_k, top_p)
        key = (sampler, tuple(sorted(arguments.items())))
        if key not in self._generators:
            self._generators[key] = SequenceGenerator(
                self.model,
                sampler,
                stop_token_ids=[self.vocabulary.eos_id],
                forbidden_ids=forbidden_special_ids(self.vocabulary),
                padding_id=0,
                **arguments,
            )
        return self._generators[key]

    def sample(
        self,
        num=10,
        *,
        prefix="",
        max_length=50,
        min_length=0,
        temperature=1.0,
        top_k=None,
        top_p=None,
        seed=None,
        novel=False,
    ):
        """Sample sequences from nothing or from a prefix, stopping at `<EOS>` (never sampling `<UNK>`).

        Args:
            num: int, how many sequences.
            prefix: text the sequences start with (tokenised at the run's level).
            max_length: int, the longest sequence in tokens (characters or words), prefix included.
            min_length: int, the shortest sequence in tokens, prefix included, from 0 to `max_length`:
                `<EOS>` is not sampled before (its logit is masked). `min_length=max_length` gives
                sequences of exactly `max_length` tokens.
            temperature: float, divides the logits; 0 means greedy (always the most likely token).
            top_k: int, sample among the `k` most likely tokens only.
            top_p: float in (0, 1], sample among the most likely tokens whose probabilities sum to `p`.
            seed: int, the same seed gives the same samples.
            novel: keep only sequences that do not appear verbatim in the training data (sampling again,
                up to 10 rounds, until `num` are found).

        Returns:
            Up to `num` dicts: `text`, `tokens`, `complete` (whether `<EOS>` ended it before `max_length`).
        """
        _check_sampling(num, max_length, temperature, top_k, top_p, min_length)
        if self.unit == "text":
            if novel:
                raise UserInputError(
                    "--novel compares whole sequences with the training data; a run trained with --unit text has "
                    "none (it samples running text)"
                )
            return self._sample_text(num, prefix, max_length, temperature, top_k, top_p, seed)
        prefix_tokens = tokenize(prefix, self.level) if prefix else []
        if len(prefix_tokens) >= max_length:
            raise UserInputError(
                f"the prefix has {len(prefix_tokens)} tokens; --max-length ({max_length}) must be larger"
            )
        generator = self._generator(temperature, top_k, top_p)
        primer = encoding.encode(self.vocabulary, prefix_tokens)[:-1]
        seen = encoding.read_fingerprints(self.run.file(encoding.FINGERPRINTS_FILE)) if novel else set()
        samples = []
        for round_index in range(NOVEL_ROUNDS if novel else 1):
            batch = num if not novel else max(2 * num, 16)
            round_seed = None if seed is None else seed + round_index
            rows = generator.generate(
                [primer] * batch, 1 + max_length, seed=round_seed, min_length=max(0, min_length - len(prefix_tokens))
            )
            for row in rows:
                sample = self._decode_sample(row)
                if novel and encoding.fingerprint(sample["tokens"]) in seen:
                    continue
                samples.append(sample)
            if len(samples) >= num:
                break
        return samples[:num]

    def _sample_text(self, num, prefix, max_length, temperature, top_k, top_p, seed):
        """`max_length` tokens of running text (prefix included) after a line break; no end token."""
        prefix_tokens = tokenize_stream(prefix, self.level) if prefix else []
        if len(prefix_tokens) >= max_length:
            raise UserInputError(
                f"the prefix has {len(prefix_tokens)} tokens; --max-length ({max_length}) must be larger"
            )
        primer = self._stream_ids([prefix_tokens])
        generator = self._generator(temperature, top_k, top_p)
        new = max_length - len(prefix_tokens)
        rows = generator.generate([primer] * num, 1 + max_length, seed=seed, min_length=new)
        samples = []
        for row in rows:
            tokens = self.vocabulary.decode([int(i) for i in row[1:] if int(i) != 0])
            samples.append({"text": detokenize_stream(tokens, self.level), "tokens": tokens, "complete": True})
        return samples

    def _decode_sample(self, row):
        ids = [int(i) for i in row[1:]]
        complete = self.vocabulary.eos_id in ids
        ids = ids[: ids.index(self.vocabulary.eos_id)] if complete else ids
        tokens = self.vocabulary.decode([i for i in ids if i != 0])
        return {"text": detokenize(tokens, self.level), "tokens": tokens, "complete": complete}

    @staticmethod
    def format_samples(samples):
        return reports.format_samples(samples)

    # === Evaluation ===

    def evaluate(self, path):
        """Perplexity and bits per character (or word) of a text file read at the run's level (and unit)."""
        if self.unit == "text":
            return self.evaluate_stream(iter_stream_lines(path, self.level))
        return self.evaluate_sequences(iter_sequences(path, self.level))

    def evaluate_stream(self, lines):
        """Metrics of running text given as token lists of lines (each ending with `<NL>`), scored as one
        stream after a line break with the state carried through it: every token, `<NL>` included, is
        predicted and counted once."""
        lines = list(lines)
        log_probs = self.score_stream_tokens(lines)
        total, count = float(log_probs.sum()), len(log_probs)
        words = [token for tokens in lines for token in tokens if token != NEWLINE]
        unknown = sum(token not in self.vocabulary for token in words)
        bits = bits_per_token(total, count)
        return {
            "level": self.level,
            "unit": "text",
            "sequences": len(lines),
            "tokens": count,
            "log_probability": round(total, 4),
            "perplexity": round(perplexity(total, count), 4),
            "bits_per_token": round(bits, 4),
            f"bits_per_{'char' if self.level == 'char' else 'word'}": round(bits, 4),
            "unknown_rate": round(unknown / len(words), 6) if words else 0.0,
        }

    def evaluate_sequences(self, sequences):
        """Metrics over token sequences (any iterable, read once, scored in chunks): every token and each
        sequence's `<EOS>` is predicted and counted."""
        import itertools

        from seqkit.progress import Progress

        total, count, words, unknown, num_sequences = 0.0, 0, 0, 0, 0
        iterator = iter(sequences)
        with Progress("scoring the evaluation data", unit="sequence") as progress:
            while chunk := list(itertools.islice(iterator, EVALUATE_CHUNK)):
                log_probs = self.score_token_lists(chunk)
                total += float(sum(values.sum() for values in log_probs))
                count += int(sum(len(values) for values in log_probs))
                words += sum(len(s) for s in chunk)
                unknown += sum(token not in self.vocabulary for s in chunk for token in s)
                num_sequences += len(chunk)
                progress.update(len(chunk))
        bits = bits_per_token(total, count)
        return {
            "level": self.level,
            "sequences": num_sequences,
            "tokens": count,
            "log_probability": round(total, 4),
            "perplexity": round(perplexity(total, count), 4),
            "bits_per_token": round(bits, 4),
            f"bits_per_{'char' if self.level == 'char' else 'word'}": round(bits, 4),
            "unknown_rate": round(unknown / words, 6) if words else 0.0,
        }

    @staticmethod
    def format_evaluation(metrics):
        return reports.format_evaluation(metrics)

    # === Export ===

    def export(self, export_root, version=None, temperature=1.0):
        """Write `<export_root>/lm/<version>/`: `serving_default` scores sentences, `sample` generates text.

        The export of a `unit="text"` run scores and samples running text as `predict` and `sample` do: each
        string is read after a line break (its line breaks as `<NL>`, no `<EOS>`), and samples are exactly
        `max_length` tokens long; `seqkit.json` records the unit."""
        from seqkit.apps.lm.text import tf_detokenize, tf_detokenize_stream, tf_tokenize, tf_tokenize_stream
        from seqkit.export.language_model_serving import build_language_model_serving_module

        level, unit = self.level, self.unit
        tokenize_text, detokenize_text = (
            (tf_tokenize_stream, tf_detokenize_stream) if unit == "text" else (tf_tokenize, tf_detokenize)
        )

        def build_module():
            return build_language_model_serving_module(
                self.model,
                self.vocabulary,
                tokenize=lambda texts: tokenize_text(texts, level),
                detokenize=lambda tokens: detokenize_text(tokens, level),
                temperature=temperature,
                unit=unit,
                newline_token=NEWLINE,
            )

        metadata = {
            "level": level,
            "unit": unit,
            "sample_temperature": temperature,
            "vocabulary_size": len(self.vocabulary),
        }
        return self._export(
            export_root, version, build_module, metadata, signatures=(("serving_default", "score"), ("sample", "sample"))
        )


def _check_sampling(num, max_length, temperature, top_k, top_p, min_length=0):
    def positive_int(name, value):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise UserInputError(f"`{name}` must be a positive integer. Received: {name}={value!r}")

    positive_int("num", num)
    positive_int("max_length", max_length)
    if isinstance(min_length, bool) or not isinstance(min_length, int) or not 0 <= min_length <= max_length:
        raise UserInputError(
            f"`min_length` must be an integer from 0 to max_length ({max_length}). Received: min_length={min_length!r}"
        )
    if top_k is not None:
        positive_int("top_k", top_k)
    if not (isinstance(temperature, (int, float)) and temperature >= 0):
        raise UserInputError(f"`temperature` must be a number >= 0. Received: temperature={temperature!r}")
    if top_p is not None and not 0 < top_p <= 1:
        raise UserInputError(f"`top_p` must be in (0, 1]. Received: top_p={top_p!r}")
