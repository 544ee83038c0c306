"""The distribution installs `seqkit` (with `apps/` as `seqkit.apps`) and nothing else at top level."""

import configparser
import pathlib
import subprocess
import sys
import zipfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _declared_packages():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    return set(config["options"]["packages"].split())


def _package_dirs():
    found = set()
    for top, prefix in (("seqkit", "seqkit"), ("apps", "seqkit.apps")):
        for init in (ROOT / top).rglob("__init__.py"):
            relative = init.parent.relative_to(ROOT / top).parts
            found.add(".".join((prefix, *relative)))
    return found


def test_every_package_is_declared_in_setup_cfg():
    assert _package_dirs() == _declared_packages()


@pytest.mark.slow
def test_wheel_has_no_generic_top_level_module(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("seqkit-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert top_level == {"seqkit"}
    assert "seqkit/apps/ner/__init__.py" in names
    assert "seqkit/cli/main.py" in names


def test_security_floors_are_declared():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    requires = config["options"]["install_requires"].split()
    assert "keras>=3.9" in requires  # safe_mode bypasses before 3.9 (CVE-2025-1550)
    assert not any(r.startswith("keras-nlp") for r in requires)  # never imported; keras-hub is
    from packaging.specifiers import SpecifierSet

    python = SpecifierSet(config["options"]["python_requires"])
    assert "3.10.11" not in python and "3.11.3" not in python  # no tarfile extraction filters
    assert "3.10.12" in python and "3.11.4" in python and "3.12.0" in python
