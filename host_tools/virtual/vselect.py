# Virtual select.poll over the virtual console streams (vsys.py). Objects say
# their own readiness with ready(flags), as MicroPython streams do via ioctl.
POLLIN = 1
POLLOUT = 4


_NONE = ()  # what ipoll says when nothing is ready


class poll:
    def __init__(self):
        self.objs = []

    def register(self, obj, flags=POLLIN | POLLOUT):
        self.objs.append((obj, flags))

    def ipoll(self, timeout=-1):
        # The ready (obj, event) pairs. Not a generator: the console polls
        # twice a tick and is mostly told "nothing", which allocates nothing.
        ready = _NONE
        for obj, flags in self.objs:
            got = obj.ready(flags)
            if got:
                if ready is _NONE:
                    ready = []
                ready.append((obj, got))
        return ready
