# Virtual clock for the virtual board. Time moves only when the firmware
# sleeps (or a tick is charged a cost), so runs are deterministic. Like the
# boards and the WebAssembly port, ticks wrap at 2**30; the clock starts 5 s
# before a wrap so every simulation crosses one.
# The masks are literals in the functions the firmware calls every tick
# (a constant is quicker to load than a module global, on either runtime).
_MASK = 0x3FFFFFFF

now = _MASK + 1 - 5000000  # virtual us since power-on (not wrapped)
ticks = now & _MASK  # now as ticks_us gives it, kept with now
# Hooks: h(now) after an advance of the clock, returning the now from which it
# must run again (the world's next scenario step, a watchdog's expiry). The
# clock runs them all once now reaches the earliest such time: most ticks
# call no hook at all. An alarm too early costs a call; never one too late.
hooks = []
alarm = 0


def hook(h):
    # Adds hook h, run at the next advance.
    global alarm
    hooks.append(h)
    alarm = 0


def _ring():
    # Runs every hook; one that raises (the end, a reboot, a watchdog reset)
    # leaves the alarm as it was, so they all run again at the next advance.
    global alarm
    due = now + 0x40000000
    for h in hooks:
        t = h(now)
        if t < due:
            due = t
    alarm = due


def advance(us):
    global now, ticks
    now += us
    ticks = now & 0x3FFFFFFF
    if now >= alarm:
        _ring()


def ticks_us():
    return ticks


def ticks_ms():
    return (now // 1000) & 0x3FFFFFFF


def ticks_add(t, delta):
    return (t + delta) & 0x3FFFFFFF


def ticks_diff(a, b):
    # ((a - b + 2**29) & _MASK) - 2**29, which is a - b itself unless the
    # ticks wrapped between a and b (once in 17.9 min): seven calls a tick.
    d = a - b
    if -0x20000000 <= d < 0x20000000:
        return d
    return ((d + 0x20000000) & 0x3FFFFFFF) - 0x20000000


def sleep_us(us):
    # advance(us), inlined: the loop sleeps once a tick.
    global now, ticks
    if us > 0:
        now += us
        ticks = now & 0x3FFFFFFF
        if now >= alarm:
            _ring()


def sleep_ms(ms):
    sleep_us(ms * 1000)


def sleep(s):
    sleep_us(int(s * 1000000))
