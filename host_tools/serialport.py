"""Find and open the serial port of a board running glide (shared by monitor, send, flash).

--port takes what mpremote's connect takes: a device path, `auto`, `id:SERIAL`,
`port:PATH`, and its shortcuts (a0 for /dev/ttyACM0, u0 for /dev/ttyUSB0, c0 for COM0),
and any pyserial URL as well (socket://HOST:PORT, rfc2217://HOST:PORT, loop://).
"""
import re

import serial
import serial.tools.list_ports

PORT_HELP = ("serial port: a device, a pyserial URL (socket://HOST:PORT, rfc2217://HOST:PORT), "
             "mpremote's a0, u0, c0, id:SERIAL, or auto (the default: the one USB serial port)")


class PortError(Exception):
    pass


def add_argument(p):
    """The --port option, the same for every command that talks to a board."""
    p.add_argument("--port", default="auto", help=PORT_HELP)


def _describe(p):
    if p.description and p.description != "n/a":  # pyserial's "n/a": nothing known
        return "%s (%s)" % (p.device, p.description)
    return p.device


def shortcuts():
    """mpremote's own port shortcuts, {"a0": "/dev/ttyACM0", ...}: read from its command
    table, where it makes them (a letter and a number: a0..a3, u0..u3, c0..c3 in mpremote
    1.29), so that glide takes exactly the names mpremote takes."""
    from mpremote.main import _BUILTIN_COMMAND_EXPANSIONS
    return {name: exp["command"][len("connect "):]
            for name, exp in _BUILTIN_COMMAND_EXPANSIONS.items()
            if re.fullmatch("[a-z][0-9]+", name) and isinstance(exp, dict)
            and str(exp.get("command")).startswith("connect ")}


def _usb_ports():
    # mpremote's auto: a port is a board's when the USB bus gives it a vendor and product
    # ID; /dev/ttyS0 and Bluetooth serial ports have none.
    return sorted((p for p in serial.tools.list_ports.comports()
                   if p.vid is not None and p.pid is not None), key=lambda p: p.device)


def find_port(port="auto"):
    """The device or URL that port names; PortError if there is none, or with auto,
    several (mpremote takes the first; a command sent to the wrong device is worse)."""
    port = port or "auto"
    if port.startswith("port:"):
        return port[len("port:"):]
    if port.startswith("id:"):
        found = [p.device for p in serial.tools.list_ports.comports()
                 if p.serial_number == port[len("id:"):]]
        if not found:
            raise PortError("no port with serial number %s" % port[len("id:"):])
        return found[0]
    if port != "auto":
        return shortcuts().get(port, port)
    boards = _usb_ports()
    if not boards:
        seen = sorted(serial.tools.list_ports.comports(), key=lambda p: p.device)
        raise PortError("no board found: plug one in or give --port; ports seen: %s"
                        % (", ".join(_describe(p) for p in seen) or "none"))
    if len(boards) > 1:
        raise PortError("%d USB serial ports found: %s: pick one with --port"
                        % (len(boards), ", ".join(_describe(p) for p in boards)))
    return boards[0].device


class _KeepInput(serial.Serial):
    """A port whose opening keeps what it has received. pyserial 3.5's POSIX open() ends
    with a tcflush of the input (serialposix.py, Serial.open -> _reset_input_buffer):
    after a reset or an unplug, what the board wrote before the host reopened its port,
    the boot banner and the config errors (56 of 453 lines over three unplugs, issue 9,
    item 12). reset_input_buffer() on the open port still flushes. (On Windows open()
    purges inline, with no such hook: there the input is flushed still.)"""

    def _reset_input_buffer(self):
        if self.is_open:
            super()._reset_input_buffer()


def open_port(port, baud=115200, timeout=0.1, keep_input=False):
    """An open serial.Serial; port may be a device, a pty path or a pyserial URL.
    keep_input: do not flush what a device received before it was opened (a URL's open()
    still flushes: what a TCP server sent before it reached the socket buffer)."""
    try:
        if keep_input and "://" not in port:
            return _KeepInput(port, baudrate=baud, timeout=timeout)
        return serial.serial_for_url(port, baudrate=baud, timeout=timeout)
    except (serial.SerialException, OSError, ValueError) as e:
        raise PortError("cannot open %s: %s" % (port, e)) from None
