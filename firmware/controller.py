# The glide controller: soft start, contact, adaptive loop, session, faults.
# Pure logic: the caller passes the time since the last tick and the sensor
# sample, and gets back the current to command in uA. Integer-only, so the
# same inputs give the same trace on CPython and on every MicroPython, and
# allocation-free per tick with a console as the log: status lines and events
# are printed into its stage (telemetry.py), never built as strings.
try:
    from micropython import const  # type: ignore  (the stub and the shim differ)
except ImportError:  # CPython
    def const(x):
        return x

from limits import LEVEL_CAPS, DEVICE_MAX_UA
from contact import Contact, R_OPEN
from waveform import Waveform, NAMES
import telemetry

# States
OFF = const(0)
SEEK = const(1)  # started, waiting for contact
RAMP = const(2)  # in contact, envelope rising to the target
TREAT = const(3)  # in contact, envelope at the target
STOP = const(4)  # stop requested: ramping down gracefully
FAULT = const(5)  # latched; output 0 until reset()

# Fault codes (contact.OUT_OF_RANGE and contact.STUCK are 1 and 2)
F_OVERRUN = const(3)
F_INTERNAL = const(4)
F_CLOCK = const(5)

_FULL = const(256)  # waveform.FULL, inlined (a global load is ~6 us)
_MS_MASK = const(0x3FFFFFFF)  # t wraps at 2**30 ms (12.4 days): stays a small int


class Controller:
    def __init__(self, log, hz=200, make_ohm=100000, break_ohm=150000,
                 debounce=4, stuck_ms=2000, slew=340, adapt=2000,
                 stop_slew=680, vmax_mv=10000, session_s=1200, sleep_s=60,
                 cue_ms=3000, status_ms=100, overrun=4, levels=LEVEL_CAPS):
        # Rates (slew, adapt, stop_slew) are in uA per second.
        if not 50 <= hz <= 1000:
            raise ValueError("hz must be 50..1000")
        for c in levels:
            if not 0 < c <= DEVICE_MAX_UA:
                raise ValueError("level caps must be 1..%d uA" % DEVICE_MAX_UA)
        if not 0 < slew <= adapt or stop_slew <= 0:
            raise ValueError("need 0 < slew <= adapt, stop_slew > 0")
        if not 0 < vmax_mv <= 30000 or not 2 <= overrun <= 20:
            raise ValueError("vmax_mv 1..30000, overrun 2..20 periods")
        if max(slew, adapt, stop_slew) > 10000:
            raise ValueError("rates must be at most 10000 uA/s")
        if session_s <= 0 or sleep_s <= 0 or cue_ms <= 0 or status_ms < 0:
            raise ValueError("timers must be positive")
        # log: a console (console.Console: stage and end()), which gets lines
        # without a heap allocation, or any callable that takes each line as
        # a str (tests, host tools: log=lines.append).
        self.log = log
        self.sink = log if hasattr(log, "end") else None
        self.hz = hz
        self.levels = tuple(levels)
        self.slew = slew
        self.adapt = adapt
        self.stop_slew = stop_slew
        self.vmax_mv = vmax_mv
        self.vmax_uv = vmax_mv * 1000  # mV * 1000 / ohm = uA; <= 3e7, small
        self.session_ms = session_s * 1000
        self.sleep_ms = sleep_s * 1000
        self.cue_ms = cue_ms
        self.status_ms = status_ms
        self.overrun = overrun
        self.overrun_us = overrun * 1000000 // hz
        self.contact = Contact(make_ohm, break_ohm, debounce,
                               stuck_ms * hz // 1000)
        self.wave = Waveform()
        self.t = 0  # ms since boot
        self._us = 0  # sub-ms remainder of t
        self.state = OFF
        self.level = 1
        self.cap = self.levels[0]  # uA: the level's cap, kept with the level
        self.cap_na = self.cap * 1000  # and in nA, for the target
        self.fault = 0
        self.inject = -1  # resistance injected over serial; -1: use the sensor
        self.r = R_OPEN
        self.status_left = status_ms
        self.session_left = self.sleep_left = self.cue_left = 0
        self._zero()
        # ctl.tick() from the loop first missed in this instance's attribute
        # table, and a miss scans it to an empty slot (35 attributes in 37
        # slots): ~60 us a tick at 16 MHz. Bound once here (16 B), the
        # lookup finds it at once.
        self.tick = self.tick

    def _zero(self):
        self.target = 0  # nA: what the adaptive loop wants
        self.env = 0  # nA: what the soft start allows so far
        self.out_na = 0
        self.out = 0  # uA: what is commanded
        self.phase = 0

    # -- the tick -----------------------------------------------------------
    # Frames stay within 11 words (mpy-cross prelude n_state <= 11): on ports
    # without a Python stack (micro:bit, rp2, esp32) a larger frame is heap
    # allocated per call, which cost ~550 us a call on the emulated 16 MHz
    # micro:bit, more than the rest of _step. Hence few locals, reused.
    def tick(self, dt_us, r, live=True):
        # dt_us: time since the previous tick; r: sensor sample in ohms;
        # live: False when r is a fixed stand-in (a button), never "stuck".
        us = self._us + (dt_us if dt_us > 0 else 0)
        ms = us // 1000
        # us >= 0: % is one division; us - ms * 1000 was a multiplication,
        # which checks for overflow with a software division on a Cortex-M0
        # (~15 us at 16 MHz against ~8 us).
        self._us = us % 1000
        self.t = (self.t + ms) & _MS_MASK
        if self.inject >= 0:
            r = self.inject
            live = False
        self.r = r
        if OFF < self.state < FAULT:
            if dt_us < 0:
                self._fault(F_CLOCK, dt_us)
            elif dt_us > self.overrun_us:
                self._fault(F_OVERRUN, dt_us)
            else:
                # A call through the class: self.meth() first misses in the
                # instance's attribute table, and a miss scans it to an empty
                # slot (this one holds 35 attributes in 37 slots): ~60 us a
                # call at 16 MHz, more than the rest of most lines here.
                us = Contact.update(self.contact, r, live)  # a fault code, or 0
                if us:
                    self._fault(us, r)
                else:
                    Controller._step(self, dt_us, ms)
        if self.status_ms:
            us = self.status_left - ms  # a local: one attribute load less
            if us <= 0:
                us += self.status_ms
                if us <= 0:
                    us = self.status_ms
                self.status_left = us
                Controller._status(self)
            else:
                self.status_left = us
        return self.out

    def _step(self, d, ms):
        # d: the tick in us, ms: in whole ms (with the carry, real time); the
        # sample is self.r, already checked.
        st = self.state
        # Timers through the local x: one attribute load less each (~8 us).
        x = self.session_left - ms
        self.session_left = x
        if not self.contact.on:
            if st == SEEK:
                self.sleep_left -= ms
                if self.sleep_left <= 0:
                    self._set(OFF, "SLEEP")
                elif x <= 0:
                    self._set(OFF, "AUTOOFF")
            else:
                # Contact lost: zero in this very tick, ramp again from 0.
                self._zero()
                self._set(OFF if st == STOP else SEEK, "BREAK")
            return
        if st == SEEK:
            self.wave.select(self.wave.mode)
            self.cue_left = self.cue_ms
            st = self._set(RAMP, "CONTACT")
        elif st != STOP:
            c = self.cue_left - ms
            if c <= 0:
                c += self.cue_ms
                self._event("MOVE")
            self.cue_left = c
            if x <= 0:  # x: the session's time left
                st = self._set(STOP, "AUTOOFF")
        # Adaptive loop: the level cap, lowered where the compliance voltage
        # runs out (I * R <= vmax). The target falls at once and rises at most
        # `adapt` uA/s; the envelope follows it at most `slew` uA/s. Rates are
        # uA/s and the envelope nA, so a rise is rate * d // 1000, with d at
        # most one period: the promise is per tick, however late the tick (a
        # 400 ms one at 50 Hz, overrun 20, rose 136 uA at once), and 10000
        # uA/s * 20000 us stays a small int (< 2**30). The cap is in each
        # rising branch, which treatment never enters, and from hz: one more
        # attribute (36 in this instance's 37 slots) cost the loop ~100 us an
        # iteration at 16 MHz in lookups that miss. A stop ramps down at
        # `stop_slew` in real time, uA/s * ms = nA: falling is safe, and a
        # stop must end within its second however late the ticks come.
        # Products and quotients are the tick's dearest operations on a
        # Cortex-M0 (a multiplication ~15 us at 16 MHz, a division ~8 us:
        # neither is in hardware), so a step that cannot change anything is
        # skipped: at the target, adding and clamping gives the target again.
        x = self.vmax_uv // self.r  # uA the compliance allows
        if x >= self.cap:
            x = self.cap_na
        else:
            x *= 1000
        # Target and envelope are written only when they change (a write is
        # ~11 us): in treatment neither does.
        tg = self.target
        if x < tg:
            tg = x
            self.target = tg
        elif tg < x and st != STOP:
            if d * self.hz > 1000000:
                d = 1000000 // self.hz
            tg += self.adapt * d // 1000
            if tg > x:
                tg = x
            self.target = tg
        x = self.env
        if st == STOP:
            x -= self.stop_slew * ms
            if x < 0:
                x = 0
            if x > tg:
                x = tg
            self.env = x
        elif x > tg:
            x = tg
            self.env = x
        elif x < tg:
            if d * self.hz > 1000000:
                d = 1000000 // self.hz
            x += self.slew * d // 1000
            if x > tg:
                x = tg
            self.env = x
        d = Waveform.advance(self.wave, ms)  # through the class, as in tick
        if d != _FULL:  # x * 256 >> 8 is x: no multiplication at full level
            x = x * d >> 8  # nA out
        d = x // 1000  # uA out
        if d > self.cap:
            self._fault(F_INTERNAL, d)
            return
        self.out_na = x
        # The final check, independent of how d was computed: only
        # 0..DEVICE_MAX_UA passes; anything else is a bug, and the safe answer
        # to a bug is 0, never a clamp to the maximum. Inline: a call is ~60 us
        # at 16 MHz.
        # Two plain comparisons: a chained one costs ~17 us more.
        if d < 0 or d > DEVICE_MAX_UA:
            d = 0
        self.out = d
        self.phase = self.wave.phase
        if st == RAMP and self.env >= self.target:
            self._set(TREAT, "TREAT")
        elif st == STOP and self.env == 0:
            self._set(OFF, "STOPPED")

    # -- transitions ----------------------------------------------------------
    def _status(self):
        sink = self.sink
        if sink is None:
            self.log(telemetry.status(self))
        else:
            telemetry.status(self, sink.stage)
            sink.end()

    def _event(self, name, extra=""):
        sink = self.sink
        if sink is None:
            self.log(telemetry.event(self, name, extra))
        else:
            telemetry.event(self, name, extra, sink.stage)
            sink.end()

    def _set(self, state, name, extra=""):
        # Entering OFF or SEEK zeroes the output and starts the sleep timer;
        # staying there (a level or mode change) touches neither.
        if state != self.state and (state == OFF or state == SEEK):
            self._zero()
            self.sleep_left = self.sleep_ms
        self.state = state
        self._event(name, extra)
        return state

    def _fault(self, code, value):
        self.fault = code
        self._zero()
        self._set(FAULT, "FAULT", telemetry.fault(code, value))

    # A fault found outside the tick (a watchdog reset, seen at boot).
    latch = _fault

    # -- requests (from commands, buttons or the board) -----------------------
    # Each returns None when done, or the reason it was refused.
    def start(self):
        # Starting a running session is a no-op; a stopping one must reach OFF.
        if self.state == FAULT:
            return "fault latched, reset first"
        if self.state == STOP:
            return "stopping: start again once OFF"
        if self.state == OFF:
            self.contact.reset()
            self.session_left = self.session_ms
            self._set(SEEK, "START")

    def stop(self):
        st = self.state
        if st == SEEK:
            self._set(OFF, "STOP")
        elif st == RAMP or st == TREAT:
            self._set(STOP, "STOP")

    def reset(self):
        if self.state == FAULT:
            self.fault = 0
            self._set(OFF, "RESET")

    def set_level(self, level):
        if not 1 <= level <= len(self.levels):
            return "level must be 1..%d" % len(self.levels)
        if level == self.level:
            return
        raised = level > self.level
        self.level = level
        self.cap = self.levels[level - 1]
        self.cap_na = self.cap * 1000
        # Lowering acts at once: target, envelope and output fall to the new
        # cap before this command's reply or the next status line can show
        # them (it waited for the next tick: a status reply in between showed
        # lv=2 out=319 against a 272 uA cap). Raising ramps up from where the
        # output is, without stopping it.
        if not raised:
            c = self.cap_na
            if self.target > c:
                self.target = c
            if self.env > c:
                self.env = c
            if self.out_na > c:
                self.out_na = c
                self.out = self.cap
        st = self.state
        self._set(RAMP if raised and st == TREAT else st, "LEVEL",
                  " lv=%d" % level)

    def set_mode(self, mode):
        if not 0 <= mode < len(NAMES):
            return "unknown mode"
        wave = self.wave
        if mode == wave.mode:
            return
        wave.select(mode)
        # The new waveform must not step the output up: restart the envelope
        # from the current output and ramp from there.
        self.env = self.out_na
        st = self.state
        self._set(RAMP if st == TREAT else st, "MODE",
                  " md=" + NAMES[mode])

    def set_biphasic(self, on):
        self.wave.biphasic = on
