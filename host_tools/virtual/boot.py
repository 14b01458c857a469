# Powers on the virtual board: builds the world, then runs the unchanged
# firmware/main.py until the scenario ends or the watchdog resets the board.
# Importing this module installs the virtual hardware.
# The caller has put this folder and firmware/ on sys.path, and made the
# current directory the board's filesystem (with its glide.json, if any).
import sys

import vselect
import vsys
import vtime

# What the firmware imports, served by the virtual hardware. Put straight into
# sys.modules: MicroPython would otherwise resolve usys and uselect to its own
# built-in sys and select before looking at any file.
sys.modules["utime"] = vtime
sys.modules["usys"] = vsys
sys.modules["uselect"] = vselect

import config  # noqa: E402
import machine  # noqa: E402
import world  # noqa: E402

# Firmware modules a reboot must load afresh (the virtual hardware stays).
FIRMWARE = ("main", "loop", "console", "hw", "board_pico", "board_esp32",
            "controller", "commands", "telemetry", "contact", "waveform",
            "limits", "config")


def run(steps, end_ms, out, frame_ms=0, port=None):
    # steps: any iterable of scenario steps (steps_file's, in the VM); out: a
    # stream that takes the console's bytes, out.write(buf, off, n), or a
    # function that takes each line as a str (allocating: not for long runs
    # in the VM). port: the pty a host attaches to (host_tools/simport.py):
    # port.pace is a clock hook at every boot; a Ctrl-C it raises, or main.py
    # returning, leaves the board in port.stopped(e), its REPL, which returns
    # the reset cause the board boots again with. Or the browser page's port
    # (live.py), which puts what arrives into port.world's player.
    cfg, _ = config.load()  # the firmware reports the errors itself
    lines = None if hasattr(out, "write") else world.Lines(out)
    w = world.World(steps, end_ms, lines or out, cfg, frame_ms)
    if port:
        port.world = w
    while True:
        if port:
            vtime.hook(port.pace)
        try:
            import main  # noqa: F401  (runs the firmware)
            if port is None:
                break
            machine.cause = port.stopped(None)
        except world.End:
            break
        except KeyboardInterrupt as e:
            if port is None:
                raise
            machine.cause = port.stopped(e)
        except (world.Reboot, machine.WatchdogReset) as e:
            wdt = isinstance(e, machine.WatchdogReset)
            machine.cause = machine.WDT_RESET if wdt else machine.PWRON_RESET
            w.say("# virtual board: %s" % (
                "watchdog reset" if wdt else "power cycled"))
        for name in FIRMWARE:
            sys.modules.pop(name, None)
        del vtime.hooks[1:]  # the world's hook stays, the old WDT's (and port's) go
        machine.pins.clear()
        machine.wdt = None
        del machine.timers[:]
    if lines:
        lines.flush()


def steps_file(path):
    # A scenario's steps, one JSON array a line (host_tools/vm.py writes
    # them), read as the world plays them: 10,000 steps as one literal in the
    # VM's code ran out of its pystack, and of Node's argument list.
    import json
    with open(path) as f:
        for line in f:
            yield json.loads(line)
