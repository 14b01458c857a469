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
