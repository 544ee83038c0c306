"""In-process prediction of the apps: one trace per relaxed shape, and a row's result independent of its batch.

Each app's prediction `tf.function` may trace at most twice across batch sizes 1, 3 and 17 and three input
lengths: once for the first call's shape and once for the relaxed `(None, ...)` shape (`reduce_retracing=True`
alone traces once more for each dimension that varies, hence the input signatures of sentiment, DNA and
speech). An item predicted alone and in a batch padded to longer items gives the same result (1e-5). The
exported `serving_default` has one concrete function for any batch size and length.
"""

import numpy as np
import pytest

BATCH_SIZES = (1, 3, 17)
ATOL = 1e-5


def call_every_shape(predict, make_item, lengths):
    """Call `predict(items)` for every batch size and length (each batch of one length, so of one shape)."""
    for batch_size in BATCH_SIZES:
        for length in lengths:
            predict([make_item(length, i) for i in range(batch_size)])


def words(count, offset=0):
    vocabulary = ["the", "phone", "is", "excellent", "okay", "awful", "really", "Paris", "Anna", "Berg", "joined"]
    return [vocabulary[(offset + i) % len(vocabulary)] for i in range(count)]


def test_sentiment_traces_at_most_twice_and_rows_do_not_depend_on_the_batch(sentiment_run):
    from seqkit.apps import sentiment

    rater = sentiment.load(sentiment_run)
    call_every_shape(rater.probabilities, lambda n, i: " ".join(words(n, i)), (2, 7, 19))
    assert rater._probabilities.experimental_get_tracing_count() <= 2

    short, longer = "The phone is excellent", " ".join(words(30))
    alone = rater.probabilities([short])[0]
    in_batch = rater.probabilities([longer, short, longer[:40]])[1]
    np.testing.assert_allclose(in_batch, alone, atol=ATOL)
    assert rater._probabilities.experimental_get_tracing_count() <= 2


# It traced 4 times with `reduce_retracing=True` alone (once more as each of batch, words, characters varied).
def test_ner_traces_at_most_twice(ner_run):
    from seqkit.apps import ner

    tagger = ner.load(ner_run)
    call_every_shape(tagger.tag_token_lists, lambda n, i: words(n, i), (2, 6, 15))
    assert tagger._tag_ids.experimental_get_tracing_count() == 1


def test_ner_rows_do_not_depend_on_the_batch(ner_run):
    from seqkit.apps import ner

    tagger = ner.load(ner_run)
    short, longer = ["Anna", "Berg", "joined", "Nordbank"], words(25)
    features, _ = tagger._batch([short])
    alone = np.asarray(tagger.model(features, training=False))[0, : len(short)]
    features, _ = tagger._batch([longer, short, longer[:9]])
    in_batch = np.asarray(tagger.model(features, training=False))[1, : len(short)]
    np.testing.assert_allclose(in_batch, alone, atol=ATOL)
    assert tagger.tag_token_lists([longer, short])[1] == tagger.tag_token_lists([short])[0]


def test_lm_traces_at_most_twice_and_rows_do_not_depend_on_the_batch(lm_run):
    from seqkit.apps import lm

    scorer = lm.load(lm_run)
    call_every_shape(scorer.score_token_lists, lambda n, i: list(("Annabelle" * 3)[i % 3 : i % 3 + n]), (2, 5, 12))
    assert scorer._score_ids.experimental_get_tracing_count() <= 2

    alone = scorer.score_token_lists([list("Elsa")])[0]
    in_batch = scorer.score_token_lists([list("Ingridhanna"), list("Elsa"), list("Frida")])[1]
    np.testing.assert_allclose(in_batch, alone, atol=ATOL)
    assert scorer._score_ids.experimental_get_tracing_count() <= 2


def test_dna_traces_at_most_twice_and_rows_do_not_depend_on_the_batch(dna_run):
    from seqkit.apps import dna
    from seqkit.data.dna.alphabet import encode_bases

    tagger = dna.load(dna_run)
    rng = np.random.default_rng(1)
    pieces = {n: "".join(rng.choice(list("ACGT"), n)) for n in (30, 90, 240, 400)}
    call_every_shape(tagger.predict, lambda n, i: pieces[n], (30, 90, 240))
    assert tagger._scores.experimental_get_tracing_count() <= 2

    short, longer = encode_bases(pieces[30]), encode_bases(pieces[400])
    (alone,), _ = tagger._probabilities([short])
    probabilities, _ = tagger._probabilities([longer, short, longer[:100]])
    assert alone.shape == probabilities[1].shape == (30, len(tagger.classes))
    np.testing.assert_allclose(probabilities[1], alone, atol=ATOL)
    assert tagger._scores.experimental_get_tracing_count() <= 2


def speech_log_probabilities(recognizer, waveforms):
    lengths = np.asarray([len(w) for w in waveforms], np.int32)
    batch = np.zeros((len(waveforms), int(lengths.max())), np.float32)
    for row, waveform in enumerate(waveforms):
        batch[row, : len(waveform)] = waveform
    return recognizer._log_probabilities(batch, lengths).numpy()


def noise_clips():
    rng = np.random.default_rng(2)
    return {n: (0.3 * rng.standard_normal(n)).astype(np.float32) for n in (4000, 8000, 16000, 24000)}


def test_speech_traces_at_most_twice(speech_run):
    from seqkit.apps import speech

    recognizer = speech.load(speech_run)
    clips = noise_clips()
    call_every_shape(lambda w: speech_log_probabilities(recognizer, w), lambda n, i: clips[n], (4000, 8000, 16000))
    assert recognizer._log_probabilities.experimental_get_tracing_count() <= 2


# Fails with the old "same"-padded strided convolution of ctc_recognizer (a one-frame shift with the parity of
# the batch's longest clip).
def test_speech_rows_do_not_depend_on_the_batch(speech_run):
    from seqkit.apps import speech

    recognizer = speech.load(speech_run)
    clips = noise_clips()
    alone = speech_log_probabilities(recognizer, [clips[4000]])[0]  # 23 feature frames (odd)
    in_batch = speech_log_probabilities(recognizer, [clips[24000], clips[4000], clips[8000]])[1]  # 148 (even)
    np.testing.assert_allclose(in_batch[: len(alone)], alone, atol=ATOL)


@pytest.mark.parametrize("app", ["sentiment", "lm", "dna"])
def test_export_serves_any_batch_size_and_length_with_one_concrete_function(app, request, tmp_path):
    import importlib

    import tensorflow as tf

    from seqkit.progress import quiet

    run = request.getfixturevalue(f"{app}_run")
    with quiet():
        path = importlib.import_module(f"seqkit.apps.{app}").load(run).export(tmp_path)
    loaded = tf.saved_model.load(str(path))
    serve = loaded.signatures["serving_default"]
    (name,) = serve.structured_input_signature[1]
    texts = {"dna": ["ACGT" * 3, "GATTACA" * 20], "lm": ["Anna", "Ingridhanna"]}
    texts = texts.get(app, ["Anna Berg", " ".join(words(20))])
    for batch_size in BATCH_SIZES:
        for text in texts:
            serve(**{name: tf.constant([text] * batch_size)})
    attribute = "score" if app == "lm" else "serve"
    assert len(getattr(loaded, attribute).concrete_functions) == 1
