# The four current types as integer waveforms. A waveform only shapes the
# output inside the envelope that the soft start and adaptive loop allow:
# output = envelope * level // 256, so no waveform can raise the current.
try:
    from micropython import const  # type: ignore  (the stub and the shim differ)
except ImportError:  # CPython
    def const(x):
        return x

ADVANCED = const(0)
LIFTING = const(1)
TAPPING = const(2)
SCULPTING = const(3)
NAMES = ("ADV", "LIFT", "TAP", "SCULPT")

FULL = const(256)
_ADV_FLIP_MS = const(1000)  # biphasic Advanced swaps polarity once a second
_LIFT_STEP_MS = const(2000)  # each Lifting frequency lasts 2 s
# Lifting half-periods: 1, 2, 4, 8, 16 Hz, then back to 1 Hz (10 s cycle)
_LIFT_HALF = (500, 250, 125, 62, 31)
_TAP_MS = const(200)  # Tapping: 40 ms burst every 200 ms (5 Hz)
_TAP_ON = const(40)
_SCULPT_MS = const(1000)  # Sculpting: 1 Hz trapezoid, 600 ms pulse
_SCULPT_EDGE = const(100)  # with 100 ms edges
_SCULPT_HOLD = const(400)


class Waveform:
    def __init__(self):
        self.biphasic = False
        self.select(ADVANCED)

    def select(self, mode):
        if not 0 <= mode <= SCULPTING:
            raise ValueError("mode")
        self.mode = mode
        self.t = 0  # ms into the current cycle
        self.odd = 0  # 1 in odd-numbered cycles: the biphasic polarity
        self.level = FULL
        self.phase = 0
        # | 0: a frozen build keeps LIFT's 10000 in this constant tuple as a
        # long int (above 8191, see config.defaults): compared every tick and
        # divided at each wrap (64 B of garbage) unless made a small int here.
        self.cycle_ms = (2 * _ADV_FLIP_MS, 5 * _LIFT_STEP_MS, _TAP_MS,
                         _SCULPT_MS)[mode] | 0
        self.advance(0)

    def advance(self, ms):
        # Sets self.level (0..FULL) and self.phase (0/1) for ms later, and
        # returns the level (the controller's tick saves a lookup: ~10 us at
        # 16 MHz).
        t = self.t + ms
        if t >= self.cycle_ms:
            self.odd = (self.odd + t // self.cycle_ms) & 1
            t %= self.cycle_ms
        self.t = t
        mode = self.mode
        if mode == ADVANCED:
            lvl = FULL
            # t < 2 * _ADV_FLIP_MS here: a comparison, not a division (~8 us
            # at 16 MHz on a Cortex-M0, which has no divide instruction).
            flips = 1 if t >= _ADV_FLIP_MS else 0
        elif mode == LIFTING:
            half = _LIFT_HALF[t // _LIFT_STEP_MS]
            k = (t % _LIFT_STEP_MS) // half
            lvl = FULL if k & 1 == 0 else 0
            flips = k >> 1
        elif mode == TAPPING:
            lvl = FULL if t < _TAP_ON else 0
            flips = self.odd
        else:
            flips = self.odd
            if t < _SCULPT_EDGE:
                lvl = FULL * t // _SCULPT_EDGE
            elif t < _SCULPT_EDGE + _SCULPT_HOLD:
                lvl = FULL
            elif t < 2 * _SCULPT_EDGE + _SCULPT_HOLD:
                lvl = FULL * (2 * _SCULPT_EDGE + _SCULPT_HOLD - t) // _SCULPT_EDGE
            else:
                lvl = 0
        self.level = lvl
        self.phase = flips & 1 if self.biphasic else 0
        return lvl
