"""glide bench: how fast the firmware runs: the virtual board on each runtime.

Prints, for each runtime, how many times faster than real time a 200 Hz session runs
on the virtual board (wall time of `glide sim` against the scenario's virtual time).
A benchmark, not a test: the figures depend on the machine and its load.
"""
import time

from . import scenario, sim

SCENARIOS = ("normal", "every-mode", "idle-sleep")


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
    print("%-12s %-12s %9s %9s %12s" % ("runtime", "scenario", "virtual s", "wall s", "x real time"))
    for rt in runtimes:
        for name in names:
            v, wall, x = speedup(name, rt, args.repeat)
            print("%-12s %-12s %9.1f %9.3f %12.0f" % (rt, name, v, wall, x), flush=True)
    return 0
