# The serial console, without ever stalling the loop.
# Out: log lines go into a preallocated ring buffer and are written at most
# `chunk` bytes per tick, and only while the port reports room: on rp2 a
# print to a USB host that is attached but not reading blocks for hundreds of
# ms. A line that finds the buffer full is dropped whole and counted; the
# count rides on the next status line as drop=N.
# In: command lines are read a byte at a time while input is pending.
# The port is the board's (hw.StdioPort): readable(), writable(),
# readinto(buf) and write(buf), none of which may block. Writing a chunk
# slices a memoryview, the one allocation of a tick that has log bytes
# pending (about 20 ticks a second at the default status rate).

MAX_IN = 64  # longest command line (commands.MAX_LINE)
_IN_PER_TICK = 16  # bytes read per tick at most: a flood cannot stall the loop


class Console:
    def __init__(self, port, size=2048, chunk=64):
        self.port = port
        self.buf = bytearray(size)
        self.mv = memoryview(self.buf)
        self.head = 0  # next byte to fill
        self.used = 0
        self.chunk = chunk
        self.dropped = 0
        self.one = bytearray(1)
        self.line = bytearray(MAX_IN + 1)
        self.n = 0

    def write(self, line):
        # Queue one log line; never blocks.
        tell = self.dropped and line[0] == "S"
        if tell:
            line = "%s drop=%d" % (line, self.dropped)
        data = line.encode()
        size = len(self.buf)
        n = len(data) + 1
        if self.used + n > size:
            self.dropped += 1
            return
        if tell:
            self.dropped = 0
        h = self.head
        first = min(n - 1, size - h)
        self.buf[h:h + first] = data[:first]
        if first < n - 1:
            self.buf[0:n - 1 - first] = data[first:]
        self.buf[(h + n - 1) % size] = 10
        self.head = (h + n) % size
        self.used += n

    def flush(self):
        # Write what the port takes now, at most one chunk. Returns bytes left.
        if self.used and self.port.writable():
            size = len(self.buf)
            tail = (self.head - self.used) % size
            n = min(self.used, self.chunk, size - tail)
            w = self.port.write(self.mv[tail:tail + n])
            if w is None:  # some ports' write returns None when all went
                w = n
            self.used -= w
        return self.used

    def read_line(self):
        # A complete command line, or None. Never blocks.
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
