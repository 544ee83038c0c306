import json
import math

import numpy as np
import pytest

# The hand-set model: characters "a" (id 4) and "b" (id 5). Its recurrent state only remembers the last token,
# so it is a bigram model with these probabilities (rows: previous token; columns: next token).
BIGRAM = {
    "<BOS>": {"a": 0.5, "b": 0.25, "<EOS>": 0.25},
    "a": {"a": 0.1, "b": 0.6, "<EOS>": 0.3},
    "b": {"a": 0.05, "b": 0.05, "<EOS>": 0.9},
}
TOKENS = ["<PAD>", "<UNK>", "<BOS>", "<EOS>", "a", "b"]
TRAINING_NAMES = ["ab", "a"]


def set_bigram_weights(model):
    """Embeddings of 20 saturate tanh, so the state is exactly one-hot (a, b) or zero (<BOS>)."""
    never = -40.0  # log-probability of <PAD>, <UNK>, <BOS>: e^-40, far below the tolerances used.
    embedding = np.zeros((6, 2), "float32")
    embedding[4, 0] = embedding[5, 1] = 20.0

    def logits(row):
        values = np.full(6, never, "float32")
        for token, probability in row.items():
            values[TOKENS.index(token)] = math.log(probability)
        return values

    bias = logits(BIGRAM["<BOS>"])
    kernel = np.stack([logits(BIGRAM["a"]) - bias, logits(BIGRAM["b"]) - bias])
    model.get_layer("token_embedding").set_weights([embedding])
    model.get_layer("recurrent_0").set_weights(
        [np.eye(2, dtype="float32"), np.zeros((2, 2), "float32"), np.zeros(2, "float32")]
    )
    model.get_layer("logits").set_weights([kernel, bias])


@pytest.fixture(scope="session")
def bigram_run(tmp_path_factory):
    """A run directory written by hand around the hand-set bigram model (no training)."""
    from seqkit.apps.lm import encoding
    from seqkit.data.vocabulary import Vocabulary
    from seqkit.export.run_directory import RunDirectory
    from seqkit.tasks import language_model

    run = RunDirectory(tmp_path_factory.mktemp("runs") / "bigram").create()
    model = language_model(6, embedding_dim=2, units=2, cell="rnn", implementation="keras")
    set_bigram_weights(model)
    run.save_model(model)
    Vocabulary(TOKENS).save(run.file(encoding.VOCABULARY_FILE))
    encoding.write_fingerprints(run.file(encoding.FINGERPRINTS_FILE), [list(n) for n in TRAINING_NAMES])
    run.write_config({"app": "lm", "level": "char", "builder": {"vocabulary_size": 6}})
    return run.path


@pytest.fixture(scope="session")
def trained_lm_run(tmp_path_factory):
    """`seqkit lm fit` on the embedded corpus of names with the tiny preset."""
    from click.testing import CliRunner

    from seqkit.cli.main import cli

    out = tmp_path_factory.mktemp("runs") / "lm"
    result = CliRunner().invoke(
        cli, ["lm", "fit", "--out", str(out), "--preset", "tiny", "--epochs", "2", "--seed", "1", "--quiet"]
    )
    assert result.exit_code == 0, result.output
    return out, result.output


@pytest.fixture
def write_text(tmp_path):
    def write(name, content):
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return write


def read_json_lines(output):
    return [json.loads(line) for line in output.splitlines() if line.startswith("{") or line.startswith("[")]
