import pytest

from golden import SKIP, compare
from host_tools import scenario, sim


@pytest.mark.parametrize("name", [n for n in scenario.library() if n not in SKIP])
def test_virtual_board_trace_matches_golden(name):
    lines = []
    sim.run_scenario(scenario.load(name), lines.append)
    compare(name, lines, "cpython")
