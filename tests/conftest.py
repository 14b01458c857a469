import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from host_tools import firmware_path  # noqa: E402

firmware_path()

import pytest  # noqa: E402


@pytest.fixture
def make():
    """make(**settings) -> (controller, list of the lines it logged)."""
    import controller

    def _make(**kw):
        lines = []
        return controller.Controller(lines.append, **kw), lines
    return _make


@pytest.fixture
def virtual(monkeypatch):
    """Fresh virtual hardware, installed as the firmware sees it (utime, usys, uselect,
    machine). Returns an import function: virtual("hw") imports firmware/hw.py on it.
    """
    import importlib
    from host_tools import sim

    for name in sim.MODULES:
        monkeypatch.delitem(sys.modules, name, raising=False)
    monkeypatch.syspath_prepend(sim.VIRTUAL)
    importlib.import_module("boot")
    yield importlib.import_module
    for name in sim.MODULES:
        sys.modules.pop(name, None)


# Tests marked slow run only when CI is set (`CI=true make test`; the Makefile
# passes -m "not slow" otherwise). Besides those marked in their own file:
# the MicroPython VM through the 20-minute auto-off session (30-70 s alone).
SLOW = {"test_conformance.py::test_micropython_vm_matches_cpython_and_passes_the_checker[auto-off]"}


@pytest.hookimpl(tryfirst=True)  # before -m deselects by marker
def pytest_collection_modifyitems(items):
    for item in items:
        if item.nodeid.rsplit("/", 1)[-1] in SLOW:
            item.add_marker(pytest.mark.slow)
