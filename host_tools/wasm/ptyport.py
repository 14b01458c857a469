# The board's end of the pty inside the MicroPython VM (glide sim --port --runtime
# micropython): boot.run's port, over port.mjs's glideport functions. MicroPython only.
import builtins
import os
import sys

import glideport
import machine
import vsys
import vtime


# The wasm port's VfsPosix raises Emscripten's errno numbers (ENOENT is 44) where its
# own errno module and mpremote have MicroPython's (2): mpremote's fs cp took a missing
# file for an error. The REPL's os and open give MicroPython's numbers.
_ERRNO = {44: 2, 2: 13, 20: 17, 54: 20, 31: 21, 28: 22, 55: 39, 63: 1, 8: 9, 29: 5}


def _mp_errno(f):
    def call(*args):
        try:
            return f(*args)
        except OSError as e:
            raise OSError(_ERRNO.get(e.errno, e.errno))
    return call


class _Os:
    pass


for _name in dir(os):
    if not _name.startswith("_"):
        _f = getattr(os, _name)
        setattr(_Os, _name, staticmethod(_mp_errno(_f)) if callable(_f) and _name[0].islower()
                else _f)
sys.modules["os"] = sys.modules["uos"] = _Os()
builtins.open = _mp_errno(open)  # mpremote's fs cp opens the file it may replace


class Port:
    def __init__(self):
        self.write = sys.stdout.buffer.write  # the VM's stdout is the pty (port.mjs)
        self._pace = glideport.pace  # one proxy, not one per call

    def pace(self, ms):
        # A clock hook every virtual ms: waits for wall time, taking the pty's input
        # meanwhile, and raises a Ctrl-C where the firmware is, as a board's does.
        got = self._pace(ms)
        if got is None:
            raise KeyboardInterrupt()
        if got:
            vsys.stdin.buffer.feed(bytes(ord(c) for c in got))
        return ms + 1

    def stopped(self, e):
        # The firmware stopped by Ctrl-C e (None: main.py returned): the VM's own REPL,
        # on wall time, until a reboot. -> the reset cause the board boots again with.
        glideport.say("%s: at its REPL, %s" % (
            "stopped by Ctrl-C on the port" if e else "main.py ended",
            "its watchdog armed" if machine.wdt else "no watchdog armed"))
        glideport.start()
        if e:
            sys.print_exception(e)
        glideport.banner()
        machine.resetting = False
        try:
            while True:
                got = glideport.run()
                if machine.resetting:
                    cause = machine.HARD_RESET
                    break
                if got == 2:
                    glideport.soft_reboot()  # raw REPL's: stays at the REPL
                    machine.soft_reset()
                elif got:
                    cause = machine.SOFT_RESET
                    break
                # The clock runs on: an armed watchdog fires, a Timer ticks.
                vtime.advance(max(0, int(-glideport.behind(vtime.ms) * 1000)))
        except machine.WatchdogReset:
            cause = machine.WDT_RESET
        except Exception:  # the world's power cycle (scene.Reboot)
            cause = machine.PWRON_RESET
        glideport.end(cause == machine.SOFT_RESET)
        glideport.say("the firmware boots again (%s)" % {
            machine.SOFT_RESET: "soft reboot", machine.HARD_RESET: "machine.reset()",
            machine.WDT_RESET: "watchdog reset"}.get(cause, "power cycled"))
        return cause
