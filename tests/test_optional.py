import pytest

from seqkit.errors import UserInputError
from seqkit.optional import MissingPackageError, import_optional


def test_missing_package_names_the_extra():
    with pytest.raises(MissingPackageError, match=r"pip install 'seqkit\[music\]'") as raised:
        import_optional("no_such_module_for_seqkit", "music")
    assert isinstance(raised.value, UserInputError)


def test_music_reader_reports_a_missing_package_instead_of_corrupt_files(tmp_path, monkeypatch):
    import sys

    from seqkit.apps.music import readers

    (tmp_path / "tune.mid").write_bytes(b"MThd")
    monkeypatch.setitem(sys.modules, "pretty_midi", None)
    with pytest.raises(MissingPackageError, match="pretty_midi"):
        readers.read_folder(tmp_path, 4)
