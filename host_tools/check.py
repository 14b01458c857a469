"""glide check: verify a serial log against every safety rule of the controller.

The same checker runs on traces from the host simulator, the MicroPython VM, the
emulated micro:bit and a real board. Rules read their limits from the trace's
header line (G), so a trace carries what it must be checked against.
"""
import sys

from . import trace as tr

ACTIVE = ("RAMP", "TREAT", "STOP")
# The sensor's physical range (firmware/contact.py's R_MIN and R_OPEN; host tools do not
# import the firmware, tests/test_check.py holds them equal). A header without open=
# (logs before it) is checked against R_OPEN.
R_MIN = 100
R_OPEN = 2000000
MONITOR = "glide monitor:"  # starts the '#' lines glide monitor records when the port is lost


class Violation:
    def __init__(self, rec, rule, msg):
        self.rec, self.rule, self.msg = rec, rule, msg

    def __str__(self):
        return "line %d t=%s %s: %s" % (self.rec.lineno, self.rec.get("t"), self.rule, self.msg)


class Checker:
    """Feed Records in order with feed(); violations collect in .violations."""

    def __init__(self):
        self.violations = []
        self.header = None
        self.status_lines = 0
        self.events = 0

    def _bad(self, rec, rule, msg):
        self.violations.append(Violation(rec, rule, msg))

    def _new_session(self, hdr):
        self.header = hdr
        self.period_ms = max(1, 1000 // hdr["hz"])
        # The longest tick the controller accepts, in whole ms, rounded up.
        self.longest_ms = -(-hdr["overrun"] * 1000 // hdr["hz"])
        # The most a rise can count between two status lines, in us: ticks that print
        # no status line add up to less than status_ms (each status line leaves at most
        # status_ms to the next), and the tick that prints one counts at most a period
        # towards a rise, however late it is. Without status lines (status=0), lines
        # come only from the status command, any number of ticks apart: time alone.
        self.per_line_us = (hdr["status"] * 1000 + 1000000 // hdr["hz"]
                            if hdr["status"] else None)
        self.caps = [int(c) for c in hdr["caps"].split(",")]
        self.open = hdr.get("open", R_OPEN)
        # Where the envelope and the target were last known, as (t, uA), or None:
        # rises are checked against these. Separate, because a mode change restarts
        # the envelope from the output at the switch but leaves the target alone.
        self.env_base = self.tg_base = None
        self.start_t = None
        self.last_t = -1 << 40  # time of the last status line, in any state

    def lost(self):
        """Lines were lost here: nothing known to compare the next rise with (the bound
        per status line holds only between consecutive ones)."""
        self.env_base = self.tg_base = None

    def feed(self, rec):
        if rec.kind == "G":
            self._new_session(rec)
        elif self.header is None:
            return
        elif rec.get("drop", 0) > 0 or (rec.kind == "#" and rec["msg"].startswith(MONITOR)):
            # The board dropped lines (a D line, or drop= on a status line of older
            # logs), or glide monitor lost the port.
            self.lost()
        if rec.kind == "S":
            self.status_lines += 1
            self._status(rec)
        elif rec.kind == "E":
            self.events += 1
            self._event(rec)

    def _event(self, e):
        ev = e.get("ev")
        if ev in ("BREAK", "FAULT", "SLEEP", "STOPPED") and e["out"] != 0:
            self._bad(e, "cut", "%s with output %d uA, must be 0 in the same tick" % (ev, e["out"]))
        if ev == "START":
            self.start_t = e["t"]
        elif ev == "CONTACT":
            # Soft start: envelope and target from 0 at the start of the contact tick,
            # which may have been late by up to the overrun limit; no later than the
            # last status line, which showed them 0 (not yet in contact).
            t0 = max(self.last_t, e["t"] - self.longest_ms)
            self.env_base = self.tg_base = (t0, 0)
        elif ev in ("BREAK", "FAULT", "STOPPED", "SLEEP", "RESET"):
            self.env_base = self.tg_base = None
        elif ev == "MODE" and e["st"] in ACTIVE:
            # A new waveform must not step the output up: the envelope starts again
            # from the output at the switch. The target goes on from where it was.
            self.env_base = (e["t"], e["out"])
        if ev in ("STOPPED", "SLEEP") or (ev == "AUTOOFF" and e.get("st") == "OFF"):
            self.start_t = None

    def _rise(self, s, rule, what, base, now, rate):
        # now - base's value against rate over the time since base, and over what a
        # tick can add between status lines. t is floored to the ms, so up to 1 ms more
        # may have passed; values are floored to the uA, hence the + 1.
        us = (s["t"] - base[0] + 1) * 1000
        if self.per_line_us is not None and self.per_line_us < us:
            us = self.per_line_us
        if now - base[1] > rate * us // 1000000 + 1:
            self._bad(s, rule, "%s rose %d uA in %d ms, %d ms of it counted (bound %d uA/s)"
                      % (what, now - base[1], s["t"] - base[0], us // 1000, rate))

    def _status(self, s):
        h = self.header
        out, env, tg, r, st = s["out"], s["env"], s["tg"], s["r"], s["st"]
        cap = self.caps[s["lv"] - 1] if 1 <= s["lv"] <= len(self.caps) else 0
        if out >= h["abs"]:
            self._bad(s, "absolute", "output %d uA at or above the %d uA danger line" % (out, h["abs"]))
        if out > h["max"]:
            self._bad(s, "device-max", "output %d uA above the device maximum %d" % (out, h["max"]))
        if out > cap or env > cap or tg > cap:
            self._bad(s, "level-cap", "out/env/target %d/%d/%d above level %d cap %d" % (out, env, tg, s["lv"], cap))
        if out > env:
            self._bad(s, "envelope", "output %d above its envelope %d" % (out, env))
        if st not in ACTIVE and (out or env):
            self._bad(s, "no-contact", "output %d uA in state %s" % (out, st))
        if r > h["brk"] and out:
            self._bad(s, "no-contact", "output %d uA while r=%d is above the break threshold" % (out, r))
        # Whatever the thresholds say: no current into an open circuit, nor from a
        # reading no working sensor gives.
        if r >= self.open and out:
            self._bad(s, "open-circuit", "output %d uA while r=%d is the sensor's open-circuit"
                      " reading (%d)" % (out, r, self.open))
        if r < R_MIN and out:
            self._bad(s, "sensor-range", "output %d uA while r=%d is below the sensor's %d ohm"
                      % (out, r, R_MIN))
        if out * r > h["vmax"] * 1000:
            self._bad(s, "compliance", "%d uA x %d ohm = %d mV > %d mV" % (out, r, out * r // 1000, h["vmax"]))
        if self.start_t is not None and st in ACTIVE:
            over = s["t"] - self.start_t - h["session"] * 1000
            if (st != "STOP" and over > self.period_ms) or over > 1000 * h["max"] // h["stop"] + 2 * self.period_ms:
                self._bad(s, "auto-off", "still %s %d ms after the %d s session" % (st, over, h["session"]))
        if st in ACTIVE:
            if self.env_base is not None:
                self._rise(s, "slew", "envelope", self.env_base, env, h["slew"])
            if self.tg_base is not None:
                self._rise(s, "adapt-step", "target", self.tg_base, tg, h["adapt"])
            self.env_base, self.tg_base = (s["t"], env), (s["t"], tg)
        else:
            self.env_base = self.tg_base = None
        self.last_t = s["t"]


def check_records(records):
    c = Checker()
    for rec in records:
        c.feed(rec)
    return c


def check_lines(lines):
    """check_records over log lines, where a glide line that does not parse (torn by a
    reset, garbled on the wire) counts as a lost line."""
    c = Checker()
    for n, text in enumerate(lines, 1):
        rec = tr.parse_line(text, n)
        if rec is not None:
            c.feed(rec)
        elif text.partition(" ")[0] in tr.KINDS:
            c.lost()
    return c


def add_arguments(p):
    p.add_argument("trace", nargs="+", help="serial log(s) to check ('-' for stdin)")
    p.add_argument("-q", "--quiet", action="store_true", help="print only violations")


def run(args):
    bad, unreadable = 0, 0
    for path in args.trace:
        try:
            c = check_lines(tr.read_lines(path))
        except OSError as e:
            print("%s: cannot read: %s" % (path, e.strerror or e), file=sys.stderr)
            unreadable += 1
            continue
        except ValueError as e:
            print(e, file=sys.stderr)
            unreadable += 1
            continue
        if c.header is None:
            print("%s: no header line (G ...): cannot tell the limits to check against (a "
                  "board prints it at boot and in reply to 'info')" % path, file=sys.stderr)
            unreadable += 1
            continue
        for v in c.violations:
            print("%s: %s" % (path, v))
        if not args.quiet or c.violations:
            print("%s: %d status lines, %d events, %d violations"
                  % (path, c.status_lines, c.events, len(c.violations)))
        bad += len(c.violations)
    return 1 if bad else (2 if unreadable else 0)

