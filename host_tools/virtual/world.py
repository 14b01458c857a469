# The world around the virtual board: it plays a scenario into the board's
# inputs (potentiometer, buttons, serial console), collects what the board
# prints, and ends the run. MicroPython-compatible, so the same world runs the
# firmware on CPython and inside the MicroPython VM.
import machine
import vsys
import vtime

import board_pico
import hw


class End(Exception):
    pass


class Reboot(Exception):
    # The board loses power for a moment: the firmware starts again from boot.
    pass


class Skin:
    # The resistance the scenario puts on the sensor: a live sensor jitters
    # by about 0.5 % (a deterministic LCG), 'stuck' freezes the reading.
    def __init__(self, open_ohm):
        self.open_ohm = open_ohm
        self.base = open_ohm
        self.stuck = False
        self.drift = None
        self.seed = 12345
        self.value = open_ohm

    def set(self, value):
        self.drift = None
        if value == "stuck":
            self.stuck = True
        else:
            self.stuck = False
            self.base = self.open_ohm if value == "open" else value

    def start_drift(self, t0, spec):
        t1, a, b = spec
        self.stuck = False
        self.drift = (t0, t1, a, b)

    def read(self, t_ms):
        if self.stuck:
            return self.value
        if self.drift:
            t0, t1, a, b = self.drift
            if t_ms >= t1:
                self.drift = None
                self.base = b
            else:
                self.base = a + (b - a) * (t_ms - t0) // (t1 - t0)
        if self.base >= self.open_ohm:
            self.value = self.open_ohm
        else:
            self.seed = (self.seed * 1103515245 + 12345) & 0x7FFFFFFF
            span = self.base // 200 + 1
            self.value = max(0, self.base + (self.seed >> 8) % (2 * span + 1) - span)
        return self.value


def pot_counts(table, ohm):
    # The ADC reading that makes the board read about ohm: the inverse of
    # hw.pot_ohm, by bisection over 0..65535.
    if ohm <= 0:
        return 0
    lo, hi = 64, 65535
    while lo < hi:
        mid = (lo + hi + 1) >> 1
        if hw.pot_ohm(table, mid) <= ohm:
            lo = mid
        else:
            hi = mid - 1
    return lo


class World:
    def __init__(self, steps, end_ms, emit, cfg, frame_ms=0):
        # steps: [(t_ms, kind, value)] sorted, as host_tools/scenario.py
        # makes them. emit(line) gets each line the board prints, and every
        # frame_ms (0: never) a line "@ t=MS out=DUTY pos= neg= status=" with
        # the LEDs, which the host shows as bars and paces itself by.
        self.steps = steps
        self.i = 0
        self.emit = emit
        self.t0 = vtime.now
        self.end_us = self.t0 + end_ms * 1000
        self.skin = Skin(cfg["pot_max_ohm"])
        self.table = hw.pot_table(cfg["pot_min_ohm"], cfg["pot_max_ohm"])
        self.pins = board_pico.PINS.copy()
        self.pins.update(cfg["pins"])
        self.release = []  # (t_ms, pin id) of buttons to let go
        self.stall_us = 0  # the next sensor read takes this long
        self.mute_until = -1  # t_ms until which the host does not read the console
        self.partial = b""
        self.frame_ms = frame_ms
        self.next_frame = 0
        vsys.stdout.buffer.sink = self._out
        vtime.hooks.append(self._at)

    def _out(self, data):
        lines = (self.partial + data).split(b"\n")
        self.partial = lines.pop()
        for line in lines:
            self.emit(line.decode())

    def flush(self):
        if self.partial:
            self.emit(self.partial.decode())
            self.partial = b""

    def _pot(self):
        if self.stall_us:
            # A tick that hangs (a blocking call, a long GC): time runs on.
            us, self.stall_us = self.stall_us, 0
            vtime.advance(us)
        t_ms = (vtime.now - self.t0) // 1000
        return pot_counts(self.table, self.skin.read(t_ms))

    def _at(self, now):
        t_ms = (now - self.t0) // 1000
        steps = self.steps
        while self.i < len(steps) and steps[self.i][0] <= t_ms:
            t, kind, value = steps[self.i]
            self.i += 1
            if kind == "skin":
                self.skin.set(value)
            elif kind == "drift":
                self.skin.start_drift(t, value)
            elif kind == "stall":
                self.stall_us = value * 1000
            elif kind == "mute":
                self.mute_until = t + value
            elif kind == "reboot":
                raise Reboot()
            elif kind == "press":
                pid = self.pins["btn_" + value[0]]
                machine.pins[pid].level = 0
                self.release.append((t + value[1], pid))
            else:
                vsys.stdin.buffer.feed((value + "\n").encode())
        for r in self.release[:]:
            if r[0] <= t_ms:
                machine.pins[r[1]].level = 1
                self.release.remove(r)
        vsys.stdout.buffer.room = t_ms >= self.mute_until
        adc = getattr(machine.pins.get(self.pins["pot"]), "adc", None)
        if adc is not None:
            adc.source = self._pot
        if self.frame_ms and t_ms >= self.next_frame:
            self.next_frame = t_ms + self.frame_ms
            self._frame(t_ms)
        if now >= self.end_us:
            raise End()

    def _frame(self, t_ms):
        pins = machine.pins
        out = pins.get(self.pins["out"])
        if out is None:  # the board has not made its pins yet
            return
        self.emit("@ t=%d out=%d pos=%d neg=%d status=%d" % (
            t_ms, out.pwm.duty, pins[self.pins["pos"]].level,
            pins[self.pins["neg"]].level, pins[self.pins["status"]].level))
