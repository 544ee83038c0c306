import pathlib
import subprocess
import sys

import pytest

from seqkit.data import conll
from seqkit.data.generated_corpus import generator_main, stale_files

DOC = """Generates a tiny corpus for the tests.

More text that is not the description.
"""
APPS = pathlib.Path(__file__).resolve().parents[2] / "apps"


def _generate(seed):
    return {"train.txt": f"train {seed}\n", "valid.txt": f"valid {seed}\nü\n"}


def test_write_mode_writes_every_file(tmp_path, capsys):
    assert generator_main(DOC, _generate, tmp_path, []) == 0
    assert (tmp_path / "train.txt").read_bytes() == b"train 2026\n"
    assert (tmp_path / "valid.txt").read_bytes() == "valid 2026\nü\n".encode("utf-8")
    out = capsys.readouterr().out
    assert f"wrote {tmp_path / 'train.txt'} (1 line)" in out
    assert f"wrote {tmp_path / 'valid.txt'} (2 lines)" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["train.txt", "valid.txt"]  # no temporary left


def test_seed_and_out_options(tmp_path):
    out = tmp_path / "elsewhere"
    assert generator_main(DOC, _generate, tmp_path / "unused", ["--seed", "7", "--out", str(out)]) == 0
    assert (out / "train.txt").read_text() == "train 7\n"
    assert not (tmp_path / "unused").exists()


def test_check_mode_passes_on_matching_files(tmp_path, capsys):
    generator_main(DOC, _generate, tmp_path, [])
    capsys.readouterr()
    assert generator_main(DOC, _generate, tmp_path, ["--check"]) == 0
    assert capsys.readouterr().out == "corpus files match the generator: train.txt, valid.txt\n"


def test_check_mode_names_a_modified_file_and_leaves_it_alone(tmp_path, capsys):
    generator_main(DOC, _generate, tmp_path, [])
    (tmp_path / "valid.txt").write_bytes(b"valid 2026\r\n\xc3\xbc\r\n")  # same text, other line ends
    capsys.readouterr()
    assert generator_main(DOC, _generate, tmp_path, ["--check"]) == 1
    captured = capsys.readouterr()
    assert "valid.txt" in captured.err and "train.txt" not in captured.err
    assert f"{tmp_path / 'valid.txt'} differs" in captured.err
    assert captured.out == ""
    assert (tmp_path / "valid.txt").read_bytes() == b"valid 2026\r\n\xc3\xbc\r\n"


def test_check_mode_reports_missing_files_and_another_seed(tmp_path, capsys):
    generator_main(DOC, _generate, tmp_path, [])
    (tmp_path / "train.txt").unlink()
    assert stale_files(_generate(2026), tmp_path) == ["train.txt"]
    assert stale_files(_generate(5), tmp_path) == ["train.txt", "valid.txt"]
    assert generator_main(DOC, _generate, tmp_path, ["--check"]) == 1
    assert "out of date: train.txt" in capsys.readouterr().err
    assert not (tmp_path / "train.txt").exists()


def test_description_is_the_first_docstring_line(tmp_path, capsys):
    with pytest.raises(SystemExit) as info:
        generator_main(DOC, _generate, tmp_path, ["--help"])
    assert info.value.code == 0
    assert "Generates a tiny corpus for the tests." in capsys.readouterr().out
    assert not list(tmp_path.iterdir())


def test_format_conll_is_what_write_conll_writes(tmp_path):
    sentences = [(["New", "York", "wins"], ["B-LOC", "I-LOC", "O"]), (["Ann"], ["B-PER"])]
    for scheme in ("iob2", "iob1", "bioes"):
        path = conll.write_conll(tmp_path / f"{scheme}.txt", sentences, scheme=scheme)
        assert path.read_text(encoding="utf-8") == conll.format_conll(sentences, scheme=scheme)
    assert conll.format_conll(sentences) == "New B-LOC\nYork I-LOC\nwins O\n\nAnn B-PER\n"
    assert conll.format_conll([]) == ""
    with pytest.raises(ValueError, match="Received: scheme='bilou'"):
        conll.format_conll(sentences, scheme="bilou")


@pytest.mark.parametrize(
    "script",
    ["ner/data/make_corpus.py", "lm/data/make_names.py", "sentiment/data/make_reviews.py", "translate/data/make_dates.py"],
)
def test_embedded_corpus_is_up_to_date(script):
    result = subprocess.run(
        [sys.executable, str(APPS / script), "--check"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("corpus files match the generator: ")
