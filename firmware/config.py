# The board's configuration file (glide.json), validated key by key at boot.
# A bad key is reported and replaced by its default; a file that cannot be read
# at all leaves every default in place. No key can raise the current limits:
# level caps above 680 uA are refused like any other out-of-range value, and
# no setting turns a safety check off.
from limits import LEVEL_CAPS, DEVICE_MAX_UA
from waveform import NAMES

FILE = "glide.json"
# A glide.json with every key, one a line, is ~700 B; a bound keeps a runaway
# file from taking a micro:bit's 10 KB heap at boot.
MAX_BYTES = 2048
# Objects and arrays nest at most this deep ({"pins": {"mode_leds": [..]}}):
# the reader recurses once a level, and 1,000 levels raised RecursionError.
MAX_DEPTH = 3

# (key, default, lowest, highest) for integers; the comment is the setting's
# line in docs/boards.md (tests/test_config_doc.py renders the table from it).
# Constant tuples stay in a frozen build's flash; as dicts these tables took
# ~300 B of a micro:bit's 10 KB heap.
INTS = (
    ("hz", 200, 50, 1000),  # sampling rate
    ("make_ohm", 100000, 1000, 1000000),  # contact made at or below
    ("break_ohm", 150000, 1000, 2000000),  # contact lost above
    ("debounce", 4, 1, 50),  # samples in a row to make contact
    # Never 0 (off), and 100 ms is 5 samples even at 50 Hz: a shorter time
    # rounded to 0 samples and turned the check off unannounced.
    ("stuck_ms", 2000, 100, 60000),  # identical live readings in contact this long = stuck sensor
    ("slew", 340, 10, 2000),  # soft-start rise, uA/s
    ("adapt", 2000, 10, 10000),  # adaptive target rise, uA/s (at least slew)
    ("stop_slew", 680, 10, 5000),  # graceful stop, uA/s
    ("vmax_mv", 10000, 1000, 30000),  # compliance voltage, mV
    ("session_s", 1200, 10, 3600),  # auto-off
    ("sleep_s", 60, 5, 3600),  # auto-sleep without contact
    ("cue_ms", 3000, 500, 60000),  # move-on cue period
    ("status_ms", 100, 0, 60000),  # status line period (0: none)
    ("overrun", 4, 2, 20),  # periods late that make a loop-overrun fault
    ("level", 1, 1, 5),  # level at boot
    ("timing_ms", 1000, 0, 60000),  # T line period (0: none)
    ("log_buf", 2048, 256, 16384),  # log ring buffer, bytes
    ("log_bytes", 64, 8, 1024),  # most bytes written to the console per tick
    ("wdt_ms", 2000, 100, 8000),  # watchdog timeout (never off)
    ("boot_ms", 2000, 0, 10000),  # Ctrl-C window before the loop starts
    ("pot_min_ohm", 1000, 100, 2000000),  # potentiometer at the bottom
    ("pot_max_ohm", 2000000, 100, 2000000),  # potentiometer at the top: the open-circuit reading
    ("contact_ohm", 20000, 100, 1000000),  # what the contact button reads
)
BOOLS = (
    ("biphasic", False),  # polarity alternation
    ("autostart", False),  # start a session at boot
)
# Pin names or numbers; each board file has its own defaults.
PINS = ("out", "pos", "neg", "status", "pot", "btn_contact", "btn_mode",
        "mode_leds")
# What contact detection reads, settled together (apply()).
_CHAIN = ("make_ohm", "break_ohm", "pot_min_ohm", "pot_max_ohm", "contact_ohm")


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


def _pin_name(s):
    # A board's pin names ("LED", "GP15") are letters, digits and _: machine.Pin
    # puts a name it lacks in its error, which goes to the log.
    if not 0 < len(s) <= 12:
        return False
    for ch in s:
        if not ("0" <= ch <= "9" or "A" <= ch <= "Z" or "a" <= ch <= "z"
                or ch == "_"):
            return False
    return True


def _check(key, v):
    # -> reason the value is bad, or None
    spec = _spec(key, INTS)
    if spec:
        lo, hi = spec[2], spec[3]
        if type(v) is not int:
            return "must be a whole number %d..%d" % (lo, hi)
        if not lo <= v <= hi:
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
        for p in sorted(v):
            if p not in PINS:
                return "unknown pin %s (known: %s)" % (_quote(p), ", ".join(PINS))
            ids = v[p] if p == "mode_leds" else [v[p]]
            if type(ids) is not list or len(ids) > 4:
                return "mode_leds must be a list of up to 4 pins"
            for i in ids:
                if not (type(i) is int and i >= 0 or type(i) is str and _pin_name(i)):
                    return ("%s: a pin is a number from 0 or a name of 1..12 letters,"
                            " digits and _" % p)
    else:
        return "unknown key"
    return None


def _quote(s):
    # A name from the file, safe to put in a log line: printable ASCII as it
    # is, anything else escaped (a newline in a key would start a line of its
    # own in the log), at most 40 characters.
    out = ""
    for ch in s[:40]:
        out += ch if " " <= ch <= "~" else "\\x%02x" % ord(ch)
    return out + ("..." if len(s) > 40 else "")


def _show(key, v):
    # A setting's value as glide.json writes it.
    if key == "mode":
        return NAMES[v]
    if type(v) is bool:
        return "true" if v else "false"
    return str(v)


def apply(cfg, data):
    # Merge the dict data into cfg; returns the list of problems, one a key,
    # in key order: a dict's own order differs between CPython and MicroPython.
    errors = []
    if type(data) is not dict:
        return ["must be a JSON object of settings: using defaults"]
    for key in sorted(data):
        v = data[key]
        why = _check(key, v)
        if why:
            errors.append("%s: %s: using %s" % (
                _quote(key), why, _show(key, cfg[key]) if key in cfg else "nothing"))
        elif key == "mode":
            cfg[key] = NAMES.index(v)
        else:
            cfg[key] = v
    if cfg["level"] > len(cfg["levels"]):
        errors.append("level: above the %d levels: using 1" % len(cfg["levels"]))
        cfg["level"] = 1
    # Keys fine alone but not together: settled the safe way, never by
    # raising a limit. Contact detection needs pot_min < make < break, the
    # contact button at or below make, and break at most 3/4 of the pot's top
    # (its open-circuit reading): with break at or above it an unplugged
    # sensor never lost contact and output flowed. Any clash puts back all
    # five defaults, which always agree. (vmax_mv needs no rule: its lowest,
    # 1 V, still lets 1 uA flow at the highest make_ohm, 1 Mohm.)
    why = None
    if cfg["make_ohm"] >= cfg["break_ohm"]:
        why = "make_ohm: must be below break_ohm"
    elif cfg["break_ohm"] * 4 > cfg["pot_max_ohm"] * 3:
        why = ("break_ohm: must be at most 3/4 of pot_max_ohm, the open-circuit"
               " reading")
    elif cfg["pot_min_ohm"] >= cfg["make_ohm"]:
        why = "pot_min_ohm: must be below make_ohm"
    elif cfg["contact_ohm"] > cfg["make_ohm"]:
        why = "contact_ohm: must be at most make_ohm"
    if why:
        d = defaults()
        for k in _CHAIN:
            cfg[k] = d[k]
            why += (": using " if k == "make_ohm" else ", ") + "%s %d" % (k, d[k])
        errors.append(why)
    if cfg["slew"] > cfg["adapt"]:
        errors.append("slew: above adapt: using %d, the slower" % cfg["adapt"])
        cfg["slew"] = cfg["adapt"]
    return errors


# -- the reader ------------------------------------------------------------
# glide.json is read here, character by character, not by json.loads: the
# two runtimes' json differ (CPython takes NaN and Infinity, MicroPython
# takes what CPython refuses, a text file's bad UTF-8 raises on one only,
# 1,000 levels of nesting raised RecursionError). The syntax (docs/boards.md):
# JSON in ASCII, numbers whole with 1 to 9 digits (a small int on a board),
# no name twice in an object, at most MAX_DEPTH levels deep.

def _ws(s, i):
    # The index of the first character at or after i that is not whitespace.
    while i < len(s) and s[i] in " \t\r\n":
        i += 1
    return i


def _value(s, i, depth):
    # The value that starts at or after s[i] -> (value, index after it).
    # Raises ValueError(why, index) for anything outside the syntax.
    i = _ws(s, i)
    ch = s[i:i + 1]
    if ch == "{" or ch == "[":
        if depth == MAX_DEPTH:
            raise ValueError("nested deeper than %d" % MAX_DEPTH, i)
        end = "}" if ch == "{" else "]"
        obj = {} if ch == "{" else []
        i = _ws(s, i + 1)
        if s[i:i + 1] == end:
            return obj, i + 1
        while True:
            if isinstance(obj, list):
                v, i = _value(s, i, depth + 1)
                obj.append(v)
            else:
                i = _ws(s, i)
                if s[i:i + 1] != '"':
                    raise ValueError('expected a "name"', i)
                k, j = _value(s, i, depth)
                if k in obj:
                    raise ValueError('"%s" twice' % _quote(k), i)
                i = _ws(s, j)
                if s[i:i + 1] != ":":
                    raise ValueError("expected :", i)
                obj[k], i = _value(s, i + 1, depth + 1)
            i = _ws(s, i)
            if s[i:i + 1] == end:
                return obj, i + 1
            if s[i:i + 1] != ",":
                raise ValueError("expected , or " + end, i)
            i += 1
    if ch == '"':
        out = ""
        i += 1
        while True:
            ch = s[i:i + 1]
            if ch == '"':
                return out, i + 1
            if ch == "\\":
                ch = s[i + 1:i + 2]
                n = '"\\/bfnrt'.find(ch) if ch else -1
                if n >= 0:
                    out += '"\\/\b\f\n\r\t'[n]
                    i += 2
                    continue
                # \u0000..\u007f: ASCII, like the rest of the file
                h = s[i + 2:i + 6] if ch == "u" else ""
                n = 0 if len(h) == 4 else 128
                for ch in h:
                    k = "0123456789abcdef".find(ch.lower())
                    n = n * 16 + k if k >= 0 else 128
                if n > 127:
                    raise ValueError("escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t"
                                     " and \\u0000..\\u007f", i)
                out += chr(n)
                i += 6
            elif ch and ch >= " ":
                out += ch
                i += 1
            else:
                raise ValueError("unterminated string" if not ch else
                                 "a control character in a string", i)
    if ch == "-" or "0" <= ch <= "9":
        j = i + 1 if ch == "-" else i
        n = 0
        k = j
        while "0" <= s[k:k + 1] <= "9":
            n = n * 10 + ord(s[k]) - 48
            k += 1
        if not 0 < k - j <= 9 or s[j] == "0" and k - j > 1 or \
                s[k:k + 1] and s[k:k + 1] in ".eE":
            raise ValueError("numbers are whole, 1 to 9 digits, no leading 0", i)
        return -n if ch == "-" else n, k
    for word, v in (("true", True), ("false", False), ("null", None)):
        if s[i:i + len(word)] == word:
            return v, i + len(word)
    raise ValueError("expected a value, not " + _quote(ch) if ch else
                     "the file ends too soon", i)


def parse(b):
    # glide.json's bytes -> (value, None), or (None, "line L col C: why").
    if len(b) > MAX_BYTES:
        return None, "longer than %d bytes" % MAX_BYTES
    if type(b) is str:  # the emulated board's RAM file (emuworld) reads str
        b = b.encode()
    for i in range(len(b)):
        if b[i] > 127:
            s = b[:i].decode()
            return None, _at(s, i, "byte 0x%02x is not ASCII" % b[i])
    s = b.decode()
    try:
        v, i = _value(s, 0, 0)
        i = _ws(s, i)
        if i < len(s):
            raise ValueError("more after the end", i)
    except ValueError as e:
        return None, _at(s, e.args[1], e.args[0])
    return v, None


def _at(s, i, why):
    return "line %d col %d: %s" % (s[:i].count("\n") + 1, i - s[:i].rfind("\n"), why)


def load(path=FILE):
    # -> (cfg, errors); never raises. A missing file is not an error:
    # defaults are the design.
    try:
        with open(path, "rb") as f:
            b = f.read(MAX_BYTES + 1)
    except OSError:
        return defaults(), []
    try:
        data, why = parse(b)
        b = None
        if why:
            return defaults(), ["%s %s: using defaults" % (path, why)]
        cfg = defaults()
        return cfg, apply(cfg, data)
    except MemoryError:
        # Within MAX_BYTES a file can still hold more than a board has at
        # boot: 170 short names ran the emulated micro:bit's 10 KB heap out.
        # What was read is garbage now, and cfg may be half applied.
        b = data = cfg = None
        return defaults(), ["%s: more than this board's memory holds: using"
                            " defaults" % path]


def pin_map(own, cfg, top):
    # A board's pins (own: a dict or pairs) with glide.json's in their place,
    # for its make(). Raises ValueError for a number the chip lacks (above
    # top) or a pin given two roles, before machine.Pin sees them: Pin raised
    # OverflowError, uncaught at boot, on {"out": 2**64}, and the pot on an
    # LED's pin would read the LED as skin.
    pins = dict(own)
    pins.update(cfg["pins"])
    seen = {}
    for k in PINS:
        for p in pins[k] if k == "mode_leds" else (pins[k],):
            if type(p) is int and p > top:
                raise ValueError("%s: no pin %d on this board (0..%d)" % (k, p, top))
            if p in seen:
                raise ValueError("%s: pin %s is %s already" % (k, p, seen[p]))
            seen[p] = k
    return pins


CORE = ("hz", "make_ohm", "break_ohm", "debounce", "stuck_ms", "slew",
        "adapt", "stop_slew", "vmax_mv", "session_s", "sleep_s", "cue_ms",
        "status_ms", "overrun", "levels")


def core(cfg):
    # The Controller's keyword arguments from cfg.
    kw = {}
    for k in CORE:
        kw[k] = cfg[k]
    return kw
