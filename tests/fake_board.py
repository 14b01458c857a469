"""A fake MicroPython board on a pty, enough of one for mpremote and glide flash.

Run as its own process (its working directory is the board's filesystem, and exec'd code
must not share pytest's): `python tests/fake_board.py ROOT [options]`. It prints the pty
path on its first stdout line, then one line per event: "exec CODE", "soft reboot",
"reset", "watchdog reset", "stopped in boot window". FakeBoard starts it for a test.

The REPL is host_tools/repl.py's (the virtual board's on `glide sim --port`), raw-paste
refused under --no-raw-paste. --watchdog MS plays glide's firmware: running with a
watchdog, stopped by Ctrl-C into a REPL that the watchdog resets MS ms later, then
booting with a --boot-ms window for Ctrl-C; without it, glide boots (and runs unwatched)
after a reset once a main.py is on the board.
"""
import argparse
import os
import queue
import select
import subprocess
import sys
import threading
import time
import tty

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from host_tools import repl  # noqa: E402


class Board(repl.Repl):
    """The REPL of host_tools/repl.py, and with --watchdog glide's stop and boot window."""

    def __init__(self, fd, opts):
        self.fd, self.opts = fd, opts
        repl.Repl.__init__(self, self._send, os.getcwd(), opts.platform, opts.machine,
                           opts.mpy, not opts.no_raw_paste, self.event)
        self.boot_end = None  # monotonic time glide's boot window closes
        self.wdt_at = None  # monotonic time the armed watchdog resets the board
        if opts.watchdog:
            self.mode = "glide"  # also boot (glide's window) beside the REPL's modes
            self.wdt_at = float("inf")  # fed by the running loop

    def event(self, text):
        print(text, flush=True)

    def _send(self, data):
        try:
            os.write(self.fd, data)
        except BlockingIOError:
            pass  # nobody reading and the pty is full: a USB board drops it too

    def tick(self):
        now = time.monotonic()
        if self.wdt_at is not None and now >= self.wdt_at:
            self.event("watchdog reset")
            self.reboot(soft=False)
        elif self.mode == "boot" and now >= self.boot_end:
            self.mode, self.wdt_at = "glide", float("inf")
            self.write("G glide=1 hz=200\r\n")

    def reboot(self, soft):
        """A reset, or a soft reboot in the friendly REPL: main.py runs."""
        if not soft:
            self.wdt_at = None  # only a reset stops a watchdog
        if not self.opts.watchdog and (soft or not os.path.exists("main.py")):
            return repl.Repl.reboot(self, soft)  # a board with no glide on it yet
        self.globals, self.line = {}, b""
        self.write("# glide 0.2.0 on %s: LEDs and a log, never connect to a person\r\n"
                   "# starting in %d ms: Ctrl-C for the REPL\r\n"
                   % (self.opts.platform, self.opts.boot_ms))
        self.mode, self.boot_end = "boot", time.monotonic() + self.opts.boot_ms / 1000

    def interrupted(self):
        self.write("Traceback (most recent call last):\r\n  File \"main.py\", line 74, in "
                   "<module>\r\nKeyboardInterrupt: \r\n")
        self.mode = "friendly"
        self.write(self.banner)

    def _glide(self, c):
        if c == b"\x03":
            self.write("# glide stopped: the watchdog resets the board in %d ms\r\n"
                       % self.opts.watchdog)
            self.wdt_at = time.monotonic() + self.opts.watchdog / 1000
            self.interrupted()

    def _boot(self, c):
        if c == b"\x03":
            self.event("stopped in boot window")
            self.interrupted()


def serve(opts):
    master, slave = os.openpty()
    tty.setraw(slave)  # like a board's port: no echo, no line editing
    os.set_blocking(master, False)
    board = Board(master, opts)
    print(os.ttyname(slave), flush=True)
    while True:
        board.tick()
        if not select.select([master], [], [], 0.01)[0]:
            continue
        try:
            data = os.read(master, 4096)
        except BlockingIOError:
            continue
        for i in range(len(data)):
            board.tick()  # a window may have closed while the byte was on its way
            board.feed(data[i:i + 1])


class FakeBoard:
    """A fake board process for a test: .path to open, .root its files, .events seen."""

    def __init__(self, root, *options):
        self.root = str(root)
        self.proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), self.root,
                                      *options], stdout=subprocess.PIPE, text=True)
        self.path = self.proc.stdout.readline().strip()
        self._events = queue.Queue()
        self.events = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self._events.put(line.rstrip("\n"))

    def seen(self):
        """Every event so far."""
        while not self._events.empty():
            self.events.append(self._events.get())
        return self.events

    def files(self):
        """{name: bytes} of the board's filesystem."""
        out = {}
        for name in sorted(os.listdir(self.root)):
            with open(os.path.join(self.root, name), "rb") as f:
                out[name] = f.read()
        return out

    def close(self):
        self.proc.kill()
        self.proc.wait()
        self._reader.join()  # it ends at the end of the dead process's output
        self.proc.stdout.close()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("root")
    p.add_argument("--platform", default="rp2")
    p.add_argument("--machine", default="Raspberry Pi Pico with RP2040")
    p.add_argument("--mpy", type=int, help="sys.implementation._mpy (default: none)")
    p.add_argument("--no-raw-paste", action="store_true")
    p.add_argument("--watchdog", type=int, default=0, metavar="MS")
    p.add_argument("--boot-ms", type=int, default=500)
    opts = p.parse_args()
    os.chdir(opts.root)
    serve(opts)


if __name__ == "__main__":
    main()
