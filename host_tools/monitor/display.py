"""What the person sees: every line, or a live status line rewritten in place."""
import queue
import shutil
import sys
import time

from .lines import Sent

REDRAW_S = 0.1  # the status line is redrawn at most 10 times a second: enough to read
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
    """Prints Lines. Live (on a terminal): S and T lines fold into one status line at the
    bottom, rewritten in place with what is being typed after it; not live: every line
    is printed as it is, so the output can be piped and read by tools. numbers: only
    each status line's numbers() are printed, for a plotter reading stdout."""

    def __init__(self, out=None, live=None, typed=lambda: "", numbers=False):
        self.out = out or sys.stdout
        self.numbers = numbers
        self.live = not numbers and (self.out.isatty() if live is None else live)
        self.typed = typed
        self.status = self.timing = self.header = None
        self.dropped = 0  # lines the board lost since its header, from its D lines
        self._drawn = None  # the status line on screen
        self._drawn_at = 0.0

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
            self._clear()
            self.out.write(line.text + "\n")

    def sent(self, text):
        """Echo a command line sent: into the scrollback when live (the line being typed
        vanishes from after the status line once sent), else on stderr, as the typed
        line shows already and stdout holds only the board's lines."""
        if self.live:
            self._clear()
            self.out.write("> " + text + "\n")
        else:
            self.note("sent: " + text)

    def draw(self):
        """Redraw the status line if it changed, at most every REDRAW_S; flush."""
        if self.live and (self._drawn is None or time.monotonic() - self._drawn_at >= REDRAW_S):
            width = shutil.get_terminal_size().columns - 1  # a wrapped line cannot be rewritten
            typed = self.typed()
            prompt = "  > " + typed if typed else ""
            text = status_text(self.status, self.timing, self.header,
                               self.dropped)[:max(0, width - len(prompt))]
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
        say(msg)

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
            elif isinstance(line, Sent):
                display.sent(line.text)
            elif line is not None:
                display.show(line)
            line = monitor.lines.get_nowait()
    except queue.Empty:
        pass
    display.draw()
