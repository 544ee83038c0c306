"""A trained NER run: tag raw text, evaluate on labelled files, export for TF Serving."""

import numpy as np

from seqkit.apps.ner.application import read_tagged_file
from seqkit.application.trained_run import TrainedRun
from seqkit.progress import Progress

PREDICT_BATCH_SIZE = 128


class NerModel(TrainedRun):
    """Tags raw text with a trained run directory's model.

    `vectorizer`, when given, is the run's `TaggingVectorizer` already in memory (`run` and `model`: see
    `TrainedRun`).
    """

    app = "ner"

    def __init__(self, run, model=None, vectorizer=None):
        import tensorflow as tf

        from seqkit.data.tagging import TaggingVectorizer
        from seqkit.tasks import decode_tags

        super().__init__(run, model)
        self.vectorizer = vectorizer or TaggingVectorizer.load(run.path, self.config["vectorizer"])
        self._decode_tags = decode_tags

        # One trace for every batch size, sentence length and word length.
        @tf.function(input_signature=[self.input_specs(), tf.TensorSpec([None], tf.int32, name="lengths")])
        def tag_ids(features, lengths):
            mask = tf.sequence_mask(lengths, tf.shape(features["token_ids"])[1])
            return decode_tags(self.model, self.model(features, training=False), mask)

        self._tag_ids = tag_ids

    # === Tagging ===

    def tag_token_lists(self, token_lists):
        """IOB2 tags for each list of tokens (batched, longest-first to limit padding)."""
        order = sorted(range(len(token_lists)), key=lambda i: -len(token_lists[i]))
        results = [None] * len(token_lists)
        with Progress("tagging", unit="sentence", total=len(token_lists)) as progress:
            for begin in range(0, len(order), PREDICT_BATCH_SIZE):
                self._tag_chunk(token_lists, order[begin : begin + PREDICT_BATCH_SIZE], results)
                progress.update(min(PREDICT_BATCH_SIZE, len(order) - begin))
        return results

    def _tag_chunk(self, token_lists, chunk, results):
        """Tag the token lists at the indices `chunk` into `results`."""
        nonempty = [i for i in chunk if token_lists[i]]
        for i in chunk:
            if not token_lists[i]:
                results[i] = []
        if not nonempty:
            return
        features, lengths = self._batch([token_lists[i] for i in nonempty])
        ids = self._tag_ids(features, lengths).numpy()
        for row, i in enumerate(nonempty):
            results[i] = self.vectorizer.decode_tags(ids[row, : lengths[row]])

    def _batch(self, token_lists):
        encoded = [self.vectorizer.encode_tokens(tokens) for tokens in token_lists]
        lengths = np.asarray([len(tokens) for tokens in token_lists], dtype=np.int32)
        features = {}
        for key in encoded[0]:
            arrays = [example[key] for example in encoded]
            shape = (len(arrays),) + tuple(max(a.shape[d] for a in arrays) for d in range(arrays[0].ndim))
            batch = np.zeros(shape, dtype=np.int32)
            for row, array in enumerate(arrays):
                batch[(row,) + tuple(slice(0, n) for n in array.shape)] = array
            features[key] = batch
        return features, lengths

    def predict(self, texts):
        """Tag raw sentences: words with character offsets, IOB2 tags and entities.

        Returns:
            One dict per text: `text`, `tokens` (`{text, start, end}`), `tags`, and `entities`
            (`{text, type, start, end}` with character offsets into the text, end exclusive).
        """
        from seqkit.data.span_ops import iob2_spans
        from seqkit.data.word_splitting import split_words_with_offsets

        split = [split_words_with_offsets(text) for text in texts]
        all_tags = self.tag_token_lists([[word for word, _, _ in words] for words in split])
        results = []
        for text, words, tags in zip(texts, split, all_tags):
            entities = []
            for kind, first, last in iob2_spans(tags):
                start, end = words[first][1], words[last - 1][2]
                entities.append({"text": text[start:end], "type": kind, "start": start, "end": end})
            results.append(
                {
                    "text": text,
                    "tokens": [{"text": w, "start": s, "end": e} for w, s, e in words],
                    "tags": tags,
                    "entities": entities,
                }
            )
        return results

    @staticmethod
    def format_prediction(result):
        tagged = " ".join(f"{t['text']}/{tag}" for t, tag in zip(result["tokens"], result["tags"]))
        entities = "; ".join(f"{e['text']} [{e['type']} {e['start']}:{e['end']}]" for e in result["entities"])
        return f"{tagged}\n  entities: {entities or '(none)'}"

    # === Evaluation ===

    def evaluate(self, path, tag_scheme="auto"):
        """Entity-level scores (CoNLL exact-span matching) and token accuracy on a labelled file."""
        sentences = read_tagged_file(path, tag_scheme=tag_scheme)
        return self.evaluate_sentences(sentences)

    def evaluate_sentences(self, sentences):
        """Scores on `TaggedSentence`s (any iterable, read once)."""
        from seqkit.metrics.entities import entity_scores
        from seqkit.progress import track

        tokens, tags = [], []
        for sentence in track(sentences, "reading the evaluation data", unit="sentence"):
            tokens.append(sentence.tokens)
            tags.append(sentence.tags)
        return entity_scores(tags, self.tag_token_lists(tokens))

    @staticmethod
    def format_evaluation(metrics):
        from seqkit.metrics.entity_report import format_entity_report

        return format_entity_report(metrics)

    # === Export ===

    def export(self, export_root, version=None):
        """Write `<export_root>/ner/<version>/` with a `serving_default` taking raw sentences."""
        from seqkit.export.tagger_serving import build_tagger_serving_module

        return self._export(
            export_root,
            version,
            lambda: build_tagger_serving_module(self.model, self.vectorizer, self._decode_tags),
            metadata={"tags": self.vectorizer.tags},
        )
