"""The same firmware, the same scenario, two runtimes: CPython and the official
MicroPython VM must print the same log, and both must equal the golden trace."""
import pytest

from golden import SKIP, compare
from host_tools import check, scenario, sim, trace, vm

NAMES = scenario.library()


@pytest.fixture(scope="module", autouse=True)
def have_vm():
    vm.check()  # fails with what to install: CI installs it, so never a skip


def run(name, runtime):
    lines = []
    sim.run_scenario(scenario.load(name), lines.append, runtime=runtime)
    return lines


@pytest.mark.parametrize("name", NAMES)
def test_micropython_vm_matches_cpython_and_passes_the_checker(name):
    mp = run(name, "micropython")
    c = check.check_records(trace.parse(mp))
    assert [str(v) for v in c.violations] == [] and c.status_lines > 0
    if name in SKIP:
        cp = [l for l in run(name, "cpython") if not l.startswith("T ")]
        mp = [l for l in mp if not l.startswith("T ")]
        assert mp == cp
    else:
        compare(name, mp, "micropython")


def test_timing_lines_are_the_runtimes_own():
    # T lines are left out of the comparison: free= is each runtime's own heap.
    mp = [l for l in run("normal", "micropython") if l.startswith("T ")]
    assert mp and all(" free=-1" not in l for l in mp)
