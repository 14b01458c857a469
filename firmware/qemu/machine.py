# machine for glide on MicroPython's qemu port (micro:bit, nRF51): the port's
# own machine has no Pin, PWM, ADC or WDT, so this module, frozen in, extends
# it with what hw.Board uses. Pins are the emulated nRF51 GPIO, driven through
# its registers; QEMU emulates no PWM, ADC or watchdog on this chip, so those
# keep their state here, where the emulated world (host_tools/virtual/
# emuworld.py) reads the outputs and sets the inputs.
# Kept small for a 10 KB heap: register addresses are const (above 2**30 they
# are long ints, in flash this way and out of the globals), objects hold only
# what a call needs (a Pin its mask and the world's override).
import umachine
from umachine import mem32
from micropython import const


def __getattr__(name):
    # The port's own (reset, mem8, ...), looked up on use: copying them all
    # in would cost heap on a 10 KB board.
    return getattr(umachine, name)


_OUTSET = const(0x50000508)
_OUTCLR = const(0x5000050C)
_IN = const(0x50000510)
_CNF = const(0x50000700)  # PIN_CNF[n]: bit 0 output, bits 2-3 pull (3: up, 1: down)

pins = {}  # pin id -> Pin, so the world can find any pin the firmware made


class Pin:
    IN = 0
    OUT = 1
    PULL_DOWN = 1
    PULL_UP = 3

    def __init__(self, pid, mode=0, pull=None, value=None):
        if type(pid) is not int or not 0 <= pid < 30:
            # P0.30 and P0.31 exist, but 1 << 30 is a big int: not used.
            raise ValueError("invalid pin")
        self.mask = 1 << pid
        # The world's override of an input (a pressed button): 0 or 1; -1
        # none. On the instance: read through the class it cost 30 us more a
        # button read at 16 MHz.
        self.force = -1
        if value is not None:
            self.value(value)
        mem32[_CNF + 4 * pid] = (1 if mode == 1 else 0) | ((pull or 0) << 2)
        pins[pid] = self

    def value(self, v=None):
        if v is None:
            if self.force < 0:
                # QEMU's GPIO answers word reads only; P0.30/31 are never
                # inputs here, so the word stays a small int.
                return 1 if mem32[_IN] & self.mask else 0
            return self.force
        mem32[_OUTSET if v else _OUTCLR] = self.mask


class PWM:
    # Brightness is kept as the duty; the pin is lit while the duty is not 0.
    def __init__(self, pin, freq=1000, duty_u16=0):
        self.pin = pin
        self.f = freq
        self.duty = 0
        self.duty_u16(duty_u16)

    def duty_u16(self, d=None):
        if d is None:
            return self.duty
        if not 0 <= d <= 65535:
            raise ValueError("duty must be 0..65535")
        self.duty = d
        self.pin.value(d)

    def freq(self, f=None):
        if f is None:
            return self.f
        self.f = f


class ADC:
    source = None  # a function the world sets, called per read

    def __init__(self, pin, atten=None):
        pass

    def read_u16(self):
        s = self.source
        return s() if s else 65535  # no world: open circuit


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
