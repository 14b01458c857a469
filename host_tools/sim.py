"""glide sim: run the unchanged firmware on a virtual board and print its serial console.

The virtual board gives firmware/main.py a virtual `machine` (Pin, PWM, ADC, WDT), a
virtual clock and a virtual console (host_tools/virtual/); a scenario drives its
potentiometer, buttons and serial input. Virtual time is deterministic: the same
scenario prints the same log, byte for byte, every time.
"""
import json
import os
import sys
import tempfile
import time

from . import FIRMWARE
from .scenario import ScenarioError, library, load

VIRTUAL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "virtual")
DEFAULT = "normal"
# The virtual board's glide.json: no boot window (nobody needs its REPL).
BOARD_CONFIG = {"boot_ms": 0}
# Everything a run imports, so the next run starts from a fresh board: the
# firmware, the virtual hardware, and the names boot.py installs it under.
MODULES = [f[:-3] for d in (FIRMWARE, VIRTUAL) for f in os.listdir(d) if f.endswith(".py")]
MODULES += ["utime", "usys", "uselect"]


def run_scenario(scn, emit, config=None, pace=0.0):
    """Run scenario scn on a fresh virtual board in this process; emit(line) gets each line.

    config: the board's glide.json as a dict (default BOARD_CONFIG).
    pace: wall seconds per virtual second (0: as fast as possible).
    """
    saved_path, saved_cwd = sys.path[:], os.getcwd()
    for name in MODULES:  # a fresh board: no module state from an earlier run
        sys.modules.pop(name, None)
    sys.path[:0] = [VIRTUAL, FIRMWARE]
    with tempfile.TemporaryDirectory(prefix="glide-board-") as fs:
        with open(os.path.join(fs, "glide.json"), "w") as f:
            json.dump(BOARD_CONFIG if config is None else config, f)
        os.chdir(fs)
        try:
            import boot
            import utime
            if pace:
                start, wall = utime.now, time.monotonic()

                def keep_pace(now):
                    lag = wall + (now - start) * pace / 1e6 - time.monotonic()
                    if lag > 0:
                        time.sleep(lag)
                utime.hooks.append(keep_pace)
            boot.run(scn.steps, scn.end_ms, emit)
        finally:
            os.chdir(saved_cwd)
            sys.path[:] = saved_path
            for name in MODULES:
                sys.modules.pop(name, None)


def add_arguments(p):
    p.add_argument("--scenario", default=DEFAULT,
                   help="a scenario name (%s) or file; default %s" % (", ".join(library()), DEFAULT))
    p.add_argument("--config", metavar="JSON", help="the board's glide.json (default: %s)"
                   % json.dumps(BOARD_CONFIG))
    pace = p.add_mutually_exclusive_group()
    pace.add_argument("--realtime", action="store_true", help="run at the speed of a real board")
    pace.add_argument("--speed", type=float, default=0.0,
                      help="run X times faster than real time (default: as fast as possible)")
    p.add_argument("--record", metavar="FILE", help="also write the log to FILE")


def run(args):
    try:
        scn = load(args.scenario)
        config = None
        if args.config:
            with open(args.config, encoding="utf-8") as f:
                config = json.load(f)
    except (ScenarioError, OSError, ValueError) as e:
        print("glide sim: %s" % e, file=sys.stderr)
        return 2
    pace = 1.0 if args.realtime else (1.0 / args.speed if args.speed > 0 else 0.0)
    rec = open(args.record, "w", encoding="utf-8") if args.record else None

    def emit(line):
        print(line, flush=bool(pace))
        if rec:
            rec.write(line + "\n")

    try:
        run_scenario(scn, emit, config, pace)
    finally:
        if rec:
            rec.close()
    return 0
