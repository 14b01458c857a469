# The world around the virtual board: it plays a scenario (scene.py) into the
# board's inputs (potentiometer, buttons, serial console) on the virtual
# clock, passes on what the board prints, and ends the run.
# MicroPython-compatible, so the same world runs the firmware on CPython and
# inside the MicroPython VM, where a tick must allocate nothing (vtime.py).
import machine
import vsys
import vtime

import board_pico
import config
from scene import End, Player, Reboot, pot_counts  # noqa: F401  (boot.py catches them here)


class World(Player):
    def __init__(self, steps, end_ms, out, cfg, frame_ms=0):
        # out: a stream that takes the board's console bytes as a board's
        # does, out.write(buf, off, n), and the world's own lines: every
        # frame_ms (0: never) "@ t=MS out=DUTY pos= neg= status=" with the
        # LEDs, which the host shows as bars and paces itself by.
        Player.__init__(self, steps, end_ms, cfg)
        self.out = out
        # The pins the firmware will use: glide.json's, or the board's own
        # when it refuses them (main.start falls back the same way).
        try:
            self.pins = config.pin_map(board_pico.PINS, cfg, 29)
        except ValueError:
            self.pins = dict(board_pico.PINS)
        self.partial = False  # the board's last line lacks its newline
        self.frame_ms = frame_ms
        self.next_frame = 0
        self.wake = 0  # the clock's ms from which _at has something to do
        self.stdout = vsys.stdout.buffer
        self.stdout.sink = self._out
        # Every ADC the firmware makes on the pot's pin reads the skin.
        machine.sources[self.pins["pot"]] = self._pot
        vtime.hook(self._at)

    def button(self, name, level):
        machine.pins[self.pins["btn_" + name]].level = level

    def command(self, line):
        vsys.stdin.buffer.feed((line + "\n").encode())

    def _out(self, buf, off, n):
        # The console's bytes as they are: a slice or a str would be garbage.
        if n:
            self.out.write(buf, off, n)
            self.partial = buf[off + n - 1] != 10

    def say(self, line):
        # A line of the world's own; a board that died mid-line gets its
        # newline first.
        data = ("\n" if self.partial else "") + line + "\n"
        self.partial = False
        self.out.write(data.encode(), 0, len(data))

    def play(self, t_ms):
        Player.play(self, t_ms)
        self.stdout.room = t_ms >= self.mute_until

    def _pot(self):
        # The ADC on the pot's pin reads this, once a tick (Player.counts).
        if self.stall_us:
            # A tick that hangs (a blocking call, a long GC): time runs on.
            us, self.stall_us = self.stall_us, 0
            vtime.advance(us)
        return pot_counts(self.table, self.skin.read(vtime.ms))

    def _at(self, ms):
        # A clock hook: runs from the clock's ms self.wake on, when a scenario
        # step, an LED frame or the end is due; returns the next.
        if ms >= self.wake:
            self._events(ms)
        return self.wake

    def _events(self, t_ms):
        # Whatever is due at t_ms (ms since power-on); then when the next
        # thing is.
        if t_ms >= self.due:
            self.play(t_ms)
        if self.frame_ms and t_ms >= self.next_frame:
            self.next_frame = t_ms + self.frame_ms
            self._frame(t_ms)
        if t_ms >= self.end_ms:
            raise End()
        wake = self.due if self.due < self.end_ms else self.end_ms
        if self.frame_ms and self.next_frame < wake:
            wake = self.next_frame
        self.wake = wake

    def _frame(self, t_ms):
        pins = machine.pins
        out = pins.get(self.pins["out"])
        if out is None or self.partial:  # no pins yet, or amid a line of the board's
            return
        self.say("@ t=%d out=%d pos=%d neg=%d status=%d" % (
            t_ms, out.pwm.duty, pins[self.pins["pos"]].level,
            pins[self.pins["neg"]].level, pins[self.pins["status"]].level))


class Lines:
    # A stream for World's out that hands emit(line) each whole line as a str.
    def __init__(self, emit):
        self.emit = emit
        self.partial = b""

    def write(self, buf, off, n):
        lines = (self.partial + bytes(buf[off:off + n])).split(b"\n")
        self.partial = lines.pop()
        for line in lines:
            self.emit(line.decode())

    def flush(self):
        if self.partial:
            self.emit(self.partial.decode())
            self.partial = b""
