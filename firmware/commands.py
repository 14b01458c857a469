# Commands that arrive as lines over serial. A command that is malformed or
# out of range gets "ERR <reason>" and changes nothing; none can touch the
# current limits. handle() returns the reply line (None for a blank line).
from contact import R_MIN, R_OPEN
from waveform import NAMES
import telemetry

MAX_LINE = 64
INJECT_OHM = 20000  # what "contact 1" injects: moist skin

HELP = ("start [MODE] [LEVEL] | stop | mode ADV|LIFT|TAP|SCULPT | level N"
        " | bi 0|1 | reset | r OHMS|off | contact 1|0|off | status | info"
        " | help")


def _int(word, lo, hi, what):
    # -> (value, None) or (None, reason). One number syntax on every runtime:
    # 1 to 9 ASCII digits (docs/protocol.md). int() differs: MicroPython's
    # takes "_3", "3_" and "1__0", CPython's refuses them, and a sign or a
    # space would be a second syntax. Nine digits stay a small int on a board.
    if not 0 < len(word) <= 9:
        return None, "%s: not a number: %s" % (what, word)
    v = 0
    for ch in word:
        if not "0" <= ch <= "9":
            return None, "%s: not a number: %s" % (what, word)
        v = v * 10 + ord(ch) - 48
    if not lo <= v <= hi:
        return None, "%s must be %d..%d" % (what, lo, hi)
    return v, None


def _mode(word):
    w = word.upper()
    for i in range(len(NAMES)):
        if w == NAMES[i] or w == str(i):
            return i
    return -1


def handle(c, line):
    if len(line) > MAX_LINE:
        return "ERR line longer than %d" % MAX_LINE
    # ASCII only: str.split and int() differ on other spaces and digits
    # between CPython and MicroPython, and the log must not. The bytes' min()
    # and max() look in C; the loop over characters (~100 us for a short
    # line at 125 MHz, a third of its command's cost) runs only for a line
    # with a tab or worse.
    b = line.encode()
    if b and (min(b) < 32 or max(b) > 126):
        for ch in line:
            if not " " <= ch <= "~" and ch != "\t":
                return "ERR not printable ASCII"
    words = line.split()
    if not words:
        return None
    cmd = words[0].lower()
    args = words[1:]
    err = None
    if cmd == "start" and len(args) <= 2:
        # Check every argument before acting, so a bad one changes nothing.
        mode = _mode(args[0]) if args else c.wave.mode
        level = c.level
        if mode < 0:
            err = "unknown mode: " + args[0]
        elif len(args) == 2:
            level, err = _int(args[1], 1, len(c.levels), "level")
        if not err:
            err = c.start() or c.set_mode(mode) or c.set_level(level)
    elif cmd == "stop" and not args:
        c.stop()
    elif cmd == "mode" and len(args) == 1:
        mode = _mode(args[0])
        err = c.set_mode(mode) if mode >= 0 else "unknown mode: " + args[0]
    elif cmd == "level" and len(args) == 1:
        level, err = _int(args[0], 1, len(c.levels), "level")
        if not err:
            err = c.set_level(level)
    elif cmd == "bi" and len(args) == 1 and args[0] in ("0", "1"):
        c.set_biphasic(args[0] == "1")
    elif cmd == "reset" and not args:
        c.reset()
    elif cmd in ("r", "contact") and len(args) == 1:
        a = args[0].lower()
        if a == "off":
            c.inject = -1
        elif cmd == "contact":
            if a in ("0", "1"):
                c.inject = INJECT_OHM if a == "1" else R_OPEN
            else:
                err = "contact takes 1, 0 or off"
        else:
            r, err = _int(a, R_MIN, R_OPEN, "r")
            if not err:
                c.inject = r
    elif cmd == "status" and not args:
        return telemetry.status(c)
    elif cmd == "info" and not args:
        return telemetry.header(c)
    elif cmd == "help":
        return "# " + HELP
    else:
        err = "unknown command or wrong arguments: " + cmd + " (try help)"
    if err:
        return "ERR " + err
    return "OK " + cmd
