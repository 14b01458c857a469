# Virtual machine module: the parts of MicroPython's machine API that glide's
# boards use (Pin, PWM, ADC, WDT, and at the REPL Timer and reset), with their state kept where the virtual
# world (world.py) can read the outputs and set the inputs.
import vtime

# machine.reset_cause() and its constants (esp32's numbers; rp2 has 1 and 3):
# boot.py sets cause when the world reboots the board.
PWRON_RESET = 1
HARD_RESET = 2
WDT_RESET = 3
DEEPSLEEP_RESET = 4
SOFT_RESET = 5
cause = PWRON_RESET


def reset_cause():
    return cause


pins = {}  # pin id -> Pin, so the world can find any pin the firmware made
sources = {}  # pin id -> function the world reads an ADC on that pin with


class Pin:
    IN = 0
    OUT = 1
    PULL_UP = 1
    PULL_DOWN = 2

    def __init__(self, pid, mode=IN, pull=None, value=None):
        if not isinstance(pid, int) and pid != "LED":
            raise ValueError("invalid pin")  # as a Pico says of a name it lacks
        self.id = pid
        self.mode = mode
        self.pull = pull
        # An input with a pull-up reads 1 until something pulls it down.
        self.level = 1 if pull == Pin.PULL_UP else 0
        if value is not None:
            self.level = value
        pins[pid] = self

    def value(self, v=None):
        if v is None:
            return self.level
        self.level = 1 if v else 0


class PWM:
    def __init__(self, pin, freq=1000, duty_u16=0):
        self.pin = pin
        self.f = freq
        self.duty = duty_u16
        pin.pwm = self

    def duty_u16(self, d=None):
        if d is None:
            return self.duty
        if not 0 <= d <= 65535:
            raise ValueError("duty must be 0..65535")
        self.duty = d

    def freq(self, f=None):
        if f is None:
            return self.f
        self.f = f


class ADC:
    ATTN_11DB = 3

    def __init__(self, pin, atten=None):
        self.pin = pin
        self.u16 = 65535  # what the world puts on the pin
        pin.adc = self
        source = sources.get(pin.id)
        if source:
            # The world reads this pin: its reader is read_u16 itself (the
            # firmware reads once a tick, one call fewer).
            self.read_u16 = source

    def read_u16(self):
        return self.u16


wdt = None  # the armed watchdog: boot.py disarms it at a reboot


class WDT:
    # Resets the virtual board if not fed within timeout ms of virtual time.
    # The chip has one: a second WDT(timeout=) re-arms it with that timeout, as
    # rp2's does (it cannot be disarmed).
    def __init__(self, id=0, timeout=5000):
        global wdt
        if wdt is None:
            vtime.hook(_watch)
        wdt = self
        self.timeout = timeout
        self.feed()

    def feed(self):
        # The clock's ms and us: one us count would pass 2**30 (vtime.py).
        self.ms = vtime.ms
        self.us = vtime.us


def _watch(ms):
    # A clock hook: resets the board once more than timeout has passed unfed;
    # otherwise asks to be run again when it could have (every advance within
    # the ms it expires in).
    due = wdt.ms + wdt.timeout
    if ms > due or ms == due and vtime.us > wdt.us:
        raise WatchdogReset(ms)
    return due


class Timer:
    # A periodic timer at the REPL (glide flash feeds the watchdog with one
    # while it copies); a soft reset stops it, as on a board.
    def __init__(self, id=-1, mode=1, period=1000, callback=None):
        self.period, self.callback = period, callback
        self.due = vtime.ms + period
        timers.append(self)
        vtime.hook(self._tick)

    def _tick(self, ms):
        if self not in timers:
            return 0x3FFFFFFF  # deinit: never again
        if ms >= self.due:
            self.due = ms + self.period
            self.callback(self)
        return self.due

    def deinit(self):
        if self in timers:
            timers.remove(self)


timers = []
resetting = False  # machine.reset() was called (the VM's REPL reboots the board)


def soft_reset():
    for t in timers[:]:
        t.deinit()


def reset():
    # In the MicroPython VM's REPL: a SystemExit ends the REPL's code, as on a
    # board; resetting says it was a reset, not a soft reboot.
    global resetting
    resetting = True
    raise SystemExit()


class WatchdogReset(Exception):
    pass
