# QEMU's micro:bit (nRF51, Cortex-M0) running MicroPython's qemu port, with
# glide frozen in (host_tools/emu.py builds it; docs/emulator.md). Plain GPIO
# pins of P0 stand for the LEDs and buttons; the port has no ADC, so the
# "potentiometer" is set by the emulated world or by the serial `inject`.
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


def make(cfg):
    # Imported here, not kept in this module's globals (~32 B of the heap).
    from config import pin_map
    from hw import Board
    # The REPL's UART for console.Console, in C (firmware/qemu/glide_hal/hw.c):
    # in Python it took ~450 B of the 10 KB heap and a call or two each tick.
    from machine import UartPort  # type: ignore  (glide_hw's, in the qemu image)
    pins = pin_map(PINS, cfg, 29)  # glide_hw's Pin: P0.0..P0.29
    board = Board(pins, cfg, port=UartPort())
    # The potentiometer's table, built as a list grown by appends (~576 B),
    # kept as a tuple of its 65 ints (~272 B) of the 10 KB heap.
    board.pot = tuple(board.pot)  # type: ignore  (read only: any sequence does)
    return board
