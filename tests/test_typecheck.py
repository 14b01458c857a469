"""Type-check firmware/ against the board APIs: the micropython-rp2 and -esp32 stubs.

`make test` installs the stubs into .stubs/<port>; each port's pyright config
(tests/typecheck/<port>/) leaves out the other port's board file.
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


@pytest.mark.parametrize("port", ["rp2", "esp32"])
def test_firmware_type_checks_against_board_stubs(port):
    stubs = os.path.join(ROOT, ".stubs", port, "machine.pyi")
    assert os.path.exists(stubs), "no %s stubs: run `make setup`" % port
    r = subprocess.run([PYRIGHT, "--outputjson", "-p", "pyrightconfig.json"],
                       cwd=os.path.join(ROOT, "tests", "typecheck", port),
                       capture_output=True, text=True, timeout=600)
    report = json.loads(r.stdout)
    errors = ["%s:%d %s" % (os.path.basename(d["file"]), d["range"]["start"]["line"] + 1,
                            d["message"]) for d in report["generalDiagnostics"]
              if d["severity"] == "error"]
    assert errors == []
    # every firmware file but the other port's board file and the manifest (a build
    # script, not board code) was checked
    assert report["summary"]["filesAnalyzed"] == len(glob.glob(os.path.join(FIRMWARE, "*.py"))) - 2
