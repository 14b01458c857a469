# The world around the virtual board: it plays a scenario (scene.py) into the
# board's inputs (potentiometer, buttons, serial console) on the virtual
# clock, collects what the board prints, and ends the run.
# MicroPython-compatible, so the same world runs the firmware on CPython and
# inside the MicroPython VM.
import machine
import vsys
import vtime

import board_pico
from scene import End, Player, Reboot, pot_counts  # noqa: F401  (boot.py catches them here)


class World(Player):
    def __init__(self, steps, end_ms, emit, cfg, frame_ms=0):
        # emit(line) gets each line the board prints, and every frame_ms
        # (0: never) a line "@ t=MS out=DUTY pos= neg= status=" with the
        # LEDs, which the host shows as bars and paces itself by.
        Player.__init__(self, steps, end_ms, cfg)
        self.emit = emit
        self.t0 = vtime.now
        self.pins = board_pico.PINS.copy()
        self.pins.update(cfg["pins"])
        self.partial = b""
        self.frame_ms = frame_ms
        self.next_frame = 0
        self.wake = 0  # the clock's now from which _at has something to do
        self.stdout = vsys.stdout.buffer
        self.stdout.sink = self._out
        # Every ADC the firmware makes on the pot's pin reads the skin.
        machine.sources[self.pins["pot"]] = self._pot
        vtime.hook(self._at)

    def button(self, name, level):
        machine.pins[self.pins["btn_" + name]].level = level

    def command(self, line):
        vsys.stdin.buffer.feed((line + "\n").encode())

    def _out(self, data):
        lines = (self.partial + data).split(b"\n")
        self.partial = lines.pop()
        for line in lines:
            self.emit(line.decode())

    def flush(self):
        if self.partial:
            self.emit(self.partial.decode())
            self.partial = b""

    def play(self, t_ms):
        Player.play(self, t_ms)
        self.stdout.room = t_ms >= self.mute_until

    def _pot(self):
        # The ADC on the pot's pin reads this, once a tick (Player.counts).
        if self.stall_us:
            # A tick that hangs (a blocking call, a long GC): time runs on.
            us, self.stall_us = self.stall_us, 0
            vtime.advance(us)
        return pot_counts(self.table, self.skin.read((vtime.now - self.t0) // 1000))

    def _at(self, now):
        # A clock hook: runs from the clock's now self.wake on, when a
        # scenario step, an LED frame or the end is due; returns the next.
        if now >= self.wake:
            self._events((now - self.t0) // 1000)
        return self.wake

    def _events(self, t_ms):
        # Whatever is due at t_ms; then when the next thing is.
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
        self.wake = self.t0 + wake * 1000  # t_ms >= wake from then on

    def _frame(self, t_ms):
        pins = machine.pins
        out = pins.get(self.pins["out"])
        if out is None:  # the board has not made its pins yet
            return
        self.emit("@ t=%d out=%d pos=%d neg=%d status=%d" % (
            t_ms, out.pwm.duty, pins[self.pins["pos"]].level,
            pins[self.pins["neg"]].level, pins[self.pins["status"]].level))
