# A scenario played against a board's clock: the skin on the sensor, button
# presses, serial commands, stalls, a muted console, power cycles. Shared by the
# virtual board (world.py, on a virtual clock) and the emulated board
# (firmware/qemu/player.py, on the emulated chip's own clock), so a scenario
# means the same on every runtime. MicroPython-compatible.
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


class Player:
    # steps: [(t_ms, kind, value)] sorted, as host_tools/scenario.py makes
    # them. A board's world subclasses this and says how a button, a command
    # line and the sensor reach its hardware.
    def __init__(self, steps, end_ms, cfg):
        self.steps = steps
        self.i = 0
        self.end_ms = end_ms
        self.skin = Skin(cfg["pot_max_ohm"])
        self.table = hw.pot_table(cfg["pot_min_ohm"], cfg["pot_max_ohm"])
        self.release = []  # (t_ms, button) to let go
        self.stall_us = 0  # the next sensor read takes this long
        self.mute_until = -1  # t_ms until which the host does not read the console

    def play(self, t_ms):
        # Applies every step due at t_ms (ms since power-on); raises Reboot.
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
                self.button(value[0], 0)
                self.release.append((t + value[1], value[0]))
            else:
                self.command(value)
        release = self.release
        i = 0
        while i < len(release):
            if release[i][0] <= t_ms:
                self.button(release.pop(i)[1], 1)
            else:
                i += 1

    def counts(self, t_ms):
        # The ADC reading the skin gives at t_ms.
        return pot_counts(self.table, self.skin.read(t_ms))

    def button(self, name, level):
        # Drive button 'contact' or 'mode' to level (0: pressed).
        raise NotImplementedError

    def command(self, line):
        # A serial command line arrives on the console.
        raise NotImplementedError
