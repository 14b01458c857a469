# QEMU's micro:bit (nRF51, Cortex-M0) running MicroPython's qemu port, with
# glide frozen in (host_tools/emu.py builds it; docs/emulator.md). Plain GPIO
# pins of P0 stand for the LEDs and buttons; the port has no ADC, so the
# "potentiometer" is set by the emulated world or by the serial `inject`.
from hw import Board
from machine import mem32

try:
    import usys as sys
except ImportError:
    import sys

try:
    from micropython import const  # type: ignore
except ImportError:  # CPython
    def const(x):
        return x

# Pairs, not a dict: a constant tuple stays in flash, a dict takes ~200 B of
# the 10 KB heap (make() and the world build their dict from it).
PINS = (
    ("out", 3),  # edge pad 0: output LED, brightness = commanded current
    ("pos", 2),  # edge pad 1: polarity + LED
    ("neg", 1),  # edge pad 2: polarity - LED
    ("status", 13),  # LED matrix row 1: blink code of the state
    ("pot", 4),  # stands for the skin-resistance potentiometer (no ADC here)
    ("btn_contact", 17),  # button A: held = skin contact
    ("btn_mode", 26),  # button B: short = next mode, long = next level
    ("mode_leds", ()),
)

# UART0, the REPL's. const: above 2**30 an address is a long int, kept in
# flash this way instead of on the heap.
_RXDRDY = const(0x40002108)
_RXD = const(0x40002518)


class UartPort:
    # The REPL's UART for console.Console. The port polls it (no RX
    # interrupt), so bytes wait in the emulated UART until read here, and
    # Ctrl-C is noticed here too. The world may feed input and mute output.
    fed = bytearray()  # input the world queued, read before the UART
    room = True

    def __init__(self):
        self.out = sys.stdout.buffer

    def readable(self):
        if self.fed:
            return True
        return mem32[_RXDRDY] != 0

    def writable(self):
        return self.room

    def readinto(self, buf):
        if self.fed:
            buf[0] = self.fed[0]
            self.fed[:1] = b""
            return 1
        mem32[_RXDRDY] = 0
        c = mem32[_RXD] & 0xFF
        if c == 3:
            raise KeyboardInterrupt
        buf[0] = c
        return 1

    def write(self, buf, off=0, n=-1):
        return self.out.write(buf, off, len(buf) - off if n < 0 else n)


def make(cfg):
    pins = dict(PINS)
    pins.update(cfg["pins"])
    board = Board(pins, cfg, port=UartPort())
    # The potentiometer's table, built as a list grown by appends (~576 B),
    # kept as a tuple of its 65 ints (~272 B) of the 10 KB heap.
    board.pot = tuple(board.pot)  # type: ignore  (read only: any sequence does)
    return board
