"""Bytes from the board made Lines: timestamped, parsed, recorded, plotted and queued."""
import datetime
import queue
from collections import namedtuple

from .. import trace

# One line from the board: host datetime, text without the line ending, Record or None.
Line = namedtuple("Line", "time text rec")

# Starts the lines the monitor adds to a recording: '#', as the board's help lines, so
# glide check and glide plot pass over them.
MARK = "# glide monitor: "
# Starts a command line the monitor sent, in a recording: a '#' line too, but not a MARK,
# which glide check takes for lines lost (a lost port).
SENT = "# sent: "
# A command line sent, for the display to echo.
Sent = namedtuple("Sent", "text")


def _now():
    return datetime.datetime.now().astimezone()


class Monitor:
    """Turns bytes from the board into Lines: timestamped, parsed, recorded and queued.

    feed() and flush() run on the reader thread; the main thread takes Lines from .lines,
    where a str is a note for the person (a disconnect), a Sent a command line sent, and
    None only wakes it to redraw.
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

    def sent(self, text):
        """A command line about to go to the board: recorded and echoed, in order with
        the board's lines (called with the port's lock held, from any thread)."""
        if self.recorder:
            self.recorder.write(Line(self.clock(), SENT + text, trace.parse_line(SENT + text)))
        self.lines.put(Sent(text))

    def _line(self, raw):
        text = raw.decode("utf-8", "replace").rstrip("\r\n")
        self.count += 1
        line = Line(self.clock(), text, trace.parse_line(text, self.count))
        if self.recorder:
            self.recorder.write(line)
        if self.plot and line.rec is not None and line.rec.kind == "S":
            self.plot.add(line.rec)
        self.lines.put(line)
