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


def test_tensorflow_start_up_noise_is_silenced_unless_debugging():
    import os
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from seqkit.cli.main import import_tensorflow_quietly, needs_tensorflow\n"
        "assert needs_tensorflow(['ner', 'fit', '--out', 'x']) and not needs_tensorflow(['ner', '--help'])\n"
        "assert not needs_tensorflow(['--version']) and not needs_tensorflow(['ner', 'fit', '-h'])\n"
        "import os\n"
        "if os.environ.get('SEQKIT_DEBUG') != '1':\n"
        "    import_tensorflow_quietly()\n"
        "import tensorflow as tf\n"
        "print(int(tf.reduce_sum(tf.range(4))))\n"
        "print('python stderr still works', file=sys.stderr)\n"
    )
    env = {key: value for key, value in os.environ.items() if key not in ("TF_CPP_MIN_LOG_LEVEL", "SEQKIT_DEBUG")}
    quiet = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stdout == "6\n"
    assert quiet.stderr == "python stderr still works\n"
    loud = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env={**env, "SEQKIT_DEBUG": "1"}, timeout=120)
    assert loud.returncode == 0, loud.stderr
    assert any(line in loud.stderr for line in ("oneDNN", "cpu_feature_guard", "cuda")), loud.stderr
