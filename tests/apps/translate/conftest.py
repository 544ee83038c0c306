import pytest

from seqkit.apps.translate.application import EMBEDDED_DIR


@pytest.fixture(scope="session")
def small_pairs(tmp_path_factory):
    """A TSV of 400 training and a prefix of 40 aligned validation pairs from the embedded date corpus."""
    folder = tmp_path_factory.mktemp("pairs")
    lines = (EMBEDDED_DIR / "train.tsv").read_text(encoding="utf-8").splitlines()
    (folder / "train.tsv").write_text("\n".join(lines[:401]) + "\n", encoding="utf-8")
    valid = [line.split("\t") for line in (EMBEDDED_DIR / "valid.tsv").read_text(encoding="utf-8").splitlines()[1:41]]
    (folder / "valid.txt").write_text("".join(source + "\n" for source, _ in valid), encoding="utf-8")
    (folder / "valid.iso").write_text("".join(target + "\n" for _, target in valid), encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def trained_run(tmp_path_factory, small_pairs):
    """`seqkit translate fit` from the CLI on a table with aligned validation files, tiny preset."""
    from click.testing import CliRunner

    from seqkit.cli.main import cli

    out = tmp_path_factory.mktemp("runs") / "translate"
    result = CliRunner().invoke(
        cli,
        [
            "translate", "fit", "--data", str(small_pairs / "train.tsv"), "--valid", str(small_pairs / "valid"),
            "--source-lang", "txt", "--target-lang", "iso", "--out", str(out), "--preset", "tiny", "--epochs", "2",
            "--seed", "1", "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    return out, result.output
