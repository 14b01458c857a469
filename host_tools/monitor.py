"""glide monitor: show a board's serial log live, record it, and type commands to it.

Every line from the board is printed as it comes. On a terminal, status (S) and board
timing (T) lines instead fold into one status line kept at the bottom and rewritten in
place (--raw prints them all). Lines typed on the terminal go to the board as commands.
--record FILE appends every line with its host time: plain text, or .jsonl or .csv
(docs/protocol.md); `glide check FILE` reads all three. A board reset or unplug is
ridden out: the monitor reopens the same port as soon as it is back, keeping what the board
wrote meanwhile, and marks the gap in the recording with two '#' lines. Ctrl-C quits.
"""
import codecs
import csv
import datetime
import json
import os
import queue
import shutil
import sys
import threading
import time
from collections import deque, namedtuple

import serial

from . import serialport, trace

# How often a lost port is tried again: a board whose node is back is reopened 5 ms later
# on average (10 ms at most). At 0.5 s, with pyserial's flush on open, the last few hundred
# ms before each reopen were lost (issue 9, item 12). Trying costs 1-2 % of a core while
# the port is gone (0.05 % at 0.5 s).
RETRY_S = 0.01
REDRAW_S = 0.1  # the status line is redrawn at most 10 times a second: enough to read
DEVICE_MAX = 680  # full scale of the output bar until a header (G) line gives max=

# One line from the board: host datetime, text without the line ending, Record or None.
Line = namedtuple("Line", "time text rec")

# Starts the lines the monitor adds to a recording: '#', as the board's help lines, so
# glide check and glide plot pass over them.
MARK = "# glide monitor: "


def _now():
    return datetime.datetime.now().astimezone()


def _stderr(msg):
    print("glide monitor: " + msg, file=sys.stderr, flush=True)


class Recorder:
    """Appends every line with its host time to a file: plain text, .jsonl or .csv."""

    def __init__(self, path):
        self.path = path
        self.format = trace.file_format(path)
        self.f = open(path, "a", encoding="utf-8", newline="" if self.format == "csv" else None)
        if self.format == "csv":
            self.csv = csv.writer(self.f)
            if self.f.tell() == 0:
                self.csv.writerow(("host_time", "kind", "line"))

    def write(self, line):
        stamp = line.time.isoformat(timespec="milliseconds")
        if self.format == "jsonl":
            row = {"host_time": stamp, "line": line.text}
            if line.rec is not None:
                row["kind"] = line.rec.kind
                for key, value in line.rec.items():
                    row.setdefault(key, value)
            self.f.write(json.dumps(row) + "\n")
        elif self.format == "csv":
            self.csv.writerow((stamp, line.rec.kind if line.rec is not None else "", line.text))
        else:
            self.f.write(line.text + "\n")
        self.f.flush()  # a crash, of this tool or of the PC, loses no line already received

    def close(self):
        self.f.close()


class Monitor:
    """Turns bytes from the board into Lines: timestamped, parsed, recorded and queued.

    feed() and flush() run on the reader thread; the main thread takes Lines from .lines,
    where a str is a note for the person (a disconnect) and None only wakes it to redraw.
    """

    def __init__(self, recorder=None, plot=None, clock=_now):
        self.lines = queue.Queue()
        self.recorder, self.plot, self.clock = recorder, plot, clock
        self.count = 0
        self._buf = b""

    def feed(self, data):
        *done, self._buf = (self._buf + data).split(b"\n")
        for raw in done:
            self._line(raw)

    def flush(self):
        """Pass on a last line without its ending, e.g. of a board that reset mid-line."""
        if self._buf:
            raw, self._buf = self._buf, b""
            self._line(raw)

    def mark(self, what):
        """Record a line of the monitor's own, e.g. where the port was lost, among the
        board's lines; it is neither counted nor shown (Link tells the person)."""
        if self.recorder:
            text = MARK + what
            self.recorder.write(Line(self.clock(), text, trace.parse_line(text)))

    def _line(self, raw):
        text = raw.decode("utf-8", "replace").rstrip("\r\n")
        self.count += 1
        line = Line(self.clock(), text, trace.parse_line(text, self.count))
        if self.recorder:
            self.recorder.write(line)
        if self.plot and line.rec is not None and line.rec.kind == "S":
            self.plot.add(line.rec)
        self.lines.put(line)


class Link:
    """The board's serial port, reopened after the board resets or is unplugged.

    run() reads on the reader thread; send() may be called from any other.
    """

    def __init__(self, port, ser, baud=115200, open_port=serialport.open_port, retry=RETRY_S,
                 log=_stderr):
        self.port, self.ser, self.baud = port, ser, baud
        self.open_port, self.retry, self.log = open_port, retry, log
        self.reconnects = 0
        self._lock = threading.Lock()  # send() must not write to a port run() is closing

    def send(self, text):
        """Write one command line to the board; False if it could not be sent."""
        with self._lock:
            try:
                if self.ser is None:
                    raise OSError("board disconnected")
                self.ser.write((text + "\r\n").encode())
                return True
            except (serial.SerialException, OSError) as e:
                self.log("not sent: %r (%s)" % (text, e))
                return False

    def run(self, monitor, stop):
        """Pass what the board sends to monitor until stop is set, then close the port."""
        while not stop.is_set():
            try:
                data = self.ser.read(self.ser.in_waiting or 1)
            except (serial.SerialException, OSError) as e:
                monitor.flush()
                self._reopen(monitor, stop, e)
                continue
            if data:
                monitor.feed(data)
        monitor.flush()
        with self._lock:
            if self.ser is not None:
                self.ser.close()
                self.ser = None

    def _reopen(self, monitor, stop, why):
        with self._lock:
            try:
                self.ser.close()
            except (serial.SerialException, OSError):
                pass  # it is gone already
            self.ser = None
        lost = time.monotonic()
        monitor.mark("%s lost (%s)" % (self.port, why))
        self.log("board disconnected, waiting for %s ..." % self.port)
        while not stop.wait(self.retry):
            try:
                ser = self.open_port(self.port, self.baud, keep_input=True)
            except (serialport.PortError, serial.SerialException, OSError):
                continue
            with self._lock:
                self.ser = ser
            self.reconnects += 1
            back = "back after %.2f s" % (time.monotonic() - lost)
            monitor.mark("%s %s" % (self.port, back))
            self.log("reconnected: " + back)
            return


def bar(value, full, width=10):
    n = max(0, min(width, round(width * value / full))) if full > 0 else 0
    return "[" + "#" * n + "." * (width - n) + "]"


def status_text(status=None, timing=None, header=None):
    """The live status line: the latest S line with its output as a bar, then the latest
    T line (board timing) field by field."""
    parts = []
    if status is not None:
        s = status
        full = header.get("max", DEVICE_MAX) if header is not None else DEVICE_MAX
        out = s.get("out", 0)
        r = s.get("r")
        text = "t=%.1fs %s %s lv%s r=%s %s %s/%s uA" % (
            s.get("t", 0) / 1000, s.get("st", "?"), s.get("md", "?"), s.get("lv", "?"),
            "%.1fk" % (r / 1000) if isinstance(r, int) else "?",
            bar(out if isinstance(out, int) else 0, full), out, full)
        if "drop" in s:
            text += " drop=%s" % s["drop"]
        parts.append(text)
    if timing is not None:
        parts.append(" ".join("%s=%s" % kv for kv in timing.items() if kv[0] != "t"))
    return " | ".join(parts) or "waiting for the board..."


class Display:
    """Prints Lines. Live (on a terminal): S and T lines fold into one status line at the
    bottom, rewritten in place with what is being typed after it; not live: every line
    is printed as it is, so the output can be piped and read by tools."""

    def __init__(self, out=None, live=None, typed=lambda: ""):
        self.out = out or sys.stdout
        self.live = self.out.isatty() if live is None else live
        self.typed = typed
        self.status = self.timing = self.header = None
        self._drawn = None  # the status line on screen
        self._drawn_at = 0.0

    def show(self, line):
        kind = line.rec.kind if line.rec is not None else None
        if kind == "G":
            self.header = line.rec
        if self.live and kind == "S":
            self.status = line.rec
        elif self.live and kind == "T":
            self.timing = line.rec
        else:
            self._clear()
            self.out.write(line.text + "\n")

    def draw(self):
        """Redraw the status line if it changed, at most every REDRAW_S; flush."""
        if self.live and (self._drawn is None or time.monotonic() - self._drawn_at >= REDRAW_S):
            width = shutil.get_terminal_size().columns - 1  # a wrapped line cannot be rewritten
            typed = self.typed()
            prompt = "  > " + typed if typed else ""
            text = status_text(self.status, self.timing, self.header)[:max(0, width - len(prompt))]
            text += prompt
            if text != self._drawn:
                self.out.write("\r" + text[-width:] + "\x1b[K")
                self._drawn, self._drawn_at = text, time.monotonic()
        self.out.flush()

    def close(self):
        """Leave the last status line on screen and the cursor below it."""
        if self._drawn is not None:
            self.out.write("\n")
            self._drawn = None
        self.out.flush()

    def note(self, msg):
        """A message about the monitor itself, on stderr, above the status line."""
        self._clear()
        self.out.flush()
        _stderr(msg)

    def _clear(self):
        if self._drawn is not None:
            self.out.write("\r\x1b[K")
            self._drawn = None


def show_lines(monitor, display, timeout=REDRAW_S):
    """Show the queued lines, waiting up to timeout for the first, then redraw."""
    try:
        line = monitor.lines.get(timeout=timeout) if timeout else monitor.lines.get_nowait()
        while True:
            if isinstance(line, str):
                display.note(line)
            elif line is not None:
                display.show(line)
            line = monitor.lines.get_nowait()
    except queue.Empty:
        pass
    display.draw()


class Console:
    """Sends lines typed on stdin to the board, on its own thread.

    lines(): the terminal echoes and edits the line. keys(): for the live display, the
    terminal is in cbreak mode and the line being typed shows after the status line,
    which would otherwise overwrite the terminal's echo ten times a second.
    """

    def __init__(self, send, wake=lambda: None):
        self.send, self.wake = send, wake
        self.typed = ""

    def lines(self, stream):
        for text in stream:
            text = text.rstrip("\r\n")
            if text.strip():
                self.send(text)

    def keys(self, fd):
        decode = codecs.getincrementaldecoder("utf-8")("replace").decode
        while True:
            try:
                data = os.read(fd, 64)
            except OSError:
                return
            if not data:
                return
            for ch in decode(data):
                if ch in "\r\n":
                    text, self.typed = self.typed, ""
                    if text.strip():
                        self.send(text)
                elif ch in "\x7f\b":
                    self.typed = self.typed[:-1]
                elif ch == "\x15":  # Ctrl-U, as in a shell
                    self.typed = ""
                elif ch >= " ":
                    self.typed += ch
            self.wake()


class PlotError(Exception):
    pass


class Plot:
    """out, tg and r of the last WINDOW_S seconds of status lines.

    add() runs on the reader thread and keeps at most MAX_POINTS a window, so a 200 Hz
    status rate does not swamp the drawing; points() runs on the main thread.
    """

    WINDOW_S = 20
    MAX_POINTS = 2000

    def __init__(self):
        self._points = deque()  # (t ms, out, tg, r)
        self._lock = threading.Lock()

    def add(self, s):
        point = tuple(s.get(k) for k in ("t", "out", "tg", "r"))
        if not all(isinstance(v, int) for v in point):
            return
        t = point[0]
        with self._lock:
            if self._points and t < self._points[-1][0]:
                self._points.clear()  # the board restarted, or its clock wrapped
            if self._points and t - self._points[-1][0] < self.WINDOW_S * 1000 // self.MAX_POINTS:
                return
            self._points.append(point)
            while t - self._points[0][0] > self.WINDOW_S * 1000:
                self._points.popleft()

    def points(self):
        with self._lock:
            return list(self._points)


# matplotlib backends that draw to files, not windows.
FILE_BACKENDS = ("agg", "cairo", "pdf", "pgf", "ps", "svg", "template")


class PlotWindow:
    """A matplotlib window showing a Plot, redrawn about 10 times a second."""

    def __init__(self, plot):
        try:
            import matplotlib
            import matplotlib.pyplot as plt
            backend = matplotlib.get_backend()
            if backend.lower() in FILE_BACKENDS:
                raise PlotError("--plot needs a display, and matplotlib found none (backend %s)"
                                % backend)
            self.fig, self.ax = plt.subplots(num="glide monitor")
        except PlotError:
            raise
        except Exception as e:  # Tk, Qt & co. fail in many ways without a display
            raise PlotError("--plot: cannot open a window: %s" % e) from None
        self.plt, self.plot = plt, plot
        ax = self.ax
        ax.set_xlabel("board time, s")
        ax.set_ylabel("uA")
        self.out, = ax.plot([], [], label="out")
        self.tg, = ax.plot([], [], label="tg (target)")
        self.ax_r = ax.twinx()
        self.ax_r.set_ylabel("r, ohm")
        self.ax_r.set_yscale("log")
        self.r, = self.ax_r.plot([], [], color="gray", linewidth=0.8, label="r")
        ax.legend(handles=[self.out, self.tg, self.r], loc="upper left")

    def redraw(self):
        pts = self.plot.points()
        if not pts:
            return
        t = [p[0] / 1000 for p in pts]
        self.out.set_data(t, [p[1] for p in pts])
        self.tg.set_data(t, [p[2] for p in pts])
        self.r.set_data(t, [p[3] for p in pts])
        self.ax.set_xlim(t[-1] - Plot.WINDOW_S, t[-1])
        top = max(max(p[1] for p in pts), max(p[2] for p in pts))
        self.ax.set_ylim(0, max(DEVICE_MAX, top) * 1.05)
        self.ax_r.set_ylim(min(p[3] for p in pts) / 2, max(p[3] for p in pts) * 2)

    def show(self, tick):
        """Run the window until it is closed, calling tick() before every redraw."""
        from matplotlib.animation import FuncAnimation

        def frame(_):
            tick()
            self.redraw()

        # Held until show() returns: an animation nobody references stops.
        self.anim = FuncAnimation(self.fig, frame, interval=100, cache_frame_data=False)
        self.plt.show()


def run_session(link, monitor, display, stop, window=None):
    """Read on a thread and show on this one until stop is set, the plot window is
    closed or Ctrl-C; then show what is left and close the port."""
    reader = threading.Thread(target=link.run, args=(monitor, stop), daemon=True)
    reader.start()
    try:
        if window:
            window.show(lambda: show_lines(monitor, display, timeout=0))
        else:
            while not stop.is_set() and reader.is_alive():
                show_lines(monitor, display)
    finally:
        stop.set()
        reader.join()
        show_lines(monitor, display, timeout=0)
        display.close()


def add_arguments(p):
    p.add_argument("--port", help="serial port (default: the one board plugged in)")
    p.add_argument("--baud", type=int, default=115200, help="baud rate (default 115200)")
    p.add_argument("--record", metavar="FILE",
                   help="append every line with its host time to FILE: .jsonl, .csv or plain text")
    p.add_argument("--plot", action="store_true",
                   help="plot out, target and resistance live (needs a display)")
    p.add_argument("--raw", action="store_true",
                   help="print every line, without the live status line")


def run(args):
    plot = Plot() if args.plot else None
    try:
        port = serialport.find_port(args.port)
        window = PlotWindow(plot) if plot else None
        ser = serialport.open_port(port, args.baud, keep_input=True)
    except (serialport.PortError, PlotError) as e:
        _stderr(str(e))
        return 2
    try:
        recorder = Recorder(args.record) if args.record else None
    except OSError as e:
        ser.close()
        _stderr("cannot record: %s" % e)
        return 2
    monitor = Monitor(recorder, plot)
    link = Link(port, ser, args.baud, log=monitor.lines.put)  # shown in order with the lines
    console = Console(link.send, wake=lambda: monitor.lines.put(None))
    display = Display(live=sys.stdout.isatty() and not args.raw, typed=lambda: console.typed)
    _stderr("%s at %d baud; %sCtrl-C quits"
            % (port, args.baud, "type commands to send them, " if sys.stdin.isatty() else ""))
    restore = _start_console(console, display.live)
    stop = threading.Event()
    try:
        run_session(link, monitor, display, stop, window)
    except KeyboardInterrupt:
        pass
    finally:
        restore()
        if recorder:
            recorder.close()
    _stderr("%d lines received, %d reconnects%s" % (
        monitor.count, link.reconnects, ", recorded in %s" % args.record if recorder else ""))
    return 0


def _start_console(console, keys):
    """Read commands from stdin if it is a terminal; returns what undoes its set-up."""
    if not sys.stdin.isatty():
        return lambda: None
    if keys and os.name == "posix":
        import termios
        import tty
        fd = sys.stdin.fileno()
        saved = termios.tcgetattr(fd)
        tty.setcbreak(fd)  # keeps Ctrl-C working
        threading.Thread(target=console.keys, args=(fd,), daemon=True).start()
        return lambda: termios.tcsetattr(fd, termios.TCSADRAIN, saved)
    threading.Thread(target=console.lines, args=(sys.stdin,), daemon=True).start()
    return lambda: None
