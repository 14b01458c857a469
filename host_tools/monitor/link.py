"""The board's serial port, kept open across resets and unplugs."""
import threading
import time

import serial

from .. import serialport
from .display import say

# How often a lost port is tried again: a board whose node is back is reopened 5 ms later
# on average (10 ms at most). At 0.5 s, with pyserial's flush on open, the last few hundred
# ms before each reopen were lost (issue 9, item 12). Trying costs 1-2 % of a core while
# the port is gone (0.05 % at 0.5 s).
RETRY_S = 0.01


class Link:
    """The board's serial port, reopened after the board resets or is unplugged.

    run() reads on the reader thread; send() may be called from any other. greet, if
    given, is sent on connecting and on every reconnect: `info`, so that a recording
    started after the board booted, or across a restart whose header it missed, has the
    board's G header. sent(text) hears of every line about to be written.
    """

    def __init__(self, port, ser, baud=115200, open_port=serialport.open_port, retry=RETRY_S,
                 log=say, sent=lambda text: None, greet=None):
        self.port, self.ser, self.baud = port, ser, baud
        self.open_port, self.retry, self.log = open_port, retry, log
        self.sent, self.greet = sent, greet
        self.reconnects = 0
        self._lock = threading.Lock()  # send() must not write to a port run() is closing

    def send(self, text):
        """Write one command line to the board; False if it could not be sent."""
        with self._lock:
            try:
                if self.ser is None:
                    raise OSError("board disconnected")
                # Before the write, so that the reply cannot be recorded before it.
                self.sent(text)
                self.ser.write((text + "\r\n").encode())
                return True
            except (serial.SerialException, OSError) as e:
                self.log("not sent: %r (%s)" % (text, e))
                return False

    def run(self, monitor, stop):
        """Pass what the board sends to monitor until stop is set, then close the port."""
        self._greet()
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
            self._greet()
            return

    def _greet(self):
        if self.greet:
            self.send(self.greet)
