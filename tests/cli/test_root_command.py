import subprocess
import sys

from click.testing import CliRunner

import seqkit
from seqkit.cli.main import APPLICATIONS, cli


def test_version():
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert seqkit.__version__ in result.output


def test_help_lists_every_application():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in APPLICATIONS:
        assert f"  {name}" in result.output


def test_help_does_not_import_tensorflow():
    code = (
        "import sys\n"
        "from seqkit.cli.main import cli\n"
        "for args in (['--help'], ['ner', '--help'], ['ner', 'fit', '--help'], ['ner', 'predict', '--help']):\n"
        "    try:\n"
        "        cli(args, prog_name='seqkit')\n"
        "    except SystemExit as exit:\n"
        "        assert exit.code == 0, args\n"
        "print(sorted(m for m in ('tensorflow', 'keras', 'pandas') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_unknown_application_and_bad_option_values_exit_2():
    runner = CliRunner()
    assert runner.invoke(cli, ["nosuchapp"]).exit_code == 2
    result = runner.invoke(cli, ["ner", "fit", "--cell", "transformer"])
    assert result.exit_code == 2
    assert "transformer" in result.output
    result = runner.invoke(cli, ["ner", "fit", "--data", "/nonexistent/train.txt"])
    assert result.exit_code == 2
    assert "/nonexistent/train.txt" in result.output
