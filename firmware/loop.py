# The real-time loop: one controller tick per period, on ticks_us deadlines.
# Deadlines advance by exactly one period (ticks_add), so jitter in one tick
# does not shift the next; a tick that misses its deadline by more than a
# period is an overrun, and the schedule restarts from now instead of
# bursting to catch up. All time arithmetic is ticks_diff/ticks_add, so the
# 2**30 wrap of ticks_us (17.9 min) never shows.
# The T line's free heap is walked in a tick's slack, and only where the walk
# fits: gc.mem_free() walks the whole heap (9 ms over a Pico's 190 KB, and it
# grows with the heap), which in the tick would make the next one late by it.
try:
    import utime as time
except ImportError:
    import time
import gc

import commands
import waveform


class Loop:
    def __init__(self, ctl, board, console, hz, timing_ms=1000, wdt=None):
        self.ctl = ctl
        self.board = board
        self.con = console
        self.period = 1000000 // hz
        self.timing_us = timing_ms * 1000
        self.wdt = wdt
        # The board's per-tick calls, bound once (~64 B): board.show() first
        # misses in the board's full attribute table (19 in 23 slots), and a
        # miss scans to an empty slot: ~26 us a call at 16 MHz. (ctl.tick
        # stays looked up per tick: tests replace it on the instance.)
        self.calls = (board.button, board.read_ohm, board.show)
        self._clear()

    def _clear(self):
        # Figures of the current timing window.
        self.ticks = 0
        self.late_max = 0
        self.exec_sum = 0
        self.exec_max = 0
        self.overruns = 0

    def run(self, n=-1):
        # Runs n ticks (forever if n < 0: n is not counted down then, so it
        # never grows into a heap-allocated big int).
        ticks_us = time.ticks_us
        ticks_diff = time.ticks_diff
        ticks_add = time.ticks_add
        ctl, board, con = self.ctl, self.board, self.con
        port, wdt = con.port, self.wdt  # locals: an attribute load is ~8 us
        button, read_ohm, show = self.calls
        period = self.period
        # What a command line costs (us), a running mean of _serve's figures:
        # a local, as a 13th attribute grew the Loop's table (64 B of heap).
        serve = period >> 1
        # Whether this window has walked the heap (no T line: none to walk
        # for), and what it found (-1: no slack held the walk). The walk's cost
        # is timed once a boot: the heap's size, which sets it, is fixed (and
        # run(1) is called often).
        global _walk_us
        walked, free = not self.timing_us, -1
        if not walked and _walk_us < 0:
            now = ticks_us()
            mem_free()
            _walk_us = ticks_diff(ticks_us(), now)
        walk = _walk_us
        now = ticks_us()
        last = now
        deadline = ticks_add(now, period)
        window = now
        forever = n < 0
        while forever or n:
            if not forever:
                n -= 1
            # Slack before the deadline drains the log while the port takes
            # it, then sleeps.
            while True:
                wait = ticks_diff(deadline, ticks_us())
                if wait <= 0:
                    break
                # More command lines, while one fits before the deadline: at
                # 115200 baud up to 8 short lines arrive per 5 ms tick.
                if con.rest and wait > serve:
                    serve = (serve * 3 + self._serve()) >> 2
                    continue
                if not walked and wait > walk:
                    walked = True
                    free = mem_free()
                    continue
                left = con.used
                if not left or con.flush() == left:
                    time.sleep_us(wait)
            now = ticks_us()
            late = ticks_diff(now, deadline)
            dt = ticks_diff(now, last)
            last = now
            # Input first: a command acts on this very tick. The port is
            # asked here, not in the console: one call less in a tick without
            # input (~50 us at 16 MHz).
            if port.readable():
                con.fill()
            if con.rest:
                serve = (serve * 3 + self._serve()) >> 2
            press = button()
            if press == 1:
                ctl.set_mode((ctl.wave.mode + 1) % len(waveform.NAMES))
            elif press == 2:
                ctl.set_level(ctl.level % len(ctl.levels) + 1)
            r = read_ohm()
            ctl.tick(dt, r, board.live)
            show(ctl)
            if wdt:
                wdt.feed()
            cost = ticks_diff(ticks_us(), now)
            self.ticks += 1
            self.exec_sum += cost
            if cost > self.exec_max:
                self.exec_max = cost
            if late > self.late_max:
                self.late_max = late
            deadline = ticks_add(deadline, period)
            if ticks_diff(now, deadline) >= 0:
                self.overruns += 1
                deadline = ticks_add(now, period)
            if self.timing_us and ticks_diff(now, window) >= self.timing_us:
                self.timing(ticks_diff(now, window), con.stage, free)
                con.end()
                window = now
                walked, free = False, -1
                self._clear()

    def _serve(self):
        # The next whole command line read, if there is one, handled; its
        # reply is logged (or counted as dropped: never lost unsaid). Returns
        # its cost (2.3-4.2 ms on the emulated 16 MHz micro:bit, 0.3-0.6 ms
        # at 125 MHz), what the slack must hold for the next: run() keeps a
        # running mean, so the slack is used up and a dearer line (a GC)
        # makes the next tick late by its excess only.
        t = time.ticks_us()
        line = self.con.read_line()
        if line is not None:
            reply = commands.handle(self.ctl, line)
            if reply:
                self.con.write(reply)
        return time.ticks_diff(time.ticks_us(), t)

    def timing(self, span_us, out, free):
        # The T line, printed into the stream out (the console's stage, so
        # nothing is allocated): achieved rate, worst lateness, tick cost
        # mean/max (us), overruns, CPU load (% of the window spent ticking),
        # free heap (as walked in the window's slack).
        ms = span_us // 1000 or 1
        print("T t=", self.ctl.t, " hz=", self.ticks * 1000 // ms,
              " late=", self.late_max,
              " exec=", self.exec_sum // (self.ticks or 1), "/", self.exec_max,
              " over=", self.overruns, " load=", self.exec_sum // (ms * 10),
              " free=", free, sep="", end="", file=out)


# gc.mem_free is MicroPython's; CPython hosts report -1.
_mem_free = getattr(gc, "mem_free", None)
_walk_us = -1  # what mem_free() takes, us (-1: not timed yet)


def mem_free():
    return _mem_free() if _mem_free else -1
