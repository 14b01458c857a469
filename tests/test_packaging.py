"""glide as a package: one version, ruff clean, and `pip install .` working outside the
checkout (issue 10, items 3 and 5)."""
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib

import pytest

from host_tools import FIRMWARE, cli, version

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)


def test_one_version_for_firmware_package_json_manifest_and_pyproject(capsys):
    with open(os.path.join(ROOT, "package.json")) as f:
        assert json.load(f)["version"] == version()
    with open(os.path.join(FIRMWARE, "manifest.py")) as f:
        assert re.search(r'version="(.*)"', f.read()).group(1) == version()
    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as f:
        project = tomllib.load(f)
    assert project["project"]["dynamic"] == ["version"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "host_tools.firmware.main.VERSION"}
    with pytest.raises(SystemExit) as e:
        cli.main(["--version"])
    assert e.value.code == 0
    assert capsys.readouterr().out == "glide %s\n" % version()


def test_ruff_check_passes():
    r = subprocess.run([os.path.join(BIN, "ruff"), "check", "--no-cache", "."], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr


# What a copy of the checkout leaves out: the build's byproducts and what make installs.
# A copy, not the checkout itself: pip builds in the source tree (build/, *.egg-info),
# where make's editable install of another run may be writing at the same time.
SKIP = shutil.ignore_patterns(".git", ".venv", ".stubs", ".hypothesis", ".pytest_cache",
                              "node_modules", "build", "*.egg-info", "__pycache__")


@pytest.mark.slow  # a fresh venv and its dependencies from the local mirror: 15 s here
def test_pip_install_outside_the_checkout_gives_a_working_glide(tmp_path):
    src, venv, work = tmp_path / "src", tmp_path / "venv", tmp_path / "work"
    shutil.copytree(ROOT, src, ignore=SKIP)
    work.mkdir()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    r = subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", str(src)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    shutil.rmtree(src)  # the installed glide must not need it
    glide = str(venv / "bin" / "glide")

    def run(*args):
        # from an unrelated directory, so nothing resolves against the checkout
        return subprocess.run([glide, *args], cwd=work, capture_output=True, text=True,
                              timeout=300)

    r = run("--help")
    assert r.returncode == 0 and "sim" in r.stdout, r.stderr
    assert run("--version").stdout == "glide %s\n" % version()
    r = run("sim", "--scenario", "normal", "--record", "normal.log")
    assert r.returncode == 0, r.stderr
    r = run("check", "normal.log")
    assert r.returncode == 0, r.stdout + r.stderr
    # The MicroPython VM's npm package is not in the wheel: the error names where it goes.
    r = run("sim", "--runtime", "micropython")
    assert r.returncode != 0
    wasm = subprocess.run([str(venv / "bin" / "python"), "-c",
                           "import host_tools.vm as v; print(v.HERE)"],
                          cwd=work, capture_output=True, text=True, check=True).stdout.strip()
    assert wasm.startswith(str(venv)) and os.path.exists(os.path.join(wasm, "run.mjs"))
    assert os.path.exists(os.path.join(wasm, "package-lock.json"))
    if shutil.which("node"):
        assert "npm ci --prefix %s" % wasm in r.stderr
    # glide web's page is in the wheel; its npm packages (the VM, uPlot) are wasm/'s.
    for f in ("index.html", "page.mjs", "board.mjs", "style.css"):
        assert os.path.exists(os.path.join(os.path.dirname(wasm), "web", f)), f
    r = run("web")
    assert r.returncode == 2 and "npm ci --prefix %s" % wasm in r.stderr


def test_make_run_is_glide_sim_as_the_readme_says():
    r = subprocess.run(["make", "--no-print-directory", "-n", "run", "ARGS=--scenario auto-off"], cwd=ROOT,
                       capture_output=True, text=True, check=True, timeout=60)
    assert r.stdout.splitlines()[-1] == ".venv/bin/glide sim --scenario auto-off"
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    for said in ("runs `.venv/bin/glide sim`", "`make setup`", "`. .venv/bin/activate`",
                 'ARGS="--scenario auto-off"'):
        assert said in readme
