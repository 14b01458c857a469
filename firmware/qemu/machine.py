# machine for glide on MicroPython's qemu port (micro:bit, nRF51): the port's
# own machine has no Pin, PWM, ADC or WDT, so this module, frozen in, extends
# it with what hw.Board uses. QEMU emulates no watchdog on this chip: WDT is
# kept here, where the emulated world (host_tools/virtual/emuworld.py) checks it.
import umachine
# Pin, PWM, ADC are C (firmware/qemu/glide_hal/hw.c), as on the real boards:
# in Python they cost ~1.1 ms a tick and ~1.1 KB of heap. force(id, level)
# holds an input for the world (-1 lets go); adc(v) sets what the ADC reads.
from glide_hw import ADC, PWM, Pin, adc, force  # noqa: F401


def __getattr__(name):
    # The port's own (reset, mem8, ...), looked up on use: copying them all
    # in would cost heap on a 10 KB board.
    return getattr(umachine, name)


class WDT:
    # Kept in software: the world resets the board when feed() is late.
    last = None

    def __init__(self, id=0, timeout=5000):
        from time import ticks_ms
        self.timeout = timeout
        self.ticks_ms = ticks_ms
        self.fed = ticks_ms()
        WDT.last = self

    def feed(self):
        self.fed = self.ticks_ms()


class WatchdogReset(Exception):
    # Raised by the world when the WDT was not fed in time.
    pass
