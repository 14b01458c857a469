# Board I/O shared by the boards with PWM and an ADC (board_pico, board_esp32):
# LEDs that show the controller, the potentiometer and buttons that feed it.
# Everything per tick is integer and preallocated; tables are built at boot.
try:
    import usys as sys
except ImportError:
    import sys
from machine import Pin, PWM, ADC

_PWM_HZ = 1000
_RAIL = 64  # ADC counts this close to 0 read as a short (0 ohm)

# Status LED blink (period ms, on ms) for OFF, SEEK, RAMP, TREAT, STOP, FAULT
BLINK = ((1000, 0), (1000, 100), (200, 100), (1000, 1000), (500, 250),
         (100, 50))


def duty(ua):
    # uA 0..DEVICE_MAX_UA -> duty_u16 with gamma 2, so the eye sees the LED
    # rise about linearly with the current: 65476 (99.9 %) at 680 uA. Worked
    # out per tick, not from a table: a 256-entry table took 1 KB of a
    # micro:bit's 10 KB heap. 680**2 * 580 stays under 2**30, a small int (a
    # big one would allocate).
    return ua * ua * 580 >> 12


def pot_table(lo, hi):
    # 65 points, log-spaced from lo to hi ohms: the potentiometer's travel
    # covers moist (kohm) to open circuit (Mohm) evenly by ratio.
    return [int(lo * (hi / lo) ** (i / 64) + 0.5) for i in range(65)]


def pot_ohm(table, u):
    # ADC counts (read_u16) -> ohms, interpolating the pot_table.
    if u < _RAIL:
        return 0  # wiper at ground or pot unplugged: a sensor fault
    if u > 65535 - _RAIL:
        return table[64]  # top rail: open circuit
    i = u >> 10
    a = table[i]
    return a + ((table[i + 1] - a) * (u & 1023) >> 10)


def _pin_out(p):
    return Pin(p, Pin.OUT, value=0)


class Board:
    def __init__(self, pins, cfg, adc=None, port=None):
        # pins: dict of pin ids; adc: an ADC already set up (ports differ);
        # port: the console's port (default: the REPL's, StdioPort).
        # Outputs come up at 0 before anything else happens.
        self.out = PWM(Pin(pins["out"]), freq=_PWM_HZ, duty_u16=0)
        self.pos = _pin_out(pins["pos"])
        self.neg = _pin_out(pins["neg"])
        self.status = _pin_out(pins["status"])
        # A tuple: none on a board without them is the shared empty tuple, not
        # a list on a 10 KB heap.
        self.mode_leds = tuple([_pin_out(p) for p in pins.get("mode_leds", ())])
        self.adc = adc or ADC(Pin(pins["pot"]))
        self.btn_contact = Pin(pins["btn_contact"], Pin.IN, Pin.PULL_UP)
        self.btn_mode = Pin(pins["btn_mode"], Pin.IN, Pin.PULL_UP)
        self.pot = pot_table(cfg["pot_min_ohm"], cfg["pot_max_ohm"])
        self.contact_ohm = cfg["contact_ohm"]
        self.held = 0  # ticks the mode button has been down
        self.long_ticks = cfg["hz"]  # a press of 1 s or more is "long"
        self.debounce = 4
        self.live = True  # the last reading came from the potentiometer
        self.port = port or StdioPort()
        self._shown()

    def _shown(self):
        # What the outputs show now (all off): show() writes a pin only when
        # its value changes.
        self.s_out = 0  # uA on the output LED
        self.s_pol = 0  # polarity LEDs: 0 off, 1 neg, 2 pos
        self.s_blink = 0
        self.s_mode = -1  # mode LEDs: all off, so the next show lights one

    def off(self):
        self.out.duty_u16(0)
        self.pos.value(0)
        self.neg.value(0)
        self.status.value(0)
        for led in self.mode_leds:
            led.value(0)
        self._shown()

    def read_ohm(self):
        # The contact button stands for skin on the electrodes; otherwise
        # the potentiometer, interpolated in the log table.
        self.live = self.btn_contact.value()
        if not self.live:
            return self.contact_ohm
        return pot_ohm(self.pot, self.adc.read_u16())

    def button(self):
        # Mode button: 0 nothing, 1 short press (next mode), 2 long press
        # (next level), reported on release.
        if not self.btn_mode.value():
            self.held += 1
            return 0
        held = self.held
        if not held:  # up, as before: the usual tick, kept short
            return 0
        self.held = 0
        if held >= self.long_ticks:
            return 2
        return 1 if held >= self.debounce else 0

    def show(self, c):
        # c: the controller. A pin is written only when its value changes:
        # writing all of them took 1.6 ms a tick on the emulated 16 MHz
        # micro:bit (each write a call, ~50 us, and the PWM's its own).
        v = c.out
        if v != self.s_out:
            self.s_out = v
            self.out.duty_u16(duty(v))
        v = (1 if c.phase else 2) if v else 0
        if v != self.s_pol:
            self.s_pol = v
            self.pos.value(v >> 1)
            self.neg.value(v & 1)
        p = BLINK[c.state]
        v = 1 if c.t % p[0] < p[1] else 0
        if v != self.s_blink:
            self.s_blink = v
            self.status.value(v)
        v = c.wave.mode
        if v != self.s_mode:
            self.s_mode = v
            for p in range(len(self.mode_leds)):
                self.mode_leds[p].value(1 if p == v else 0)


def StdioPort():
    # The REPL's console (USB CDC on a Pico, UART0 on an ESP32) for
    # console.Console, polled so that neither direction ever blocks. The
    # class is made on first use: a board with its own port (qemu) is
    # spared its ~250 B of a 10 KB heap.
    class _StdioPort:
        def __init__(self):
            # select only here: a port without it (qemu) brings its own port.
            try:
                import uselect as select
            except ImportError:
                import select
            self.rd = sys.stdin.buffer
            self.one = bytearray(1)
            self.wr = sys.stdout.buffer
            self.pin = select.poll()
            self.pin.register(self.rd, select.POLLIN)
            self.pout = select.poll()
            self.pout.register(self.wr, select.POLLOUT)

        def readable(self):
            for _ in self.pin.ipoll(0):
                return True
            return False

        def writable(self):
            for _ in self.pout.ipoll(0):
                return True
            return False

        def readinto(self, buf):
            # What is pending, up to len(buf), a byte at a time while poll
            # says one is there: stdin's own readinto waits until all of buf
            # is filled.
            n = 0
            one = self.one
            while n < len(buf):
                for _ in self.pin.ipoll(0):
                    break
                else:
                    return n
                self.rd.readinto(one)
                buf[n] = one[0]
                n += 1
            return n

        def write(self, buf, off, n):
            # MicroPython's own stream write(buf, off, max_len) -> bytes written:
            # the console never has to slice its buffer (a slice is a heap object).
            return self.wr.write(buf, off, n)

    return _StdioPort()
