"""glide send: send commands to a board and print its replies.

Each argument is one command line, e.g. glide send "start adv 3" "level 4". Each is
sent after the reply to the one before. Status lines the board streams meanwhile are
skipped. Exits 1 if a command got ERR or no reply; stops at the first with no reply.
"""
import sys
import time

import serial

from . import serialport, trace

# Commands answered by a record rather than "OK <command>".
REPLY_KIND = {"status": "S", "info": "G", "help": "#"}


def is_reply(command, rec):
    """Whether Record rec answers command. ERR answers any command; for status, whichever
    S line comes first is its reply, as a streamed one says the same."""
    word = command.split()[0].lower()
    if rec.kind == "ERR":
        return True
    if word in REPLY_KIND:
        return rec.kind == REPLY_KIND[word]
    return rec.kind == "OK" and rec["msg"] == word


def send(ser, command, timeout):
    """Send one command line; its reply Record, or None if none came within timeout s."""
    ser.reset_input_buffer()  # so a line from before cannot pass for the reply
    ser.write((command + "\r\n").encode())
    deadline = time.monotonic() + timeout
    buf = b""
    while time.monotonic() < deadline:
        buf += ser.readline()  # returns a partial line when its short timeout runs out
        if not buf.endswith(b"\n"):
            continue
        rec = trace.parse_line(buf.decode("utf-8", "replace"))
        buf = b""
        if rec is not None and is_reply(command, rec):
            return rec
    return None


def add_arguments(p):
    serialport.add_argument(p)
    p.add_argument("--baud", type=int, default=115200, help="baud rate (default 115200)")
    p.add_argument("--timeout", type=float, default=2.0, metavar="S",
                   help="seconds to wait for each reply (default 2)")
    p.add_argument("commands", nargs="+", metavar="COMMAND", help="a command line, e.g. 'level 4'")


def run(args):
    if not all(c.strip() for c in args.commands):
        print("glide send: empty command: the board does not answer a blank line", file=sys.stderr)
        return 2
    try:
        port = serialport.find_port(args.port)
        ser = serialport.open_port(port, args.baud)
    except serialport.PortError as e:
        print("glide send: %s" % e, file=sys.stderr)
        return 2
    failed = False
    with ser:
        for command in args.commands:
            try:
                rec = send(ser, command, args.timeout)
            except (serial.SerialException, OSError) as e:
                print("glide send: lost %s: %s" % (port, e), file=sys.stderr)
                return 2
            if rec is None:
                print("glide send: no reply to %r within %g s: is glide running on %s?"
                      % (command, args.timeout, port), file=sys.stderr)
                return 1
            print(rec.text, flush=True)
            failed |= rec.kind == "ERR"
    return 1 if failed else 0
