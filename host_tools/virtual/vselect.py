# Virtual select.poll over the virtual console streams (vsys.py). Objects say
# their own readiness with ready(flags), as MicroPython streams do via ioctl.
POLLIN = 1
POLLOUT = 4


_NONE = ()  # what ipoll says when nothing is ready


class poll:
    def __init__(self):
        self.objs = []

    def register(self, obj, flags=POLLIN | POLLOUT):
        # With ipoll's answer for obj alone ready with each set of events,
        # made now: the console polls twice a tick, and in the MicroPython VM
        # a list or tuple a tick is garbage that is never freed (vtime.py).
        self.objs.append((obj, flags, [((obj, e),) for e in range(flags + 1)]))

    def ipoll(self, timeout=-1):
        # The ready (obj, event) pairs.
        ready = _NONE
        for obj, flags, alone in self.objs:
            got = obj.ready(flags)
            if got:
                ready = alone[got] if ready is _NONE else ready + alone[got]
        return ready
