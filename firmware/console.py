# The serial console, without ever stalling the loop or allocating per tick.
# Out: a line is printed into `stage` (print(..., sep="", end="", file=stage):
# C formats the numbers, nothing lands on the heap), then end() moves it into
# a ring of `size` bytes, and flush() writes at most `chunk` bytes per tick,
# only while the port reports room: on rp2 a print to a USB host that is
# attached but not reading blocks for hundreds of ms. A line that finds the
# ring full is dropped whole and counted; the count rides on the next status
# line as drop=N.
# Stage and ring are BytesIO streams preallocated at boot: a BytesIO write
# within its capacity never reallocates, and stream calls take (buf, off, n)
# and (buf, n), so no slice (a heap object in MicroPython) is ever made.
# In: command lines are read a byte at a time while input is pending.
# The port is the board's (hw.StdioPort): readable(), writable(),
# readinto(buf) and write(buf, off, n) -> bytes written (MicroPython's own
# stream write), none of which may block.
try:
    import io
except ImportError:
    import uio as io  # type: ignore
# getattr: the board stubs give BytesIO no methods; on the board it is plain
# io.BytesIO.
_BytesIO = getattr(io, "BytesIO")

MAX_IN = 64  # longest command line (commands.MAX_LINE)
_IN_PER_TICK = 16  # bytes read per tick at most: a flood cannot stall the loop
STAGE = 256  # longest line formatted without allocating (S lines are < 100)
_NL = b"\n"
_S = 83  # ord("S"): status lines carry the drop count

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
    def __init__(self, port, size=2048, chunk=64):
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
        self.one = bytearray(1)
        self.line = bytearray(MAX_IN + 1)
        self.n = 0

    def write(self, line):
        # Queue one log line given as a str (boot notices, command replies).
        print(line, end="", file=self.stage)
        self.end()

    def end(self):
        # Queue the line printed into self.stage; never blocks. A status
        # line after drops gets " drop=N" appended. end and _put keep their
        # frames within 11 words (one heap allocation per call otherwise, on
        # ports without a Python stack: ~550 us on the emulated micro:bit).
        # The stage is left at the line's end, so the newline goes on without
        # a seek (a stream call is ~70 us on the emulated 16 MHz micro:bit).
        st = self.stage
        n = st.tell()
        k = self._note(st, n) if self.dropped and n else n
        if self.used + k >= self.size:  # with its newline it does not fit
            st.seek(0)
            self.dropped += 1
            return
        if k != n:  # the drop count went out
            self.dropped = 0
        st.write(_NL)
        self._put(k + 1)

    def _note(self, st, n):
        # -> the line's length, with " drop=N" appended to a status line.
        st.seek(0)
        st.readinto(self.tmp, 1)
        if self.tmp[0] == _S:
            st.seek(n)
            print(" drop=", self.dropped, sep="", end="", file=st)
            return st.tell()
        st.seek(n)
        return n

    def _put(self, n):
        # Moves n bytes from the stage into the ring, in pieces that fit the
        # tmp buffer and stop at the ring's end; leaves the stage empty.
        st = self.stage
        st.seek(0)
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

    def read_line(self):
        # A complete command line, or None. Never blocks. No input, the case
        # of almost every tick, stays in this small frame: a frame over 11
        # words is heap allocated per call on ports without a Python stack.
        if not self.port.readable():
            return None
        return self._read()

    def _read(self):
        port = self.port
        for _ in range(_IN_PER_TICK):
            if not port.readable() or not port.readinto(self.one):
                return None
            c = self.one[0]
            if c == 10 or c == 13:
                if self.n:
                    n = self.n
                    self.n = 0
                    try:
                        return bytes(self.line[:n]).decode()
                    except UnicodeError:
                        return "\ufffd"  # not text: the parser says unknown command
            elif self.n <= MAX_IN:
                # Past MAX_IN the line is kept one byte too long, so the
                # command parser rejects it with a reason.
                self.line[self.n] = c
                self.n += 1
        return None
