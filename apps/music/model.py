"""A trained music run: generate pieces, score files, evaluate against n-gram baselines, export."""

import dataclasses
import math
import pathlib

import numpy as np

from seqkit.apps.music import readers
from seqkit.apps.music.encoding import MusicVectorizer
from seqkit.errors import UserInputError
from seqkit.application.trained_run import TrainedRun

SCORE_BATCH_SIZE = 16
# Upper bound of tokens per note, to turn `--length N --unit notes` into a number of generation steps.
TOKENS_PER_NOTE = 4
# The n-gram baselines of `evaluate`: modified Kneser–Ney (Chen & Goodman) of orders 1 to 5.
BASELINE_ORDERS = (("unigram", 1), ("bigram", 2), ("3-gram", 3), ("4-gram", 4), ("5-gram", 5))
BASELINE_SMOOTHING = "modified_kneser_ney"


@dataclasses.dataclass
class GeneratedPiece:
    """One generated piece: its notes (in the primer's key), the model's token ids, and the primer's notes."""

    notes: list
    token_ids: list
    primer_notes: int = 0


def sampler_settings(temperature=1.0, top_k=None, top_p=None):
    """`(sampler name, keyword arguments)` for `SequenceGenerator` from the CLI's sampling options.

    Example:

    >>> sampler_settings(0.8, top_k=5)
    ('top_k', {'k': 5, 'temperature': 0.8})
    >>> sampler_settings(0)
    ('greedy', {})
    """
    if temperature is not None and temperature <= 0:
        return "greedy", {}
    temperature = 1.0 if temperature is None else float(temperature)
    if top_k is not None and top_p is not None:
        raise UserInputError("give --top-k or --top-p, not both")
    if top_k is not None:
        return "top_k", {"k": int(top_k), "temperature": temperature}
    if top_p is not None:
        return "top_p", {"p": float(top_p), "temperature": temperature}
    return "random", {"temperature": temperature}


class MusicModel(TrainedRun):
    """Generates and scores music with a trained run directory's language model.

    A `MusicVectorizer` already in memory may be passed as `vectorizer` (for `run`, `model` see `TrainedRun`).
    """

    app = "music"

    def __init__(self, run, model=None, vectorizer=None):
        super().__init__(run, model)
        self.vectorizer = vectorizer or MusicVectorizer.from_settings(self.config["vectorizer"])
        self.steps_per_quarter = self.vectorizer.codec.steps_per_quarter
        self._generators = {}
        self._baselines = None

    # === Generation ===

    def _generator(self, sampler, kwargs):
        from seqkit.generation import SequenceGenerator, forbidden_special_ids

        key = (sampler, tuple(sorted(kwargs.items())))
        if key not in self._generators:
            vocabulary = self.vectorizer.vocabulary
            self._generators[key] = SequenceGenerator(
                self.model,
                sampler,
                stop_token_ids=[vocabulary.eos_id],
                forbidden_ids=forbidden_special_ids(vocabulary),
                **kwargs,
            )
        return self._generators[key]

    def primer_ids(self, path):
        """`(ids, shift, notes)`: a primer file's token ids (after `<BOS>`, no `<EOS>`) and its key shift."""
        notes = readers.read_file(path, self.steps_per_quarter)
        if not notes:
            raise UserInputError("the primer has no notes", path=path)
        prepared, shift = self.vectorizer.prepare(notes)
        try:
            ids = self.vectorizer.encode(notes, source=str(path), close=False)[0]
        except ValueError as error:
            raise UserInputError(str(error), path=path) from None
        return ids, shift, prepared

    def generate(
        self,
        num_samples=1,
        length=256,
        unit="tokens",
        temperature=1.0,
        top_k=None,
        top_p=None,
        seed=None,
        primer=None,
        min_length=0,
    ):
        """Sample `num_samples` pieces, from nothing or continuing the MIDI/MusicXML file `primer`.

        `<PAD>`, `<UNK>` and `<BOS>` are never sampled; a piece ends at `<EOS>`.

        Args:
            num_samples: pieces to generate.
            length: the most tokens (`unit="tokens"`) or notes (`unit="notes"`) to add; a piece may end
                earlier with `<EOS>`.
            temperature, top_k, top_p: sampling settings (`temperature <= 0` is greedy).
            seed: the same seed gives the same pieces.
            primer: a MIDI or MusicXML file to continue, or None.
            min_length: tokens to add before `<EOS>` may end a piece (its logit is masked until then), from 0
                to `length`; `min_length=length` adds exactly `length` tokens. Only with `unit="tokens"`.

        Returns:
            A list of `GeneratedPiece`; with a primer, the notes include the primer and are moved back to its key.
        """
        if unit not in ("tokens", "notes"):
            raise ValueError(f"`unit` must be 'tokens' or 'notes'. Received: unit={unit!r}")
        if not isinstance(length, int) or length < 1:
            raise ValueError(f"`length` must be a positive integer. Received: length={length!r}")
        if not isinstance(num_samples, int) or num_samples < 1:
            raise ValueError(f"`num_samples` must be a positive integer. Received: num_samples={num_samples!r}")
        if isinstance(min_length, bool) or not isinstance(min_length, int) or not 0 <= min_length <= length:
            raise UserInputError(
                f"`min_length` must be an integer from 0 to length ({length}). Received: min_length={min_length!r}"
            )
        if min_length and unit != "tokens":
            raise UserInputError(
                "`min_length` counts tokens: use it with unit='tokens'. "
                f"Received: min_length={min_length}, unit={unit!r}"
            )
        bos = self.vectorizer.vocabulary.bos_id
        if primer is not None:
            ids, shift, primer_notes = self.primer_ids(primer)
        else:
            ids, shift, primer_notes = [bos], 0, []
        steps = length * (TOKENS_PER_NOTE if unit == "notes" else 1)
        sampler, kwargs = sampler_settings(temperature, top_k, top_p)
        tokens = self._generator(sampler, kwargs).generate(
            [ids] * num_samples, len(ids) + steps, seed=seed, min_length=min_length
        )
        pieces = []
        for row in tokens:
            row = [int(t) for t in row]
            notes = self.vectorizer.decode(row)
            if unit == "notes":
                notes = notes[: len(primer_notes) + length]
            pieces.append(
                GeneratedPiece(
                    notes=self._unshift(notes, shift),
                    token_ids=row[len(ids) :],
                    primer_notes=len(primer_notes),
                )
            )
        return pieces

    @staticmethod
    def _unshift(notes, shift):
        from seqkit.data.music_codec import transpose

        return transpose(notes, -shift)

    def write(self, pieces, out, musicxml=False, piano_roll=True, tempo=None):
        """Write each piece as MIDI (plus MusicXML and a piano-roll PNG); returns the written paths.

        With several pieces, `song.mid` becomes `song-1.mid`, `song-2.mid`, ...
        """
        from seqkit.apps.music import writers
        from seqkit.errors import UserInputError

        out = pathlib.Path(out)
        if out.suffix.lower() not in ("", ".mid", ".midi"):
            raise UserInputError(f"the output must be a MIDI file name (.mid or .midi), not {out.suffix!r}", path=out)
        tempo = tempo or writers.DEFAULT_TEMPO
        written = []
        for index, piece in enumerate(pieces, start=1):
            stem = out.stem if len(pieces) == 1 else f"{out.stem}-{index}"
            base = out.with_name(stem)
            written.append(
                writers.write_midi(
                    piece.notes, base.with_suffix(out.suffix or ".mid"), self.steps_per_quarter, tempo=tempo
                )
            )
            if musicxml:
                written.append(
                    writers.write_musicxml(piece.notes, base.with_suffix(".musicxml"), self.steps_per_quarter)
                )
            if piano_roll:
                written.append(
                    writers.write_piano_roll(piece.notes, base.with_suffix(".png"), self.steps_per_quarter, title=stem)
                )
        return written

    # === Scoring ===

    def score_sequences(self, sequences):
        """Per-sequence `(sum of -log p, scored tokens)` under the model (each sequence starts with `<BOS>`)."""
        from seqkit.generation import score

        results = [None] * len(sequences)
        order = sorted(range(len(sequences)), key=lambda i: len(sequences[i]))
        for begin in range(0, len(order), SCORE_BATCH_SIZE):
            chunk = order[begin : begin + SCORE_BATCH_SIZE]
            longest = max(len(sequences[i]) for i in chunk)
            batch = np.zeros((len(chunk), longest), np.int32)
            for row, i in enumerate(chunk):
                batch[row, : len(sequences[i])] = sequences[i]
            scored = score(self.model, batch)
            log_probability = np.asarray(scored["log_probability"])
            counts = np.asarray(scored["num_tokens"])
            for row, i in enumerate(chunk):
                results[i] = (-float(log_probability[row]), int(counts[row]))
        return results

    def encode_corpus(self, corpus):
        """Id sequences of a `readers.Corpus`, with pieces outside the pitch range added to `corpus.skipped`."""
        sequences = []
        for piece in corpus.pieces:
            try:
                sequences.extend(self.vectorizer.encode(piece.notes, source=piece.path))
            except ValueError as error:
                corpus.skipped.append((piece.path, str(error)))
        return sequences

    def predict(self, paths):
        """Negative log-likelihood per token and perplexity of each MIDI/MusicXML file."""
        results = []
        for path in paths:
            ids, _, _ = self.primer_ids(path)
            ((nll, count),) = self.score_sequences([ids + [self.vectorizer.vocabulary.eos_id]])
            results.append(
                {"file": str(path), "nll": nll / count, "perplexity": math.exp(nll / count), "tokens": count}
            )
        return results

    @staticmethod
    def format_prediction(result):
        return f"{result['file']}: {result['nll']:.4f} nats/token, perplexity {result['perplexity']:.3f} ({result['tokens']} tokens)"

    # === Evaluation ===

    def baselines(self):
        """Kneser–Ney n-gram models (modified, orders 1 to 5) fitted on the run's training sequences.

        They score the same tokens as the model: every token after `<BOS>`, `<EOS>` included, over the
        `V` possible outcomes (the codec's tokens and `<EOS>`).
        """
        if self._baselines is None:
            from seqkit.apps.music.encoding import SEQUENCES_FILE, read_sequences
            from seqkit.metrics.ngram import NGramModel

            path = self.run.file(SEQUENCES_FILE)
            if not path.is_file():
                raise UserInputError(f"missing {SEQUENCES_FILE}; did `fit` finish?", path=self.run.path)
            contents = [ids[1:-1] for ids in read_sequences(path)]
            outcomes = len(self.vectorizer.vocabulary) - 3
            eos_id = self.vectorizer.vocabulary.eos_id
            self._baselines = {
                name: NGramModel(order, outcomes, smoothing=BASELINE_SMOOTHING, end_token=eos_id).fit(contents)
                for name, order in BASELINE_ORDERS
            }
        return self._baselines

    def evaluate(self, path=None, samples=None, length=None, seed=0):
        """Perplexity against the n-gram baselines, and statistics of generated pieces, on a MIDI/MusicXML folder.

        With `path=None`, a run trained on the embedded Bach chorales is evaluated on their held-out split.
        """
        if path is None:
            corpus = self._embedded_held_out()
            path = f"{corpus.pieces[0].path} ... (held-out Bach chorales)"
        else:
            corpus = readers.read_folder(path, self.steps_per_quarter)
        sequences = self.encode_corpus(corpus)
        if not sequences:
            raise UserInputError("no piece fits the model's pitch range", path=path)
        metrics = self.evaluate_sequences(sequences, samples=samples, length=length, seed=seed)
        metrics["data"] = {"path": str(path), "pieces": len(sequences), "skipped": len(corpus.skipped)}
        return metrics

    def _embedded_held_out(self):
        from seqkit.apps.music.application import EMBEDDED

        if self.config["data"].get("train") != EMBEDDED or self.config["data"].get("valid_pieces", 0) == 0:
            raise UserInputError("give the data to evaluate on: this run was not trained on the embedded chorales")
        fraction = self.config["data_settings"]["valid_fraction"]
        corpus = readers.bach_chorales(self.steps_per_quarter, max_pieces=self.config["data_settings"]["max_pieces"])
        corpus.pieces = [piece for piece in corpus.pieces if readers.is_held_out(piece.name, fraction)]
        return corpus

    def evaluate_sequences(self, sequences, samples=None, length=None, seed=0):
        """Model and baseline NLL per token on id sequences, plus musical statistics of generated pieces."""
        from seqkit.apps.music.statistics import compare_statistics, music_statistics

        data = self.config["data_settings"]
        samples = data["eval_samples"] if samples is None else samples
        length = data["eval_length"] if length is None else length
        scored = self.score_sequences(sequences)
        total = sum(nll for nll, _ in scored)
        count = sum(n for _, n in scored)
        metrics = {"nll": total / count, "perplexity": math.exp(total / count), "num_tokens": count, "baselines": {}}
        for name, baseline in self.baselines().items():
            log_probability, tokens = baseline.log_probability([ids[1:-1] for ids in sequences])
            nll = -log_probability / tokens
            metrics["baselines"][name] = {"order": baseline.order, "nll": nll, "perplexity": math.exp(nll)}
        best = min(metrics["baselines"], key=lambda name: metrics["baselines"][name]["nll"])
        metrics["best_baseline"] = best
        # Beating the strongest n-gram is beating them all.
        metrics["beats_baselines"] = metrics["nll"] < metrics["baselines"][best]["nll"]
        if samples:
            pieces = self.generate(num_samples=samples, length=length, seed=seed)
            generated = music_statistics([piece.notes for piece in pieces])
            reference = self.run.read_json("corpus_statistics.json")
            metrics["statistics"] = {
                "generated": generated,
                "training": reference,
                "comparison": compare_statistics(generated, reference),
            }
        return metrics

    @staticmethod
    def format_evaluation(metrics):
        lines = [
            f"model    NLL {metrics['nll']:.4f} nats/token, perplexity {metrics['perplexity']:.3f} "
            f"({metrics['num_tokens']} tokens)"
        ]
        for name, baseline in metrics["baselines"].items():
            lines.append(f"{name:<8} NLL {baseline['nll']:.4f} nats/token, perplexity {baseline['perplexity']:.3f}")
        best = metrics.get("best_baseline")
        if best:
            ratio = metrics["baselines"][best]["perplexity"] / metrics["perplexity"]
            gap = f"{ratio:.2f}x lower" if ratio >= 1 else f"{1 / ratio:.2f}x higher"
            lines.append(
                f"strongest baseline: {best}, perplexity {metrics['baselines'][best]['perplexity']:.3f}; "
                f"the model's is {gap}"
            )
        lines.append(f"beats the n-gram baselines: {'yes' if metrics['beats_baselines'] else 'no'}")
        if "statistics" in metrics:
            comparison = metrics["statistics"]["comparison"]
            lines.append(
                f"generated vs training: pitch-class distance {comparison['pitch_class_distance']:.3f}, "
                f"duration distance {comparison['duration_distance']:.3f}, in key "
                f"{comparison['in_key_fraction']['generated']:.3f} vs {comparison['in_key_fraction']['reference']:.3f}, "
                f"repetition {comparison['repetition']['generated']:.3f} vs {comparison['repetition']['reference']:.3f}"
            )
        return "\n".join(lines)

    # === Export ===

    def export(self, export_root, version=None):
        """Write `<export_root>/music/<version>/` with a `serving_default` generating token ids."""
        from seqkit.apps.music.serving import build_music_serving_module

        return self._export(
            export_root,
            version,
            lambda: build_music_serving_module(self.model, self.vectorizer),
            metadata={"vectorizer": self.vectorizer.settings(), "tokens": self.vectorizer.vocabulary.tokens},
        )
