# The serial log's line format (version 1). One line per record, fields as
# key=value separated by single spaces, the first word the record kind:
#   G  header, once at start-up: the limits and settings the checker needs
#   S  status, every status_ms
#   E  event, on every transition and fault
# Lines are only formatted when emitted; nothing here runs per tick otherwise.
from limits import DEVICE_MAX_UA, ABS_MAX_UA
from waveform import NAMES

VERSION = 1
STATES = ("OFF", "SEEK", "RAMP", "TREAT", "STOP", "FAULT")
# Fault code -> message. 1 and 2 come from contact.py.
FAULTS = ("", "sensor out of range", "sensor stuck", "loop overrun",
          "output above level cap", "clock went backwards")


def header(c):
    return ("G glide=%d hz=%d caps=%s max=%d abs=%d vmax=%d slew=%d adapt=%d"
            " stop=%d make=%d brk=%d session=%d overrun=%d status=%d" % (
                VERSION, c.hz, ",".join([str(x) for x in c.levels]),
                DEVICE_MAX_UA, ABS_MAX_UA, c.vmax_mv, c.slew, c.adapt, c.stop_slew,
                c.contact.make_ohm, c.contact.break_ohm, c.session_ms // 1000,
                c.overrun, c.status_ms))


def status(c):
    return "S t=%d st=%s md=%s lv=%d r=%d tg=%d env=%d out=%d ph=%d" % (
        c.t, STATES[c.state], NAMES[c.wave.mode], c.level, c.r,
        c.target // 1000, c.env // 1000, c.out, c.phase)


def event(c, name, extra):
    return "E t=%d ev=%s st=%s out=%d%s" % (
        c.t, name, STATES[c.state], c.out, extra)


def fault(code, value):
    # msg runs to the end of the line
    return " code=%d val=%d msg=%s" % (code, value, FAULTS[code])
