"""glide sim: run the unchanged firmware on a virtual board and print its serial console.

The virtual board gives firmware/main.py a virtual `machine` (Pin, PWM, ADC, WDT), a
virtual clock and a virtual console (host_tools/virtual/); a scenario drives its
potentiometer, buttons and serial input. Virtual time is deterministic: the same
scenario prints the same log, byte for byte, every time and on either runtime:
CPython, or the official MicroPython VM (--runtime micropython). --runtime qemu runs it
on the emulated micro:bit instead (host_tools/emu.py): MicroPython's qemu port on an
instruction-counted Cortex-M0, its own log byte-identical from run to run.
"""
import contextlib
import importlib
import json
import os
import sys
import tempfile
import time

from . import FIRMWARE, emu, firmware_path, vm
from .monitor import bar
from .scenario import ScenarioError, library, load

VIRTUAL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "virtual")
DEFAULT = "normal"
RUNTIMES = ("cpython", "micropython", "qemu")
# The emulated board runs the scenario player inside the tick; at the micro:bit's
# 16 MHz-class speed its cost would overrun the loop (docs/emulator.md).
SIM_SHIFT = 3
# The virtual board's glide.json: no boot window (nobody needs its REPL).
BOARD_CONFIG = {"boot_ms": 0}
# Everything a run imports, so the next run starts from a fresh board: the
# firmware, the virtual hardware, and the names boot.py installs it under.
MODULES = [f[:-3] for d in (FIRMWARE, VIRTUAL) for f in os.listdir(d) if f.endswith(".py")]
MODULES += ["utime", "usys", "uselect"]
FRAME_MS = 50  # LED frames for the terminal bars and pacing: 20 a second


def run_scenario(scn, emit, config=None, runtime="cpython", frame_ms=0, shift=SIM_SHIFT,
                 realtime=False):
    """Run scenario scn on a fresh virtual board; emit(line) gets each line.

    config: the board's glide.json as a dict (default BOARD_CONFIG); on cpython also as
    bytes, the file as it is (to boot on a broken one).
    runtime: "cpython" (in this process), "micropython" (the MicroPython VM, vm.py) or
    "qemu" (the emulated micro:bit, emu.py, with -icount shift and realtime).
    frame_ms: also emit an "@ t=..." LED line every frame_ms of virtual time (0: none;
    not on qemu, whose console carries the firmware's bytes only).
    """
    config = BOARD_CONFIG if config is None else config
    if isinstance(config, dict):
        config = dict(scn.config, **config)  # what the scenario needs, unless overridden
    with _board(config):
        import boot
        check_sensor(scn)
        if runtime == "cpython":
            return boot.run(scn.steps, scn.end_ms, emit, frame_ms)
    if runtime == "micropython":
        return vm.run_scenario(scn, emit, config, frame_ms)
    return emu.run_scenario(scn, emit, config, shift, realtime)


@contextlib.contextmanager
def _board(config):
    """A fresh virtual board in this process (no module state from an earlier run), its
    filesystem a temporary folder with config as its glide.json."""
    saved_path, saved_cwd = sys.path[:], os.getcwd()
    for name in MODULES:
        sys.modules.pop(name, None)
    sys.path[:0] = [VIRTUAL, FIRMWARE]
    with tempfile.TemporaryDirectory(prefix="glide-board-") as fs:
        with open(os.path.join(fs, "glide.json"), "wb") as f:
            f.write(config if isinstance(config, bytes) else json.dumps(config).encode())
        os.chdir(fs)
        try:
            yield
        finally:
            os.chdir(saved_cwd)
            sys.path[:] = saved_path
            for name in MODULES:
                sys.modules.pop(name, None)


def check_sensor(scn):
    """Raise ScenarioError, naming the line, at the first skin step the board's sensor
    cannot read: its pot as the board's own config.load sets it up (in _board)."""
    cfg, _ = importlib.import_module("config").load()
    scene = importlib.import_module("scene")
    table = importlib.import_module("hw").pot_table(cfg["pot_min_ohm"], cfg["pot_max_ohm"])
    for i, (_, kind, value) in enumerate(scn.steps):
        why = scene.unreadable(table, kind, value)
        if why:
            raise ScenarioError("%s: %s" % (scn.where(i), why))


class Display:
    """Prints the console; on a terminal, keeps a line of LED bars under it, and paces
    the run to `pace` wall seconds per virtual second (0: as fast as it goes)."""

    def __init__(self, out, pace=0.0, record=None):
        self.out, self.pace, self.record = out, pace, record
        self.tty = out.isatty()
        self.bars = ""
        self.wall0 = None

    def line(self, text):
        if text.startswith("@ "):
            self._frame(dict(kv.split("=") for kv in text[2:].split()))
            return
        if self.record:
            self.record.write(text + "\n")
        if self.tty and self.bars:
            self.out.write("\r\033[K")
        self.out.write(text + "\n")
        if self.tty and self.bars:
            self.out.write(self.bars)
        if self.pace or self.tty:
            self.out.flush()

    def _frame(self, f):
        t = int(f["t"])
        if self.pace:
            if self.wall0 is None:
                self.wall0 = time.monotonic() - t * self.pace / 1000
            lag = self.wall0 + t * self.pace / 1000 - time.monotonic()
            if lag > 0:
                time.sleep(lag)
        if self.tty:
            duty = int(f["out"])
            self.bars = "\r\033[Koutput %s %3d%% [+%s -%s] [status %s] t=%.1fs" % (
                bar(duty, 65535, 20), duty * 100 // 65535, "*" if f["pos"] == "1" else " ",
                "*" if f["neg"] == "1" else " ", "*" if f["status"] == "1" else " ", t / 1000)
            self.out.write(self.bars)
            self.out.flush()

    def close(self):
        if self.tty and self.bars:
            self.out.write("\n")


def read_config(path):
    """The settings in the glide.json at path, read by the firmware's own config.py (one
    syntax on every runtime; CPython's json took NaN and died of 1,000 nested lists)."""
    with open(path, "rb") as f:
        text = f.read()
    firmware_path()
    data, why = importlib.import_module("config").parse(text)
    if why:
        raise ValueError("%s %s" % (path, why))
    return data


def add_arguments(p):
    p.add_argument("--scenario", default=DEFAULT,
                   help="a scenario name (%s) or file; default %s" % (", ".join(library()), DEFAULT))
    p.add_argument("--runtime", choices=RUNTIMES, default="cpython",
                   help="run the firmware on CPython (default), in the MicroPython VM, or on "
                        "the emulated micro:bit (qemu)")
    p.add_argument("--shift", type=int, choices=sorted(emu.SHIFTS), default=SIM_SHIFT,
                   help="qemu: -icount shift (6: 16 MHz-class, 3: 125 MHz-class; default %d)"
                   % SIM_SHIFT)
    p.add_argument("--mode", help="start in this mode (ADV, LIFT, TAP, SCULPT)")
    p.add_argument("--level", type=int, help="start at this level (1..5)")
    p.add_argument("--config", metavar="JSON", help="the board's glide.json (default: %s)"
                   % json.dumps(BOARD_CONFIG))
    pace = p.add_mutually_exclusive_group()
    pace.add_argument("--realtime", action="store_true", help="run at the speed of a real board")
    pace.add_argument("--speed", type=float, default=0.0,
                      help="run X times faster than real time (default: as fast as possible)")
    p.add_argument("--record", metavar="FILE", help="also write the log to FILE")
    p.add_argument("--port", nargs="?", const="", metavar="PATH",
                   help="run the board in real time with its console on a pseudo-terminal "
                   "(printed; PATH: a symlink to it) for glide monitor, send, flash and "
                   "mpremote; Ctrl-C on it gives a REPL (CPython runtime)")


def run(args):
    if args.port is not None:
        from . import simport  # the board on a pty: its own module
        return simport.run(args)
    try:
        scn = load(args.scenario)
        config = dict(BOARD_CONFIG)
        if args.config:
            config = read_config(args.config)
            if not isinstance(config, dict):
                raise ValueError("%s: a board config is a JSON object of settings" % args.config)
        # --mode/--level are the board's boot settings; the firmware validates them.
        if args.mode:
            config["mode"] = args.mode.upper()
        if args.level is not None:
            config["level"] = args.level
        if args.runtime == "micropython":
            vm.check()
        if args.runtime == "qemu" and args.speed:
            raise ValueError("--speed is not for qemu: it runs as fast as it goes, or "
                             "--realtime (icount align=on)")
    except (ScenarioError, OSError, ValueError, vm.VMError) as e:
        print("glide sim: %s" % e, file=sys.stderr)
        return 2
    pace = 1.0 if args.realtime else (1.0 / args.speed if args.speed > 0 else 0.0)
    if args.runtime == "qemu":
        pace = 0.0  # QEMU paces itself
    rec = open(args.record, "w", encoding="utf-8") if args.record else None
    show = Display(sys.stdout, pace, rec)
    try:
        run_scenario(scn, show.line, config, args.runtime,
                     FRAME_MS if (pace or show.tty) else 0, args.shift, args.realtime)
    except ScenarioError as e:  # a resistance the board's sensor cannot read
        print("glide sim: %s" % e, file=sys.stderr)
        return 2
    except (vm.VMError, emu.EmuError) as e:
        print("glide sim: %s" % e, file=sys.stderr)
        return 1
    finally:
        show.close()
        if rec:
            rec.close()
    return 0
