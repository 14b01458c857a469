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
    # by about 0.5 % (a deterministic LCG), 'stuck' freezes the reading, and
    # hold(ohm) is one exact, steady reading. 0 (a short) and open are the
    # rails: exact, never jittered.
    def __init__(self, open_ohm):
        self.open_ohm = open_ohm
        self.stuck = False
        self.drift = None
        # The LCG's 31-bit seed (12345 at first) as a 15-bit high and a 16-bit
        # low half: a seed of 2**30 or more is a big int on a board, and a big
        # int allocates on every tick.
        self.sh = 0
        self.sl = 12345
        self.value = open_ohm
        self._base(open_ohm)

    def _base(self, ohm):
        self.base = ohm
        self.span = span = ohm // 200 + 1  # the jitter: -span..span
        self.width = 2 * span + 1

    def set(self, value):
        self.drift = None
        if value == "stuck":
            self.stuck = True
        else:
            self.stuck = False
            self._base(self.open_ohm if value == "open" else value)

    def hold(self, ohm):
        self.drift = None
        self.stuck = True
        self.value = ohm

    def start_drift(self, t0, spec):
        t1, a, b = spec
        self.stuck = False
        self.drift = (t0, t1, a, b)

    def read(self, t_ms):
        # Once a tick.
        if self.stuck:
            return self.value
        if self.drift:
            t0, t1, a, b = self.drift
            if t_ms >= t1:
                self.drift = None
                self._base(b)
            else:
                self._base(a + (b - a) * (t_ms - t0) // (t1 - t0))
        base = self.base
        if base >= self.open_ohm or not base:
            self.value = base = self.open_ohm if base else 0  # the rails
            return base
        # seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF, worked out on the
        # halves (1103515245 = 16838 * 2**16 + 20077) so that no intermediate
        # reaches 2**30.
        sh, sl = self.sh, self.sl
        q = (sl & 0xFF) * 20077 + ((sl >> 8) * 20077 & 0xFF) * 256 + 12345
        self.sl = lo = q & 0xFFFF
        self.sh = sh = ((sl >> 8) * 20077 >> 8) + (q >> 16) + (sh * 20077 & 0x7FFF) \
            + ((sl & 0x7FFF) * 16838 & 0x7FFF) & 0x7FFF
        v = base + (sh * 256 + (lo >> 8)) % self.width - self.span
        self.value = v = v if v > 0 else 0
        return v


_seg = 0  # the table segment pot_counts found last


def pot_counts(table, ohm):
    # The ADC reading that makes the board read about ohm: the exact inverse
    # of hw.pot_ohm, the largest u in 64..65535 with pot_ohm(table, u) <= ohm
    # (64 if none), found without calling it: the table segment (not 17
    # pot_ohm calls of a bisection over the counts), then the linear
    # interpolation solved for u. It runs once a tick. tests/test_hw.py checks
    # it against that bisection for every ohm of several tables.
    global _seg
    # The segment lo with table[lo] <= ohm < table[lo + 1]: most often the
    # last call's, as the skin moves slowly.
    lo = _seg
    a = table[lo]
    if not 0 < a <= ohm < table[lo + 1]:
        if ohm <= 0:
            return 0
        top = table[64]
        if ohm >= top:
            if top >= table[0]:
                return 65535
            # A reversed pot (config allows pot_min_ohm > pot_max_ohm):
            # pot_ohm falls with u, so a bisection over the counts settles
            # on a rail.
            return 65535 if hw.pot_ohm(table, 32800) <= ohm else 64
        if table[0] > ohm:
            return 64  # below the table (or a reversed pot): the ADC's bottom
        lo, hi = 0, 63  # the last segment that starts at or below ohm
        while lo < hi:
            mid = (lo + hi + 1) >> 1
            if table[mid] <= ohm:
                lo = mid
            else:
                hi = mid - 1
        _seg = lo
        a = table[lo]
    # pot_ohm is a + ((b - a) * f >> 10) at u = (lo << 10) + f: the largest f
    # with (b - a) * f < (ohm - a + 1) << 10. ohm < b keeps f <= 1023, and
    # (b - a) << 10 stays under 2**29 for every table config allows (a big
    # int would allocate on a board).
    u = (lo << 10) + (((ohm - a + 1) << 10) - 1) // (table[lo + 1] - a)
    if u < 64:
        return 64  # counts under 64 read 0 (a short): the bisection's floor
    return u if u < 65472 else 65471  # above 65471 pot_ohm reads the top rail


def readings(table):
    # (lo, hi): the sensor reads 0 (a short) or lo..hi ohms, not every ohm
    # between (a count is ~218 ohm at the top of the default pot). config
    # keeps pot_min_ohm < make_ohm < break_ohm < pot_max_ohm: lo < hi.
    return hw.pot_ohm(table, 64), table[64]


def unreadable(table, kind, value):
    # Why the sensor cannot give a skin step's value, or None if it can. A
    # value off the pot's travel must not be floored to another reading: the
    # default pot's 1007 ohm stood in for "skin 800", and "skin 0" read 0 or
    # 1007 at random.
    if kind == "drift":  # both ends on the pot's travel: it has nothing in 1..lo
        ends = value[1:]
    elif kind in ("skin", "exact") and value not in ("open", "stuck", 0):
        ends = (value,)
    else:
        return None
    lo, hi = readings(table)
    for v in ends:
        if not lo <= v <= hi:
            return "%d ohm: the sensor reads 0 or %d..%d ohm (pot_min_ohm, pot_max_ohm)" % (
                v, lo, hi)
    if kind == "exact" and hw.pot_ohm(table, pot_counts(table, value)) != value:
        u = pot_counts(table, value)
        return "%d ohm exact: no ADC count reads that; %d and %d do" % (
            value, hw.pot_ohm(table, u), hw.pot_ohm(table, u + 1))
    return None


_NEVER = 0x3FFFFFFF  # a t_ms no scenario reaches (and a small int on a board)


class Player:
    # steps: (t_ms, kind, value) in time order, as host_tools/scenario.py
    # makes them, from any iterable: it is read one step ahead only, so a
    # board can stream them from a file. A board's world subclasses this
    # and says how a button, a command line and the sensor reach its
    # hardware.
    def __init__(self, steps, end_ms, cfg):
        self.steps = iter(steps)
        self.next = next(self.steps, None)
        self.end_ms = end_ms
        self.skin = Skin(cfg["pot_max_ohm"])
        self.table = hw.pot_table(cfg["pot_min_ohm"], cfg["pot_max_ohm"])
        self.release = []  # (t_ms, button) to let go
        self.stall_us = 0  # the next sensor read takes this long
        self.mute_until = -1  # t_ms until which the host does not read the console
        # The next t_ms at which play has anything to do (a step, a release,
        # the end of a mute): a world calls play only from then on, since a
        # 200 Hz run asks about 1000 times between two steps.
        self.due = 0

    def play(self, t_ms):
        # Applies every step due at t_ms (ms since power-on); raises Reboot.
        step = self.next
        while step is not None and step[0] <= t_ms:
            t, kind, value = step
            self.next = step = next(self.steps, None)
            if kind == "skin":
                self.skin.set(value)
            elif kind == "exact":
                self.skin.hold(value)
            elif kind == "drift":
                self.skin.start_drift(t, value)
            elif kind == "stall":
                self.stall_us = value * 1000
            elif kind == "mute":
                self.mute_until = t + value
            elif kind == "reboot":
                raise Reboot()  # self.due stays behind: play runs next time
            elif kind == "press":
                self.button(value[0], 0)
                self.release.append((t + value[1], value[0]))
            else:
                self.command(value)
        due = _NEVER if step is None else step[0]
        release = self.release
        i = 0
        while i < len(release):
            t = release[i][0]
            if t <= t_ms:
                self.button(release.pop(i)[1], 1)
            else:
                if t < due:
                    due = t
                i += 1
        if t_ms < self.mute_until < due:
            due = self.mute_until
        self.due = due

    def counts(self, t_ms):
        # The ADC reading the skin gives at t_ms.
        return pot_counts(self.table, self.skin.read(t_ms))

    def button(self, name, level):
        # Drive button 'contact' or 'mode' to level (0: pressed).
        raise NotImplementedError

    def command(self, line):
        # A serial command line arrives on the console.
        raise NotImplementedError
