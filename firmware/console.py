# The serial console, without ever stalling the loop or allocating per tick.
# Out: a line is printed into `stage` (print(..., sep="", end="", file=stage):
# C formats the numbers, nothing lands on the heap), then end() moves it into
# a ring of `size` bytes, and flush() writes at most `chunk` bytes per tick,
# only while the port reports room: on rp2 a print to a USB host that is
# attached but not reading blocks for hundreds of ms. A line that finds the
# ring full is dropped whole and counted; the next line that gets in is
# preceded by "D drop=N", whatever kind it is (with status_ms 0 no S line
# would ever carry the count).
# Stage and ring are BytesIO streams preallocated at boot: a BytesIO write
# within its capacity never reallocates, and stream calls take (buf, off, n)
# and (buf, n), so no slice (a heap object in MicroPython) is ever made.
# In: fill() takes what the port holds in one readinto (a byte at a time
# cost ~75 us a byte on the emulated 16 MHz micro:bit, 4.2 ms for 55 B) into
# a buffer sized for a tick of 115200 baud, and read_line() cuts whole lines
# out of it with find() (C).
# The port is the board's (hw.StdioPort): readable(), writable(),
# readinto(buf) -> bytes read (what is pending now, up to len(buf)) and
# write(buf, off, n) -> bytes written (MicroPython's own stream write), none
# of which may block.
try:
    import io
except ImportError:
    import uio as io  # type: ignore
# getattr: the board stubs give BytesIO no methods; on the board it is plain
# io.BytesIO.
_BytesIO = getattr(io, "BytesIO")

MAX_IN = 64  # longest command line (commands.MAX_LINE)
# Input read per tick: 115200 baud brings 11520 B/s (58 B a tick at 200 Hz,
# 230 B at 50 Hz); the buffer holds a tick's worth and a whole line more.
_BAUD_BYTES = 11520
STAGE = 256  # longest line formatted without allocating (S lines are < 100)
_NL = b"\n"
_CR = b"\r"

try:
    _BytesIO(1)  # MicroPython: an empty stream preallocated to hold 1 byte
    stream = _BytesIO
except TypeError:  # CPython: print() needs a text stream, write/readinto differ
    class _Stream:
        # MicroPython's BytesIO(size) as far as the console uses it; CPython
        # allocates anyway, so slicing here costs nothing that matters.
        def __init__(self, size):
            self.b = _BytesIO()

        def write(self, data, off=0, n=-1):
            if isinstance(data, str):
                data = data.encode()
            elif off or n >= 0:
                data = bytes(data[off:] if n < 0 else data[off:off + n])
            return self.b.write(data)

        def readinto(self, buf, n=-1):
            d = self.b.read(len(buf) if n < 0 else n)
            buf[:len(d)] = d
            return len(d)

        def seek(self, pos):
            return self.b.seek(pos)

        def tell(self):
            return self.b.tell()

    stream = _Stream


class Console:
    def __init__(self, port, size=2048, chunk=64, hz=200):
        self.port = port
        self.size = size
        self.ring = stream(size)
        self.stage = stream(STAGE)
        self.tmp = bytearray(chunk if chunk > 64 else 64)  # stage->ring->port
        self.head = 0  # next byte to fill
        self.tail = 0  # next byte to write out
        self.used = 0
        self.chunk = chunk
        self.dropped = 0
        self.rx = bytearray(_BAUD_BYTES // hz + MAX_IN + 1)
        self.rpos = 0  # next byte of rx to look at
        self.rest = 0  # bytes of rx not looked at yet
        self.line = bytearray(MAX_IN + 1)
        self.n = 0

    def write(self, line):
        # Queue one log line given as a str (boot notices, command replies):
        # a stream takes a str as its bytes (~12 us less than print() at 125
        # MHz).
        self.stage.write(line)
        self.end()

    def end(self):
        # Queue the line printed into self.stage; never blocks. After drops,
        # "D drop=N" goes in first (printed after the line in the stage). end
        # and _put keep their frames within 11 words (one heap allocation per
        # call otherwise, on ports without a Python stack: ~550 us on the
        # emulated micro:bit). The stage is left at the line's end, so the
        # newline goes on without a seek (a stream call is ~70 us on the
        # emulated 16 MHz micro:bit).
        st = self.stage
        st.write(_NL)
        n = st.tell()
        k = n
        if self.dropped:
            print("D drop=", self.dropped, sep="", file=st)
            k = st.tell()
        if self.used + k > self.size:  # it does not fit: drop it whole
            st.seek(0)
            self.dropped += 1
            return
        if k != n:
            st.seek(n)
            self._put(k - n)  # the D line, then the line
            self.dropped = 0
        else:
            st.seek(0)
        self._put(n)

    def _put(self, n):
        # Moves n bytes from the stage's position into the ring, in pieces
        # that fit the tmp buffer and stop at the ring's end; leaves the stage
        # empty.
        st = self.stage
        self.used += n
        h = self.head
        while n:
            k = self.size - h
            if k > n:
                k = n
            if k > len(self.tmp):
                k = len(self.tmp)
            st.readinto(self.tmp, k)
            self.ring.seek(h)
            self.ring.write(self.tmp, 0, k)
            h += k
            if h == self.size:
                h = 0
            n -= k
        self.head = h
        st.seek(0)

    def flush(self):
        # Write what the port takes now, at most one chunk. Returns bytes left.
        if self.used and self.port.writable():
            t = self.tail
            n = min(self.used, self.chunk, self.size - t)
            self.ring.seek(t)
            self.ring.readinto(self.tmp, n)
            w = self.port.write(self.tmp, 0, n)
            if w is None:  # some ports' write returns None when all went
                w = n
            self.used -= w
            t += w
            self.tail = 0 if t == self.size else t
        return self.used

    def fill(self):
        # Takes what the port holds, once its readable() said so, after the
        # bytes read before are all looked at (else they stay in the port).
        if not self.rest:
            self.rest = self.port.readinto(self.rx) or 0
            self.rpos = 0

    def read_line(self):
        # The next complete command line from the bytes fill() took, or None
        # once they are all looked at (a line's start waits in self.line).
        # Never blocks. Only called with input (self.rest): this frame is
        # over 11 words.
        rx = self.rx
        p = self.rpos
        end = p + self.rest
        n = self.n
        while p < end:
            q = rx.find(_NL, p, end)
            r = rx.find(_CR, p, end if q < 0 else q)
            if r >= 0:
                q = r
            k = (end if q < 0 else q) - p
            if k > MAX_IN + 1 - n:
                # Past MAX_IN the line is kept one byte too long, so the
                # command parser refuses it with a reason.
                k = MAX_IN + 1 - n
            if q >= 0 and not n and k:
                # A whole line in rx, the usual case: no copy into self.line.
                return self._text(rx[p:p + k], q + 1, end)
            if k > 0:
                self.line[n:n + k] = rx[p:p + k]  # a copy: input ticks only
                n += k
            if q < 0:
                break
            p = q + 1
            if n:
                self.n = 0
                return self._text(self.line[:n], p, end)
        self.n = n
        self.rest = 0
        return None

    def _text(self, b, p, end):
        # The line in b as a str; rx is looked at up to p of end.
        self.rpos = p
        self.rest = end - p
        try:
            return b.decode()
        except UnicodeError:
            return "\ufffd"  # not text: the parser says unknown command
