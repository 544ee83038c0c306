"""`--unit text`: running text as one stream, windows laid out as parallel streams, the state carried."""

import json

import keras
import numpy as np
import pytest
from click.testing import CliRunner

from seqkit.apps.lm.application import EMBEDDED_DIR
from seqkit.apps.lm.encoding import stream_windows
from seqkit.apps.lm.stateful import CarriedStateCallback, StatefulLanguageModel
from seqkit.apps.lm.text import NEWLINE, choose_file_unit, choose_unit, detokenize_stream, tokenize_stream
from seqkit.cli.main import cli
from seqkit.generation.scoring import score, score_stream
from seqkit.tasks import language_model, language_model_loss

VERSE = (
    "First Citizen:\n"
    "Before we proceed any further, hear me speak.\n"
    "\n"
    "All:\n"
    "Speak, speak.\n"
    "You are all resolved rather to die than to famish?\n"
)


def invoke(*args):
    return CliRunner().invoke(cli, [str(arg) for arg in args])


# === Windows ===


def test_stream_windows_rows_continue_across_batches():
    rows = stream_windows(np.arange(15), batch_size=2, window=3)
    # Segments 0..6 and 7..13 (14 dropped); windows of 3 inputs + 1 target, overlapping by one id.
    assert rows.tolist() == [[0, 1, 2, 3], [7, 8, 9, 10], [3, 4, 5, 6], [10, 11, 12, 13]]
    batches = rows.reshape(-1, 2, 4)
    for k in range(1, len(batches)):
        for s in range(2):
            # Row s of batch k starts where row s of batch k - 1 ended: its inputs continue them.
            assert batches[k, s, 0] == batches[k - 1, s, -1]
    assert stream_windows(np.arange(5), batch_size=2, window=3).shape == (0, 4)


# === The carried state ===


def _fit_periodic(carry, epochs=10):
    """A GRU trained on a period-7 stream in windows of 3; with `carry=False` the states are zeroed each batch."""
    keras.utils.set_random_seed(0)
    period = [4, 5, 6, 7, 4, 5, 8]  # after "4 5", 6 or 8: decided by the token 3 steps back.
    rows = stream_windows(np.tile(period, 300), batch_size=4, window=3)
    inner = language_model(9, embedding_dim=8, units=32, cell="gru", implementation="keras")
    model = StatefulLanguageModel(inner, batch_size=4)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss=language_model_loss())
    callbacks = [CarriedStateCallback(batches_per_epoch=len(rows) // 4)]
    if not carry:
        callbacks.append(keras.callbacks.LambdaCallback(on_train_batch_begin=lambda *_, **__: model.reset_states()))
    history = model.fit(
        rows[:, :-1], rows[:, 1:], batch_size=4, epochs=epochs, shuffle=False, verbose=0, callbacks=callbacks
    )
    return history.history["loss"][-1]


def test_a_period_longer_than_the_window_is_learned_only_with_the_state_carried():
    carried, reset = _fit_periodic(carry=True), _fit_periodic(carry=False)
    # Zeroed states leave "4 5" ambiguous at the first two positions of 2 windows in 7: (4/21) ln 2 = 0.13.
    assert carried < 0.03
    assert reset > 0.11


def test_states_reset_at_epoch_start_and_around_validation_and_are_checkpointed():
    from seqkit.training.checkpoints import training_variables

    model = StatefulLanguageModel(language_model(9, embedding_dim=2, units=3, cell="lstm"), batch_size=2)
    model.compile(optimizer="adam", loss=language_model_loss())
    callback = CarriedStateCallback(batches_per_epoch=10)
    callback.set_model(model)

    def fill(value):
        for variable in model.states:
            variable.assign(np.full(variable.shape, value, "float32"))

    def values():
        return {float(v) for variable in model.states for v in np.ravel(variable.numpy())}

    fill(1.0)
    callback.on_epoch_begin(0)
    assert values() == {0.0}
    # A run resumed in the middle of an epoch goes on with the states it restored.
    fill(2.0)
    model.optimizer.iterations.assign(15)
    callback.on_epoch_begin(1)
    assert values() == {2.0}
    model.optimizer.iterations.assign(20)
    callback.on_epoch_begin(2)
    assert values() == {0.0}
    # Validation starts from zero states; training continues with its own.
    fill(3.0)
    callback.on_test_begin()
    assert values() == {0.0}
    model(np.ones((2, 4), "int32"))
    callback.on_test_end()
    assert values() == {3.0}
    # The states are non-trainable variables of the model, saved with every training state.
    saved = {id(v) for v in training_variables(model)["non_trainable_variables"]}
    assert {id(v) for v in model.states} <= saved and len(model.states) == 2


def test_the_stateful_model_shares_the_weights_of_the_functional_one():
    inner = language_model(9, embedding_dim=2, units=3, cell="lstm", num_layers=2)
    model = StatefulLanguageModel(inner, batch_size=1)
    ids = np.random.default_rng(0).integers(1, 9, size=(1, 12)).astype("int32")
    # Two halves with the state carried give the logits of one pass over the whole sequence.
    halves = np.concatenate([model(ids[:, :6]).numpy(), model(ids[:, 6:]).numpy()], axis=1)
    np.testing.assert_allclose(halves, inner(ids).numpy(), atol=1e-5)


# === Scoring a stream ===


@pytest.mark.parametrize("chunk_size", [1, 7, 100])
def test_score_stream_equals_one_pass_over_the_whole_sequence(chunk_size):
    keras.utils.set_random_seed(1)
    model = language_model(12, embedding_dim=4, units=5, cell="lstm", num_layers=2)
    ids = np.random.default_rng(0).integers(1, 12, size=40).astype("int32")
    expected = score(model, ids[None])["token_log_probs"].numpy()[0]
    streamed = score_stream(model, ids, chunk_size=chunk_size)
    assert streamed.shape == (39,)
    np.testing.assert_allclose(streamed, expected, atol=1e-5)


# === Text ⇄ tokens and the default unit ===


def test_the_line_break_is_a_token_both_ways():
    assert tokenize_stream("ab\nc", "char") == ["a", "b", NEWLINE, "c"]
    assert tokenize_stream("Speak, speak.\nAll:", "word") == ["Speak", ",", "speak", ".", NEWLINE, "All", ":"]
    assert detokenize_stream(["a", NEWLINE, NEWLINE, "b"], "char") == "a\n\nb"


def test_the_default_unit_is_line_for_names_and_text_for_verse(tmp_path):
    assert choose_file_unit(EMBEDDED_DIR / "train.txt")[0] == "line"
    assert choose_unit(VERSE.splitlines())[0] == "text"
    unit, reason = choose_unit(["Aldra", "Benn", "Cael Torlin", "A rather long line of running text here."])
    assert unit == "text" and "75%" in reason


# === The command line ===


@pytest.fixture(scope="module")
def text_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("text")
    (folder / "train.txt").write_text(VERSE * 20, encoding="utf-8")
    (folder / "valid.txt").write_text(VERSE * 3, encoding="utf-8")
    out = folder / "run"
    result = invoke(
        "lm", "fit", "--data", folder / "train.txt", "--valid", folder / "valid.txt", "--out", out,
        "--preset", "tiny", "--epochs", "2", "--batch-size", "4", "--window", "20", "--seed", "1", "--quiet",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return folder, out, result.output


def test_fit_with_unit_text_trains_on_windows_of_the_stream(text_run):
    folder, out, output = text_run
    config = json.loads((out / "config.json").read_text())
    assert config["unit"] == "text" and config["window"] == 20
    assert "--unit text chosen from the data" in config["unit_choice"]
    # 20 copies of 6 lines: every character and each line break, after a leading <NL>.
    assert config["data"]["train_stream_tokens"] == 20 * len(VERSE)
    assert config["data"]["train_windows"] == 4 * (((20 * len(VERSE) + 1) // 4 - 1) // 20)
    assert NEWLINE in (out / "vocabulary.txt").read_text().split("\n")
    assert not (out / "train_fingerprints.txt").exists()
    assert "as running text" in output and "bits per character" in output


def test_evaluate_scores_every_character_and_line_break_once(text_run):
    folder, out, _ = text_run
    result = invoke("lm", "evaluate", "--model", out, "--data", folder / "valid.txt", "--json")
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout.strip().splitlines()[-1])
    assert metrics["unit"] == "text" and metrics["tokens"] == 3 * len(VERSE)
    assert metrics["bits_per_char"] < np.log2(40)
    # `score` reads a text after a line break, with no end token: one score per character and line break.
    scored = invoke("lm", "score", "--model", out, "--json", "Speak, speak.\nAll:")
    assert scored.exit_code == 0, scored.output
    tokens = json.loads(scored.output.strip().splitlines()[-1])["tokens"]
    assert [t["token"] for t in tokens] == tokenize_stream("Speak, speak.\nAll:", "char")


def test_sample_gives_max_length_tokens_of_running_text(text_run):
    _, out, _ = text_run
    result = invoke("lm", "sample", "--model", out, "--num", "2", "--max-length", "300", "--seed", "3", "--json")
    assert result.exit_code == 0, result.output
    samples = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert len(samples) == 2
    for sample in samples:
        assert len(sample["tokens"]) == 300 and "<EOS>" not in sample["tokens"]
        assert sample["text"] == detokenize_stream(sample["tokens"], "char")
    refused = invoke("lm", "sample", "--model", out, "--novel")
    assert refused.exit_code != 0 and "--novel" in refused.output


def test_unit_text_refuses_a_multi_device_strategy(tmp_path):
    path = tmp_path / "verse.txt"
    path.write_text(VERSE, encoding="utf-8")
    result = invoke(
        "lm", "fit", "--data", path, "--out", tmp_path / "run", "--unit", "text", "--strategy", "mirrored",
        "--preset", "tiny",
    )  # fmt: skip
    assert result.exit_code != 0 and "--strategy mirrored" in result.output


def test_a_run_resumed_in_the_middle_of_an_epoch_goes_on_with_the_carried_states(tmp_path):
    import shutil

    from seqkit.apps import lm

    data = tmp_path / "verse.txt"
    data.write_text(VERSE * 20, encoding="utf-8")  # 120 lines: lines 90-99 are held out
    settings = dict(data=data, preset="tiny", unit="text", window=10)
    training = {"batch_size": 4, "seed": 0, "verbose": 0, "checkpoint_every": 30, "epochs": 2}
    straight = lm.fit(out=tmp_path / "straight", training_overrides=training, **settings)
    # Keep the state written in the middle of the second epoch, as a run killed there would have left it.
    shutil.copytree(tmp_path / "straight", tmp_path / "resumed")
    states = sorted((tmp_path / "resumed" / "checkpoints" / "state").glob("step_*.json"))
    batches_per_epoch = int(states[-1].stem.split("_")[1]) // 2
    middle = int(states[0].stem.split("_")[1])
    assert batches_per_epoch < middle < 2 * batches_per_epoch
    for path in states[-1].parent.glob(states[-1].stem + ".*"):
        path.unlink()
    (tmp_path / "resumed" / "checkpoints" / "epoch_0002.weights.h5").unlink()
    carried = np.load(states[0].with_suffix(".npz"))["non_trainable_variables.00000"]
    assert carried.shape == (4, 16) and np.abs(carried).sum() > 0
    resumed = lm.fit(out=tmp_path / "resumed", training_overrides={**training, "resume": True}, **settings)
    assert (tmp_path / "resumed" / "history.csv").read_text() == (tmp_path / "straight" / "history.csv").read_text()
    assert resumed.metrics["perplexity"] == straight.metrics["perplexity"]
