import pytest


@pytest.fixture
def con(virtual):
    usys = virtual("usys")
    console = virtual("console")
    hw = virtual("hw")
    out = []
    usys.stdout.buffer.sink = out.append

    def make(size=256, chunk=32):
        c = console.Console(hw.StdioPort(), size, chunk)
        return c, usys, out
    return make


def drain(c):
    while c.flush():
        pass


def test_lines_come_out_whole_and_in_order(con):
    c, usys, out = con()
    for i in range(20):
        c.write("E t=%d ev=X" % i)
        drain(c)
    assert b"".join(out).decode().splitlines() == ["E t=%d ev=X" % i for i in range(20)]


def test_at_most_one_chunk_per_flush(con):
    c, usys, out = con(size=256, chunk=16)
    c.write("x" * 100)
    assert c.flush() == 101 - 16 and len(out[0]) == 16


def test_full_buffer_drops_whole_lines_and_reports_on_next_status(con):
    c, usys, out = con(size=128)
    usys.stdout.buffer.room = False  # host attached, not reading
    for i in range(10):
        c.write("E t=%d %s" % (i, "y" * 20))
    assert c.flush() == c.used and out == []  # nothing written, nothing blocked
    assert c.dropped == 10 - 128 // 27
    usys.stdout.buffer.room = True
    drain(c)
    c.write("S t=1 st=OFF")
    drain(c)
    lines = b"".join(out).decode().splitlines()
    assert lines[-1] == "S t=1 st=OFF drop=%d" % (10 - 128 // 27)
    assert all(len(l) == 26 or l.startswith("S") for l in lines)
    assert c.dropped == 0


def test_drop_count_survives_a_status_line_that_does_not_fit(con):
    c, usys, out = con(size=64)
    usys.stdout.buffer.room = False
    c.write("E " + "z" * 60)  # fills the buffer
    c.write("E t=1")
    c.write("S t=2")  # dropped too: the count goes on
    assert c.dropped == 2 and c.used == 63


def test_read_line_is_non_blocking_and_splits_on_cr_or_lf(con):
    c, usys, out = con()
    assert c.read_line() is None
    usys.stdin.buffer.feed(b"sta")
    assert c.read_line() is None
    usys.stdin.buffer.feed(b"rt\r\nlevel 3\n\n")
    assert c.read_line() == "start"
    assert c.read_line() == "level 3"
    assert c.read_line() is None


def test_read_line_bounded_per_tick(con):
    c, usys, out = con()
    usys.stdin.buffer.feed(b"a" * 40 + b"\n")
    assert c.read_line() is None  # 16 bytes per tick at most
    assert c.read_line() is None
    assert c.read_line() == "a" * 40


def test_overlong_line_is_kept_too_long_for_the_parser_to_refuse(con):
    import commands
    c, usys, out = con()
    usys.stdin.buffer.feed(b"b" * 200 + b"\n")
    line = None
    while line is None:
        line = c.read_line()
    assert len(line) == commands.MAX_LINE + 1
    assert commands.handle(None, line).startswith("ERR line longer")


def test_bytes_that_are_not_text(con):
    c, usys, out = con()
    usys.stdin.buffer.feed(b"\xff\xfe\n")
    assert c.read_line() == "\ufffd"


class SlowPort:
    """A port that takes at most `most` bytes per write(buf, off, n), as a busy UART may."""

    def __init__(self, most):
        self.most, self.data, self.calls = most, bytearray(), []

    def readable(self):
        return False

    def writable(self):
        return True

    def write(self, buf, off, n):
        self.calls.append((off, n))
        n = min(n, self.most)
        self.data += bytes(buf[off:off + n])
        return n


def test_lines_printed_into_the_stage_queue_on_end(virtual):
    console = virtual("console")
    port = SlowPort(1000)
    c = console.Console(port, 256, 32)
    print("E t=", 5, " ev=", "MOVE", sep="", end="", file=c.stage)
    c.end()
    c.write("OK stop")
    drain(c)
    assert port.data == b"E t=5 ev=MOVE\nOK stop\n"


def test_partial_writes_and_the_ring_wrap_keep_every_byte_in_order(virtual):
    console = virtual("console")
    port = SlowPort(7)
    c = console.Console(port, 100, 16)  # lines of 40 wrap the 100-byte ring
    want = []
    for i in range(30):
        line = ("E t=%d " % i).ljust(39, "x")
        want.append(line)
        c.write(line)
        drain(c)
    assert port.data.decode().splitlines() == want
    assert all(n <= 16 for off, n in port.calls)


def test_a_line_longer_than_the_copy_buffer(virtual):
    console = virtual("console")
    port = SlowPort(1000)
    c = console.Console(port, 1024, 8)
    c.write("# " + "y" * 300)  # longer than the stage too: it grows, the line stays whole
    c.write("S t=1")
    drain(c)
    assert port.data.decode().splitlines() == ["# " + "y" * 300, "S t=1"]


def test_drop_count_rides_on_a_status_line_from_the_stage(virtual):
    console = virtual("console")
    port = SlowPort(1000)
    c = console.Console(port, 64, 64)
    c.write("E " + "z" * 60)  # fills the ring
    c.write("E t=1")  # dropped
    print("S t=", 2, sep="", end="", file=c.stage)
    c.end()  # dropped too
    assert c.dropped == 2
    drain(c)
    print("E t=", 3, sep="", end="", file=c.stage)
    c.end()  # not a status line: no count on it
    print("S t=", 4, sep="", end="", file=c.stage)
    c.end()
    drain(c)
    assert port.data.decode().splitlines()[1:] == ["E t=3", "S t=4 drop=2"]
    assert c.dropped == 0
