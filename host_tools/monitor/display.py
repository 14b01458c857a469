"""What the person sees: every line, or the lines and a live status line kept at the bottom."""
import queue
import shutil
import sys

from .lines import Sent

REDRAW_S = 0.1  # the status line is redrawn 10 times a second: enough to read
DEVICE_MAX = 680  # full scale of the output bar until a header (G) line gives max=


def say(msg):
    print("glide monitor: " + msg, file=sys.stderr, flush=True)


def bar(value, full, width=10):
    n = max(0, min(width, round(width * value / full))) if full > 0 else 0
    return "[" + "#" * n + "." * (width - n) + "]"


def status_text(status=None, timing=None, header=None, dropped=0):
    """The live status line: the latest S line with its output as a bar and the lines the
    board dropped since its header (D lines), then the latest T line field by field."""
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
        if dropped:
            text += " dropped=%d" % dropped
        parts.append(text)
    if timing is not None:
        parts.append(" ".join("%s=%s" % kv for kv in timing.items() if kv[0] != "t"))
    return " | ".join(parts) or "waiting for the board..."


def numbers(status):
    """A status line (whose out, tg and r trace.parse_line made ints) as `out_uA:408
    target_uA:408 r_kohm:20.0`. Thonny's Plotter draws the numbers of consecutive lines of
    the same text around them, with that text as the legend; Arduino's serial plotter reads
    label:value too."""
    return "out_uA:%d target_uA:%d r_kohm:%.1f" % (status["out"], status["tg"],
                                                   status["r"] / 1000)


class Display:
    """Prints Lines. Live (on a terminal): S and T lines fold into one status line,
    status_line(), which the console's line editor keeps at the bottom; not live: every
    line is printed as it is, so the output can be piped and read by tools. numbers: only
    each status line's numbers() are printed, for a plotter reading stdout."""

    def __init__(self, out=None, live=None, numbers=False):
        self.out = out or sys.stdout
        self.numbers = numbers
        self.live = not numbers and (self.out.isatty() if live is None else live)
        self.status = self.timing = self.header = None
        self.dropped = 0  # lines the board lost since its header, from its D lines

    def show(self, line):
        kind = line.rec.kind if line.rec is not None else None
        if kind == "G":
            self.header = line.rec
            self.dropped = 0
        elif kind == "D" and isinstance(line.rec.get("drop"), int):
            self.dropped += line.rec["drop"]
        if self.numbers:
            if kind == "S":
                self.out.write(numbers(line.rec) + "\n")
        elif self.live and kind == "S":
            self.status = line.rec
        elif self.live and kind == "T":
            self.timing = line.rec
        else:
            self.out.write(line.text + "\n")

    def status_line(self):
        """The live status line, cut to the terminal's width (a wrapped toolbar would
        take two lines of the screen)."""
        width = shutil.get_terminal_size().columns - 1
        return status_text(self.status, self.timing, self.header, self.dropped)[:width]

    def sent(self, text):
        """Echo a command line sent: into the scrollback when live (the line editor
        erases the line once sent), else on stderr, as the typed line shows already and
        stdout holds only the board's lines."""
        if self.live:
            self.out.write("> " + text + "\n")
        else:
            self.note("sent: " + text)

    def draw(self):
        self.out.flush()

    def close(self):
        """Leave the last status line on screen, where the toolbar showed it."""
        if self.live and self.status is not None:
            self.out.write(self.status_line() + "\n")
        self.out.flush()

    def note(self, msg):
        """A message about the monitor itself, on stderr."""
        self.out.flush()
        say(msg)


def show_lines(monitor, display, timeout=REDRAW_S):
    """Show the queued lines, waiting up to timeout for the first; flush."""
    try:
        line = monitor.lines.get(timeout=timeout) if timeout else monitor.lines.get_nowait()
        while True:
            if isinstance(line, str):
                display.note(line)
            elif isinstance(line, Sent):
                display.sent(line.text)
            elif line is not None:
                display.show(line)
            line = monitor.lines.get_nowait()
    except queue.Empty:
        pass
    display.draw()
