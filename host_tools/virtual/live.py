# The board of the browser page (host_tools/web/, glide web): steps that
# arrive while it runs (the page's skin slider, buttons and command line) and
# a clock paced to the wall's. It is boot.run's port and the world's steps at
# once: pace, a clock hook every frame, asks the page what arrived (the page
# waits there for wall time at 1x and 10x) and slips it in before the
# scenario's next step. MicroPython-compatible: it runs in the page's VM.
import json

import world


class Live:
    def __init__(self, steps, poll, frame_ms):
        # poll(ms) -> None, or the steps that arrived, a JSON [kind, value] a line
        self.base = iter(steps)  # a scenario's, or none
        self.pending = []  # arrived steps to play before the base's next
        self.poll = poll
        self.frame_ms = frame_ms
        self.world = None  # boot.run's

    def __iter__(self):
        return self

    def __next__(self):
        if self.pending:
            return self.pending.pop(0)
        return next(self.base)

    def pace(self, ms):
        text = self.poll(ms)
        if not text:
            return ms + self.frame_ms
        steps = []
        for line in text.split("\n"):
            if line:
                kind, value = json.loads(line)
                if kind == "drift":  # the page knows its length, not the clock: [ms, a, b]
                    value = (ms + value[0], value[1], value[2])
                steps.append((ms, kind, value))
        # The world reads one step ahead: they go before the one it holds.
        w = self.world
        if w.next is not None:
            steps.append(w.next)
        w.next = steps.pop(0)
        self.pending[:0] = steps
        w.due = w.wake = ms
        return ms  # the world plays them at the clock's next advance

    def stopped(self, e):
        # main.py returned: the run ends, as glide sim's does.
        if e is not None:
            raise e
        raise world.End()
