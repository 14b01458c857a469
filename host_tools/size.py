"""glide size: source and compiled size of each firmware module (mpy-cross)."""
import os
import sys
import tempfile

from . import FIRMWARE, manifest, mpy

CORE = ("limits", "contact", "waveform", "controller", "telemetry", "commands")


def measure(path):
    """Bytes of the .mpy that mpy-cross makes of path."""
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "m.mpy")
        mpy.compile(path, out)
        return os.path.getsize(out)


def add_arguments(p):
    p.add_argument("files", nargs="*", help="firmware files (default: all of firmware/)")


def run(args):
    files = args.files or [os.path.join(FIRMWARE, m) for m in sorted(manifest.modules())]
    for path in files:
        why = ("no such file" if not os.path.isfile(path) else
               "not a .py file (mpy-cross compiles Python source)" if not path.endswith(".py")
               else None)
        if why:
            print("glide size: %s: %s" % (path, why), file=sys.stderr)
            return 2
    try:
        table(files)
    except mpy.MpyError as e:  # mpy-cross's own report: where and what, not its traceback
        print("glide size: %s" % "\n".join(l for l in str(e).splitlines() if "Traceback" not in l),
              file=sys.stderr)
        return 2
    return 0


def table(files):
    print("%-16s %6s %7s %9s" % ("module", "lines", "bytes", "mpy"))
    tot = [0, 0, 0]
    core = [0, 0, 0]
    for path in files:
        with open(path, "rb") as f:
            src = f.read()
        row = [src.count(b"\n"), len(src), measure(path)]
        name = os.path.basename(path)[:-3]
        print("%-16s %6d %7d %9d" % (name, *row))
        tot = [a + b for a, b in zip(tot, row)]
        if name in CORE:
            core = [a + b for a, b in zip(core, row)]
    print("%-16s %6d %7d %9d" % ("core", *core))
    print("%-16s %6d %7d %9d" % ("total", *tot))
