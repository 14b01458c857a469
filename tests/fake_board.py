"""A fake MicroPython board on a pty, enough of one for mpremote and glide flash.

Run as its own process (its working directory is the board's filesystem, and exec'd code
must not share pytest's): `python tests/fake_board.py ROOT [options]`. It prints the pty
path on its first stdout line, then one line per event: "exec CODE", "soft reboot",
"reset", "watchdog reset", "stopped in boot window". FakeBoard starts it for a test.

The REPL follows MicroPython's pyexec.c as mpremote's transport_serial.py uses it:
friendly REPL (`>>> `), Ctrl-A raw REPL, raw-paste (b"\\x05A\\x01", or refused with
b"R\\x00" under --no-raw-paste), Ctrl-D soft reboot, Ctrl-B back to friendly. Code
runs with CPython exec and fake `sys`, `machine` and `time` modules. --watchdog MS plays
glide's firmware: running with a watchdog, stopped by Ctrl-C into a REPL that the
watchdog resets MS ms later, then booting with a --boot-ms window for Ctrl-C.
"""
import argparse
import builtins
import contextlib
import errno
import io
import os
import queue
import select
import struct
import subprocess
import sys
import threading
import time
import tty
from types import SimpleNamespace

RAW_BANNER = b"raw REPL; CTRL-B to exit\r\n"
WINDOW = 128  # raw-paste flow control: bytes the host may send per \x01 granted


class Reset(BaseException):
    """machine.reset() in exec'd code: not an Exception, so no except clause stops it."""


class Board:
    def __init__(self, fd, opts):
        self.fd, self.opts = fd, opts
        self.banner = ("MicroPython v1.24.0 on 2024-10-25; %s\r\nType \"help()\" for more "
                       "information.\r\n>>> " % opts.machine).encode()
        self.mode = "friendly"  # friendly, raw, paste, boot (glide's window), glide (running)
        self.line = b""
        self.pasted = 0  # raw-paste bytes since the last window granted
        self.boot_end = None  # monotonic time glide's boot window closes
        self.wdt_at = None  # monotonic time the armed watchdog resets the board
        self.globals = {}
        self.modules = self._modules()
        if opts.watchdog:
            self.mode = "glide"
            self.wdt_at = float("inf")  # fed by the running loop

    def _modules(self):
        impl = SimpleNamespace(name="micropython", version=(1, 24, 0, ""),
                               _mpy=self.opts.mpy, _machine=self.opts.machine)
        fake_sys = SimpleNamespace(platform=self.opts.platform, implementation=impl,
                                   path=["", "/lib"])
        if self.opts.mpy is None:  # older firmware: no _mpy at all
            del impl._mpy

        def reset():
            raise Reset()
        fake_time = SimpleNamespace(sleep=time.sleep, sleep_ms=lambda ms: time.sleep(ms / 1000),
                                    ticks_ms=lambda: int(time.monotonic() * 1000))
        # Paths are the board's: "/main.py" is ROOT/main.py, never the host's /main.py.
        root = os.getcwd()

        def board_path(p):
            return os.path.join(root, os.fspath(p).lstrip("/"))

        def rooted(f):
            return lambda p, *args, **kw: f(board_path(p), *args, **kw)
        fake_os = SimpleNamespace(**{k: rooted(getattr(os, k)) for k in (
            "remove", "stat", "listdir", "mkdir", "rmdir")})
        fake_os.rename = lambda a, b: os.rename(board_path(a), board_path(b))
        fake_os.ilistdir = lambda d="": [
            (n, os.stat(board_path(d + "/" + n)).st_mode & 0xF000, 0,
             os.path.getsize(board_path(d + "/" + n))) for n in os.listdir(board_path(d))]
        self.open = rooted(open)
        return {"sys": fake_sys, "usys": fake_sys, "machine": SimpleNamespace(reset=reset),
                "time": fake_time, "utime": fake_time, "os": fake_os, "uos": fake_os}

    def event(self, text):
        print(text, flush=True)

    def write(self, data):
        if isinstance(data, str):
            data = data.encode()
        try:
            os.write(self.fd, data)
        except BlockingIOError:
            pass  # nobody reading and the pty is full: a USB board drops it too

    def tick(self):
        now = time.monotonic()
        if self.wdt_at is not None and now >= self.wdt_at:
            self.event("watchdog reset")
            self.boot()
        elif self.mode == "boot" and now >= self.boot_end:
            self.mode, self.wdt_at = "glide", float("inf")
            self.write("G glide=1 hz=200\r\n")

    def boot(self, soft=False):
        """A reset, or a soft reboot in the friendly REPL: main.py runs."""
        self.globals, self.line = {}, b""
        if not soft:
            self.wdt_at = None  # only a reset stops a watchdog
        if self.opts.watchdog:
            self.write("# glide 0.2.0 on %s: LEDs and a log, never connect to a person\r\n"
                       "# starting in %d ms: Ctrl-C for the REPL\r\n"
                       % (self.opts.platform, self.opts.boot_ms))
            self.mode, self.boot_end = "boot", time.monotonic() + self.opts.boot_ms / 1000
        else:
            self.mode = "friendly"
            self.write(self.banner)

    def interrupted(self):
        self.write("Traceback (most recent call last):\r\n  File \"main.py\", line 74, in "
                   "<module>\r\nKeyboardInterrupt: \r\n")
        self.mode = "friendly"
        self.write(self.banner)

    def feed(self, c):
        getattr(self, "_" + self.mode)(c)

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

    def _friendly(self, c):
        if c == b"\x01":
            self.mode, self.line = "raw", b""
            self.write(b"\r\n" + RAW_BANNER + b">")
        elif c == b"\x02":
            self.write(b"\r\n" + self.banner)
        elif c == b"\x03":
            self.write(b"\r\n>>> ")
        elif c == b"\x04":
            self.write(b"\r\nMPY: soft reboot\r\n")
            self.event("soft reboot")
            self.boot(soft=True)
        elif c == b"\r":
            self.write(b"\r\n>>> ")
        else:
            self.write(c)  # echo; friendly-REPL lines are never run here

    def _raw(self, c):
        if self.line[:1] == b"\x05":  # a raw-paste request: b"\x05A\x01"
            self.line += c
            if len(self.line) == 3:
                self._paste_request()
        elif c == b"\x01":
            self.line = b""
            self.write(RAW_BANNER + b">")
        elif c == b"\x02":
            self.mode = "friendly"
            self.write(b"\r\n" + self.banner)
        elif c == b"\x03":
            self.line = b""
        elif c == b"\x04" and not self.line:
            # Soft reboot in the raw REPL: main.py does not run, an armed watchdog stays.
            self.globals = {}
            self.event("soft reboot")
            self.write(b"\r\nMPY: soft reboot\r\n" + RAW_BANNER + b">")
        elif c == b"\x04":
            code, self.line = self.line, b""
            self.write(b"OK")
            self.run(code)
        else:
            self.line += c

    def _paste_request(self):
        request, self.line = self.line, b""
        if request != b"\x05A\x01" or self.opts.no_raw_paste:
            self.write(b"R\x00")
        else:
            self.mode, self.pasted = "paste", 0
            self.write(b"R\x01" + struct.pack("<H", WINDOW))

    def _paste(self, c):
        if c == b"\x04":
            code, self.line = self.line, b""
            self.mode = "raw"
            self.write(b"\x04")
            self.run(code)
            return
        self.line += c
        self.pasted += 1
        if self.pasted == WINDOW:
            self.pasted = 0
            self.write(b"\x01")

    def _import(self, name, *args, **kw):
        if name in self.modules:
            return self.modules[name]
        return builtins.__import__(name, *args, **kw)

    def run(self, code):
        """Exec code as the raw REPL does: output, \\x04, error text, \\x04, prompt."""
        self.event("exec " + code.decode(errors="replace").replace("\n", "\\n"))
        if not self.globals:
            self.globals = {"__builtins__": dict(vars(builtins), __import__=self._import,
                                                open=self.open)}
        out, err = io.StringIO(), ""
        try:
            with contextlib.redirect_stdout(out):
                exec(compile(code, "<stdin>", "exec"), self.globals)
        except Reset:
            self.event("reset")
            self.boot()
            return
        except OSError as e:
            err = "OSError: [Errno %d] %s" % (e.errno, errno.errorcode.get(e.errno, ""))
        except Exception as e:
            err = "%s: %s" % (type(e).__name__, e)
        if err:
            err = ("Traceback (most recent call last):\n  File \"<stdin>\", line 1, in "
                   "<module>\n%s\n" % err)
        crlf = lambda s: s.replace("\n", "\r\n").encode()  # noqa: E731 (MicroPython's stdout)
        self.write(crlf(out.getvalue()) + b"\x04" + crlf(err) + b"\x04>")


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
