# The board's configuration file (glide.json), validated key by key at boot.
# A bad key is reported and replaced by its default; a file that cannot be read
# at all leaves every default in place. No key can raise the current limits:
# level caps above 680 uA are refused like any other out-of-range value.
try:
    import ujson as json
except ImportError:
    import json

from limits import LEVEL_CAPS, DEVICE_MAX_UA
from waveform import NAMES

FILE = "glide.json"

# (key, default, lowest, highest) for integers. Constant tuples stay in a
# frozen build's flash; as dicts these tables took ~300 B of a micro:bit's
# 10 KB heap.
INTS = (
    ("hz", 200, 50, 1000),  # sampling rate
    ("make_ohm", 100000, 1000, 1000000),  # contact made at or below
    ("break_ohm", 150000, 1000, 2000000),  # contact lost above
    ("debounce", 4, 1, 50),  # samples in a row to make contact
    ("stuck_ms", 2000, 0, 60000),  # identical sensor readings = stuck (0: off)
    ("slew", 340, 10, 2000),  # soft-start rise, uA/s
    ("adapt", 2000, 10, 10000),  # adaptive target rise, uA/s
    ("stop_slew", 680, 10, 5000),  # graceful stop, uA/s
    ("vmax_mv", 10000, 1000, 30000),  # compliance voltage
    ("session_s", 1200, 10, 3600),  # auto-off
    ("sleep_s", 60, 5, 3600),  # auto-sleep without contact
    ("cue_ms", 3000, 500, 60000),  # move-on cue
    ("status_ms", 100, 0, 60000),  # status line period (0: none)
    ("overrun", 4, 2, 20),  # a tick this many periods late is a fault
    ("level", 1, 1, 5),  # level at boot
    ("timing_ms", 1000, 0, 60000),  # loop timing line period (0: none)
    ("log_buf", 2048, 256, 16384),  # bytes of log kept while the console is busy
    ("log_bytes", 64, 8, 1024),  # most bytes written to the console per tick
    ("wdt_ms", 2000, 100, 8000),  # watchdog timeout (0 also allowed: off)
    ("boot_ms", 2000, 0, 10000),  # window for Ctrl-C before the loop starts
    ("pot_min_ohm", 1000, 100, 2000000),  # potentiometer at 0
    ("pot_max_ohm", 2000000, 100, 2000000),  # potentiometer at full scale
    ("contact_ohm", 20000, 100, 1000000),  # what the contact button reads
)
BOOLS = (("biphasic", False), ("autostart", False))
# Pin names or numbers; each board file has its own defaults.
PINS = ("out", "pos", "neg", "status", "pot", "btn_contact", "btn_mode",
        "mode_leds")


def defaults():
    cfg = {"levels": list(LEVEL_CAPS), "mode": 0, "pins": {}}
    for k, v, _, _ in INTS:
        # | 0: a frozen build keeps an int above 8191 in a constant tuple as a
        # long int in flash (mpy-tool's limit, safe for 16-bit targets), and
        # every sum or product with one allocates 32 B: vmax_mv's 10000 left
        # 32 B of garbage per tick, a 10 ms GC every ~160 ticks on a micro:bit.
        # The or turns it into a small int, once, at boot.
        cfg[k] = v | 0
    for k, v in BOOLS:
        cfg[k] = v
    return cfg


def _spec(key, table):
    # The row of table for key, or None.
    for row in table:
        if row[0] == key:
            return row
    return None


def _check(key, v):
    # -> reason the value is bad, or None
    spec = _spec(key, INTS)
    if spec:
        lo, hi = spec[2], spec[3]
        if type(v) is not int:
            return "must be a whole number %d..%d" % (lo, hi)
        if not lo <= v <= hi and not (key == "wdt_ms" and v == 0):
            return "%d is outside %d..%d" % (v, lo, hi)
    elif _spec(key, BOOLS):
        if type(v) is not bool:
            return "must be true or false"
    elif key == "levels":
        if type(v) is not list or not 1 <= len(v) <= 5:
            return "must be a list of 1..5 caps in uA"
        last = 0
        for c in v:
            if type(c) is not int or not last < c <= DEVICE_MAX_UA:
                return "caps must rise, each 1..%d uA" % DEVICE_MAX_UA
            last = c
    elif key == "mode":
        if v not in NAMES:
            return "must be one of " + ", ".join(NAMES)
    elif key == "pins":
        if type(v) is not dict:
            return "must be an object of pin names"
        for p in v:
            if p not in PINS:
                return "unknown pin %s (known: %s)" % (_quote(p), ", ".join(PINS))
            ids = v[p] if p == "mode_leds" else [v[p]]
            if type(ids) is not list or len(ids) > 4:
                return "mode_leds must be a list of up to 4 pins"
            for i in ids:
                if type(i) is not int and type(i) is not str:
                    return "%s: a pin is a number or a name" % p
    else:
        return "unknown key"
    return None


def _quote(s):
    # A name from the file, safe to put in a log line: printable ASCII as it
    # is, anything else escaped (a newline in a key would start a line of its
    # own in the log), at most 40 characters.
    out = ""
    for ch in s[:40]:
        n = ord(ch)
        if " " <= ch <= "~":
            out += ch
        elif n < 0x100:
            out += "\\x%02x" % n
        elif n < 0x10000:
            out += "\\u%04x" % n
        else:
            out += "\\U%08x" % n
    return out + ("..." if len(s) > 40 else "")


def apply(cfg, data):
    # Merge the dict data into cfg; returns the list of problems, one a key.
    errors = []
    if type(data) is not dict:
        return ["must be a JSON object of settings: using defaults"]
    for key in data:
        v = data[key]
        why = _check(key, v)
        if why:
            errors.append("%s: %s: using %s" % (
                _quote(key), why, "nothing" if key not in cfg else json.dumps(cfg[key])))
        elif key == "mode":
            cfg[key] = NAMES.index(v)
        else:
            cfg[key] = v
    if cfg["level"] > len(cfg["levels"]):
        errors.append("level: above the %d levels: using 1" % len(cfg["levels"]))
        cfg["level"] = 1
    # Keys fine alone but not together: settled the safe way, never by
    # raising a limit.
    if cfg["make_ohm"] >= cfg["break_ohm"]:
        d = defaults()
        errors.append("make_ohm: must be below break_ohm: using %d and %d"
                      % (d["make_ohm"], d["break_ohm"]))
        cfg["make_ohm"] = d["make_ohm"]
        cfg["break_ohm"] = d["break_ohm"]
    if cfg["slew"] > cfg["adapt"]:
        errors.append("slew: above adapt: using %d, the slower" % cfg["adapt"])
        cfg["slew"] = cfg["adapt"]
    return errors


def load(path=FILE):
    # -> (cfg, errors). A missing file is not an error: defaults are the design.
    cfg = defaults()
    try:
        with open(path) as f:
            text = f.read()
    except OSError:
        return cfg, []
    except ValueError as e:  # UnicodeError: not text
        return cfg, ["%s is not text (%s): using defaults" % (path, e)]
    try:
        data = json.loads(text)
    except ValueError as e:
        return cfg, ["%s is not valid JSON (%s): using defaults" % (path, e)]
    return cfg, apply(cfg, data)


CORE = ("hz", "make_ohm", "break_ohm", "debounce", "stuck_ms", "slew",
        "adapt", "stop_slew", "vmax_mv", "session_s", "sleep_s", "cue_ms",
        "status_ms", "overrun", "levels")


def core(cfg):
    # The Controller's keyword arguments from cfg.
    kw = {}
    for k in CORE:
        kw[k] = cfg[k]
    return kw
