import pytest


def sink(out):
    """The virtual console's sink, kept in out: sink(data), or sink(buf, off, n)."""
    def take(b, off=0, n=None):
        out.append(bytes(b[off:len(b) if n is None else off + n]))
    return take


@pytest.fixture
def con(virtual):
    usys = virtual("usys")
    console = virtual("console")
    hw = virtual("hw")
    out = []
    usys.stdout.buffer.sink = sink(out)

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


def test_full_buffer_drops_whole_lines_and_counts_them_before_the_next_line(con):
    c, usys, out = con(size=128)
    usys.stdout.buffer.room = False  # host attached, not reading
    for i in range(10):
        c.write("E t=%d %s" % (i, "y" * 20))
    assert c.flush() == c.used and out == []  # nothing written, nothing blocked
    assert c.dropped == 10 - 128 // 27
    usys.stdout.buffer.room = True
    drain(c)
    c.write("OK stop")  # any line: the count goes in before it
    drain(c)
    lines = b"".join(out).decode().splitlines()
    assert lines[-2:] == ["D drop=%d" % (10 - 128 // 27), "OK stop"]
    assert all(len(l) == 26 for l in lines[:-2])
    assert c.dropped == 0


def test_drop_count_survives_a_line_that_does_not_fit(con):
    c, usys, out = con(size=64)
    usys.stdout.buffer.room = False
    c.write("E " + "z" * 60)  # fills the buffer
    c.write("E t=1")
    c.write("S t=2")  # dropped too: the count goes on
    assert c.dropped == 2 and c.used == 63


def test_a_line_that_fits_only_without_its_drop_count_waits(con):
    c, usys, out = con(size=64)
    usys.stdout.buffer.room = False
    c.write("E " + "z" * 50)  # 53 of 64 bytes
    c.write("E " + "z" * 20)  # dropped
    c.write("E t=2")  # 6 bytes would fit, not with "D drop=1"
    assert c.dropped == 2 and c.used == 53


def feed(c, usys, data):
    usys.stdin.buffer.feed(data)
    c.fill()


def test_read_line_is_non_blocking_and_splits_on_cr_or_lf(con):
    c, usys, out = con()
    c.fill()
    assert c.read_line() is None
    feed(c, usys, b"sta")
    assert c.read_line() is None
    feed(c, usys, b"rt\r\nlevel 3\n\n")
    assert c.read_line() == "start"
    assert c.read_line() == "level 3"
    assert c.read_line() is None and c.rest == 0


def test_fill_takes_a_tick_of_115200_baud_and_a_line_more_at_once(con):
    import console
    c, usys, out = con()  # 200 Hz: 57 B a tick
    usys.stdin.buffer.feed(b"stop\n" * 100)
    c.fill()
    assert c.rest == len(c.rx) == 11520 // 200 + console.MAX_IN + 1
    lines = []
    while c.rest:
        lines.append(c.read_line())
    assert lines == ["stop"] * (len(c.rx) // 5) + [None]  # "st" waits for the rest
    c.fill()  # the rest of a cut line, then more
    assert c.read_line() == "stop"
    slow = console.Console(c.port, 256, 32, hz=50)
    assert len(slow.rx) == 11520 // 50 + console.MAX_IN + 1


def test_fill_leaves_the_port_alone_until_its_bytes_are_looked_at(con):
    c, usys, out = con()
    feed(c, usys, b"level 1\nlevel 2\n")
    usys.stdin.buffer.feed(b"level 3\n")
    assert c.read_line() == "level 1"
    c.fill()  # "level 2" still waits in the buffer: nothing read
    assert bytes(usys.stdin.buffer.data) == b"level 3\n"
    assert c.read_line() == "level 2" and c.read_line() is None
    c.fill()
    assert c.read_line() == "level 3"


def test_overlong_line_is_kept_too_long_for_the_parser_to_refuse(con):
    import commands
    c, usys, out = con()
    usys.stdin.buffer.feed(b"b" * 200 + b"\nstop\n")
    got = []
    for _ in range(10):
        c.fill()
        while c.rest:
            line = c.read_line()
            if line is not None:
                got.append(line)
    assert [len(l) for l in got] == [commands.MAX_LINE + 1, 4]
    assert commands.handle(None, got[0]).startswith("ERR line longer")


def test_bytes_that_are_not_text(con):
    c, usys, out = con()
    feed(c, usys, b"\xff\xfe\n")
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


def test_drop_count_goes_before_a_line_from_the_stage(virtual):
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
    c.end()
    print("S t=", 4, sep="", end="", file=c.stage)
    c.end()
    drain(c)
    assert port.data.decode().splitlines()[1:] == ["D drop=2", "E t=3", "S t=4"]
    assert c.dropped == 0


# -- on the virtual board: the count of lost lines reaches the log (issue 9, item 9) --

def run(text, config):
    from host_tools import scenario, sim
    lines = []
    sim.run_scenario(scenario.parse(text, "t"), lines.append, config)
    return lines


def test_lost_lines_are_counted_in_the_log_without_status_or_timing_lines():
    # Contact chatters for 3 s (events only: status_ms 0, timing_ms 0) while the host
    # reads nothing for 2 s; then a command's reply gets through. The D lines account
    # for every line the muted run lost against the same run read throughout.
    steps = "0 start tap 3\n" + "".join(
        "%d skin 20000\n%d skin open\n" % (t, t + 40) for t in range(100, 3100, 80))
    cfg = {"boot_ms": 0, "status_ms": 0, "timing_ms": 0, "log_buf": 256}
    full = run(steps + "3200 bi 1\n3300 end\n", cfg)
    muted = run(steps + "500 mute 2000\n3200 bi 1\n3300 end\n", cfg)
    assert not any(l.startswith(("S ", "T ")) for l in full)
    drops = [int(l.split("=")[1]) for l in muted if l.startswith("D drop=")]
    kept = [l for l in muted if not l.startswith("D ")]
    assert drops and sum(drops) == len(full) - len(kept)
    it = iter(full)
    assert all(l in it for l in kept)  # what got through, in order
    assert muted[-1] == "OK bi"
