"""Find and open the serial port of a board running glide (shared by monitor, send, flash)."""
import serial
import serial.tools.list_ports

# USB vendor IDs of the boards glide runs on, or of the USB-UART bridge in front of them.
BOARD_VIDS = {
    0x2E8A: "Raspberry Pi RP2040/RP2350",
    0x303A: "Espressif native USB",
    0x10C4: "Silicon Labs CP210x",
    0x1A86: "WCH CH340/CH9102",
    0x0403: "FTDI",
}


class PortError(Exception):
    pass


def _describe(p):
    if p.description and p.description != "n/a":  # pyserial's "n/a": nothing known
        return "%s (%s)" % (p.device, p.description)
    return p.device


def find_port(port=None):
    """port if given, else the one attached board; PortError if there is none or several."""
    if port:
        return port
    seen = sorted(serial.tools.list_ports.comports(), key=lambda p: p.device)
    boards = [p for p in seen if p.vid in BOARD_VIDS]
    if not boards:
        raise PortError("no board found: plug one in or give --port; ports seen: %s"
                        % (", ".join(_describe(p) for p in seen) or "none"))
    if len(boards) > 1:
        raise PortError("%d boards found: %s: pick one with --port"
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
    """An open serial.Serial; port may be a device, a pty path or a pyserial URL (loop://).
    keep_input: do not flush what the port received before it was opened."""
    try:
        if keep_input and "://" not in port:
            return _KeepInput(port, baudrate=baud, timeout=timeout)
        return serial.serial_for_url(port, baudrate=baud, timeout=timeout)
    except (serial.SerialException, OSError, ValueError) as e:
        raise PortError("cannot open %s: %s" % (port, e)) from None
