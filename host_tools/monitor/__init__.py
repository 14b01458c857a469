"""glide monitor: show a board's serial log live, record it, and type commands to it.

Every line from the board is printed as it comes. On a terminal, status (S) and board
timing (T) lines instead fold into one status line kept at the bottom, under the line being
typed (--raw prints them all). Lines typed (or piped in) go to the board as commands, echoed into the
scrollback; the line editor (prompt_toolkit) keeps their history on Up/Down. `info` is
sent on connecting, so the board's G header is there however late the monitor started.
--record FILE appends every line with its host time: plain text, or .jsonl or .csv
(docs/protocol.md), and each command sent as a `# sent: ` line; `glide check FILE` reads
all three. A board reset or unplug is ridden out: the monitor reopens the same port (a
device or a pyserial URL such as socket://) as soon as it is back, keeping what the board
wrote meanwhile, marks the gap in the recording with two '#' lines and sends `info` again.
--plot numbers prints only numbers, for a plotter. Ctrl-C quits.
"""
import sys
import threading

from prompt_toolkit.patch_stdout import patch_stdout

from .. import serialport
from .console import Console
from .display import REDRAW_S, Display, bar, say, show_lines  # noqa: F401  (bar: glide sim's)
from .lines import Monitor
from .link import Link
from .liveplot import Plot, PlotError, PlotWindow
from .recorder import Recorder


def run_session(link, monitor, display, stop, window=None, prompt=None):
    """Read on a thread until stop is set, the plot window is closed, prompt() returns
    (Ctrl-C or Ctrl-D in the line editor) or Ctrl-C; show the lines on this thread, or on
    another while prompt() has this one; then show what is left and close the port."""
    reader = threading.Thread(target=link.run, args=(monitor, stop), daemon=True)
    reader.start()
    try:
        if window:
            window.show(lambda: show_lines(monitor, display, timeout=0))
        elif prompt:
            shower = threading.Thread(target=_show_until, args=(monitor, display, stop, reader))
            shower.start()
            try:
                prompt()
            finally:
                stop.set()
                shower.join()
        else:
            _show_until(monitor, display, stop, reader)
    finally:
        stop.set()
        reader.join()
        show_lines(monitor, display, timeout=0)
        display.close()


def _show_until(monitor, display, stop, reader):
    while not stop.is_set() and reader.is_alive():
        show_lines(monitor, display)


def add_arguments(p):
    serialport.add_argument(p)
    p.add_argument("--baud", type=int, default=115200, help="baud rate (default 115200)")
    p.add_argument("--record", metavar="FILE",
                   help="append every line with its host time to FILE: .jsonl, .csv or plain text")
    p.add_argument("--plot", nargs="?", const="window", choices=("window", "numbers"),
                   help="window (the default): plot out, target and resistance live (needs a "
                   "display); numbers: print only 'out_uA:N target_uA:N r_kohm:X' for each "
                   "status line, for Thonny's Plotter or Arduino's serial plotter")
    p.add_argument("--raw", action="store_true",
                   help="print every line, without the live status line")


def run(args):
    plot = Plot() if args.plot == "window" else None
    try:
        port = serialport.find_port(args.port)
        window = PlotWindow(plot) if plot else None
        ser = serialport.open_port(port, args.baud, keep_input=True)
    except (serialport.PortError, PlotError) as e:
        say(str(e))
        return 2
    try:
        recorder = Recorder(args.record) if args.record else None
    except OSError as e:
        ser.close()
        say("cannot record: %s" % e)
        return 2
    monitor = Monitor(recorder, plot)
    # Notes and echoes are shown in order with the lines.
    link = Link(port, ser, args.baud, log=monitor.lines.put, sent=monitor.sent, greet="info")
    console = Console(link.send)
    typing = sys.stdin.isatty()
    say("%s at %d baud; %sCtrl-C quits"
        % (port, args.baud, "type commands to send them (Up/Down: history), " if typing else ""))
    stop = threading.Event()
    try:
        if typing and sys.stdout.isatty() and not args.raw and not args.plot:
            # The line editor owns the terminal: what is printed goes above it.
            with patch_stdout():
                display = Display(live=True)
                session = console.session(display.status_line, REDRAW_S)
                run_session(link, monitor, display, stop, prompt=lambda: console.prompt(session))
        else:
            # Lines piped in are commands too (`echo "start adv 3" | glide monitor`).
            threading.Thread(target=console.lines, args=(sys.stdin,), daemon=True).start()
            display = Display(live=False, numbers=args.plot == "numbers")
            run_session(link, monitor, display, stop, window)
    except KeyboardInterrupt:
        pass
    finally:
        if recorder:
            recorder.close()
    say("%d lines received, %d reconnects%s" % (
        monitor.count, link.reconnects, ", recorded in %s" % args.record if recorder else ""))
    return 0
