# Virtual select.poll over the virtual console streams (vsys.py). Objects say
# their own readiness with ready(flags), as MicroPython streams do via ioctl.
POLLIN = 1
POLLOUT = 4


class poll:
    def __init__(self):
        self.objs = []

    def register(self, obj, flags=POLLIN | POLLOUT):
        self.objs.append((obj, flags))

    def ipoll(self, timeout=-1):
        for obj, flags in self.objs:
            got = obj.ready(flags)
            if got:
                yield obj, got
