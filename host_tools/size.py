"""glide size: source and compiled size of each firmware module (mpy-cross)."""
import glob
import os
import tempfile

from . import FIRMWARE, mpy

CORE = ("limits", "contact", "waveform", "controller", "telemetry", "commands")


def measure(path, compat=()):
    """Bytes of the .mpy that mpy-cross makes of path (compat: e.g. ('-c', '1.9'))."""
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "m.mpy")
        mpy.compile(path, out, *compat)
        return os.path.getsize(out)


def add_arguments(p):
    p.add_argument("files", nargs="*", help="firmware files (default: all of firmware/)")


def run(args):
    files = args.files or sorted(glob.glob(os.path.join(FIRMWARE, "*.py")))
    print("%-16s %6s %7s %9s %9s" % ("module", "lines", "bytes", "mpy", "mpy-1.9"))
    tot = [0, 0, 0, 0]
    core = [0, 0, 0, 0]
    for path in files:
        with open(path, "rb") as f:
            src = f.read()
        row = [src.count(b"\n"), len(src), measure(path), measure(path, ("-c", "1.9"))]
        name = os.path.basename(path)[:-3]
        print("%-16s %6d %7d %9d %9d" % (name, *row))
        tot = [a + b for a, b in zip(tot, row)]
        if name in CORE:
            core = [a + b for a, b in zip(core, row)]
    print("%-16s %6d %7d %9d %9d" % ("core", *core))
    print("%-16s %6d %7d %9d %9d" % ("total", *tot))
    return 0
