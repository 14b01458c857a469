# machine for glide on MicroPython's qemu port (micro:bit, nRF51): the port's
# own machine (umachine) has no Pin, PWM, ADC or WDT. They are C, in the
# module glide_hw (firmware/qemu/glide_hal/hw.c), as on the real boards: in
# Python, with the console's port, they cost ~0.6 ms of a 5 ms tick at 16 MHz
# (load 64-67 % -> 52-55 %) and ~1.4 KB of a 10 KB heap.
# glide_hw passes any other name on to umachine, so it is machine: this
# module, frozen in, puts it in its place in sys.modules at the first import
# and is then freed (~100 B of the heap). Until then (the first importer's
# from-import) it answers through glide_hw too.
# glide_hw also has what the emulated world (host_tools/virtual/emuworld.py)
# drives: force(id, level) holds an input (-1 lets go), adc(v) sets the ADC's
# reading, uart() and uart_mute() hook the console's UART, wdt_late(),
# wdt_off() and WatchdogReset.
import sys

import glide_hw

sys.modules["machine"] = glide_hw


def __getattr__(name):
    return getattr(glide_hw, name)
