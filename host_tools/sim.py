"""glide sim: run the unchanged firmware on a virtual board and print its serial console.

The virtual board gives firmware/main.py a virtual `machine` (Pin, PWM, ADC, WDT), a
virtual clock and a virtual console (host_tools/virtual/); a scenario drives its
potentiometer, buttons and serial input. Virtual time is deterministic: the same
scenario prints the same log, byte for byte, every time and on either runtime:
CPython, or the official MicroPython VM (--runtime micropython). --runtime qemu runs it
on the emulated micro:bit instead (host_tools/emu.py): MicroPython's qemu port on an
instruction-counted Cortex-M0, its own log byte-identical from run to run.
"""
import argparse
import contextlib
import importlib
import json
import os
import sys
import tempfile
import time

from . import FIRMWARE, emu, firmware_path, picosim, vm
from .monitor import bar
from .scenario import ScenarioError, firmware_constant, library, load

VIRTUAL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "virtual")
DEFAULT = "normal"
RUNTIMES = ("cpython", "micropython", "qemu", "pico")
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
MODES = firmware_constant("waveform", "NAMES")
LEVELS = range(1, len(firmware_constant("limits", "LEVEL_CAPS")) + 1)


def run_scenario(scn, emit, config=None, runtime="cpython", frame_ms=0, shift=SIM_SHIFT,
                 realtime=False):
    """Run scenario scn on a fresh virtual board; emit(line) gets each line.

    config: the board's glide.json as a dict, merged over the scenario's config lines,
    merged over BOARD_CONFIG; on cpython also as bytes, the file as it is (to boot on a
    broken one).
    runtime: "cpython" (in this process), "micropython" (the MicroPython VM, vm.py),
    "qemu" (the emulated micro:bit, emu.py, with -icount shift and realtime) or "pico"
    (the emulated Pico, the scenario played at its pins: picosim.py).
    frame_ms: also emit an "@ t=..." LED line every frame_ms of virtual time (0: none;
    not on qemu, whose console carries the firmware's bytes only).
    """
    if not isinstance(config, bytes):
        config = {**BOARD_CONFIG, **scn.config, **(config or {})}
    with _board(config):
        import boot
        check_sensor(scn)
        if runtime == "cpython":
            return boot.run(scn.steps, scn.end_ms, emit, frame_ms)
        if runtime == "pico":
            job = picosim.job(scn, config, frame_ms)
    if runtime == "pico":
        return picosim.run(job, emit)
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
            # The LEDs as the board drives them: the output LED's PWM duty (not uA: the
            # S lines carry those), which polarity LED is lit, and the status LED.
            duty = int(f["out"])
            self.bars = ("\r\033[Kout LED duty %s %3d%% | polarity LED %s | status LED %s | "
                         "t=%.1fs" % (bar(duty, 65535, 20), duty * 100 // 65535,
                                      "+" if f["pos"] == "1" else "-" if f["neg"] == "1" else "off",
                                      "on" if f["status"] == "1" else "off", t / 1000))
            self.out.write(self.bars)
            self.out.flush()

    def close(self):
        if self.tty and self.bars:
            self.out.write("\n")


def _config():
    firmware_path()
    return importlib.import_module("config")


def config_name(arg):
    """How messages name --config ARG: its path, or '--config' for JSON given inline."""
    return "--config" if arg.lstrip().startswith("{") else arg


def read_config(arg):
    """The settings in --config ARG: a glide.json's path, or its JSON inline ('{"hz":
    500}'), read by the firmware's own config.py (one syntax on every runtime; CPython's
    json took NaN and died of 1,000 nested lists). Raises OSError, or ValueError
    'NAME: line L col C: why'."""
    if config_name(arg) == arg:
        with open(arg, "rb") as f:
            text = f.read()
    else:
        text = arg.encode()
    data, why = _config().parse(text)
    if why:
        raise ValueError("%s: %s" % (config_name(arg), why))
    return data


def config_problems(data, name):
    """What the board would log about the settings data (config.apply's messages, one a
    key), each as 'NAME: why'; [] if none."""
    config = _config()
    return ["%s: %s" % (name, why) for why in config.apply(config.defaults(), data)]


def check_config(arg):
    """(settings, problems) of --config ARG, for glide sim and glide flash alike: both
    refuse a config with any problem (exit 2), where a board would run on defaults for
    the keys it names."""
    try:
        data = read_config(arg)
    except OSError as e:
        return None, ["%s: cannot read it: %s" % (arg, e.strerror or e)]
    except ValueError as e:
        return None, [str(e)]
    return data, config_problems(data, config_name(arg))


def start_override(scn, mode, level):
    """Put --mode/--level into the scenario's 'start [MODE] [LEVEL]' commands: 13 of 15
    scenarios start with one, which would set the board's boot mode and level aside. A
    bare 'start' keeps the boot settings (config mode and level) already."""
    for i, (t, kind, value) in enumerate(scn.steps):
        words = value.split() if kind == "command" else []
        if words[:1] != ["start"] and words[:1] != ["START"]:
            continue
        if mode:
            words[1:2] = [mode]
        if level is not None and len(words) > 1:
            words[2:3] = [str(level)]
        scn.steps[i] = (t, kind, " ".join(words))


def settings(args, scn):
    """The glide.json settings that --config, --mode and --level ask for (to merge over
    the scenario's and BOARD_CONFIG, as run_scenario does), with the scenario's start
    commands set to --mode/--level; None, the problems printed, if the board would
    report any."""
    config, problems = check_config(args.config) if args.config else ({}, [])
    for why in problems:
        print("glide sim: %s" % why, file=sys.stderr)
    if problems:
        return None
    if args.mode:
        config["mode"] = args.mode
    if args.level is not None:
        config["level"] = args.level
    start_override(scn, args.mode, args.level)
    return config


def positive(text):
    """argparse type: a number above 0 (--speed 0 or -1 ran as fast as it goes)."""
    try:
        v = float(text)
    except ValueError:
        v = 0.0
    if not v > 0:  # also NaN
        raise argparse.ArgumentTypeError("must be a number above 0, not %r" % text)
    return v


def add_arguments(p):
    p.add_argument("--scenario", default=DEFAULT,
                   help="a scenario name (%s) or file; default %s" % (", ".join(library()), DEFAULT))
    p.add_argument("--runtime", choices=RUNTIMES, default="cpython",
                   help="run the firmware on CPython (default), in the MicroPython VM, on "
                        "the emulated micro:bit (qemu), or on the emulated Pico, played at "
                        "its pins (pico)")
    p.add_argument("--shift", type=int, choices=sorted(emu.SHIFTS), default=SIM_SHIFT,
                   help="qemu: -icount shift (6: 16 MHz-class, 3: 125 MHz-class; default %d)"
                   % SIM_SHIFT)
    p.add_argument("--mode", type=str.upper, choices=MODES,
                   help="start in this mode, over the scenario's 'start' commands and config")
    p.add_argument("--level", type=int, choices=LEVELS,
                   help="start at this level, over the scenario's 'start' commands and config")
    p.add_argument("--config", metavar="FILE|JSON",
                   help="glide.json settings, a file or inline ('{\"status_ms\": 5}'), merged "
                   "over the scenario's config lines and the virtual board's %s; refused "
                   "(exit 2) if the board would report a problem, as glide flash does"
                   % json.dumps(BOARD_CONFIG))
    pace = p.add_mutually_exclusive_group()
    pace.add_argument("--realtime", action="store_true", help="run at the speed of a real board")
    pace.add_argument("--speed", type=positive, default=0.0,
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
        config = settings(args, scn)
        if config is None:
            return 2
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
    try:
        rec = open(args.record, "w", encoding="utf-8") if args.record else None
    except OSError as e:
        print("glide sim: --record %s: %s" % (args.record, e.strerror or e), file=sys.stderr)
        return 2
    show = Display(sys.stdout, pace, rec)
    try:
        run_scenario(scn, show.line, config, args.runtime,
                     FRAME_MS if (pace or show.tty) else 0, args.shift, args.realtime)
    except ScenarioError as e:  # a resistance the board's sensor cannot read
        print("glide sim: %s" % e, file=sys.stderr)
        return 2
    except (vm.VMError, emu.EmuError, picosim.PicoError) as e:
        print("glide sim: %s" % e, file=sys.stderr)
        return 1
    finally:
        show.close()
        if rec:
            rec.close()
    return 0
