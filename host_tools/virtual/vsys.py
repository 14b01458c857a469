# Virtual sys for the virtual board: the console is a pair of byte streams the
# world (world.py) feeds and drains; everything else is the real sys.
import sys as _sys

platform = "virtual"
implementation = _sys.implementation
path = _sys.path
modules = _sys.modules
exit = _sys.exit


class _In:
    def __init__(self):
        self.data = bytearray()

    def feed(self, b):
        self.data.extend(b)

    def ready(self, flags):
        return 1 if self.data and flags & 1 else 0

    def readinto(self, buf):
        n = min(len(buf), len(self.data))
        buf[:n] = self.data[:n]
        self.data = self.data[n:]
        return n


class _Out:
    def __init__(self):
        self.sink = None  # world sets: called with each chunk of bytes
        self.room = True  # False: a host attached but not reading

    def ready(self, flags):
        return 4 if self.room and flags & 4 else 0

    def write(self, b):
        self.sink(bytes(b))
        return len(b)


class _Stream:
    def __init__(self, buf):
        self.buffer = buf

    def write(self, s):
        self.buffer.write(s.encode())


stdin = _Stream(_In())
stdout = _Stream(_Out())
