"""The Python API: `fit` on a folder, `load`, `generate`, `write`, and `--help` staying light."""

import json
import subprocess
import sys

import pytest

from seqkit.apps import music
from seqkit.errors import UserInputError


def test_fit_on_a_folder_with_the_polyphonic_encoding(music_folder, tmp_path):
    run = music.fit(
        data=music_folder,
        valid=music_folder / "tune.mid",
        out=tmp_path / "run",
        preset="tiny",
        encoding="polyphonic",
        transpose="all",
        training_overrides={"epochs": 1, "seed": 0, "verbose": 0},
    )
    assert run.data["train_pieces"] == 3 and run.data["valid_pieces"] == 1
    assert run.data["skipped"] == 2
    assert [line.split(":")[0] for line in run.details["problems"]["train"]] == [
        str(music_folder / "corrupt.mid"), str(music_folder / "empty.mid")
    ]
    # Each of the 3 training pieces (range 48..69 at most) fits every shift -6..5: 12 sequences each.
    assert run.data["train_sequences"] == 36
    assert "2 file(s) skipped" in run.summary()
    composer = music.load(run.run_dir)
    assert composer.vectorizer.codec.name == "polyphonic"
    pieces = composer.generate(num_samples=2, length=20, seed=1)
    assert len(pieces) == 2 and all(len(p.token_ids) == 20 for p in pieces)
    paths = composer.write(pieces, tmp_path / "out.mid", piano_roll=False)
    assert [p.name for p in paths] == ["out-1.mid", "out-2.mid"]


def test_bad_settings_fail_before_reading(tmp_path):
    with pytest.raises(UserInputError, match="`steps_per_quarter` must be an integer between 1 and 96"):
        music.fit(out=tmp_path / "run", preset="tiny", steps_per_quarter=200)
    with pytest.raises(UserInputError, match="unknown preset 'huge'"):
        music.fit(out=tmp_path / "run", preset="huge")


def test_music_help_imports_no_tensorflow():
    code = (
        "import sys; from seqkit.cli.main import cli; import seqkit.apps.music.cli; print('tensorflow' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "False", result.stderr[-1000:]


def test_evaluate_defaults_to_the_held_out_chorales(trained_music_run):
    out, _ = trained_music_run
    composer = music.load(out)
    metrics = composer.evaluate(samples=0)
    saved = json.loads((out / "metrics.json").read_text())
    assert metrics["data"]["pieces"] == json.loads((out / "config.json").read_text())["data"]["valid_pieces"]
    assert abs(metrics["nll"] - saved["nll"]) < 1e-5
    assert metrics["baselines"] == saved["baselines"]
    assert "statistics" not in metrics


def test_a_model_preferring_unk_never_generates_a_special_token(tmp_path):
    import numpy as np

    from seqkit.apps.music.encoding import MusicVectorizer
    from seqkit.apps.music.model import MusicModel
    from seqkit.data.music_codec import MelodyCodec
    from seqkit.export.run_directory import RunDirectory
    from seqkit.tasks import language_model

    vectorizer = MusicVectorizer(MelodyCodec(min_pitch=60, max_pitch=72))
    vocabulary = vectorizer.vocabulary
    note = vocabulary.token_to_id("n64")
    model = language_model(len(vocabulary), embedding_dim=4, units=4)
    kernel, _ = model.get_layer("logits").get_weights()
    # The logits ignore the input: <UNK>, <PAD>, <BOS> first, then "n64"; every other token (<EOS> included) at 0.
    bias = np.zeros(len(vocabulary), "float32")
    bias[[vocabulary.unk_id, vocabulary.pad_id, vocabulary.bos_id, note]] = [10.0, 9.0, 8.0, 3.0]
    model.get_layer("logits").set_weights([np.zeros_like(kernel), bias])
    run = RunDirectory(tmp_path / "run").create()
    run.write_config({"app": "music", "vectorizer": vectorizer.settings()})
    composer = MusicModel(run, model=model, vectorizer=vectorizer)

    assert [p.token_ids for p in composer.generate(num_samples=2, length=5, temperature=0)] == [[note] * 5] * 2
    for top_k in (None, 3):
        pieces = composer.generate(num_samples=20, length=30, temperature=1.0, top_k=top_k, seed=1)
        ids = np.array([p.token_ids for p in pieces])
        generated = ids[np.cumsum(ids == vocabulary.eos_id, axis=1) == 0]  # the ids before each piece's <EOS>
        assert generated.size > 0 and generated.min() > vocabulary.eos_id


def test_min_length_masks_eos_until_then_so_exactly_length_tokens_are_generated(eos_first_run):
    import numpy as np

    from seqkit.apps.music.model import MusicModel

    run, note = eos_first_run
    composer = MusicModel(run)
    eos = composer.vectorizer.vocabulary.eos_id
    assert composer.generate(length=12, temperature=0)[0].token_ids == [eos] + [0] * 11
    assert composer.generate(length=12, temperature=0, min_length=12)[0].token_ids == [note] * 12
    assert composer.generate(length=12, temperature=0, min_length=5)[0].token_ids == [note] * 5 + [eos] + [0] * 6
    ids = np.array([p.token_ids for p in composer.generate(num_samples=20, length=30, min_length=8, seed=1)])
    assert (ids[:, :8] > eos).all() and (ids[:, 8:] == eos).any(axis=1).all()  # <EOS> (P = 0.999) right after
    for arguments, message in [
        (
            {"length": 4, "min_length": 5},
            r"`min_length` must be an integer from 0 to length \(4\). Received: min_length=5",
        ),
        ({"min_length": -1}, r"`min_length` must be an integer from 0 to length \(256\). Received: min_length=-1"),
        ({"min_length": 2, "unit": "notes"}, r"`min_length` counts tokens: use it with unit='tokens'"),
    ]:
        with pytest.raises(UserInputError, match=message):
            composer.generate(**arguments)
