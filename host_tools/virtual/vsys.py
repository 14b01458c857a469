# Virtual sys for the virtual board: what the firmware reads of sys, its
# platform and a console that is a pair of byte streams the world (world.py)
# feeds and drains.
import sys

platform = "virtual"
modules = sys.modules  # the firmware drops a module it no longer needs


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
        self.sink = None  # world sets: sink(buf, off, n) with each chunk of bytes
        self.room = True  # False: a host attached but not reading

    def ready(self, flags):
        return 4 if self.room and flags & 4 else 0

    def write(self, b, off=0, n=-1):
        # A board's sys.stdout.buffer.write(buf[, off, max_len]): the console
        # passes where its bytes start instead of slicing, and so does this
        # (a copy a tick would be garbage in the MicroPython VM).
        if n < 0 or off + n > len(b):
            n = len(b) - off
        self.sink(b, off, n)
        return n


class _Stream:
    # sys.stdin / sys.stdout: the firmware uses their .buffer
    def __init__(self, buf):
        self.buffer = buf


stdin = _Stream(_In())
stdout = _Stream(_Out())
