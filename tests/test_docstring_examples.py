"""Every runnable example in seqkit's docstrings runs and prints what it shows."""

import doctest
import importlib
import pkgutil

import pytest


def _modules():
    names = set()
    import seqkit.apps

    for package_path, prefix in ((seqkit.__path__, "seqkit."), (seqkit.apps.__path__, "seqkit.apps.")):
        for info in pkgutil.walk_packages(package_path, prefix):
            names.add(info.name)
    return sorted(names)


@pytest.mark.parametrize("module_name", _modules())
def test_docstring_examples(module_name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    module = importlib.import_module(module_name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {module_name}"


def test_every_module_is_checked():
    modules = _modules()
    assert "seqkit.cells.gru_cell" in modules and "seqkit.apps.ner.api" in modules
