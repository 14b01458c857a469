"""firmware/manifest.py read on the host: the one list of firmware files, shared by the
frozen build (MicroPython's makemanifest reads the same file), glide flash and the tests."""
import os

from . import FIRMWARE

PATH = os.path.join(FIRMWARE, "manifest.py")


class _Options:
    # As makemanifest's: defaults() fills in only what the includer did not pass.
    def __init__(self, **given):
        self.__dict__.update(given)

    def defaults(self, **kw):
        for k, v in kw.items():
            self.__dict__.setdefault(k, v)


def modules(board=""):
    """The file names the manifest takes for board ("": every board file), in its order."""
    names = []
    env = {"options": _Options(board=board), "metadata": lambda **kw: None,
           "module": lambda name, **kw: names.append(name)}
    with open(PATH, encoding="utf-8") as f:
        exec(compile(f.read(), PATH, "exec"), env)
    return names
