"""glide sim: run a scenario through the glide controller and print its serial log."""
import sys
import time

from . import firmware_path
from .scenario import Skin, ScenarioError, load, library

DEFAULT = "normal"


def run_core(scn, emit, hz=200, pace=0.0, **settings):
    """Tick the controller at hz through scenario scn; emit(line) gets every log line.

    pace: seconds of wall time per simulated second (0: as fast as possible).
    """
    firmware_path()
    import commands
    import contact
    import controller
    import telemetry

    c = controller.Controller(emit, hz=hz, **settings)
    emit(telemetry.header(c))
    skin = Skin(contact.R_OPEN)
    period = 1000000 // hz
    steps, i, t_us = scn.steps, 0, 0
    wall0 = time.monotonic()
    while True:
        t_ms = t_us // 1000
        while i < len(steps) and steps[i][0] <= t_ms:
            t, kind, value = steps[i]
            i += 1
            if kind == "skin":
                skin.set(value)
            elif kind == "drift":
                skin.start_drift(t, value)
            else:
                reply = commands.handle(c, value)
                if reply:
                    emit(reply)
        if t_ms >= scn.end_ms:
            return c
        c.tick(period, skin.read(t_ms))
        t_us += period
        if pace:
            lag = wall0 + t_us * pace / 1e6 - time.monotonic()
            if lag > 0:
                time.sleep(lag)


def add_arguments(p):
    p.add_argument("--scenario", default=DEFAULT,
                   help="a scenario name (%s) or file; default %s" % (", ".join(library()), DEFAULT))
    p.add_argument("--hz", type=int, default=200, help="sampling rate, 50..1000 (default 200)")
    pace = p.add_mutually_exclusive_group()
    pace.add_argument("--realtime", action="store_true", help="run at the speed of a real board")
    pace.add_argument("--speed", type=float, default=0.0,
                      help="run X times faster than real time (default: as fast as possible)")
    p.add_argument("--record", metavar="FILE", help="also write the log to FILE")


def run(args):
    try:
        scn = load(args.scenario)
    except ScenarioError as e:
        print("glide sim: %s" % e, file=sys.stderr)
        return 2
    pace = 1.0 if args.realtime else (1.0 / args.speed if args.speed > 0 else 0.0)
    rec = open(args.record, "w", encoding="utf-8") if args.record else None

    def emit(line):
        print(line, flush=bool(pace))
        if rec:
            rec.write(line + "\n")

    try:
        run_core(scn, emit, hz=args.hz, pace=pace)
    except ValueError as e:
        print("glide sim: %s" % e, file=sys.stderr)
        return 2
    finally:
        if rec:
            rec.close()
    return 0

