"""The SavedModel of a `--unit text` run scores and samples running text as the run does in-process."""

import json

import numpy as np
import pytest
from click.testing import CliRunner

from seqkit.apps.lm.text import NEWLINE, detokenize_stream, tf_detokenize_stream, tf_tokenize_stream, tokenize_stream
from seqkit.cli.main import cli
from seqkit.errors import UserInputError

VERSE = (
    "First Citizen:\n"
    "Before we proceed any further, hear me speak.\n"
    "\n"
    "All:\n"
    "Speak, speak.\n"
    "You are all resolved rather to die than to famish?\n"
)
# Several lines, a blank line, inner and trailing spaces, a character never seen (`§`), one character, a line break.
TEXTS = ["Speak, speak.\nAll:", "First Citizen:\n\nYou are  all resolved § ", "a", "Before we proceed\n", "\n"]


def invoke(*args):
    return CliRunner().invoke(cli, [str(arg) for arg in args])


@pytest.mark.parametrize("level", ["char", "word"])
def test_the_stream_tokenizer_in_tensorflow_ops_is_the_python_one(level):
    import tensorflow as tf

    texts = TEXTS + ["", "You (all) don't.\n\nSpeak!", "  x  y "]
    served = tf_tokenize_stream(tf.constant(texts), level).to_list()
    for text, tokens in zip(texts, served):
        expected = tokenize_stream(text, level)
        assert [t.decode() for t in tokens] == expected
        padded = tf.constant([expected + [""]], tf.string)
        assert tf_detokenize_stream(padded, level).numpy()[0].decode() == detokenize_stream(expected, level)


@pytest.fixture(scope="module")
def exported_text_run(tmp_path_factory):
    from seqkit.apps import lm

    folder = tmp_path_factory.mktemp("text_export")
    (folder / "train.txt").write_text(VERSE * 20, encoding="utf-8")
    out = folder / "run"
    result = invoke(
        "lm", "fit", "--data", folder / "train.txt", "--out", out, "--unit", "text", "--preset", "tiny",
        "--epochs", "1", "--batch-size", "4", "--window", "20", "--seed", "1", "--quiet",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    exported = invoke("lm", "export", "--model", out, "--out", folder / "saved_models")
    assert exported.exit_code == 0, exported.output
    return lm.load(out), folder / "saved_models" / "lm" / "1"


@pytest.fixture(scope="module")
def loaded(exported_text_run):
    import tensorflow as tf

    return tf.saved_model.load(str(exported_text_run[1]))


def test_seqkit_json_records_the_unit(exported_text_run):
    _, path = exported_text_run
    metadata = json.loads((path / "seqkit.json").read_text())
    assert metadata["unit"] == "text" and metadata["level"] == "char"


def test_score_equals_the_in_process_score_of_a_fresh_text(exported_text_run, loaded):
    import tensorflow as tf

    model, _ = exported_text_run
    served = loaded.signatures["serving_default"](sentences=tf.constant(TEXTS))
    expected = model.predict(TEXTS)
    for row, (text, result) in enumerate(zip(TEXTS, expected)):
        count = result["num_tokens"]
        assert count == len(tokenize_stream(text, "char"))
        assert int(served["num_tokens"][row]) == count
        # The same per-token log-probabilities as `score_stream` after a line break, and nothing after them.
        in_process = model.score_stream_tokens([tokenize_stream(text, "char")])
        token_log_probs = served["token_log_probs"].numpy()[row]
        np.testing.assert_allclose(token_log_probs[:count], in_process, atol=1e-5)
        assert not token_log_probs[count:].any()
        assert float(served["log_probability"][row]) == pytest.approx(result["log_probability"], abs=1e-5)
        names = [t.decode() for t in served["tokens"].numpy()[row] if t]
        assert names == ["<UNK>" if t["unknown"] else t["token"] for t in result["tokens"]]
        assert "<EOS>" not in names
    assert "<UNK>" in [t.decode() for t in served["tokens"].numpy()[1]]
    assert [t.decode() for t in served["tokens"].numpy()[0] if t].count(NEWLINE) == 1

    # The empty text has no token: nothing is scored (in-process, it is refused).
    empty = loaded.signatures["serving_default"](sentences=tf.constant(["", "a"]))
    assert empty["num_tokens"].numpy().tolist() == [0, 1] and float(empty["log_probability"][0]) == 0.0
    with pytest.raises(UserInputError, match="an empty text has no token to score"):
        model.predict([""])


@pytest.mark.parametrize("max_length", [7, 300])
def test_sample_gives_exactly_max_length_characters_of_running_text(loaded, max_length):
    import tensorflow as tf

    prefixes = ["", "All:", "Speak,\nspeak"] * 4
    sampled = loaded.signatures["sample"](prefixes=tf.constant(prefixes), max_length=tf.constant(max_length))
    texts = [t.decode() for t in sampled["texts"].numpy()]
    tokens = [[t.decode() for t in row] for row in sampled["tokens"].numpy()]
    assert sampled["complete"].numpy().all()
    for prefix, text, row in zip(prefixes, texts, tokens):
        # `max_length` tokens (no end token), or the prefix and one more when it is longer (12 tokens here);
        # `<NL>` is one character of the text, "\n".
        length = max(max_length, len(tokenize_stream(prefix, "char")) + 1)
        assert len(row) == max(max_length, 13) and all(row[:length]) and not any(row[length:])
        assert "<EOS>" not in row and len(text) == length and text.startswith(prefix)
        assert text == detokenize_stream(row[:length], "char")


def test_a_word_level_text_run_is_served_as_running_text_too(tmp_path):
    import tensorflow as tf

    from seqkit.apps import lm

    (tmp_path / "train.txt").write_text(VERSE * 20, encoding="utf-8")
    out = tmp_path / "run"
    result = invoke(
        "lm", "fit", "--data", tmp_path / "train.txt", "--out", out, "--unit", "text", "--level", "word",
        "--preset", "tiny", "--epochs", "1", "--batch-size", "4", "--window", "10", "--seed", "1", "--quiet",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    model = lm.load(out)
    path = model.export(tmp_path / "saved_models")
    loaded = tf.saved_model.load(str(path))
    texts = ["Speak, speak.\nAll:", "You are all resolved zebra?\n\nFirst Citizen:"]
    served = loaded.signatures["serving_default"](sentences=tf.constant(texts))
    for row, result in enumerate(model.predict(texts)):
        assert int(served["num_tokens"][row]) == result["num_tokens"] == len(tokenize_stream(texts[row], "word"))
        assert float(served["log_probability"][row]) == pytest.approx(result["log_probability"], abs=1e-5)
    sampled = loaded.signatures["sample"](prefixes=tf.constant(["", "All:"]), max_length=tf.constant(40))
    for text, row in zip(sampled["texts"].numpy(), sampled["tokens"].numpy()):
        tokens = [t.decode() for t in row]
        assert len(tokens) == 40 and all(tokens) and "<EOS>" not in tokens
        assert text.decode() == detokenize_stream(tokens, "word")


def test_the_serving_module_checks_the_unit_and_the_line_break_token():
    from seqkit.data.vocabulary import Vocabulary
    from seqkit.export.language_model_serving import build_language_model_serving_module
    from seqkit.tasks import language_model

    model = language_model(6, embedding_dim=2, units=2, cell="rnn")
    vocabulary = Vocabulary(["<PAD>", "<UNK>", "<BOS>", "<EOS>", "a", "b"])
    arguments = {"tokenize": tf_tokenize_stream, "detokenize": tf_detokenize_stream}
    with pytest.raises(ValueError, match=r"`unit` must be one of \('line', 'text'\). Received: unit='verse'"):
        build_language_model_serving_module(model, vocabulary, unit="verse", **arguments)
    with pytest.raises(ValueError, match="must hold `newline_token`. Received: newline_token='<NL>'"):
        build_language_model_serving_module(model, vocabulary, unit="text", **arguments)
