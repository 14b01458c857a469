# The fuzz driver: runs generated streams through the unchanged firmware and
# checks the safety invariants as it goes. Plain Python that runs on CPython
# and in the MicroPython VM alike, so tests/fuzz compares the two runtimes
# line by line. Input: a corpus file, one stream a line (format in gen.py).
# A command stream is the loop's work step by step with a fake port
# (console.fill and read_line, commands.handle, Controller.tick,
# console.flush), every line handled in the tick it arrives; a glide.json
# stream is config.load on a file, then main.py's start-up and a short
# session with what it gave. Output: one line a stream, "N ok CRC ..." (a
# command stream's lines out, replies, ticks, highest output, drops; a
# glide.json's errors, lines out, highest output) or "N FAIL reason";
# dump=N prints stream N's whole output instead, escaped, to show where the
# runtimes part.
import binascii

import commands
import config
import limits
from console import Console
from contact import R_OPEN
from controller import Controller

CAPS = (136, 272, 408, 544, 680)  # limits.py's, written out: no run may change them
MAX_UA = 680
RUNNING = (2, 3, 4)  # RAMP, TREAT, STOP: the only states with output
BOUND = 100000  # most drain steps: a console that never empties is a failure


class Fail(Exception):
    pass


class Port:
    # hw.StdioPort's methods on memory: input queued by the stream, output
    # kept; room: bytes one write takes (0: not writable, the blocked host).
    def __init__(self):
        self.inp = b""
        self.pos = 0
        self.out = bytearray()
        self.room = 1 << 20

    def feed(self, data):
        self.inp = self.inp[self.pos:] + data
        self.pos = 0

    def readable(self):
        return self.pos < len(self.inp)

    def readinto(self, buf, n=-1):
        if n < 0 or n > len(buf):
            n = len(buf)
        if n > len(self.inp) - self.pos:
            n = len(self.inp) - self.pos
        buf[0:n] = self.inp[self.pos:self.pos + n]
        self.pos += n
        return n

    def writable(self):
        return self.room > 0

    def write(self, buf, off=0, n=-1):
        if n < 0:
            n = len(buf) - off
        if n > self.room:
            n = self.room
        self.out += bytes(buf[off:off + n])
        return n


class Counted(Console):
    # Counts the lines the firmware hands the console, so that every one can
    # be found on the port or in a drop count.
    def __init__(self, port, size, chunk, hz):
        Console.__init__(self, port, size, chunk, hz)
        self.ends = 0

    def end(self):
        self.ends += 1
        Console.end(self)


class Lines:
    # The command lines in the bytes sent so far that must get a reply: a
    # non-empty piece between CR/LF, unless it is only spaces and tabs and
    # short enough to be a line (commands.MAX_LINE), which is blank.
    def __init__(self):
        self.n = 0
        self.len = 0
        self.blank = True

    def add(self, data):
        for c in data:
            if c == 10 or c == 13:
                if self.len and (self.len > commands.MAX_LINE or not self.blank):
                    self.n += 1
                self.len = 0
                self.blank = True
            else:
                self.len += 1
                if c != 32 and c != 9:
                    self.blank = False


def blank(line):
    if len(line) > commands.MAX_LINE:
        return False
    for ch in line:
        if ch != " " and ch != "\t":
            return False
    return True


class Run:
    def __init__(self, ctl, con, port):
        self.ctl = ctl
        self.con = con
        self.port = port
        self.levels = ctl.levels
        self.replies = 0
        self.ticks = 0
        self.peak = 0  # the highest output
        self.open = R_OPEN  # the sensor's open-circuit reading: no output there
        self.dropped = 0  # lines the console counted as dropped

    def line(self, line):
        # What the loop does with a line: the reply goes to the console.
        reply = commands.handle(self.ctl, line)
        if reply is None:
            if not blank(line):
                raise Fail("no reply to %s" % esc(line.encode()))
        else:
            self.replies += 1
            self.con.write(reply)
        self.limits()

    def pump(self):
        # What loop.py does with input, with time for every line: the port's
        # bytes into the console, then each whole line handled.
        con = self.con
        if self.port.readable():
            con.fill()
        k = 0
        while con.rest:
            line = con.read_line()
            if line is not None:
                self.line(line)
            k += 1
            if k > BOUND:
                raise Fail("console never runs out of lines")

    def tick(self, dt, r, live):
        ctl = self.ctl
        self.pump()
        out = ctl.tick(dt, r, live)
        self.ticks += 1
        if out > self.peak:
            self.peak = out
        st = ctl.state
        if out != ctl.out or out < 0 or out > MAX_UA:
            raise Fail("out %d (ctl.out %d) outside 0..%d" % (out, ctl.out, MAX_UA))
        if out:
            if out > ctl.levels[ctl.level - 1]:
                raise Fail("out %d above level %d's cap" % (out, ctl.level))
            if st not in RUNNING or not ctl.contact.on:
                raise Fail("out %d in state %d, contact %s" % (out, st, ctl.contact.on))
            if ctl.r >= self.open:
                raise Fail("out %d at an open-circuit reading %d" % (out, ctl.r))
        self.con.flush()

    def limits(self):
        ctl = self.ctl
        if (ctl.levels != self.levels or ctl.cap != ctl.levels[ctl.level - 1]
                or ctl.cap > MAX_UA or limits.LEVEL_CAPS != CAPS
                or limits.DEVICE_MAX_UA != MAX_UA):
            raise Fail("a limit moved: levels %s cap %d" % (ctl.levels, ctl.cap))

    def drain(self):
        # The rest of the input, then the whole log out to a port that takes
        # it: every line handed to the console is then on the port or in a
        # drop count.
        port = self.port
        port.room = 1 << 20
        for _ in range(BOUND):
            self.pump()
            if not port.readable():
                break
        for _ in range(BOUND):
            if not self.con.flush():
                break
        if self.con.used:
            raise Fail("the console keeps %d bytes" % self.con.used)
        lines = dropped = 0
        for line in bytes(port.out).split(b"\n")[:-1]:
            if line[:2] != b"D ":  # the console's own drop count line
                lines += 1
            i = line.find(b" drop=")
            if i >= 0:
                dropped += int(line[i + 6:].split(b" ")[0])
        dropped += self.con.dropped
        if lines + dropped != self.con.ends:
            raise Fail("%d lines logged, %d out and %d counted as dropped"
                       % (self.con.ends, lines, dropped))
        self.dropped = dropped
        return lines


def esc(b):
    # Bytes as printable ASCII, the same on both runtimes (their repr differs).
    s = ""
    for c in b:
        s += chr(c) if 32 <= c < 127 and c != 92 else "\\x%02x" % c
    return s


def commands_stream(words):
    # C size chunk hz status_ms stuck_ms slew adapt levels op...
    port = Port()
    con = Counted(port, int(words[1]), int(words[2]), int(words[3]))
    levels = [int(x) for x in words[8].split(",")]
    ctl = Controller(con, hz=int(words[3]), status_ms=int(words[4]),
                     stuck_ms=int(words[5]), slew=int(words[6]),
                     adapt=int(words[7]), levels=levels)
    run = Run(ctl, con, port)
    want = Lines()
    got = 0
    for op in words[9:]:
        k = op[0]
        if k == "i":  # bytes arrive on the port
            data = binascii.unhexlify(op[1:])
            want.add(data)
            port.feed(data)
        elif k == "h":  # a line as the console would hand it over
            before = run.replies
            run.line(binascii.unhexlify(op[1:]).decode())
            got -= run.replies - before
        elif k == "w":  # what the port takes per write from now on
            port.room = int(op[1:])
        else:  # t/u dt,r,n,jitter: n ticks, a live sensor (t) or not (u)
            a = op[1:].split(",")
            dt, r, n, j = int(a[0]), int(a[1]), int(a[2]), int(a[3])
            for i in range(n):
                run.tick(dt, r + (i & 1) * j, k == "t")
    lines = run.drain()
    got += run.replies
    if got != want.n:
        raise Fail("%d command lines, %d replies" % (want.n, got))
    return port.out, "%d %d %d %d %d" % (lines, run.replies, run.ticks, run.peak, run.dropped)


def config_stream(words, path):
    # F hex: the bytes of a glide.json
    f = open(path, "wb")
    f.write(binascii.unhexlify(words[1] if len(words) > 1 else ""))
    f.close()
    cfg, errors = config.load(path)
    check_cfg(cfg)
    # main.start()'s order, then a session: contact (jittering, at or below
    # make_ohm), then the sensor open: the pot's top rail (pot_max_ohm, what
    # an unplugged electrode reads on a board), and R_OPEN.
    port = Port()
    con = Counted(port, cfg["log_buf"], cfg["log_bytes"], cfg["hz"])
    for e in errors:
        con.write("# config: " + e)
    ctl = Controller(con, **config.core(cfg))
    ctl.set_level(cfg["level"])
    ctl.set_mode(cfg["mode"])
    ctl.set_biphasic(cfg["biphasic"])
    run = Run(ctl, con, port)
    run.limits()
    ctl.start()
    dt = 1000000 // cfg["hz"]
    r = cfg["make_ohm"]
    if r > 20000:
        r = 20000
    for i in range(cfg["debounce"] + 60):
        run.tick(dt, r - (i & 1), True)
    run.open = min(cfg["pot_max_ohm"], R_OPEN)
    for r in (run.open, run.open + 1, R_OPEN):
        run.tick(dt, r, True)
    lines = run.drain()
    text = bytearray()
    for k in sorted(cfg):
        text += k.encode() + b"=" + canon(cfg[k]) + b"\n"
    return text + port.out, "%d %d %d" % (len(errors), lines, run.peak)


def check_cfg(cfg):
    # What config.load gives is inside the table, whatever the file said.
    for k, _, lo, hi in config.INTS:
        v = cfg[k]
        if type(v) is not int or not (lo <= v <= hi or (k == "wdt_ms" and v == 0)):
            raise Fail("cfg %s = %s" % (k, esc(canon(v))))
    levels = cfg["levels"]
    if type(levels) is not list or not 1 <= len(levels) <= 5:
        raise Fail("cfg levels = %s" % esc(canon(levels)))
    last = 0
    for c in levels:
        if type(c) is not int or not last < c <= MAX_UA:
            raise Fail("cfg levels = %s" % esc(canon(levels)))
        last = c
    for k, _ in config.BOOLS:
        if type(cfg[k]) is not bool:
            raise Fail("cfg %s = %s" % (k, esc(canon(cfg[k]))))
    if cfg["mode"] not in (0, 1, 2, 3) or cfg["level"] > len(levels):
        raise Fail("cfg mode %s level %s" % (cfg["mode"], cfg["level"]))
    if cfg["make_ohm"] >= cfg["break_ohm"] or cfg["slew"] > cfg["adapt"]:
        raise Fail("cfg make/break or slew/adapt out of order")


def canon(v):
    # One byte form of a value on both runtimes (repr and dict order differ).
    t = type(v)
    if t is bool:
        return b"T" if v else b"F"
    if t is int:
        return str(v).encode()
    if t is str:
        try:
            return b'"' + v.encode() + b'"'
        except UnicodeError:  # a lone surrogate (CPython)
            return b'"' + ",".join([str(ord(c)) for c in v]).encode() + b'"'
    if t is list:
        return b"[" + b",".join([canon(x) for x in v]) + b"]"
    if t is dict:
        return b"{" + b",".join([canon(k) + b":" + canon(v[k]) for k in sorted(v)]) + b"}"
    return ("%r" % (v,)).encode()


def stream(line, path):
    words = line.split()
    if words[0] == "C":
        return commands_stream(words)
    return config_stream(words, path)


def main(corpus, path, dump=-1):
    # One line a stream on stdout. A failure ends its stream, never the run.
    f = open(corpus)
    i = 0
    while True:
        line = f.readline()
        if not line:
            break
        if dump < 0 or i == dump:
            try:
                out, info = stream(line, path)
                if i == dump:
                    for l in bytes(out).split(b"\n"):
                        print(esc(l))
                else:
                    print("%d ok %d %s" % (i, binascii.crc32(out) & 0xFFFFFFFF, info))
            except Fail as e:
                print("%d FAIL %s" % (i, e.args[0]))
            except Exception as e:  # noqa: BLE001  an exception escaped the firmware
                print("%d FAIL %s: %s" % (i, type(e).__name__, esc(str(e).encode())))
        i += 1
    f.close()
