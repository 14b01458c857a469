"""glide monitor against a fake board on a pty: display, recording, reconnect, typing.

The fake board is the master end of a pty; the monitor opens the slave path like a
board's /dev/ttyACM0. Tests wait on queues with generous timeouts, never on sleeps.
"""
import argparse
import io
import json
import os
import queue
import re
import sys
import threading
import time
import tty
from types import SimpleNamespace

import pytest

from fake_serial import EVENT, HEADER, STATUS, TIMING, WAIT, FakeBoard, TcpBoard
from host_tools import check, cli, monitor, serialport, trace
from host_tools.monitor import display, liveplot
from host_tools.monitor.lines import Line
from host_tools.monitor.link import RETRY_S

@pytest.fixture
def board():
    b = FakeBoard()
    yield b
    b.close()


def take(q, n=1):
    """The next n items of queue q (str notes and None wake-ups skipped for Lines)."""
    got = []
    while len(got) < n:
        item = q.get(timeout=WAIT)
        if isinstance(item, Line):
            got.append(item)
    return got


class Session:
    """A Monitor reading a port on a thread, as glide monitor runs it."""

    def __init__(self, path, recorder=None, retry=RETRY_S, greet=None):
        self.notes = queue.Queue()
        self.monitor = monitor.Monitor(recorder)
        self.link = monitor.Link(path, serialport.open_port(path, keep_input=True), retry=retry,
                                 log=self.notes.put, sent=self.monitor.sent, greet=greet)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.link.run, args=(self.monitor, self.stop))
        self.thread.start()

    def close(self):
        self.stop.set()
        self.thread.join(WAIT)
        assert not self.thread.is_alive()


# -- parsing and display

def test_timing_and_drop_fields_parse():
    t = trace.parse_line(TIMING)
    assert t.kind == "T" and t["hz"] == 200 and t["drop"] == 0
    assert t["exec"] == "410/980"  # mean/max, kept as text
    s = trace.parse_line(STATUS + " drop=3")
    assert s["drop"] == 3 and s["out"] == 408


def test_status_text_shows_state_output_bar_and_timing():
    text = display.status_text(trace.parse_line(STATUS), trace.parse_line(TIMING),
                               trace.parse_line(HEADER), dropped=2)
    assert "t=1.8s TREAT ADV lv3 r=20.0k [######....] 408/680 uA dropped=2" in text
    assert "hz=200 late=312 exec=410/980 over=0 load=8 free=151232 drop=0" in text
    assert display.bar(0, 680) == "[..........]" and display.bar(680, 680) == "[##########]"


def test_not_live_prints_every_line_as_it_is(board):
    out = io.StringIO()
    display = monitor.Display(out)
    assert not display.live  # not a terminal
    s = Session(board.path)
    lines = [HEADER, "MicroPython v1.24 boot noise", STATUS, TIMING, EVENT, STATUS + " drop=1"]
    board.write(*lines)
    for line in take(s.monitor.lines, len(lines)):
        display.show(line)
    s.close()
    assert out.getvalue() == "".join(line + "\n" for line in lines)


def test_live_display_folds_status_and_timing_into_one_line(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    out = io.StringIO()
    display = monitor.Display(out, live=True)
    m = monitor.Monitor()
    m.feed(("\r\n".join([HEADER, STATUS, TIMING, EVENT, STATUS]) + "\r\n").encode())
    monitor.show_lines(m, display, timeout=0)
    assert out.getvalue() == HEADER + "\n" + EVENT + "\n"
    line = display.status_line()
    assert "408/680 uA" in line and "exec=410/980" in line
    display.close()  # the last status line stays on screen
    assert out.getvalue().endswith("\n" + line + "\n")


def test_live_status_line_counts_the_boards_dropped_lines_until_its_next_header(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    display = monitor.Display(io.StringIO(), live=True)
    m = monitor.Monitor()

    def status_line(*lines):
        m.feed(("\r\n".join(lines) + "\r\n").encode())
        monitor.show_lines(m, display, timeout=0)
        return display.status_line()

    assert "dropped" not in status_line(HEADER, STATUS)
    assert "dropped=7" in status_line("D drop=3", STATUS, "D drop=4", STATUS)
    assert "dropped" not in status_line(HEADER, STATUS)  # the board restarted


def test_live_status_line_fits_the_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")
    display = monitor.Display(io.StringIO(), live=True)
    display.show(Line(None, STATUS, trace.parse_line(STATUS)))
    assert display.status_line() == "t=1.8s TREAT ADV lv3 r=20.0k [######..."


def test_split_and_partial_lines_are_joined():
    m = monitor.Monitor()
    for chunk in (b"S t=1 st=OFF md=ADV lv=3 r=2000000 tg=0 env=0 ", b"out=0 ph=0\r", b"\nE t=2",
                  b" ev=START st=SEEK out=0\r\n\xff\r\nhalf"):
        m.feed(chunk)
    m.flush()
    got = take(m.lines, 4)
    assert got[0].rec["out"] == 0 and got[1].rec["ev"] == "START"
    assert got[2].text == "\ufffd" and got[2].rec is None
    assert got[3].text == "half"


# -- recording

def small_trace(out):
    """A short trace; out= the output (and envelope and target) of its one TREAT status
    line: 30 uA is within one status line's rise, 600 above level 3's cap."""
    return ["boot noise", HEADER, "E t=0 ev=START st=SEEK out=0", EVENT,
            "S t=3000 st=TREAT md=ADV lv=3 r=20000 tg=%d env=%d out=%d ph=0" % (out, out, out),
            TIMING]


@pytest.mark.parametrize("name", ["rec.jsonl", "rec.csv", "rec.log"])
def test_recording_in_each_format_is_read_by_check(tmp_path, board, name, capsys):
    path = str(tmp_path / name)
    rec = monitor.Recorder(path)
    s = Session(board.path, rec)
    board.write(*small_trace(30))
    take(s.monitor.lines, 6)
    s.close()
    rec.close()
    assert [r.text for r in trace.read(path)] == small_trace(30)[1:]
    assert check.run(argparse.Namespace(trace=[path], quiet=False)) == 0
    assert "1 status lines, 2 events, 0 violations" in capsys.readouterr().out
    assert cli.main(["check", "-q", path]) == 0
    if name.endswith(".jsonl"):
        rows = [json.loads(line) for line in open(path)]
        assert rows[0] == {"host_time": rows[0]["host_time"], "line": "boot noise"}
        assert rows[4]["kind"] == "S" and rows[4]["out"] == 30 and rows[4]["st"] == "TREAT"
        assert rows[5]["exec"] == "410/980"
        assert rows[0]["host_time"][19] == "." and len(rows[0]["host_time"]) >= 26  # ms, zone
    elif name.endswith(".csv"):
        head, first = open(path).read().splitlines()[:2]
        assert head == "host_time,kind,line" and first.endswith(",,boot noise")


@pytest.mark.parametrize("name", ["bad.jsonl", "bad.csv", "bad.log"])
def test_check_finds_violations_in_recordings(tmp_path, name):
    path = str(tmp_path / name)
    rec = monitor.Recorder(path)
    m = monitor.Monitor(rec)
    m.feed(("\r\n".join(small_trace(600)) + "\r\n").encode())
    rec.close()
    assert cli.main(["check", "-q", path]) == 1


def test_torn_jsonl_row_is_skipped(tmp_path):
    path = tmp_path / "torn.jsonl"
    rec = monitor.Recorder(str(path))
    monitor.Monitor(rec).feed((HEADER + "\n" + STATUS + "\n").encode())
    rec.close()
    with open(path, "a") as f:
        f.write('{"host_time": "2024-01-01T00:00:00.000+00:00", "line": "S t=19')
    assert [r.kind for r in trace.read(str(path))] == ["G", "S"]


def test_recording_appends(tmp_path):
    path = str(tmp_path / "rec.csv")
    for text in ("one", "two"):
        rec = monitor.Recorder(path)
        monitor.Monitor(rec).feed(text.encode() + b"\n")
        rec.close()
    assert [row.split(",", 1)[1] for row in open(path).read().splitlines()] == \
        ["kind,line", ",one", ",two"]


# -- reconnect

def test_reconnects_to_a_new_board_at_the_same_path_losing_nothing(tmp_path):
    path = str(tmp_path / "ttyACM0")
    first = FakeBoard()
    os.symlink(first.path, path)
    rec = monitor.Recorder(str(tmp_path / "rec.log"))
    s = Session(path, rec, retry=0.02)
    before = [HEADER, STATUS, EVENT]
    first.write(*before)
    first.write("S t=1900 st=TRE", end="")  # the board resets mid-line
    take(s.monitor.lines, 3)
    # A reset board comes back as a new device at the same path.
    second = FakeBoard()
    os.symlink(second.path, path + ".new")
    os.replace(path + ".new", path)
    first.close()
    assert s.notes.get(timeout=WAIT) == "board disconnected, waiting for %s ..." % path
    assert s.notes.get(timeout=WAIT).startswith("reconnected: back after ")
    after = ["MicroPython boot banner", HEADER, STATUS]
    second.write(*after)
    got = take(s.monitor.lines, 4)
    assert s.link.send("status")
    assert second.commands.get(timeout=WAIT) == "status"
    reply = take(s.monitor.lines)[0].text
    assert reply.startswith("S t=0 st=OFF ")  # the new board's own status
    s.close()
    rec.close()
    second.close()
    assert got[0].text == "S t=1900 st=TRE"
    assert s.link.reconnects == 1
    recorded = open(tmp_path / "rec.log").read().splitlines()
    assert recorded[4].startswith("# glide monitor: %s lost (" % path)
    assert recorded[5].startswith("# glide monitor: %s back after " % path)
    assert recorded[:4] + recorded[6:] == before + ["S t=1900 st=TRE"] + after + [
        "# sent: status", reply]
    assert [r.kind for r in trace.read(str(tmp_path / "rec.log"))] == ["G", "S", "E", "#", "#",
                                                                       "G", "S", "#", "S"]
    assert cli.main(["check", "-q", str(tmp_path / "rec.log")]) == 0


class UsbPort:
    """A board's port that comes and goes like a USB device node: a pty reached through a
    symlink at path. plug() writes boot lines first, as a board does before its node
    appears; unplug() removes the node, then hangs the pty up."""

    def __init__(self, path):
        self.path = path

    def plug(self, *boot):
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        self.write(*boot)
        os.symlink(os.ttyname(self.slave), self.path)

    def write(self, *lines):
        for line in lines:
            os.write(self.master, (line + "\r\n").encode())

    def unplug(self):
        os.unlink(self.path)
        os.close(self.master)
        os.close(self.slave)


def test_three_unplugs_lose_no_line_that_reached_the_port(tmp_path):
    """Numbered lines are written whenever the port exists, from its first moment (before
    the monitor can have reopened it); the recording holds all of them, in order, and
    a lost and a back mark exactly where the port was gone."""
    port = UsbPort(str(tmp_path / "ttyACM0"))
    rec = monitor.Recorder(str(tmp_path / "rec.log"))
    lives = [["boot %d.%d" % (life, i) for i in range(20)] +
             ["S t=%d st=OFF md=ADV lv=3 r=2000000 tg=0 env=0 out=0 ph=0" % (life * 1000 + i)
              for i in range(150)] for life in range(4)]
    port.plug(*lives[0][:20])
    s = Session(port.path, rec, retry=0.01)
    failed = []

    def board():
        try:
            for life, lines in enumerate(lives):
                if life:
                    port.plug(*lines[:20])
                port.write(*lines[20:])
                # A pty's hang-up drops what was not read yet: unplug once all has reached
                # the monitor, so that every line written reached the host.
                while take(s.monitor.lines)[0].text != lines[-1]:
                    pass
                if life < len(lives) - 1:
                    port.unplug()
                    while not s.notes.get(timeout=WAIT).startswith("board disconnected"):
                        pass
        except BaseException as e:
            failed.append(e)

    writer = threading.Thread(target=board)
    writer.start()
    writer.join(4 * WAIT)
    s.close()
    rec.close()
    port.unplug()
    recorded = open(tmp_path / "rec.log").read().splitlines()
    lost, back = "# glide monitor: %s lost (" % port.path, "# glide monitor: %s back after " % port.path
    marks = [(lost if line.startswith(lost) else back if line.startswith(back) else line)
             for line in recorded]
    assert marks == lives[0] + [lost, back] + lives[1] + [lost, back] + lives[2] + [lost, back] + lives[3]
    assert not failed and not writer.is_alive()
    assert s.link.reconnects == 3


def test_send_while_disconnected_is_reported(board):
    s = Session(board.path)
    s.close()
    assert not s.link.send("start")
    assert "not sent: 'start'" in s.notes.get(timeout=WAIT)


# -- typing commands

def test_typed_lines_reach_the_board(board):
    s = Session(board.path)
    console = monitor.Console(s.link.send)
    console.lines(io.StringIO("start adv 3\n\nlevel 4\r\n"))
    assert board.commands.get(timeout=WAIT) == "start adv 3"
    assert board.commands.get(timeout=WAIT) == "level 4"
    assert [line.text for line in take(s.monitor.lines, 2)] == ["OK start", "OK level"]
    s.close()


def test_typed_lines_are_edited_with_a_history_and_sent(board):
    """The live terminal's line editor: Backspace and Ctrl-U edit, Up brings back the lines
    typed before, the latest first (a blank one too, which is not sent), Ctrl-D ends."""
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput
    s = Session(board.path)
    console = monitor.Console(s.link.send)
    up = "\x1b[A"
    lines = iter(["levx\x7fel 9\x15level 4\r", "start adv 3\r", "  \r", up + up + "\r",
                  up + "\x7f5\r", "\x04"])
    with create_pipe_input() as keys:
        session = console.session(lambda: "status", 0.1, input=keys, output=DummyOutput())

        class Typist:
            """Types each line once its prompt has started, as a person does (all at
            once, Up came before the editor had loaded its history)."""
            def prompt(self):
                return session.prompt(pre_run=lambda: keys.send_text(next(lines)))

        console.prompt(Typist())
    assert [board.commands.get(timeout=WAIT) for _ in range(4)] == [
        "level 4", "start adv 3", "start adv 3", "start adv 5"]
    s.close()


# -- finding the port

def fake_port(device, vid, description, pid=None, serial_number=None):
    """A port as pyserial's comports() lists it; a USB one has a vendor and a product ID."""
    return SimpleNamespace(device=device, vid=vid, pid=pid if pid or vid is None else 5,
                           description=description, serial_number=serial_number)


@pytest.fixture
def ports(monkeypatch):
    seen = []
    monkeypatch.setattr(serialport.serial.tools.list_ports, "comports", lambda: list(seen))
    return seen


def test_find_port_given_is_used_as_is(ports):
    assert serialport.find_port("/dev/ttyUSB7") == "/dev/ttyUSB7"
    assert serialport.find_port("socket://localhost:4000") == "socket://localhost:4000"
    assert serialport.find_port("rfc2217://localhost:4000") == "rfc2217://localhost:4000"


def test_find_port_takes_mpremotes_shortcuts(ports):
    """a0, u0, c0 mean what they mean to mpremote connect: its own table, read at run
    time (a0..a3, u0..u3, c0..c3 in mpremote 1.29), as are port: and id:."""
    from mpremote.main import _BUILTIN_COMMAND_EXPANSIONS
    assert serialport.find_port("a0") == "/dev/ttyACM0"
    assert serialport.find_port("u1") == "/dev/ttyUSB1"
    assert serialport.find_port("c3") == "COM3"
    assert {"connect " + device for device in serialport.shortcuts().values()} == {
        e["command"] for name, e in _BUILTIN_COMMAND_EXPANSIONS.items()
        if re.fullmatch("[a-z][0-9]+", name)}
    assert serialport.find_port("port:a0") == "a0"
    ports.extend([fake_port("/dev/ttyACM0", 0x2E8A, "Board in FS mode", serial_number="E66"),
                  fake_port("/dev/ttyACM1", 0x2E8A, "Board in FS mode", serial_number="E67")])
    assert serialport.find_port("id:E67") == "/dev/ttyACM1"
    with pytest.raises(serialport.PortError, match="^no port with serial number E68$"):
        serialport.find_port("id:E68")


def test_find_port_none(ports):
    ports.append(fake_port("/dev/ttyS0", None, "n/a"))
    with pytest.raises(serialport.PortError, match="no board found: plug one in or give --port; "
                       "ports seen: /dev/ttyS0$"):
        serialport.find_port()


@pytest.mark.parametrize("vid", [0x2E8A, 0x2341])  # a Pico; an Arduino Nano RP2040 Connect
def test_find_port_one_usb_port_whatever_its_vendor(ports, vid):
    """auto, and no --port, is mpremote's auto: a port with a USB vendor and product ID,
    not one from a list of vendors kept by hand (which had no 0x2341)."""
    ports.extend([fake_port("/dev/ttyS0", None, "n/a"),
                  fake_port("/dev/ttyACM0", vid, "Board in FS mode")])
    assert serialport.find_port() == "/dev/ttyACM0"
    assert serialport.find_port("auto") == "/dev/ttyACM0"


def test_find_port_two(ports):
    ports.extend([fake_port("/dev/ttyUSB0", 0x10C4, "CP2102 USB to UART Bridge Controller"),
                  fake_port("/dev/ttyACM0", 0x2E8A, "Board in FS mode")])
    with pytest.raises(serialport.PortError) as e:
        serialport.find_port("auto")
    assert str(e.value) == ("2 USB serial ports found: /dev/ttyACM0 (Board in FS mode), "
                            "/dev/ttyUSB0 (CP2102 USB to UART Bridge Controller): pick one "
                            "with --port")


def test_monitor_without_a_board_exits_2(ports, capsys):
    assert cli.main(["monitor"]) == 2
    assert capsys.readouterr().err.startswith("glide monitor: no board found")
    assert cli.main(["monitor", "--port", "/nonexistent/tty"]) == 2
    assert "glide monitor: cannot open /nonexistent/tty" in capsys.readouterr().err


def test_open_port_keeps_what_the_port_received_before(board):
    """pyserial's open() flushes the input: the boot banner a board sent before the
    monitor reopened its port. keep_input=True keeps it; the default still flushes."""
    board.write("before the first open")
    with serialport.open_port(board.path) as ser:
        board.write("after it")
        assert ser.readline() == b"after it\r\n"
    board.write("before the reopen")
    with serialport.open_port(board.path, keep_input=True) as ser:
        assert ser.readline() == b"before the reopen\r\n"
        board.write("stale")
        deadline = time.monotonic() + WAIT
        while ser.in_waiting < len("stale\r\n") and time.monotonic() < deadline:
            pass
        ser.reset_input_buffer()  # still flushes when asked, once open
        board.write("fresh")
        assert ser.readline() == b"fresh\r\n"


def test_open_port_takes_urls():
    with serialport.open_port("loop://") as ser:
        ser.write(b"OK stop\r\n")
        assert ser.readline() == b"OK stop\r\n"


# -- the whole command

def run_monitor(monkeypatch, answer, last, args, stdin=""):
    """glide monitor on a FakeBoard answering with answer(board, line), until it has
    printed last (or after WAIT); stdin is what is piped in."""
    board = FakeBoard(lambda line: answer(board, line))
    real = monitor.run_session

    def session(link, mon, display, stop, window=None):
        show = display.show

        def show_then_stop_after_last(line):
            show(line)
            if line.text == last:
                stop.set()
        display.show = show_then_stop_after_last
        threading.Timer(WAIT, stop.set).start()  # without a greeting, nothing comes
        real(link, mon, display, stop, window)

    monkeypatch.setattr(monitor, "run_session", session)
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))  # not a terminal
    try:
        assert cli.main(["monitor", "--port", board.path] + args) == 0
    finally:
        board.close()


@pytest.mark.parametrize("plot", [None, "numbers"])
def test_monitor_command_greets_prints_and_records_until_stopped(tmp_path, monkeypatch, capsys,
                                                                  plot):
    """glide monitor end to end, on a board that booted long ago: it sends only what it
    is asked, and glide monitor asks for info, so the recording has the G header that
    glide check needs. run_session's loop ends when the board has sent it all."""
    path = str(tmp_path / "rec.jsonl")
    last = "E t=9 ev=STOP st=STOP out=0"

    def answer(board, line):
        if line == "info":
            board.write(HEADER, STATUS, TIMING, last)

    run_monitor(monkeypatch, answer, last,
                ["--record", path] + (["--plot", plot] if plot else []))
    out, err = capsys.readouterr()
    if plot:
        assert out.splitlines() == ["out_uA:408 target_uA:408 r_kohm:20.0"]
    else:
        assert out.splitlines() == [HEADER, STATUS, TIMING, last]
    assert "glide monitor: sent: info\n" in err
    assert "4 lines received, 0 reconnects, recorded in %s" % path in err
    assert [json.loads(row)["line"] for row in open(path)] == ["# sent: info", HEADER, STATUS,
                                                               TIMING, last]
    assert cli.main(["check", path]) == 0


def test_piped_lines_are_sent_as_commands(monkeypatch, capsys):
    """`echo "start adv 3" | glide monitor`: a script drives the board through the monitor."""
    def answer(board, line):
        if line != "info":  # the greeting's answer would race the piped lines'
            board.write("OK " + line.split()[0])

    run_monitor(monkeypatch, answer, "OK level", ["--raw"], stdin="start adv 3\n\nlevel 4\n")
    out, err = capsys.readouterr()
    assert out.splitlines() == ["OK start", "OK level"]
    assert "sent: start adv 3\n" in err and "sent: level 4\n" in err


def test_sent_lines_are_echoed_into_the_scrollback(monkeypatch, capsys):
    monkeypatch.setenv("COLUMNS", "200")
    out = io.StringIO()
    live = monitor.Display(out, live=True)
    m = monitor.Monitor()
    m.feed((STATUS + "\r\n").encode())
    m.sent("level 4")
    m.feed(b"OK level\r\n")
    monitor.show_lines(m, live, timeout=0)
    assert out.getvalue() == "> level 4\nOK level\n"
    piped = monitor.Display(io.StringIO(), live=False)
    m.sent("stop")
    monitor.show_lines(m, piped, timeout=0)
    assert piped.out.getvalue() == "" and capsys.readouterr().err == "glide monitor: sent: stop\n"


def test_a_board_behind_a_tcp_server_is_followed_across_the_servers_restart(tmp_path):
    """--port socket://HOST:PORT (Wokwi's simulator, a serial-to-network bridge): the
    monitor greets the board with info, rides out the server going away and coming back
    at the same address as it does a USB unplug, and greets it again."""
    first = TcpBoard()
    url = first.url
    rec = monitor.Recorder(str(tmp_path / "rec.log"))
    s = Session(url, rec, retry=0.02, greet="info")
    assert first.commands.get(timeout=WAIT) == "info"
    assert take(s.monitor.lines)[0].text == HEADER
    first.write(STATUS)
    assert take(s.monitor.lines)[0].text == STATUS
    first.close()
    assert s.notes.get(timeout=WAIT) == "board disconnected, waiting for %s ..." % url
    second = TcpBoard(port=first.port)
    try:
        assert s.notes.get(timeout=WAIT).startswith("reconnected: back after ")
        assert second.commands.get(timeout=WAIT) == "info"
        assert take(s.monitor.lines)[0].text == HEADER
        assert s.link.send("level 4")
        assert second.commands.get(timeout=WAIT) == "level 4"
        assert take(s.monitor.lines)[0].text == "OK level"
        s.close()
    finally:
        second.close()
    rec.close()
    recorded = open(tmp_path / "rec.log").read().splitlines()
    assert recorded[3].startswith("# glide monitor: %s lost (" % url)
    assert recorded[4].startswith("# glide monitor: %s back after " % url)
    assert recorded[:3] + recorded[5:] == ["# sent: info", HEADER, STATUS, "# sent: info", HEADER,
                                           "# sent: level 4", "OK level"]
    assert s.link.reconnects == 1
    assert cli.main(["check", "-q", str(tmp_path / "rec.log")]) == 0


def test_numbers_are_what_thonnys_plotter_draws():
    """Thonny's plotter (thonny/shell.py, NUMBER_SPLIT_REGEX) takes the numbers of a line
    and draws consecutive lines whose text around them is the same."""
    thonny = re.compile(r"((?<!\w)[-+]?[0-9]*\.?[0-9]+\b)")
    lines = [display.numbers(trace.parse_line(text)) for text in (
        STATUS, "S t=5 st=SEEK md=ADV lv=3 r=2000000 tg=0 env=0 out=0 ph=0")]
    assert lines == ["out_uA:408 target_uA:408 r_kohm:20.0", "out_uA:0 target_uA:0 r_kohm:2000.0"]
    parts = [thonny.split(line) for line in lines]
    assert parts[0][0::2] == parts[1][0::2] == ["out_uA:", " target_uA:", " r_kohm:", ""]
    assert [float(n) for n in parts[1][1::2]] == [0, 0, 2000]


# -- plotting

def test_plot_keeps_a_decimated_window():
    plot = monitor.Plot()
    for t in range(0, 30000, 5):  # 30 s of 200 Hz status lines
        plot.add(trace.parse_line("S t=%d st=TREAT md=ADV lv=3 r=20000 tg=408 env=408 out=%d ph=0"
                                  % (t, t % 400)))
    pts = plot.points()
    assert len(pts) <= monitor.Plot.MAX_POINTS + 1
    assert pts[-1][0] == 29990 and pts[0][0] >= 29990 - 20000
    plot.add(trace.parse_line(STATUS))  # t went back: the board restarted
    assert plot.points() == [(1800, 408, 408, 20026)]


def test_plot_without_a_display_is_a_clear_error(board, monkeypatch, capsys):
    monkeypatch.setenv("MPLBACKEND", "agg")
    assert cli.main(["monitor", "--plot", "--port", board.path]) == 2
    err = capsys.readouterr().err
    assert err.startswith("glide monitor: --plot needs a display") and "Traceback" not in err


def test_plot_window_draws(monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "agg")
    monkeypatch.setattr(liveplot, "FILE_BACKENDS", ())  # draw off screen
    plot = monitor.Plot()
    plot.add(trace.parse_line(STATUS))
    plot.add(trace.parse_line(STATUS.replace("t=1800", "t=1900").replace("out=408", "out=100")))
    window = monitor.PlotWindow(plot)
    window.redraw()
    assert list(window.out.get_ydata()) == [408, 100]
    assert window.ax.get_xlim() == (1.9 - 20, 1.9)
    window.plt.close(window.fig)
