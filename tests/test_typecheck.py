"""Type-check firmware/ against the board APIs: the micropython-rp2 and -esp32 stubs.

`make setup` installs the stubs into .stubs/<port>. The root pyrightconfig.json, which
editors and a bare `pyright` use, is the Pico's (rp2) check; the ESP32's is the same
config with its stubs and the other board file left out, so the two cannot drift.
"""
import glob
import json
import os
import subprocess
import sys

import pytest

from host_tools import FIRMWARE

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PYRIGHT = os.path.join(os.path.dirname(sys.executable), "pyright")


def port_config(port, where):
    """The root config for port (rp2 or esp32), to be written in the folder where
    (pyright takes only paths relative to its config's folder)."""
    with open(os.path.join(ROOT, "pyrightconfig.json")) as f:
        text = f.read()
    if port == "esp32":
        text = text.replace(".stubs/rp2", ".stubs/esp32").replace("board_esp32.py", "board_pico.py")
    cfg = json.loads(text)
    for key in ("include", "exclude", "extraPaths"):
        cfg[key] = [os.path.relpath(os.path.join(ROOT, p), where) for p in cfg[key]]
    for key in ("stubPath", "typeshedPath"):
        cfg[key] = os.path.relpath(os.path.join(ROOT, cfg[key]), where)
    return cfg


@pytest.mark.parametrize("port", ["rp2", "esp32"])
def test_firmware_type_checks_against_board_stubs(port, tmp_path):
    stubs = os.path.join(ROOT, ".stubs", port, "machine.pyi")
    assert os.path.exists(stubs), "no %s stubs: run `make setup`" % port
    (tmp_path / "pyrightconfig.json").write_text(json.dumps(port_config(port, tmp_path)))
    r = subprocess.run([PYRIGHT, "--outputjson", "-p", "pyrightconfig.json"],
                       cwd=tmp_path, capture_output=True, text=True, timeout=600)
    report = json.loads(r.stdout)
    errors = ["%s:%d %s" % (os.path.basename(d["file"]), d["range"]["start"]["line"] + 1,
                            d["message"]) for d in report["generalDiagnostics"]
              if d["severity"] == "error"]
    assert errors == []
    # every firmware file but the other port's board file and the manifest (a build
    # script, not board code) was checked
    assert report["summary"]["filesAnalyzed"] == len(glob.glob(os.path.join(FIRMWARE, "*.py"))) - 2
