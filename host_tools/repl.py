"""MicroPython's REPL on a serial line, as far as mpremote and glide flash use it, with
the code run by CPython: the virtual board's REPL on a pty (simport.py) and the fake
board of the tests (tests/fake_board.py).

It follows MicroPython's pyexec.c as mpremote's transport_serial.py uses it: friendly
REPL (`>>> `, a line at a time), Ctrl-A raw REPL, raw-paste (b"\\x05A\\x01", or
refused with b"R\\x00"), Ctrl-D soft reboot, Ctrl-B back to friendly. Exec'd code sees
the board's filesystem as its root (a folder here) through small `os`, `sys`, `time` and
`machine` modules: what mpremote's exec, fs cp, ls and reset call.
"""
import builtins
import contextlib
import errno
import io
import os
import struct
import time
from types import SimpleNamespace

RAW_BANNER = b"raw REPL; CTRL-B to exit\r\n"
WINDOW = 128  # raw-paste flow control: bytes the host may send per \x01 granted


class Reset(BaseException):
    """machine.reset() in exec'd code: not an Exception, so no except clause stops it."""


class Repl:
    """write(bytes) sends to the host; event(text) reports what happened ("exec CODE",
    "soft reboot", "reset"). reboot(soft) is what a friendly-REPL Ctrl-D (soft) or
    machine.reset() does: here, the banner again; a board that runs main.py overrides it."""

    def __init__(self, write, root, platform="rp2", machine="Raspberry Pi Pico with RP2040",
                 mpy=None, raw_paste=True, event=None):
        self.out, self.raw_paste = write, raw_paste
        self.event = event or (lambda text: None)
        self.banner = ("MicroPython v1.24.0 on 2024-10-25; %s\r\nType \"help()\" for more "
                       "information.\r\n>>> " % machine).encode()
        self.mode = "friendly"  # friendly, raw, paste; a subclass may add its own
        self.line = b""
        self.pasted = 0  # raw-paste bytes since the last window granted
        self.globals = {}
        self.modules = self._modules(root, platform, machine, mpy)

    def _modules(self, root, platform, machine, mpy):
        impl = SimpleNamespace(name="micropython", version=(1, 24, 0, ""), _mpy=mpy,
                               _machine=machine)
        fake_sys = SimpleNamespace(platform=platform, implementation=impl, path=["", "/lib"])
        if mpy is None:  # older firmware: no _mpy at all (glide flash then copies .py)
            del impl._mpy

        def reset():
            raise Reset()
        fake_time = SimpleNamespace(sleep=time.sleep, sleep_ms=lambda ms: time.sleep(ms / 1000),
                                    ticks_ms=lambda: int(time.monotonic() * 1000))

        # Paths are the board's: "/main.py" is ROOT/main.py, never the host's /main.py.
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
        # WDT and Timer for glide flash's feeder (flash.FEED): inert here, with no glide
        # running; the virtual board's REPL has its own (simport.BoardRepl).
        fake_machine = SimpleNamespace(
            reset=reset, WDT=lambda id=0, timeout=5000: SimpleNamespace(feed=lambda: None),
            Timer=lambda *args, **kw: SimpleNamespace(deinit=lambda: None))
        return {"sys": fake_sys, "usys": fake_sys, "machine": fake_machine,
                "time": fake_time, "utime": fake_time, "os": fake_os, "uos": fake_os}

    def write(self, data):
        self.out(data.encode() if isinstance(data, str) else data)

    def reboot(self, soft):
        self.globals, self.line = {}, b""
        self.mode = "friendly"
        self.write(self.banner)

    def feed(self, c):
        """One byte from the host, as bytes of length 1."""
        getattr(self, "_" + self.mode)(c)

    def _friendly(self, c):
        if c == b"\x01":
            self.mode, self.line = "raw", b""
            self.write(b"\r\n" + RAW_BANNER + b">")
        elif c == b"\x02":
            self.write(b"\r\n" + self.banner)
        elif c == b"\x03":
            self.line = b""
            self.write(b"\r\n>>> ")
        elif c == b"\x04":
            self.write(b"\r\nMPY: soft reboot\r\n")
            self.event("soft reboot")
            self.reboot(soft=True)
        elif c == b"\r":
            # One line at a time, an expression's value shown: no blocks (no "... ").
            line, self.line = self.line, b""
            self.write(b"\r\n")
            got = self._exec(line, "single") if line.strip() else (b"", b"")
            if got:
                self.write(got[0] + got[1] + b">>> ")
        elif c in (b"\x08", b"\x7f"):
            if self.line:
                self.line = self.line[:-1]
                self.write(b"\x08 \x08")
        elif c != b"\n":
            self.line += c
            self.write(c)  # echo

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
        if request != b"\x05A\x01" or not self.raw_paste:
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
        got = self._exec(code, "exec")
        if got:
            self.write(got[0] + b"\x04" + got[1] + b"\x04>")

    def _exec(self, code, kind):
        """-> (output, error text) of code compiled as kind, with MicroPython's line
        ends; None if it reset the board."""
        if not self.globals:
            self.globals = {"__builtins__": dict(vars(builtins), __import__=self._import,
                                                open=self.open)}
        out, err = io.StringIO(), ""
        try:
            with contextlib.redirect_stdout(out):
                exec(compile(code, "<stdin>", kind), self.globals)
        except Reset:
            self.event("reset")
            self.reboot(soft=False)
            return None
        except OSError as e:
            err = "OSError: [Errno %d] %s" % (e.errno, errno.errorcode.get(e.errno, ""))
        except Exception as e:
            err = "%s: %s" % (type(e).__name__, e)
        if err:
            err = ("Traceback (most recent call last):\n  File \"<stdin>\", line 1, in "
                   "<module>\n%s\n" % err)
        crlf = lambda s: s.replace("\n", "\r\n").encode()  # noqa: E731 (MicroPython's stdout)
        return crlf(out.getvalue()), crlf(err)
