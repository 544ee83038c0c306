"""A trained DNA run: tag bases or classify sequences, stream whole genomes to BED/GFF3, evaluate, export."""

import numpy as np

from seqkit.application.trained_run import TrainedRun
from seqkit.apps.dna.sources import TAGGING
from seqkit.progress import Progress

PREDICT_BATCH_SIZE = 32
BACKGROUND_CLASSES = ("intergenic", "background", "other", "N", ".")


def _pad(code_arrays):
    lengths = np.asarray([len(codes) for codes in code_arrays], dtype=np.int32)
    batch = np.zeros((len(code_arrays), max(1, int(lengths.max()))), dtype=np.int32)
    for row, codes in enumerate(code_arrays):
        batch[row, : len(codes)] = codes
    return batch, lengths


class DnaModel(TrainedRun):
    """Predicts with a trained `seqkit dna` run directory.

    `vectorizer`, when given, is the run's `DnaVectorizer` already in memory (`run` and `model`: see
    `TrainedRun`).
    """

    app = "dna"

    def __init__(self, run, model=None, vectorizer=None):
        import tensorflow as tf

        from seqkit.apps.dna.encoding import DnaVectorizer
        from seqkit.tasks import class_probabilities, decode_tags

        super().__init__(run, model)
        self.vectorizer = vectorizer or DnaVectorizer.load(run.path)
        self.task = self.vectorizer.task
        self.classes = self.vectorizer.classes
        self.window = int(self.config.get("window", 2000))
        self.overlap = int(self.config.get("overlap", 200))
        self.read_options = dict(self.config.get("read_options", {}))
        self.background = next((name for name in self.classes if name in BACKGROUND_CLASSES), None)

        # One trace for every batch size and length (`reduce_retracing` traced a third time once both varied).
        signature = [tf.TensorSpec([None, None], tf.int32), tf.TensorSpec([None], tf.int32)]
        if self.task == TAGGING:

            @tf.function(input_signature=signature)
            def scores(token_ids, lengths):
                # Per-base class probabilities (softmax of the scores; for a CRF head, of its unary potentials)
                # and the decoded classes (Viterbi for a CRF head).
                outputs = self.model({"token_ids": token_ids}, training=False)
                mask = tf.sequence_mask(lengths, tf.shape(token_ids)[1])
                return tf.nn.softmax(outputs, axis=-1), decode_tags(self.model, outputs, mask)

        else:

            @tf.function(input_signature=signature)
            def scores(token_ids, lengths):
                outputs = self.model({"token_ids": token_ids}, training=False)
                return class_probabilities(self.model, outputs), tf.zeros_like(lengths)

        self._scores = scores

    # === Core ===

    def _probabilities(self, code_arrays, rc_average=False):
        """`(probabilities, class ids)` per sequence: `(L, C)` and `(L,)` (tagging) or `(C,)` and `()`."""
        from seqkit.data.dna.alphabet import reverse_complement_codes

        if not code_arrays:
            return [], []
        batch, lengths = _pad(code_arrays)
        probabilities, ids = (tensor.numpy() for tensor in self._scores(batch, lengths))
        if rc_average:
            flipped = reverse_complement_codes(batch, lengths)
            rc_probabilities, _ = (tensor.numpy() for tensor in self._scores(flipped.astype(np.int32), lengths))
            if self.task == TAGGING:
                for row, length in enumerate(lengths):
                    back = rc_probabilities[row, :length][::-1][:, self.vectorizer.strand_swap]
                    probabilities[row, :length] = (probabilities[row, :length] + back) / 2
                ids = probabilities.argmax(axis=-1)
            else:
                probabilities = (probabilities + rc_probabilities) / 2
        if self.task == TAGGING:
            return ([probabilities[row, :n] for row, n in enumerate(lengths)],
                    [ids[row, :n].astype(np.int32) for row, n in enumerate(lengths)])
        return list(probabilities), list(probabilities.argmax(axis=-1))

    def _batched(self, code_arrays, rc_average=False, what="sequence"):
        """`_probabilities` over any number of sequences, longest first to limit padding."""
        order = sorted(range(len(code_arrays)), key=lambda i: -len(code_arrays[i]))
        probabilities, ids = [None] * len(order), [None] * len(order)
        with Progress("predicting", unit=what, total=len(order)) as progress:
            for begin in range(0, len(order), PREDICT_BATCH_SIZE):
                chunk = order[begin : begin + PREDICT_BATCH_SIZE]
                chunk_probabilities, chunk_ids = self._probabilities([code_arrays[i] for i in chunk], rc_average)
                for i, p, c in zip(chunk, chunk_probabilities, chunk_ids):
                    probabilities[i], ids[i] = p, c
                progress.update(len(chunk))
        return probabilities, ids

    # === Prediction of strings ===

    def predict(self, sequences, rc_average=False):
        """Predict DNA strings.

        Returns:
            One dict per sequence: tagging — `length`, `labels` (a class per base) and `segments`
            (`{start, end, class, score}`: runs of one non-background class, 0-based, end exclusive, score =
            mean probability of the class); classification — `class` and `probabilities` (`{class: p}`).
        """
        from seqkit.data.dna.alphabet import encode_bases

        codes = [encode_bases(text, record=f"input {i + 1}") for i, text in enumerate(sequences)]
        probabilities, ids = self._batched(codes, rc_average)
        results = []
        for p, c in zip(probabilities, ids):
            if self.task == TAGGING:
                results.append({
                    "length": len(c),
                    "labels": [self.classes[i] for i in c],
                    "segments": self._segments(c, p),
                })
            else:
                results.append({
                    "class": self.classes[int(c)],
                    "probabilities": {name: round(float(x), 6) for name, x in zip(self.classes, p)},
                })
        return results

    def _segments(self, ids, probabilities, offset=0):
        from seqkit.metrics.base_tagging import runs

        segments = []
        for start, end, class_id in runs(ids):
            name = self.classes[int(class_id)]
            if name == self.background:
                continue
            score = float(probabilities[start:end, class_id].mean())
            segments.append({"start": int(start) + offset, "end": int(end) + offset, "class": name,
                             "score": round(score, 4)})
        return segments

    def format_prediction(self, result):
        if self.task != TAGGING:
            ranked = sorted(result["probabilities"].items(), key=lambda item: -item[1])
            return f"{result['class']}  (" + ", ".join(f"{name} {p:.3f}" for name, p in ranked) + ")"
        if not result["segments"]:
            return f"{result['length']} bases: no {'/'.join(c for c in self.classes if c != self.background)} found"
        return f"{result['length']} bases:\n" + "\n".join(
            f"  {s['start']}-{s['end']}\t{s['class']}\t{s['score']:.3f}" for s in result["segments"]
        )

    # === Prediction of FASTA files ===

    def iter_fasta_predictions(self, path, rc_average=False):
        """Per record of a FASTA file (streamed): tagging — `(record, start, probabilities, ids)` chunks of
        stitched per-base predictions in order, from overlapping windows; classification — `(record,
        probabilities, class id)`."""
        if self.task == TAGGING:
            yield from self._stitched_windows(path, rc_average)
            return
        from seqkit.data.dna.fasta import iter_fasta

        pending = []
        for record in iter_fasta(path, encode=True):
            pending.append((record.name, record.sequence))
            if len(pending) == PREDICT_BATCH_SIZE:
                yield from self._classify(pending, rc_average)
                pending = []
        yield from self._classify(pending, rc_average)

    def _classify(self, pending, rc_average):
        probabilities, ids = self._probabilities([codes for _, codes in pending], rc_average)
        for (name, _), p, c in zip(pending, probabilities, ids):
            yield name, p, int(c)

    def _stitched_windows(self, path, rc_average):
        """Overlapping windows predicted in batches; each record's windows stitched (centre of each kept) into
        chunks that are final as soon as they are emitted."""
        from seqkit.data.dna.fasta import iter_fasta_windows
        from seqkit.data.dna.windows import WindowStitcher

        state = {"record": None, "stitcher": None}
        batch = []

        def flush():
            probabilities, _ = self._probabilities([piece.codes for piece in batch], rc_average)
            for piece, p in zip(batch, probabilities):
                if piece.record != state["record"]:
                    state["record"], state["stitcher"] = piece.record, WindowStitcher()
                stitcher = state["stitcher"]
                chunk = stitcher.add(piece.start, p, is_last=piece.is_last)
                if len(chunk):
                    yield piece.record, stitcher.position - len(chunk), chunk, chunk.argmax(axis=-1).astype(np.int32)
            batch.clear()

        stride = self.window - self.overlap
        for piece in iter_fasta_windows(path, window=self.window, stride=stride):
            batch.append(piece)
            if len(batch) == PREDICT_BATCH_SIZE:
                yield from flush()
        if batch:
            yield from flush()

    def predict_fasta(self, path, out, *, output_format=None, rc_average=False):
        """Write the predictions of every record of a FASTA file to `out` (atomically) and return a summary.

        Tagging writes the detected regions as BED (`chrom start end class score strand`, score = 1000 × mean
        probability) or GFF3 (`output_format="gff3"`, or an `.gff3`/`.gff` suffix); classification writes a TSV
        of `record`, `class` and one probability column per class.
        """
        from seqkit.apps.dna.writers import write_predictions

        return write_predictions(self, path, out, output_format=output_format, rc_average=rc_average)

    # === Evaluation ===

    def evaluate(self, path, annotation=None, rc_average=False, **options):
        """Scores on labelled data in any form `fit` reads (with the run's read options unless given)."""
        from seqkit.apps.dna.sources import is_annotated_fasta, labeler_for, read_examples

        read_options = {**self.read_options, **{k: v for k, v in options.items() if v is not None}}
        if self.task == TAGGING and is_annotated_fasta(path, read_options):
            labeler = labeler_for(
                path, annotation, transcript=read_options.get("transcript") or "first",
                strand=read_options.get("strand") or "both", background=read_options.get("background") or "intergenic",
            )
            return self.evaluate_fasta(path, labeler, rc_average=rc_average)
        examples = read_examples(path, read_options, annotation=annotation, window=self.window)
        return self.evaluate_examples(examples, source=path, rc_average=rc_average)

    def evaluate_fasta(self, path, labeler, rc_average=False):
        """Per-base scores of whole records: predictions stitched from overlapping windows, as `predict --fasta`
        makes them, against the labels `labeler` gives each record."""
        from seqkit.metrics.base_tagging import base_tagging_scores
        from seqkit.errors import UserInputError

        unknown = [name for name in labeler.classes if name not in self.vectorizer.index]
        if unknown:
            raise UserInputError(
                f"the annotation has classes {unknown} that are not among the model's ({', '.join(self.classes)})",
                path=path,
            )
        mapping = np.asarray([self.vectorizer.index[name] for name in labeler.classes], dtype=np.int32)
        truths, predictions, parts, record = [], [], ([], []), None

        def close():
            if record is not None:
                truths.append(np.concatenate(parts[0]))
                predictions.append(np.concatenate(parts[1]))
                parts[0].clear(), parts[1].clear()

        for name, start, _, ids in self._stitched_windows(path, rc_average):
            if name != record:
                close()
                record = name
            parts[0].append(mapping[np.asarray(labeler.labels(name, start, start + len(ids)), dtype=np.int64)])
            parts[1].append(ids)
        close()
        if not truths:
            raise UserInputError("no FASTA records to evaluate", path=path)
        return {"task": TAGGING, **base_tagging_scores(truths, predictions, self.classes, background=self.background)}

    def evaluate_examples(self, examples, source=None, rc_average=False):
        """Scores on examples (`TaggedSequence`s or `SequenceExample`s; any iterable, read once)."""
        from seqkit.progress import track

        codes, labels = [], []
        for example in track(examples, "reading the evaluation data", unit="sequence"):
            self.vectorizer.check_task(example, source)
            codes.append(self.vectorizer.codes(example, source))
            labels.append(self.vectorizer.label_ids(example, source))
        probabilities, ids = self._batched(codes, rc_average)
        if self.task == TAGGING:
            from seqkit.metrics.base_tagging import base_tagging_scores

            scores = base_tagging_scores(labels, ids, self.classes, background=self.background)
            return {"task": TAGGING, **scores}
        from seqkit.metrics.classification import classification_scores

        return {"task": "classification", **classification_scores(np.asarray(labels), np.stack(probabilities), self.classes)}

    def format_evaluation(self, metrics):
        if metrics["task"] == TAGGING:
            from seqkit.metrics.base_tagging import format_base_tagging_scores

            return format_base_tagging_scores(metrics)
        from seqkit.metrics.classification import format_classification_scores

        return format_classification_scores(metrics)

    # === Export ===

    def export(self, export_root, version=None):
        """Write `<export_root>/dna/<version>/` with a `serving_default` taking DNA strings."""
        from seqkit.export.dna_serving import build_dna_serving_module

        return self._export(
            export_root,
            version,
            lambda: build_dna_serving_module(self.model, self.task, self.classes),
            metadata={"task": self.task, "classes": self.classes},
        )
