"""glide sim --port: the virtual board in real time on a pseudo-terminal, as a Pico on USB.

The unchanged firmware runs on the CPython virtual board (sim.py's) with its clock paced
to wall time; its console is the pty, so `glide monitor`, `glide send`, `mpremote` and
`glide flash` attach to it as to a board. A Ctrl-C (0x03) from the pty stops the firmware
as on a board (KeyboardInterrupt, "# glide stopped", outputs off) into a REPL that speaks
MicroPython's raw REPL (host_tools/repl.py, the code run by CPython) while the armed
watchdog still resets the board wdt_ms later. The board's filesystem is a folder holding
its glide.json; what mpremote or glide flash copy there is first on the path at the next
boot (a soft reboot, machine.reset() or the watchdog), so the board runs it.

With --runtime micropython the firmware runs in the MicroPython VM under Node instead
(host_tools/wasm/port.mjs, ptyport.py), which reads the pty itself, and a Ctrl-C gives
the VM's own REPL; its filesystem is the VM's, in memory. The emulated micro:bit has a
pty of its own (glide emu start).
"""
import os
import select
import signal
import sys
import tempfile
import time
import tty

from . import repl

# The scenario plays once; the board then runs on until this process stops (the
# world's end must be a time: 10**9 ms is 11.6 days, under the clock's 2**30).
NEVER_MS = 10 ** 9
QUIET_S = 0.5  # input dropped after a reset (Port.stopped)
LAG_S = 0.1  # behind wall time by more (the host was busy): catch up no further
INTERRUPTED = (b"Traceback (most recent call last):\r\n  File \"main.py\", line 1, in "
               b"<module>\r\nKeyboardInterrupt: \r\n")


class PtyInterrupt(KeyboardInterrupt):
    """Ctrl-C from the pty (a Ctrl-C at this process's terminal stops the sim instead)."""


class Port:
    """The board's end of the pty: boot.run's port (virtual/boot.py)."""

    def __init__(self, root, say):
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)  # like a board's port: no echo, no line editing
        os.set_blocking(self.master, False)
        self.path = os.ttyname(self.slave)  # the slave stays open: no EIO between hosts
        self.root, self.say = root, say
        self.wall0 = None  # wall time at the virtual clock's ms 0
        self.pending = b""  # what came after a Ctrl-C: the REPL's
        self.at_repl = False  # True: the REPL, not the firmware, reads the port

    def write(self, buf, off=0, n=-1):
        # The console's bytes (World's out), as a board's USB port takes them.
        data = bytes(buf[off:] if n < 0 else buf[off:off + n])
        try:
            os.write(self.master, data)
        except (BlockingIOError, OSError):
            pass  # nobody reading and the pty full: a board's USB drops it too

    def _read(self, timeout):
        if not select.select([self.master], [], [], max(timeout, 0))[0]:
            return b""
        try:
            return os.read(self.master, 4096)
        except (BlockingIOError, OSError):
            return b""

    def _behind(self, ms):
        # Wall seconds until virtual ms is due.
        now = time.monotonic()
        if self.wall0 is None or now - (self.wall0 + ms / 1000) > LAG_S:
            self.wall0 = now - ms / 1000
        return self.wall0 + ms / 1000 - now

    def pace(self, ms):
        # A clock hook every virtual ms: waits for wall time (taking the pty's input
        # meanwhile) and raises a Ctrl-C where the firmware is, as a board's does.
        while not self.at_repl:
            wait = self._behind(ms)
            data = self._read(wait)
            if data:
                self._feed(data)
            elif wait <= 0:
                break
        return ms + 1

    def _feed(self, data):
        import vsys
        cut = data.find(b"\x03")
        vsys.stdin.buffer.feed(data if cut < 0 else data[:cut])
        if cut >= 0:
            self.pending, self.at_repl = data[cut + 1:], True
            raise PtyInterrupt()

    def stopped(self, e):
        """The firmware stopped by Ctrl-C e (None: main.py returned): its REPL, on wall
        time, until a reboot. -> the machine reset cause the board boots again with."""
        import machine
        import vsys
        import vtime
        if e is not None and not isinstance(e, PtyInterrupt):
            raise e  # this process's own Ctrl-C: the sim stops
        self.at_repl = True  # the pace hook leaves the port's input to the REPL
        self.say("%s: at its REPL, %s" % (
            "stopped by Ctrl-C on the port" if e else "main.py ended",
            "its watchdog armed" if machine.wdt else "no watchdog armed"))
        board = BoardRepl(self)
        board.write((INTERRUPTED if e else b"") + board.banner)
        data, self.pending = self.pending, b""
        try:
            while board.cause is None:
                for i in range(len(data)):
                    board.feed(data[i:i + 1])
                    if board.cause is not None:
                        break
                else:
                    # The clock runs on: an armed watchdog fires, the scenario plays.
                    vtime.advance(max(0, int(-self._behind(vtime.ms) * 1000000)))
                    data = self._read(0.01)
        except machine.WatchdogReset:
            board.cause = machine.WDT_RESET
        except Exception:  # the world's power cycle (scene.Reboot)
            board.cause = machine.PWRON_RESET
        self.at_repl = False
        # A reset drops the port's input for a while, as a USB board is off the bus (a
        # Pico ~1 s): what mpremote sent during reset's sleep_ms(100) or, on a loaded
        # machine, after it (b"\r\x02", leaving the raw REPL) got an ERR from the firmware.
        quiet = time.monotonic() + QUIET_S
        while time.monotonic() < quiet:
            self._read(0.01)
        vsys.stdin.buffer.data = bytearray()
        self.say("the firmware boots again (%s)" % {
            machine.SOFT_RESET: "soft reboot", machine.HARD_RESET: "machine.reset()",
            machine.WDT_RESET: "watchdog reset"}.get(board.cause, "power cycled"))
        return board.cause


class BoardRepl(repl.Repl):
    """The REPL of a stopped virtual board: a reboot ends it (cause: the reset cause)."""

    def __init__(self, port):
        import machine
        repl.Repl.__init__(self, port.write, port.root, event=self._event)
        self.port, self.cause = port, None
        # The board's own watchdog and timers (glide flash's feeder uses both).
        self.modules["machine"].WDT = machine.WDT
        self.modules["machine"].Timer = machine.Timer

    def _event(self, text):
        if text == "soft reboot":
            import machine
            machine.soft_reset()  # stops the REPL's timers; the watchdog runs on
        if not text.startswith("exec "):  # the code of a copy fills screens
            self.port.say("REPL: " + text)

    def reboot(self, soft):
        import machine
        self.cause = machine.SOFT_RESET if soft else machine.HARD_RESET


def run(args):
    from . import sim
    from .scenario import ScenarioError, load
    from .vm import VMError
    if args.runtime == "qemu":
        print("glide sim: --port runs the virtual board on CPython or in the MicroPython VM "
              "(for the emulated micro:bit on a pty: glide emu start)", file=sys.stderr)
        return 2
    if args.speed or args.record:
        print("glide sim: --port runs in real time and its log goes to the port: record "
              "it with glide monitor --record", file=sys.stderr)
        return 2
    try:
        scn = load(args.scenario)
    except ScenarioError as e:
        print("glide sim: %s" % e, file=sys.stderr)
        return 2
    # Over the firmware's defaults, not BOARD_CONFIG's boot_ms 0: glide flash stops a
    # board in its boot window.
    config = sim.settings(args, scn)
    if config is None:
        return 2
    # A terminal's Ctrl-C or a kill: the symlink goes too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with sim._board(dict(scn.config, **config)):
        root = os.getcwd()
        port = Port(root, lambda text: print("glide sim: %s" % text, flush=True))
        link = args.port and os.path.abspath(args.port)
        try:
            if link:
                if os.path.islink(link):
                    os.remove(link)  # a sim before this one left it
                elif os.path.lexists(link):
                    raise OSError("--port %s: a file is there, not a link: give another "
                                  "PATH" % args.port)
                os.symlink(port.path, link)
            vm = args.runtime == "micropython"
            print("glide sim: the virtual board, %sin real time, on %s%s\n"
                  "glide sim: its filesystem: %s (glide flash and mpremote copy there)\n"
                  "glide sim: attach: glide monitor --port %s, or mpremote connect %s; "
                  "Ctrl-C here stops it" % (
                      "in the MicroPython VM, " if vm else "", port.path,
                      " (%s)" % link if link else "",
                      "the VM's, in memory, from " + root if vm else root,
                      link or port.path, link or port.path), flush=True)
            import boot  # first: the virtual hardware that check_sensor's firmware imports
            sim.check_sensor(scn)
            if vm:
                return _in_vm(scn, root, port)
            sys.path.insert(1, root)  # after the virtual hardware, before firmware/
            boot.run(scn.steps, NEVER_MS, port, 0, port)
        except (ScenarioError, OSError, VMError) as e:
            print("glide sim: %s" % e, file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            pass
        finally:
            if link and os.path.islink(link):
                os.remove(link)
            os.close(port.master)
            os.close(port.slave)
    return 0



def _in_vm(scn, root, port):
    # The board in the MicroPython VM under Node, which has the pty's master; this
    # process waits (a Ctrl-C or kill here stops Node too).
    from . import vm
    with tempfile.TemporaryDirectory(prefix="glide-steps-") as steps:
        proc = vm.port_process(root, scn.steps, port.master, steps)
        try:
            return 0 if proc.wait() == 0 else 1
        finally:
            if proc.poll() is None:
                proc.terminate()
                proc.wait()
