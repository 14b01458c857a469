"""glide check: verify a serial log against every safety rule of the controller.

The same checker runs on traces from the host simulator, the MicroPython VM, the
emulated micro:bit and a real board. Rules read their limits from the trace's
header line (G), so a trace carries what it must be checked against.
"""
import sys

from . import trace as tr

ACTIVE = ("RAMP", "TREAT", "STOP")


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
        self.caps = [int(c) for c in hdr["caps"].split(",")]
        self.prev = None  # previous S record since the last contact
        self.contact_t = None  # time of the last CONTACT event
        self.start_t = None
        self.last_t = -1 << 40

    def feed(self, rec):
        if rec.kind == "G":
            self._new_session(rec)
        elif self.header is None:
            return
        elif rec.kind == "S":
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
            self.contact_t = e["t"]
            self.prev = None
        elif ev in ("BREAK", "FAULT", "STOPPED", "SLEEP", "RESET"):
            self.prev = None
            self.contact_t = None
        elif ev == "MODE" and e["st"] in ACTIVE:
            # A new waveform must not step the output up: the envelope starts
            # again from the output at the switch.
            tg = self.prev["tg"] if self.prev else None
            self.prev = {"t": e["t"], "env": e["out"], "tg": tg}
        if ev in ("STOPPED", "SLEEP") or (ev == "AUTOOFF" and e.get("st") == "OFF"):
            self.start_t = None

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
        if out * r > h["vmax"] * 1000:
            self._bad(s, "compliance", "%d uA x %d ohm = %d mV > %d mV" % (out, r, out * r // 1000, h["vmax"]))
        if self.start_t is not None and st in ACTIVE:
            over = s["t"] - self.start_t - h["session"] * 1000
            if (st != "STOP" and over > self.period_ms) or over > 1000 * h["max"] // h["stop"] + 2 * self.period_ms:
                self._bad(s, "auto-off", "still %s %d ms after the %d s session" % (st, over, h["session"]))
        if st in ACTIVE:
            base = self.prev
            if base is None and self.contact_t is not None:
                # Soft start: from 0 at the tick before contact. The contact tick may
                # have been late by up to the overrun limit, so without a status line
                # from that tick before, allow for the longest tick there can be.
                t0 = max(self.last_t, self.contact_t - self.longest_ms)
                base = {"t": t0, "env": 0, "tg": 0}
            if "drop" in s:
                base = None  # lines were lost before this one: nothing to compare with
            if base is not None:
                # t is floored to the ms, so up to 1 ms more may have passed; values
                # are floored to the uA, hence the + 1.
                dt = s["t"] - base["t"] + 1
                if env - base["env"] > h["slew"] * dt // 1000 + 1:
                    self._bad(s, "slew", "envelope rose %d uA in %d ms (bound %d uA/s)"
                              % (env - base["env"], dt - 1, h["slew"]))
                if base["tg"] is not None and tg - base["tg"] > h["adapt"] * dt // 1000 + 1:
                    self._bad(s, "adapt-step", "target rose %d uA in %d ms (bound %d uA/s)"
                              % (tg - base["tg"], dt - 1, h["adapt"]))
            self.prev = s
        else:
            self.prev = None
        self.last_t = s["t"]


def check_records(records):
    c = Checker()
    for rec in records:
        c.feed(rec)
    return c


def add_arguments(p):
    p.add_argument("trace", nargs="+", help="serial log(s) to check ('-' for stdin)")
    p.add_argument("-q", "--quiet", action="store_true", help="print only violations")


def run(args):
    bad, unreadable = 0, 0
    for path in args.trace:
        try:
            c = check_records(tr.parse(tr.read_lines(path)))
        except OSError as e:
            print("%s: cannot read: %s" % (path, e.strerror or e), file=sys.stderr)
            unreadable += 1
            continue
        if c.header is None:
            print("%s: no header line (G ...): cannot tell the limits to check against" % path,
                  file=sys.stderr)
            unreadable += 1
            continue
        for v in c.violations:
            print("%s: %s" % (path, v))
        if not args.quiet or c.violations:
            print("%s: %d status lines, %d events, %d violations"
                  % (path, c.status_lines, c.events, len(c.violations)))
        bad += len(c.violations)
    return 1 if bad else (2 if unreadable else 0)

