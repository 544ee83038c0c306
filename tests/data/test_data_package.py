import subprocess
import sys
import types

import pytest

import seqkit.data


def run(code):
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


def test_package_and_tf_free_modules_do_not_load_tensorflow():
    code = (
        "import sys, seqkit.data as d\n"
        "d.Vocabulary, d.fetch, d.atomic_write_json, d.DATASETS\n"
        "print('tensorflow' in sys.modules)\n"
    )
    assert run(code) == "False"


def test_exports_resolve_to_their_modules():
    from seqkit.data import downloads, pipeline, vocabulary

    assert seqkit.data.Vocabulary is vocabulary.Vocabulary
    assert seqkit.data.make_dataset is pipeline.make_dataset
    assert seqkit.data.fetch is downloads.fetch
    for name in seqkit.data._NAME_TO_MODULE:
        assert getattr(seqkit.data, name) is not None
    assert "make_dataset" in dir(seqkit.data)
    assert "pipeline" in dir(seqkit.data)


def test_reader_modules_public_names_are_reexported(monkeypatch):
    fake = types.ModuleType("seqkit.data.fake_reader")
    exec(
        "def read_fake(path):\n    return path\n"
        "def _private():\n    pass\n"
        "class FakeSentence:\n    pass\n"
        "from os.path import join\n",
        fake.__dict__,
    )
    listed = types.ModuleType("seqkit.data.fake_listed")
    listed.__all__ = ["CONSTANT"]
    listed.CONSTANT = 3
    listed.read_fake = "not in __all__, so not exported"
    monkeypatch.setitem(sys.modules, fake.__name__, fake)
    monkeypatch.setitem(sys.modules, listed.__name__, listed)
    monkeypatch.setattr(
        seqkit.data, "_submodules", lambda: ["fake_listed", "fake_reader"]
    )
    for name in ("read_fake", "FakeSentence", "CONSTANT"):
        monkeypatch.delitem(vars(seqkit.data), name, raising=False)
    assert seqkit.data.read_fake is fake.read_fake
    assert seqkit.data.FakeSentence is fake.FakeSentence
    assert seqkit.data.CONSTANT == 3
    for name in ("_private", "join"):
        with pytest.raises(AttributeError):
            getattr(seqkit.data, name)
    for name in ("read_fake", "FakeSentence", "CONSTANT"):
        vars(seqkit.data).pop(name)  # forget the cached fakes


def test_unknown_attribute_raises():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = seqkit.data.nope
    assert not hasattr(seqkit.data, "__wrapped__")
