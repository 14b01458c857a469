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


def open_port(port, baud=115200, timeout=0.1):
    """An open serial.Serial; port may be a device, a pty path or a pyserial URL (loop://)."""
    try:
        return serial.serial_for_url(port, baudrate=baud, timeout=timeout)
    except (serial.SerialException, OSError, ValueError) as e:
        raise PortError("cannot open %s: %s" % (port, e)) from None
