"""Seeded generators of command streams and glide.json texts for the fuzz driver.

A stream is one line of the corpus (driver.py reads it on both runtimes):

    C size chunk hz status_ms stuck_ms slew adapt levels op...   a command stream
    F hex                                                          a glide.json's bytes

Ops of a command stream: `i<hex>` bytes arriving on the port, `h<hex>` a line (UTF-8) as
the console hands it over, `w<n>` bytes the port takes per write from now on (0: blocked),
`t<dt>,<r>,<n>,<j>` n ticks of dt us with the sensor at r, r + j alternately (`u`: a
stand-in reading, not live).
"""
import itertools
import json
import random

import config
from limits import LEVEL_CAPS

MODES = ["ADV", "LIFT", "TAP", "SCULPT", "0", "1", "2", "3"]
# Digits of other scripts, look-alikes and spaces: MicroPython's and CPython's int(),
# isdigit() and split() disagree on these.
ODD = ["\uff15", "\u0663", "\u0969", "\u00b2", "\u2075", "\u3000", "\u00a0", "\u2009",
       "\u200b", "\x0b", "\x0c", "\x1c", "\x85", "\x00", "\ufeff", "\u0130", "\u017f",
       "\U0001d7d3", "\u212a", "\xe4", "\ud7ff", "\x7f"]
ENDS = ["\n", "\r", "\r\n", "\n\r", "\n\n", "\r\r\n"]
OHMS = [20000, 20001, 12000, 100, 99, 101, 1000, 100000, 100001, 150000, 150001,
        1999999, 2000000, 2000001, 5000000, 0, -5]


def number(rng, lo, hi):
    """A number word: in range, at the edges, or one of the syntaxes only one runtime
    would take."""
    k = rng.randrange(12)
    if k < 4:
        return str(rng.randint(lo, hi))
    if k < 6:
        return str(rng.choice([lo - 1, lo, hi, hi + 1, 0, 10 ** 9 - 1, 10 ** 9, 10 ** 30]))
    if k == 6:
        return "0" * rng.randint(1, 9) + str(rng.randint(lo, hi))
    s = list(str(rng.randint(lo, hi)))
    for _ in range(rng.randint(1, 2)):
        at = rng.randint(0, len(s))
        s.insert(at, rng.choice(["_", "_", "__", "+", "-", " ", "\t", ".", "e", "x",
                                 "0x", rng.choice(ODD)]))
    if k == 7 and s:
        i = rng.randrange(len(s))
        if s[i] in "0123456789":
            d = int(s[i])
            s[i] = rng.choice([chr(0xFF10 + d), chr(0x660 + d), chr(0x966 + d),
                               chr(0x1D7CE + d)])
    return "".join(s)


def valid(rng):
    k = rng.randrange(13)
    if k == 0:
        words = ["start"] + [rng.choice(MODES)] * rng.randint(0, 1)
        if len(words) == 2 and rng.random() < 0.6:
            words.append(str(rng.randint(1, 5)))
    elif k == 1:
        words = ["stop"]
    elif k == 2:
        words = ["mode", rng.choice(MODES)]
    elif k == 3:
        words = ["level", str(rng.randint(1, 5))]
    elif k == 4:
        words = ["bi", rng.choice("01")]
    elif k == 5:
        words = ["reset"]
    elif k in (6, 7):
        words = ["r", rng.choice([str(rng.choice(OHMS[:12])), "off", str(rng.randint(100, 2000000))])]
    elif k in (8, 9):
        words = ["contact", rng.choice(["1", "1", "0", "off"])]
    else:
        words = [rng.choice(["status", "info", "help", "start"])]
    words = [rng.choice([w, w.upper(), w.lower(), w.capitalize()]) for w in words]
    if rng.random() < 0.9:
        return "".join(w + rng.choice([" ", " ", "  ", "\t"]) for w in words).rstrip(" \t")
    return " ".join(words) + " " * rng.randint(1, 3)  # blanks after the last word


def near_miss(rng):
    """A valid command with one thing wrong: a number, a typo, an argument too many."""
    line = valid(rng)
    k = rng.randrange(6)
    words = line.split()
    if k == 0 and words:
        cmd = rng.choice([("level", 1, 5), ("r", 100, 2000000), ("start adv", 1, 5),
                          ("mode", 0, 3), ("bi", 0, 1), ("contact", 0, 1)])
        return cmd[0] + " " + number(rng, cmd[1], cmd[2])
    if k == 1:
        return line + " " + rng.choice(["x", "1", "off", "adv", "5"])
    s = list(line)
    if not s:
        return line
    i = rng.randrange(len(s))
    if k == 2:
        del s[i]
    elif k == 3:
        s.insert(i, rng.choice(ODD + ["_", "-", "+", ";", "#", "="]))
    elif k == 4:
        s[i] = chr(rng.randint(32, 126))
    else:
        s.insert(i, rng.choice(["\x00", "\t", " ", "\u3000"]))
    return "".join(s)


def garbage(rng):
    """Bytes no command is made of: random bytes, invalid UTF-8, overlong lines."""
    k = rng.randrange(5)
    if k == 0:
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, 80)))
    if k == 1:
        return rng.choice([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\xaf",
                           b"\xef\xbb\xbf"]) + valid(rng).encode()
    if k == 2:
        n = rng.choice([63, 64, 65, 66, 100, 200, 1000])
        return ((valid(rng) + " ") * n)[:n].encode()
    if k == 3:
        return (" " * rng.randint(0, 70) + "\t" * rng.randint(0, 2)).encode()
    return "".join(chr(rng.randint(32, 126)) for _ in range(rng.randint(1, 70))).encode()


def line_bytes(rng):
    k = rng.random()
    if k < 0.5:
        return valid(rng).encode()
    if k < 0.8:
        return near_miss(rng).encode()
    return garbage(rng)


def settings(rng):
    """The controller's settings for a stream: valid, varied (rates fast enough that a
    short stream reaches treatment)."""
    levels = list(LEVEL_CAPS)
    if rng.random() < 0.3:
        levels = sorted(rng.sample(range(1, 681), rng.randint(1, 5)))
    slew = rng.choice([10, 340, 2000, 10000])
    adapt = rng.choice([a for a in (10, 2000, 10000) if a >= slew])
    return [rng.choice([256, 512, 2048]), rng.choice([8, 16, 64, 200]),
            rng.choice([50, 100, 200, 1000]), rng.choice([0, 1, 20, 100, 1000]),
            rng.choice([0, 5, 100, 2000]), slew, adapt, ",".join(map(str, levels))]


def command_stream(rng):
    head = settings(rng)
    period = 1000000 // head[2]
    ops = []
    r = rng.choice(OHMS)
    # Most streams start a session in contact so that output flows and the limits matter.
    if rng.random() < 0.7:
        # 20 kOhm (contact 1) allows 500 uA under the 10 V compliance; 12 kOhm the maximum.
        ops.append("i" + ("start %s %d\n%s\n" % (rng.choice(MODES), rng.randint(1, 5),
                                                 rng.choice(["contact 1", "r 12000"])))
                   .encode().hex())
        ops.append("t%d,%d,%d,1" % (period, 20000, rng.randint(5, 60)))
    for _ in range(rng.randint(3, 25)):
        k = rng.random()
        if k < 0.4:
            data = b"".join(line_bytes(rng) + rng.choice(ENDS).encode()
                            for _ in range(rng.randint(1, 4)))
            if rng.random() < 0.15:
                data = data[:rng.randint(0, len(data))]  # the rest comes later, or never
            ops.append("i" + data.hex())
        elif k < 0.5:
            line = rng.choice([valid, near_miss])(rng)
            if rng.random() < 0.3:
                line += rng.choice(ODD) * rng.randint(1, 80)
            ops.append("h" + line.encode().hex())
        elif k < 0.9:
            if rng.random() < 0.3:
                r = rng.choice(OHMS)
            dt = rng.choice([period] * 8 + [period - 1, period + 1, period * 3, 0, -1,
                                            -period, period * 4 + 1, period * 25])
            ops.append("%s%d,%d,%d,%d" % ("t" if rng.random() < 0.9 else "u", dt, r,
                                          rng.randint(1, 30), rng.choice([0, 1, 1, 1, 2])))
        else:
            ops.append("w%d" % rng.choice([0, 0, 1, 7, 1 << 20]))
    return " ".join(["C"] + [str(x) for x in head] + ops)


# -- glide.json texts ----------------------------------------------------------------------

RAW = ["NaN", "-NaN", "Infinity", "-Infinity", "1e3", "1E3", "1e400", "-1e400", "1.0",
       "1000.0", "-0", "0", "-0.0", "007", "-007", "00", "+5", "0x10", "1_000", ".5", "5.",
       "10000000000000000000000", "-10000000000000000000000", "18446744073709551616",
       "true", "false", "null", '"100"', '""', "[]", "{}", "[1,2]", '"\\u0000"', '"\\ud800"',
       '"\\ud83d\\ude00"', "tru", "nul", '"ADV"', '"adv"', '"SCULPT"', '"\\u0041DV"', "1,",
       "2147483648", "1073741824", "-1073741825", "9" * 40]
LEVELS = ["[136,272]", "[0]", "[681]", "[680]", "[700]", "[136,136]", "[680,136]",
          "[1,2,3,4,5,6]", "[]", "[1.5]", "[true]", "[680.0]", "[1,2,3,4,5]", "[-1]",
          "[1e2]", "[10000000000000000000000]", '["136"]', "[136,]", "[[136]]"]
PINS = ['{"out": 100000000000000000000000000000}', '{"out": -1}', '{"out": 25}',
        '{"out": "GP5"}', '{"out": 1.5}', '{"mode_leds": [1,2,3,4,5]}', '{"mode_leds": 3}',
        '{"zzz": 1}', '{"out": null}', '{"out": true}', '{"\\u00e4": 1}', '{"out\\n": 1}',
        '{"mode_leds": [1, "x", 2.5]}', "[]", '{"out": [1]}', '{"pot": 2147483648}']


def value(rng, key):
    """A raw JSON value for key: often in range, often at or past an edge, sometimes of
    another type or a token only one runtime's json reads."""
    spec = config._spec(key, config.INTS)
    k = rng.random()
    if key == "levels":
        return rng.choice(LEVELS) if k < 0.7 else json.dumps(list(LEVEL_CAPS))
    if key == "pins":
        return rng.choice(PINS) if k < 0.8 else "{}"
    if key == "mode":
        return rng.choice(['"ADV"', '"LIFT"', '"TAP"', '"SCULPT"', '"x"', "0", "3", '"adv"'])
    if config._spec(key, config.BOOLS):
        return rng.choice(["true", "false", "0", "1", '"true"', "null"])
    if spec:
        lo, hi = spec[2], spec[3]
        if k < 0.35:
            return str(rng.randint(lo, hi))
        if k < 0.7:
            return str(rng.choice([lo - 1, lo, lo + 1, hi - 1, hi, hi + 1, 0, -lo]))
    return rng.choice(RAW)


KEYS = [row[0] for row in config.INTS] + [b[0] for b in config.BOOLS] + \
    ["levels", "mode", "pins"]


def config_text(rng):
    k = rng.random()
    if k < 0.6:
        # An object of known keys (and now and then an unknown or repeated one).
        keys = rng.sample(KEYS, rng.randint(0, 8))
        if rng.random() < 0.2:
            keys.append(rng.choice(KEYS + ["x", "HZ", "hz ", "", "\\u0068z", "\\ud800"]))
        if rng.random() < 0.1:
            keys.append(rng.choice(["\u00e4", "\u3000", "\U0001f600", "k\\n"]))
        sep = rng.choice([", ", ",", ",\n  ", " ,\t"])
        text = "{" + sep.join('"%s": %s' % (key, value(rng, key)) for key in keys) + "}"
        data = text.encode("utf-8", "surrogatepass")
    elif k < 0.7:
        # Deep nesting, in an array or in a value.
        d = rng.choice([10, 31, 32, 33, 64, 100, 500, 1000, 5000])
        inner = rng.choice(["[" * d + "]" * d, '{"a":' * d + "1" + "}" * d])
        data = (inner if rng.random() < 0.5 else '{"hz": %s}' % inner).encode()
    elif k < 0.8:
        data = rng.choice([b"", b" ", b"null", b"[]", b"1", b'"x"', b"{}", b"{", b"}",
                           b'{"hz": 200}{"hz": 300}', b'{"hz": 200} x', b"\xef\xbb\xbf{}",
                           b'{"hz": 200,}', b'{"hz": 200 // c\n}', b"{'hz': 200}",
                           b'{"hz": 200, "hz": 1000, "hz": 50}', b"\x00", b'{"hz":\x00200}'])
    else:
        data = config_text(rng)
    # Byte-level damage on top: truncation, flips, invalid UTF-8.
    for _ in range(rng.choice([0, 0, 0, 1, 1, 2])):
        data = damage(rng, data)
    return data


def damage(rng, data):
    k = rng.randrange(4)
    i = rng.randint(0, len(data))
    if k == 0:
        return data[:i]
    if k == 1:
        return data[:i] + rng.choice([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x80", b"\xf8\x88\x80\x80\x80"]) + data[i:]
    if k == 2 and data:
        i = min(i, len(data) - 1)
        return data[:i] + bytes([data[i] ^ (1 << rng.randrange(8))]) + data[i + 1:]
    return data[:i] + rng.choice([b",", b"]", b"}", b'"', b":", b"\\", b"-", b"e"]) + data[i:]


def config_stream(rng):
    return "F " + config_text(rng).hex()


def streams(seed, kind):
    """Streams of kind ("C" commands, "F" glide.json texts) from seed, without end."""
    rng = random.Random("%s-%d" % (kind, seed))
    make = command_stream if kind == "C" else config_stream
    while True:
        yield make(rng)


def corpus(seed, n, kind):
    """The first n streams of kind from seed."""
    return list(itertools.islice(streams(seed, kind), n))
