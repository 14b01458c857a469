# The serial log's line format (version 1). One line per record, fields as
# key=value separated by single spaces, the first word the record kind:
#   G  header, once at start-up: the limits and settings the checker needs
#   S  status, every status_ms
#   E  event, on every transition and fault
#   D  lines lost: the console's count, before the next line that got in
# Lines are only formatted when emitted; nothing here runs per tick otherwise.
# status() and event() print into a stream or return a str: the two forms
# must stay identical (tests/test_alloc.py compares them).
from limits import DEVICE_MAX_UA, ABS_MAX_UA
from contact import R_OPEN
from waveform import NAMES

VERSION = 1
STATES = ("OFF", "SEEK", "RAMP", "TREAT", "STOP", "FAULT")
# Fault code -> message. 1 and 2 come from contact.py, 3..5 from
# controller.py, F_WATCHDOG from main.py at boot.
FAULTS = ("", "sensor out of range", "sensor stuck", "loop overrun",
          "output above level cap", "clock went backwards", "watchdog reset")
F_WATCHDOG = 6
reset = "PWRON"  # why the board started (main.py): the header's reset=
# The sensor's open-circuit reading, the header's open=: glide check flags
# output there whatever brk says. The sensor's top, or the pot's top rail
# (pot_max_ohm) when main.py gives it.
open_ohm = R_OPEN


def header(c):
    return ("G glide=%d hz=%d caps=%s max=%d abs=%d vmax=%d slew=%d adapt=%d"
            " stop=%d make=%d brk=%d open=%d session=%d overrun=%d status=%d"
            " reset=%s" % (
                VERSION, c.hz, ",".join([str(x) for x in c.levels]),
                DEVICE_MAX_UA, ABS_MAX_UA, c.vmax_mv, c.slew, c.adapt, c.stop_slew,
                c.contact.make_ohm, c.contact.break_ohm, open_ohm,
                c.session_ms // 1000, c.overrun, c.status_ms, reset))


def status(c, out=None):
    # Printed into out, a stream (the console's stage), when given: print
    # formats in C and allocates nothing, so a board's status lines leave no
    # garbage. Without a stream, the same line as a str (tests, host tools).
    if out is None:
        return "S t=%d st=%s md=%s lv=%d r=%d tg=%d env=%d out=%d ph=%d" % (
            c.t, STATES[c.state], NAMES[c.wave.mode], c.level, c.r,
            c.target // 1000, c.env // 1000, c.out, c.phase)
    print("S t=", c.t, " st=", STATES[c.state], " md=", NAMES[c.wave.mode],
          " lv=", c.level, " r=", c.r, " tg=", c.target // 1000,
          " env=", c.env // 1000, " out=", c.out, " ph=", c.phase,
          sep="", end="", file=out)


def event(c, name, extra, out=None):
    # As status(): into the stream out, or as a str.
    if out is None:
        return "E t=%d ev=%s st=%s out=%d%s" % (
            c.t, name, STATES[c.state], c.out, extra)
    print("E t=", c.t, " ev=", name, " st=", STATES[c.state], " out=", c.out,
          extra, sep="", end="", file=out)


def fault(code, value):
    # msg runs to the end of the line
    return " code=%d val=%d msg=%s" % (code, value, FAULTS[code])
