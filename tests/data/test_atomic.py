import json
import os

import pytest

from seqkit.data.atomic import atomic_directory, atomic_write_bytes, atomic_write_json, atomic_write_text


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if ".tmp-" in p.name)


def test_write_text_creates_parents_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "a" / "b" / "vocab.txt"
    result = atomic_write_text(path, "<PAD>\n<UNK>\nété\n")
    assert result == path
    assert path.read_bytes() == "<PAD>\n<UNK>\nété\n".encode()
    assert _leftovers(path.parent) == []


def test_write_text_replaces_existing_file(tmp_path):
    path = tmp_path / "f.txt"
    path.write_text("old")
    atomic_write_text(path, "new")
    assert path.read_text() == "new"


def test_write_text_keeps_newlines_verbatim(tmp_path):
    path = atomic_write_text(tmp_path / "f.txt", "a\r\nb\n")
    assert path.read_bytes() == b"a\r\nb\n"


def test_write_text_rejects_bytes(tmp_path):
    with pytest.raises(TypeError, match="`text` must be a str"):
        atomic_write_text(tmp_path / "f.txt", b"x")


def test_written_file_has_umask_permissions(tmp_path):
    umask = os.umask(0o022)
    try:
        path = atomic_write_bytes(tmp_path / "f.bin", b"\x00")
    finally:
        os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o644


def test_failed_write_keeps_old_file_and_cleans_up(tmp_path, monkeypatch):
    path = tmp_path / "f.txt"
    path.write_text("old")

    def fail(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        atomic_write_text(path, "new")
    monkeypatch.undo()
    assert path.read_text() == "old"
    assert _leftovers(tmp_path) == []


def test_write_json_round_trip(tmp_path):
    obj = {"units": 8, "name": "café", "layers": [1, 2]}
    path = atomic_write_json(tmp_path / "config.json", obj)
    assert json.loads(path.read_text(encoding="utf-8")) == obj
    assert "café" in path.read_text(encoding="utf-8")


def test_write_json_unserialisable_leaves_file_untouched(tmp_path):
    path = tmp_path / "config.json"
    path.write_text("{}")
    with pytest.raises(TypeError):
        atomic_write_json(path, {"bad": object()})
    assert path.read_text() == "{}"
    assert _leftovers(tmp_path) == []


def test_directory_appears_only_when_block_completes(tmp_path):
    final = tmp_path / "export" / "1"
    with atomic_directory(final) as tmp:
        assert tmp.parent == final.parent
        assert tmp.is_dir()
        (tmp / "model.txt").write_text("done")
        assert not final.exists()
    assert (final / "model.txt").read_text() == "done"
    assert not tmp.exists()
    assert _leftovers(final.parent) == []


def test_directory_removed_on_error(tmp_path):
    final = tmp_path / "1"
    with pytest.raises(RuntimeError, match="boom"):
        with atomic_directory(final) as tmp:
            (tmp / "partial.txt").write_text("x")
            raise RuntimeError("boom")
    assert not final.exists()
    assert not tmp.exists()
    assert list(tmp_path.iterdir()) == []


def test_directory_refuses_existing_target(tmp_path):
    final = tmp_path / "1"
    final.mkdir()
    with pytest.raises(FileExistsError, match="final_path"):
        with atomic_directory(final):
            pass  # pragma: no cover


def test_directory_overwrite_replaces_old_content(tmp_path):
    final = tmp_path / "1"
    final.mkdir()
    (final / "old.txt").write_text("old")
    with atomic_directory(final, overwrite=True) as tmp:
        (tmp / "new.txt").write_text("new")
    assert sorted(p.name for p in final.iterdir()) == ["new.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["1"]


def test_directory_overwrite_error_keeps_old_content(tmp_path):
    final = tmp_path / "1"
    final.mkdir()
    (final / "old.txt").write_text("old")
    with pytest.raises(ValueError):
        with atomic_directory(final, overwrite=True):
            raise ValueError("stop")
    assert (final / "old.txt").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["1"]


def test_atomic_path_gives_ordinary_permissions_and_cleans_up(tmp_path):
    import os

    import pytest

    from seqkit.data.atomic import atomic_path

    previous = os.umask(0o022)
    try:
        with atomic_path(tmp_path / "sub" / "model.keras") as temporary:
            assert temporary.endswith(".keras") and os.path.dirname(temporary) == str(tmp_path / "sub")
            with open(temporary, "wb") as handle:
                handle.write(b"zip")
        assert (tmp_path / "sub" / "model.keras").stat().st_mode & 0o777 == 0o644
        with pytest.raises(RuntimeError):
            with atomic_path(tmp_path / "sub" / "model.keras") as temporary:
                raise RuntimeError("writer failed")
        assert (tmp_path / "sub" / "model.keras").read_bytes() == b"zip"
        assert sorted(p.name for p in (tmp_path / "sub").iterdir()) == ["model.keras"]
    finally:
        os.umask(previous)
