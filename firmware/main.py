# glide firmware entry point: configuration, board, controller, loop.
# Outputs are LEDs and the serial log; nothing here is ever wired to a person.
try:
    import usys as sys
except ImportError:
    import sys
try:
    import utime as time
except ImportError:
    import time

import telemetry
from console import Console
from controller import Controller
from loop import Loop

VERSION = "0.2.0"
# sys.platform -> board module; other platforms (a host running the virtual
# machine) get the Pico's pin map.
BOARDS = {"rp2": "board_pico", "esp32": "board_esp32", "qemu": "board_qemu"}


def start():
    # Configuration, board, console, controller, up to the loop. A function
    # of its own so that cfg (~0.6 KB of a 10 KB micro:bit's heap) is freed
    # once it returns: the loop needs only what it gives back.
    # config only runs here: imported now and dropped on return, its ~0.5 KB
    # of functions and tables is freed before the loop (a micro:bit has 10 KB).
    import config
    cfg, errors = config.load()
    pin_map = __import__(BOARDS.get(sys.platform, "board_pico"))
    try:
        board = pin_map.make(cfg)
    except (ValueError, TypeError, OSError) as e:
        # A pin this board does not have: its own pin map still works.
        errors.append("pins: %s: using the board's pin map" % e)
        cfg["pins"] = {}
        board = pin_map.make(cfg)
    board.off()
    con = Console(board.port, cfg["log_buf"], cfg["log_bytes"], cfg["hz"])
    log = con.write
    ctl = Controller(con, **config.core(cfg))  # lines print into its stage
    ctl.set_level(cfg["level"])
    ctl.set_mode(cfg["mode"])
    ctl.set_biphasic(cfg["biphasic"])
    cause, code = reset_cause()
    telemetry.reset = cause
    # The pot's top rail is what an unplugged electrode reads: glide check
    # flags any output at or above it, whatever break_ohm says.
    telemetry.open_ohm = cfg["pot_max_ohm"]
    # The header first, into the empty ring: it always fits (it is under
    # 256 B, the least log_buf), while the notices after it may not.
    log(telemetry.header(ctl))
    log("# glide %s on %s: LEDs and a log, never connect to a person"
        % (VERSION, sys.platform))
    for e in errors:
        log("# config: " + e)
    if cause == "WDT":
        # The loop hung until the watchdog reset the board: a fault, output 0
        # until the user's reset.
        ctl.latch(telemetry.F_WATCHDOG, code)
    if cfg["boot_ms"]:
        # Before the watchdog is armed: Ctrl-C now gives a REPL that stays.
        log("# starting in %d ms: Ctrl-C for the REPL" % cfg["boot_ms"])
        end = time.ticks_add(time.ticks_ms(), cfg["boot_ms"])
        while time.ticks_diff(end, time.ticks_ms()) > 0:
            con.flush()
            time.sleep_ms(1)
    # Always armed: config refuses wdt_ms 0 (a setting must not turn a
    # safety check off).
    from machine import WDT
    wdt = WDT(timeout=cfg["wdt_ms"])
    if cfg["autostart"]:
        ctl.start()
    del sys.modules["config"]
    return board, con, ctl, wdt, cfg["hz"], cfg["timing_ms"], cfg["wdt_ms"]


def reset_cause():
    # -> (name, number) of why the board (re)started: machine.reset_cause()
    # by the constant's name, as ports number them differently (rp2 has only
    # PWRON_RESET and WDT_RESET).
    import machine
    code = machine.reset_cause()
    for name in ("PWRON", "HARD", "WDT", "DEEPSLEEP", "SOFT"):
        if code == getattr(machine, name + "_RESET", None):
            if name == "WDT" and sys.platform == "rp2":
                # rp2's machine.reset() (glide flash's, mpremote's) resets through
                # the watchdog, and reset_cause() says WDT_RESET for it too: the
                # watchdog's REASON register tells FORCE (bit 1) from a timeout.
                wd = 0x400D8000 if "RP2350" in sys.implementation._machine else 0x40058000
                if machine.mem32[wd + 8] & 3 == 2:
                    name = "HARD"
            return name, code
    return str(code), code


def main():
    board, con, ctl, wdt, hz, timing_ms, wdt_ms = start()
    try:
        Loop(ctl, board, con, hz, timing_ms, wdt).run()
    except KeyboardInterrupt:
        # Ctrl-C: the REPL takes over, but neither port can disarm the
        # watchdog; glide flash waits for this line and the reboot after it.
        con.write("# glide stopped: the watchdog resets the board in %d ms"
                  % wdt_ms)
        raise
    finally:
        board.off()
        # The log's rest, for as long as the port takes it and at most 100 ms
        # more: a host that stopped reading must not keep a stopped board
        # spinning here until the watchdog fires.
        end = time.ticks_add(time.ticks_ms(), 100)
        left = con.flush()
        while left and time.ticks_diff(end, time.ticks_ms()) > 0:
            now = con.flush()
            if now == left:
                time.sleep_ms(1)
            left = now


main()
