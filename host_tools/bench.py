"""glide bench: how fast the firmware runs on each runtime.

Prints two tables: the controller's cost per tick in each mode (the same code a board
runs every 5 ms), and how many times faster than real time a 200 Hz session runs on the
virtual board (wall time of `glide sim` against the scenario's virtual time).
A benchmark, not a test: the figures depend on the machine and its load.
"""
import subprocess
import sys
import tempfile
import time

from . import FIRMWARE, scenario, sim, vm

SCENARIOS = ("normal", "every-mode", "idle-sleep")


# Runs unchanged on CPython and MicroPython: times N ticks of a treating controller
# per mode, on the runtime's own microsecond clock (1 ms steps in the WebAssembly port,
# hence many ticks).
TICK_CODE = """
try:
    from utime import ticks_us, ticks_diff
except ImportError:
    from time import perf_counter_ns
    def ticks_us():
        return perf_counter_ns() // 1000
    def ticks_diff(a, b):
        return a - b
import controller
N = %d
for mode in range(4):
    c = controller.Controller(lambda line: None, stuck_ms=0, status_ms=0)
    c.set_mode(mode)
    c.set_level(5)
    c.start()
    for i in range(1000):
        c.tick(5000, 12000 + (i & 1))
    t0 = ticks_us()
    for i in range(N):
        c.tick(5000, 12000 + (i & 1))
    print("tick %%d %%d" %% (mode, ticks_diff(ticks_us(), t0) * 1000 // N))
"""


def tick_cost(runtime, n=20000):
    """Nanoseconds per controller tick for each mode (0..3) on runtime."""
    lines = []
    code = TICK_CODE % n
    if runtime == "micropython":
        with tempfile.TemporaryDirectory() as board:
            vm.run_code(code, lines.append, board)
    else:
        out = subprocess.run([sys.executable, "-c", "import sys; sys.path.insert(0, %r)\n%s"
                              % (FIRMWARE, code)], capture_output=True, text=True, check=True)
        lines = out.stdout.splitlines()
    return [int(l.split()[2]) for l in lines if l.startswith("tick ")]


def speedup(name, runtime, repeat):
    """Best of `repeat` runs: (virtual seconds, wall seconds, x real time)."""
    scn = scenario.load(name)
    best = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        sim.run_scenario(scn, lambda line: None, runtime=runtime)
        wall = time.perf_counter() - t0
        best = wall if best is None else min(best, wall)
    return scn.end_ms / 1000, best, scn.end_ms / 1000 / best


def add_arguments(p):
    p.add_argument("--runtime", choices=sim.RUNTIMES, action="append",
                   help="runtime(s) to time (default: both)")
    p.add_argument("--scenario", action="append", help="scenario(s) (default: %s)"
                   % ", ".join(SCENARIOS))
    p.add_argument("--repeat", type=int, default=3, help="runs per figure, best kept (default 3)")


def run(args):
    runtimes = args.runtime or list(sim.RUNTIMES)
    names = args.scenario or list(SCENARIOS)
    print("controller tick, us (200 Hz, level 5, in contact)")
    print("%-12s %8s %8s %8s %8s" % ("runtime", "ADV", "LIFT", "TAP", "SCULPT"))
    for rt in runtimes:
        print("%-12s %8.1f %8.1f %8.1f %8.1f" % ((rt,) + tuple(ns / 1000 for ns in tick_cost(rt))),
              flush=True)
    print()
    print("%-12s %-12s %9s %9s %12s" % ("runtime", "scenario", "virtual s", "wall s", "x real time"))
    for rt in runtimes:
        for name in names:
            v, wall, x = speedup(name, rt, args.repeat)
            print("%-12s %-12s %9.1f %9.3f %12.0f" % (rt, name, v, wall, x), flush=True)
    return 0
