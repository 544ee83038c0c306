import random

from seqkit.data.span_ops import iob2_spans, tf_iob2_spans
from seqkit.metrics.entities import entity_scores


def test_graph_spans_equal_python_spans_on_random_tag_sequences():
    import tensorflow as tf

    rng = random.Random(0)
    tags = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]
    sequences = [[rng.choice(tags) for _ in range(rng.randint(0, 9))] for _ in range(200)]
    width = max(len(s) for s in sequences)
    padded = tf.constant([s + ["O"] * (width - len(s)) for s in sequences])
    spans = tf_iob2_spans(padded, tf.constant([len(s) for s in sequences]))
    for row, sequence in enumerate(sequences):
        count = int(spans["entity_counts"][row])
        graph = [
            (spans["entity_types"][row, i].numpy().decode(), int(spans["entity_starts"][row, i]), int(spans["entity_ends"][row, i]))
            for i in range(count)
        ]
        assert graph == iob2_spans(sequence)


def test_python_spans_read_tags_like_the_entity_scorer():
    # A stray I- starts an entity, as in conlleval: scoring a sequence against its own spans is perfect.
    tags = ["I-PER", "I-PER", "B-PER", "O", "I-LOC", "B-ORG", "I-ORG"]
    assert iob2_spans(tags) == [("PER", 0, 2), ("PER", 2, 3), ("LOC", 4, 5), ("ORG", 5, 7)]
    assert entity_scores([tags], [tags])["support"] == 4
