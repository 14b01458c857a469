"""glide monitor: show a board's serial log live, record it, and type commands to it.

Every line from the board is printed as it comes. On a terminal, status (S) and board
timing (T) lines instead fold into one status line kept at the bottom and rewritten in
place (--raw prints them all). Lines typed on the terminal go to the board as commands,
echoed into the scrollback. `info` is sent on connecting, so the board's G header is there
however late the monitor started. --record FILE appends every line with its host time:
plain text, or .jsonl or .csv (docs/protocol.md), and each command sent as a `# sent: `
line; `glide check FILE` reads all three. A board reset or unplug is ridden out: the monitor
reopens the same port (a device or a pyserial URL such as socket://) as soon as it is back,
keeping what the board wrote meanwhile, marks the gap in the recording with two '#' lines
and sends `info` again. --plot numbers prints only numbers for a plotter. Ctrl-C quits.
"""
import os
import sys
import threading

from .. import serialport
from .console import Console
from .display import Display, bar, say, show_lines  # noqa: F401  (bar: glide sim's status line)
from .lines import Monitor
from .link import Link
from .liveplot import Plot, PlotError, PlotWindow
from .recorder import Recorder


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
    console = Console(link.send, wake=lambda: monitor.lines.put(None))
    display = Display(live=sys.stdout.isatty() and not args.raw, typed=lambda: console.typed,
                      numbers=args.plot == "numbers")
    say("%s at %d baud; %sCtrl-C quits"
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
    say("%d lines received, %d reconnects%s" % (
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
