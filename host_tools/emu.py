"""glide emu: glide frozen into MicroPython on QEMU's micro:bit (an emulated Cortex-M0).

  glide emu build    build the image from Debian's MicroPython source package (cached)
  glide emu start    boot it in qemu-system-arm on a pseudo-terminal and start glide there;
                     prints the port for glide monitor, glide send and mpremote
  glide emu stop     stop it

The recipe (source package, every change made to it, build options, QEMU's settings) is
RECIPE below and docs/emulator.md. Under -icount the emulated clock counts instructions,
so a run gives the same bytes, timings included, every time.
"""
import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

from . import FIRMWARE

ROOT = os.path.dirname(FIRMWARE)
QEMU_DIR = os.path.join(FIRMWARE, "qemu")
VIRTUAL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "virtual")

# Everything the image is made from. Changing any of it makes a new image.
RECIPE = {
    # Debian's full upstream source of MicroPython (its prebuilt micro:bit firmware is 1.9).
    "source": ("micropython", "1.25.0+ds-1", "trixie"),
    "board": "MICROBIT",  # ports/qemu: nRF51822, Cortex-M0, qemu-system-arm -M microbit
    # The image's heap: room for the scenario player beside the firmware. glide bench
    # --target qemu fills all but BUDGET of it first, so its figures are a micro:bit's.
    "heap": 32768,
    # Text replacements in the unpacked source: (file, old, new, why).
    "patches": (
        ("ports/qemu/mpconfigport.h", "#define MICROPY_PY_TIME             (0)",
         "#define MICROPY_PY_TIME             (1)",
         "the time module (ticks, sleeps), on the clock firmware/qemu/glide_hal/hal.c gives"),
        ("ports/qemu/mpconfigport.h", "#define MICROPY_PY_SYS_STDIO_BUFFER (0)",
         "#define MICROPY_PY_SYS_STDIO_BUFFER (1)",
         "sys.stdout.buffer: the console writes bytes (off, n) without a copy"),
    ),
    # Debian (bookworm) packages that build and run it; apt-get installs them as root.
    "packages": ("gcc-arm-none-eabi", "libnewlib-arm-none-eabi", "qemu-system-arm", "dpkg-dev"),
}
# The port's linker script wants 1 MB of flash and 256 KB of RAM (its MICROBIT board file
# passes the same); the heap inside that RAM is still RECIPE["heap"].
QEMU_ARGS = ["-M", "microbit", "-global", "nrf51-soc.flash-size=1048576",
             "-global", "nrf51-soc.sram-size=262144", "-display", "none", "-monitor", "none",
             "-semihosting"]
BUDGET = 10240  # a real micro:bit's MicroPython heap
SHIFTS = {6: "16 MHz-class (micro:bit)", 3: "125 MHz-class (RP2040's clock)"}
DEFAULT_SHIFT = 6
KEEP_IMAGES = 4  # images kept in the cache, the newest
READ_TIMEOUT_S = 10  # a board silent this long while the host waits is dead
SOURCES_LIST = "/etc/apt/sources.list.d/glide-%s-src.sources" % RECIPE["source"][2]


class EmuError(RuntimeError):
    pass


def cache_dir():
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "glide", "emu")


def _say(quiet, text):
    if not quiet:
        print("glide emu: " + text, file=sys.stderr, flush=True)


def _inputs():
    """The files frozen or compiled into the image, for the image's key."""
    files = [os.path.join(FIRMWARE, f) for f in sorted(os.listdir(FIRMWARE)) if f.endswith(".py")]
    for d, _, names in sorted(os.walk(QEMU_DIR)):
        files += [os.path.join(d, n) for n in sorted(names) if not n.endswith(".pyc")]
    files += [os.path.join(VIRTUAL, f) for f in ("scene.py", "emuworld.py", "emubench.py")]
    return files


def image_key():
    h = hashlib.sha256(json.dumps(RECIPE, sort_keys=True).encode())
    for f in _inputs():
        h.update(os.path.relpath(f, ROOT).encode())
        with open(f, "rb") as fh:
            h.update(fh.read())
    return h.hexdigest()[:16]


def missing_tools():
    """Debian packages that are not installed, as a list (empty when all are there)."""
    need = {"gcc-arm-none-eabi": "arm-none-eabi-gcc", "qemu-system-arm": "qemu-system-arm",
            "dpkg-dev": "dpkg-source"}
    gone = [pkg for pkg, cmd in need.items() if not shutil.which(cmd)]
    if not os.path.isdir("/usr/lib/arm-none-eabi/newlib"):
        gone.append("libnewlib-arm-none-eabi")
    return gone


def _run(cmd, cwd, quiet, what):
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True)
    if proc.returncode:
        tail = "\n".join(proc.stdout.splitlines()[-25:])
        raise EmuError("%s failed (%s):\n%s" % (what, " ".join(cmd), tail))
    return proc.stdout


def _apt_source_line():
    name, _, suite = RECIPE["source"]
    return ("Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: %s\nComponents: main\n"
            "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n" % suite)


def fetch(quiet=False):
    """The unpacked, Debian-patched source tree in the cache (downloaded once)."""
    name, version, suite = RECIPE["source"]
    upstream = version.split("-")[0]
    src = os.path.join(cache_dir(), "source")
    tree = os.path.join(src, "%s-%s" % (name, upstream.replace("+ds", "")))
    if os.path.isfile(os.path.join(tree, "ports", "qemu", "Makefile")):
        return tree
    os.makedirs(src, exist_ok=True)
    dsc = os.path.join(src, "%s_%s.dsc" % (name, version))
    if not os.path.exists(dsc):
        _say(quiet, "fetching Debian's source package %s %s (%s)" % (name, version, suite))
        cmd = ["apt-get", "source", "--download-only", "-q", "%s=%s" % (name, version)]
        got = subprocess.run(cmd, cwd=src, capture_output=True, text=True)
        if got.returncode and os.geteuid() == 0 and not os.path.exists(SOURCES_LIST):
            _say(quiet, "adding %s's source-only apt line (%s) and updating apt" % (suite, SOURCES_LIST))
            with open(SOURCES_LIST, "w") as f:
                f.write(_apt_source_line())
            _run(["apt-get", "update", "-q"], src, True, "apt-get update")
            got = subprocess.run(cmd, cwd=src, capture_output=True, text=True)
        if got.returncode:
            raise EmuError("cannot fetch the source package %s=%s:\n%s\nAs root, add this "
                           "source-only apt line as %s and run apt-get update:\n%s"
                           % (name, version, got.stderr.strip(), SOURCES_LIST, _apt_source_line()))
    _say(quiet, "unpacking %s with Debian's patches (dpkg-source -x)" % os.path.basename(dsc))
    shutil.rmtree(tree, ignore_errors=True)
    _run(["dpkg-source", "--no-check", "-x", os.path.basename(dsc), os.path.basename(tree)],
         src, quiet, "dpkg-source")
    return tree


def _patch(tree, patches):
    for rel, old, new, _ in patches:
        path = os.path.join(tree, rel)
        with open(path) as f:
            text = f.read()
        if new in text:
            continue
        if old not in text:
            raise EmuError("patch does not apply: %r not found in %s" % (old, rel))
        with open(path, "w") as f:
            f.write(text.replace(old, new))


def image_path():
    return os.path.join(cache_dir(), "firmware-%s.elf" % image_key())


def build(quiet=False, force=False):
    """The image for the current firmware, built if it is not in the cache. Returns its path."""
    out = image_path()
    if os.path.exists(out) and not force:
        _say(quiet, "image up to date: %s" % out)
        return out
    gone = missing_tools()
    if gone:
        raise EmuError("the emulated board needs Debian packages that are missing: %s\n"
                       "install them as root: apt-get install %s" % (" ".join(gone), " ".join(gone)))
    with locked():
        if os.path.exists(out) and not force:
            return out
        return _build(out, quiet)


@contextlib.contextmanager
def locked():
    # One build at a time in the build tree, which both boards' images share.
    os.makedirs(cache_dir(), exist_ok=True)
    with open(os.path.join(cache_dir(), "build.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def tree(quiet):
    """The build tree: Debian's source copied once, mpy-cross built in it."""
    pristine = fetch(quiet)
    tree = os.path.join(cache_dir(), "build")
    if not os.path.isdir(tree):
        _say(quiet, "copying the source to the build tree")
        shutil.copytree(pristine, tree, symlinks=True)
    if not os.path.exists(os.path.join(tree, "mpy-cross", "build", "mpy-cross")):
        _say(quiet, "building mpy-cross")
        _run(["make", "-j%d" % (os.cpu_count() or 1), "-C", "mpy-cross"], tree, quiet,
             "building mpy-cross")
    return tree


def no_lib():
    # The manifests take nothing from micropython-lib; rp2's CMake wants its README.
    nolib = os.path.join(cache_dir(), "no-micropython-lib")
    os.makedirs(nolib, exist_ok=True)
    with open(os.path.join(nolib, "README.md"), "w") as f:
        f.write("glide's frozen builds take nothing from micropython-lib\n")
    return nolib


def into_cache(built, out, prefix, ext):
    # Into place in one rename: an emulator booting from a half-copied image hung
    # without a word. Other checkouts' images stay (a CI clone and a working tree
    # share this cache, and one may be booting its image now): the newest few.
    shutil.copyfile(built, out + ".tmp")
    os.replace(out + ".tmp", out)
    images = sorted((os.path.join(cache_dir(), f) for f in os.listdir(cache_dir())
                     if f.startswith(prefix) and f.endswith(ext)), key=os.path.getmtime)
    for old in images[:-KEEP_IMAGES]:
        os.remove(old)


def _build(out, quiet):
    tree_ = tree(quiet)
    _say(quiet, "applying %d change(s) to the port (RECIPE in host_tools/emu.py)"
         % len(RECIPE["patches"]))
    _patch(tree_, RECIPE["patches"])
    jobs = "-j%d" % (os.cpu_count() or 1)
    nolib = no_lib()
    t0 = time.monotonic()
    port = os.path.join(tree_, "ports", "qemu")
    # make does not see a changed MICROPY_HEAP_SIZE: remake the file that uses it.
    # makemanifest recompiles a frozen module only when its source is newer than
    # its .mpy, which a checkout with older files is not: drop them all.
    out_dir = os.path.join(port, "build-" + RECIPE["board"])
    shutil.rmtree(os.path.join(out_dir, "frozen_mpy"), ignore_errors=True)
    for stale in ("main.o", "frozen_content.c"):
        stale = os.path.join(out_dir, stale)
        if os.path.exists(stale):
            os.remove(stale)
    _say(quiet, "building MicroPython for ports/qemu BOARD=%s, heap %d B, firmware frozen in"
         % (RECIPE["board"], RECIPE["heap"]))
    _run(["make", jobs, "BOARD=" + RECIPE["board"], "MICROPY_HEAP_SIZE=%d" % RECIPE["heap"],
          "USER_C_MODULES=" + QEMU_DIR, "FROZEN_MANIFEST=" + os.path.join(QEMU_DIR, "manifest.py"),
          "MPY_LIB_DIR=" + nolib], port, quiet, "building the image")
    elf = os.path.join(port, "build-" + RECIPE["board"], "firmware.elf")
    into_cache(elf, out, "firmware-", ".elf")
    _say(quiet, "built %s in %.0f s" % (out, time.monotonic() - t0))
    return out


def icount(shift, realtime=False):
    # One instruction = 2**shift ns of emulated time; align=on paces it to the wall clock.
    return "shift=%d,align=%s,sleep=off" % (shift, "on" if realtime else "off")


class Emulator:
    """QEMU running the image, its UART on a pseudo-terminal (self.port)."""

    def __init__(self, image, shift=DEFAULT_SHIFT, realtime=False, detach=False):
        cmd = ["qemu-system-arm"] + QEMU_ARGS + ["-icount", icount(shift, realtime),
                                                 "-serial", "pty", "-kernel", image]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True,
                                     start_new_session=detach)
        self.port = None
        for line in self.proc.stdout:  # QEMU names the pty before the chip runs
            m = re.search(r"redirected to (/dev/pts/\d+)", line)
            if m:
                self.port = m.group(1)
                break
        if not self.port:
            self.proc.wait()
            raise EmuError("qemu-system-arm did not start (status %s): %s"
                           % (self.proc.returncode, self.proc.stderr.read().strip()))

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def boot_code(config, steps=None, end_ms=0):
    """The REPL code that starts glide on the emulated board (emuworld.run)."""
    text = None if config is None else json.dumps(config)
    if steps is None:
        return "import emuworld\nemuworld.run(%r)\n" % (text,)
    return "import emuworld\nemuworld.run(%r, %r, %d)\n" % (text, list(steps), end_ms)


def run_code(code, emit, shift=DEFAULT_SHIFT, realtime=False, timeout=60):
    """Run code on a freshly booted emulated board over its raw REPL; emit(line) gets each
    line it prints (carriage returns removed). timeout: seconds of silence that fail."""
    from mpremote.transport_serial import SerialTransport

    image = build(quiet=True)
    with Emulator(image, shift, realtime) as emu:
        # A read timeout while the raw REPL is entered: mpremote's reads block
        # forever on a board that says nothing (a CI run hung 15 min there).
        link = SerialTransport(emu.port, baudrate=115200, timeout=READ_TIMEOUT_S)
        try:
            link.enter_raw_repl(soft_reset=False)
            # Running, a scenario may print nothing for longer (emuworld's
            # output comes in bursts): follow() has its own silence timeout.
            link.serial.timeout = None
            link.exec_raw_no_follow(code)
            line = bytearray()

            def take(data):  # mpremote hands over a byte at a time, the closing EOF too
                if data == b"\n":
                    emit(line.decode("utf-8", "replace").rstrip("\r"))
                    line.clear()
                elif data != b"\x04":
                    line.extend(data)

            _, err = link.follow(timeout, take)
            if line:
                take(b"\n")
            if err:
                raise EmuError("the emulated board raised:\n%s" % err.decode("utf-8", "replace"))
        except Exception as e:  # mpremote raises its own TransportError
            if isinstance(e, EmuError):
                raise
            raise EmuError("the emulated board stopped answering: %s" % e) from None
        finally:
            link.close()


def run_scenario(scn, emit, config, shift=DEFAULT_SHIFT, realtime=False):
    """Play scenario scn inside the emulated board; emit(line) gets each console line.

    The steps go in as one literal of the REPL code, which must fit in the board's RAM
    beside glide: 300 one-line steps do, 400 do not (the board's link cannot stream them
    during the run: its UART is the firmware's console, and a wait for the host would
    count as emulated time). More raise an EmuError that says so; the virtual board
    (cpython, micropython) takes any number."""
    said = []

    def take(line):
        said.append(1)
        emit(line)
    try:
        run_code(boot_code(config, scn.steps, scn.end_ms), take, shift, realtime)
    except EmuError as e:
        if said or "MemoryError" not in str(e):
            raise
        raise EmuError("%s: its %d steps do not fit in the emulated board's RAM (about 300 "
                       "do); run it on the virtual board (--runtime cpython or micropython)"
                       % (scn.name, len(scn.steps))) from None


# -- the glide emu command ------------------------------------------------------------
def _state_file():
    return os.path.join(cache_dir(), "running.json")


def add_arguments(p):
    p.add_argument("action", choices=("build", "start", "stop"))
    p.add_argument("--board", choices=("microbit", "pico"), default="microbit",
                   help="microbit: QEMU's (default); pico: MicroPython's rp2 port in "
                        "rp2040js (host_tools/emupico.py)")
    p.add_argument("--shift", type=int, default=DEFAULT_SHIFT, choices=sorted(SHIFTS),
                   help="-icount shift: 6 = 64 ns an instruction (16 MHz-class, default), "
                        "3 = 8 ns (125 MHz-class)")
    p.add_argument("--realtime", action="store_true",
                   help="pace the emulated clock to the wall clock (icount align=on)")
    p.add_argument("--config", metavar="FILE", help="the board's glide.json (default: none, "
                   "the firmware's defaults)")
    p.add_argument("--force", action="store_true", help="build: rebuild even if cached")


def _start(args):
    if os.path.exists(_state_file()):
        with open(_state_file()) as f:
            st = json.load(f)
        try:
            os.kill(st["pid"], 0)
            raise EmuError("already running on %s (pid %d): glide emu stop first"
                           % (st["port"], st["pid"]))
        except ProcessLookupError:
            os.remove(_state_file())
    config = None
    if args.config:
        from .sim import read_config  # sim imports this module
        try:
            config = read_config(args.config)
        except (OSError, ValueError) as e:
            raise EmuError("--config: %s" % e)
    if args.board == "pico":
        from . import emupico  # it imports this module
        emu = emupico.Emulator(detach=True)
        # As on a Pico glide flash set up: a main.py that runs glide (the frozen one here)
        # at every boot, and the glide.json asked for.
        files = {"main.py": "import glide_main\n", "glide.json": json.dumps(config)}
        boot = "; ".join("f = open(%r, 'w'); f.write(%r); f.close()" % (k, v)
                         for k, v in files.items() if config is not None or k == "main.py")
        boot += "\nimport glide_main\n"
        what = "the emulated Pico (rp2040js, paced to the wall clock)"
    else:
        emu = Emulator(build(), args.shift, args.realtime, detach=True)
        boot = boot_code(config)
        what = "the emulated micro:bit (icount %s, %s)" % (icount(args.shift, args.realtime),
                                                          SHIFTS[args.shift])
    import serial
    with serial.Serial(emu.port, 115200, timeout=0.2) as link:
        seen = b""
        end = time.monotonic() + 20
        while b">>> " not in seen and time.monotonic() < end:
            link.write(b"\r")
            seen += link.read(256)
        if b">>> " not in seen:
            emu.close()
            raise EmuError("the emulated board gave no REPL prompt")
        # A pasted line, as a user would type it: glide then owns the console.
        link.write(boot.replace("\n", "; ", 1).rstrip("\n").encode() + b"\r")
        link.flush()
        link.read(256)
    with open(_state_file(), "w") as f:
        json.dump({"pid": emu.proc.pid, "port": emu.port, "shift": args.shift}, f)
    print(emu.port)
    print("glide runs on %s: glide monitor --port %s; Ctrl-C there gives its REPL; "
          "glide emu stop ends it" % (what, emu.port), file=sys.stderr)
    return 0


def _stop():
    if not os.path.exists(_state_file()):
        print("glide emu: not running", file=sys.stderr)
        return 1
    with open(_state_file()) as f:
        st = json.load(f)
    os.remove(_state_file())
    try:
        os.kill(st["pid"], signal.SIGTERM)
    except ProcessLookupError:
        print("glide emu: it had already stopped", file=sys.stderr)
        return 0
    print("glide emu: stopped (pid %d, %s)" % (st["pid"], st["port"]), file=sys.stderr)
    return 0


def run(args):
    try:
        if args.action == "build":
            if args.board == "pico":
                from . import emupico
                print(emupico.build(force=args.force))
                return 0
            print(build(force=args.force))
            return 0
        if args.action == "start":
            return _start(args)
        return _stop()
    except (EmuError, OSError, ValueError) as e:
        print("glide emu: %s" % e, file=sys.stderr)
        return 1
