"""glide bench: how fast the firmware runs on each runtime, and on the emulated micro:bit.

--target host (default) prints two tables: the controller's cost per tick in each mode
(the same code a board runs every 5 ms), and how many times faster than real time a
200 Hz session runs on the virtual board (wall time of `glide sim` against the scenario's
virtual time). A benchmark, not a test: those figures depend on the machine and its load.

--target qemu runs the firmware's own loop on the emulated micro:bit (host_tools/emu.py)
under -icount, where the clock counts instructions: per-mode tick cost, load, heap,
allocation, contact-loss latency and the highest rate held. --target pico runs the same
bench (host_tools/virtual/emubench.py) on the emulated Pico, the rp2 port in rp2040js
(host_tools/picosim.py), whose clock counts its cycles. Those figures are the same on
every run and every machine.
"""
import argparse
import subprocess
import sys
import tempfile
import time

from . import FIRMWARE, emu, picosim, scenario, sim, vm

SCENARIOS = ("normal", "every-mode", "idle-sleep")
HOST_RUNTIMES = ("cpython", "micropython")  # qemu's figures are --target qemu's


def progress(msg):
    """What the bench is doing now, on stderr: a run takes a minute or more."""
    print("glide bench: " + msg, file=sys.stderr, flush=True)


def at_least_1(text):
    """argparse type: a whole number of runs, 1 or more."""
    try:
        v = int(text)
    except ValueError:
        v = 0
    if v < 1:
        raise argparse.ArgumentTypeError("must be a whole number, 1 or more, not %r" % text)
    return v


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


def speedup(scn, runtime, repeat):
    """Best of `repeat` runs: (virtual seconds, wall seconds, x real time)."""
    best = None
    for i in range(repeat):
        progress("%s on %s, run %d of %d (%.0f virtual s)"
                 % (scn.name, runtime, i + 1, repeat, scn.end_ms / 1000))
        t0 = time.perf_counter()
        sim.run_scenario(scn, lambda line: None, runtime=runtime)
        wall = time.perf_counter() - t0
        best = wall if best is None else min(best, wall)
    return scn.end_ms / 1000, best, scn.end_ms / 1000 / best


MODES = sim.MODES
LOG_BUF = 512  # the emulated micro:bit's glide.json log_buf: a 2 KB ring is a fifth of its heap
FULL_RAM = 16384  # the nRF51822's whole RAM: the budget tried when the micro:bit's heap is too small


def emu_figures(run_code, budget, log_buf, modes=(0, 1, 2, 3), alloc_ticks=10000, say=None):
    """Run emubench on an emulated board with run_code(code, emit) (emu's at a shift, or
    picosim's); {key: [values...]} per result line."""
    got = {}

    def take(line):
        words = line.split()
        if words[:1] == ["import"]:  # import MODULE FREE
            got.setdefault("import", []).append((words[1], int(words[2])))
        elif words and words[0] in ("heap", "free_after_startup", "controller", "loop",
                                    "alloc", "latency", "rate", "best_rate"):
            got.setdefault(words[0], []).append([int(w) for w in words[1:] if w.lstrip("-").isdigit()])
            if say and words[0] in ("controller", "rate"):
                say(".")
    run_code("import emubench\nemubench.run(%d, %d, %r, %d)\n"
             % (budget, log_buf, tuple(modes), alloc_ticks), take)
    return got


def qemu_figures(shift, budget, modes=(0, 1, 2, 3), alloc_ticks=10000, say=None):
    """emu_figures on the emulated micro:bit at -icount shift."""
    return emu_figures(lambda code, emit: emu.run_code(code, emit, shift=shift, timeout=300),
                       budget, LOG_BUF, modes, alloc_ticks, say)


def qemu_table(shift, got, budget, out=print):
    """The bench table for one shift from qemu_figures."""
    out("emulated micro:bit: MicroPython 1.25 qemu port, Cortex-M0, -icount shift=%d "
        "(%d ns an instruction: %s)" % (shift, 1 << shift, emu.SHIFTS[shift]))
    out("heap budget %d B, glide.json log_buf %d, 200 Hz, level 5, moist skin (12 kohm)"
        % (budget, LOG_BUF))
    emu_table(got, 1 << shift, out)


def emu_table(got, ns, out=print):
    """The rows of the bench table from emu_figures; ns: emulated ns a cycle."""
    modes = [r[0] for r in got["controller"]]
    out("%-44s" % "" + "".join("%10s" % MODES[m] for m in modes))

    def row(name, key, f):
        out("%-44s" % name + "".join("%10s" % f(r) for r in got[key]))
    row("controller tick, mean us", "controller", lambda r: "%.1f" % (r[1] / 100))
    row("controller tick, mean cycles", "controller", lambda r: "%d" % (r[1] * 10 // ns))
    row("controller tick, max us", "controller", lambda r: r[2])
    row("loop iteration, mean us", "loop", lambda r: "%.1f" % (r[1] / 100))
    row("loop iteration, mean cycles", "loop", lambda r: "%d" % (r[1] * 10 // ns))
    row("loop iteration, max us", "loop", lambda r: r[2])
    row("CPU load at 200 Hz, %", "loop", lambda r: r[5])
    row("overruns in 1000 ticks", "loop", lambda r: r[3])
    row("heap free after start-up, B", "free_after_startup", lambda r: r[1])
    row("heap free in treatment, B", "alloc", lambda r: r[4])
    row("heap allocated per tick, B (freed at once)", "alloc",
        lambda r: "%.1f" % (r[2] / r[1]) if r[2] >= 0 else "n/a")  # -1: no mem_total
    row("garbage per tick, B", "alloc", lambda r: "%.2f" % (r[3] / r[1]))
    row("ticks measured for the heap", "alloc", lambda r: r[1])
    row("contact loss -> output 0, us", "latency", lambda r: r[1])
    row("contact loss -> output 0, ticks", "latency", lambda r: "same" if r[2] == 1 else r[2])
    rates = " ".join("%d Hz: %s" % (r[0], "%d overruns" % r[1] if r[1] else "0 overruns, load %d %%"
                                    % r[2]) for r in got["rate"])
    out("highest rate with 0 overruns for 2 s (LIFT): %d Hz (%s)" % (got["best_rate"][0][0], rates))
    free = got["heap"][0][1]
    taken = []
    for name, left in got["import"]:
        taken.append("%s %d" % (name, free - left))
        free = left
    out("heap taken by importing each frozen module, B: " + ", ".join(taken))


# Ticks a mode for the heap rows: at 200 Hz 10,000 are 50 s of emulated time a mode, which
# rp2040js runs at about a wall second each; with 2,000 the whole bench takes 70 s.
PICO_ALLOC_TICKS = 2000
PICO_NS = 8  # rp2040js's clk_sys: 125 MHz, the Pico's


def pico_figures(modes=(0, 1, 2, 3), alloc_ticks=PICO_ALLOC_TICKS, say=None):
    """emu_figures on the emulated Pico: the port's own heap (no budget), glide.json's
    default log_buf."""
    return emu_figures(picosim.run_code, 0, sim._config().defaults()["log_buf"], modes,
                       alloc_ticks, say)


def pico_table(got, out=print):
    """The bench table of the emulated Pico from pico_figures."""
    out("emulated Pico: MicroPython 1.25 rp2 port in rp2040js, RP2040 (Cortex-M0+) at "
        "125 MHz (%d ns a cycle, as rp2040js counts cycles)" % PICO_NS)
    out("heap: the port's own (%d B free before the firmware is imported), glide.json "
        "log_buf %d, 200 Hz, level 5, moist skin (12 kohm)"
        % (got["heap"][0][1], sim._config().defaults()["log_buf"]))
    emu_table(got, PICO_NS, out)


def bench_qemu(shifts, out=print):
    for shift in shifts:
        budget = emu.BUDGET
        progress("the emulated micro:bit at shift %d (a dot a mode, then a rate tried)" % shift)
        try:
            got = qemu_figures(shift, budget, say=lambda s: print(s, end="", file=sys.stderr, flush=True))
        except emu.EmuError as e:
            if "MemoryError" not in str(e):
                raise
            # Say where it ran out, then show the figures with the chip's whole RAM as heap.
            out("shift %d: the firmware does not fit a %d B heap: %s"
                % (shift, budget, str(e).strip().splitlines()[-1]))
            budget = FULL_RAM
            got = qemu_figures(shift, budget, say=lambda s: print(s, end="", file=sys.stderr, flush=True))
        print(file=sys.stderr)
        qemu_table(shift, got, budget, out)
        out("")


def add_arguments(p):
    p.add_argument("--target", choices=("host", "qemu", "pico"), default="host",
                   help="host: CPython and the MicroPython VM on this machine (default); "
                        "qemu: the emulated micro:bit, instruction-counted; pico: the "
                        "emulated Pico (rp2040js), cycle-counted")
    p.add_argument("--shift", type=int, action="append", choices=sorted(emu.SHIFTS),
                   help="qemu: -icount shift(s) (default: 6 and 3)")
    p.add_argument("--runtime", choices=HOST_RUNTIMES, action="append",
                   help="host: runtime(s) to time (default: cpython and micropython)")
    p.add_argument("--scenario", action="append", help="scenario(s) (default: %s)"
                   % ", ".join(SCENARIOS))
    p.add_argument("--repeat", type=at_least_1, default=3, help="runs per figure, best kept (default 3)")


def run(args):
    if args.target == "pico":
        progress("the emulated Pico (a dot a mode, then a rate tried; about 70 s)")
        try:
            got = pico_figures(say=lambda s: print(s, end="", file=sys.stderr, flush=True))
        except (picosim.PicoError, emu.EmuError) as e:
            print("glide bench: %s" % e, file=sys.stderr)
            return 1
        print(file=sys.stderr)
        pico_table(got)
        return 0
    if args.target == "qemu":
        try:
            bench_qemu(args.shift or [6, 3])
        except emu.EmuError as e:
            print("glide bench: %s" % e, file=sys.stderr)
            return 1
        return 0
    runtimes = args.runtime or list(HOST_RUNTIMES)
    try:
        scns = [scenario.load(name) for name in args.scenario or SCENARIOS]
        if "micropython" in runtimes:
            vm.check()
    except (scenario.ScenarioError, OSError, vm.VMError) as e:
        print("glide bench: %s" % e, file=sys.stderr)
        return 2
    print("controller tick, us (200 Hz, level 5, in contact)")
    print("%-12s %8s %8s %8s %8s" % ("runtime", "ADV", "LIFT", "TAP", "SCULPT"))
    for rt in runtimes:
        progress("controller ticks in each mode on %s" % rt)
        print("%-12s %8.1f %8.1f %8.1f %8.1f" % ((rt,) + tuple(ns / 1000 for ns in tick_cost(rt))),
              flush=True)
    print()
    print("%-12s %-12s %9s %9s %12s" % ("runtime", "scenario", "virtual s", "wall s", "x real time"))
    for rt in runtimes:
        for scn in scns:
            v, wall, x = speedup(scn, rt, args.repeat)
            print("%-12s %-12s %9.1f %9.3f %12.0f" % (rt, scn.name, v, wall, x), flush=True)
    return 0
