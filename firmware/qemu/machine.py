# machine for glide on MicroPython's qemu port (micro:bit, nRF51): the port's
# own machine (umachine) has no Pin, PWM, ADC or WDT. They are C, in glide_hw
# (firmware/qemu/glide_hal/hw.c), as on the real boards: in Python they cost
# ~1.1 ms of a 5 ms tick and ~1.1 KB of a 10 KB heap. This module, frozen in,
# only joins the two, looking each name up on use: copying them in would cost
# heap. glide_hw also has what the emulated world (host_tools/virtual/
# emuworld.py) drives: force(id, level) holds an input (-1 lets go), adc(v)
# sets the ADC's reading, wdt_late() and wdt_off(), WatchdogReset.
import glide_hw
import umachine


def __getattr__(name):
    try:
        return getattr(glide_hw, name)
    except AttributeError:
        return getattr(umachine, name)
