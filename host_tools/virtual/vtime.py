# Virtual clock for the virtual board. Time moves only when the firmware
# sleeps (or a tick is charged a cost), so runs are deterministic. Like the
# boards and the WebAssembly port, ticks wrap at 2**30; the clock starts 5 s
# before a wrap so every simulation crosses one.
# Every number here stays under 2**30, a small int in the MicroPython VM: a
# big int is a heap object there, and the VM frees nothing inside a run (at
# ~570 B a tick a 25-minute 1 kHz session stalled near 2 GB). So the time
# since power-on is ms and the us past it, not one us count (2**30 us is only
# 17.9 min), and the wrap is worked out without passing 2**30.
# The masks are literals in the functions the firmware calls every tick
# (a constant is quicker to load than a module global, on either runtime).
_MASK = 0x3FFFFFFF
_NEVER = 0x3FFFFFFF  # an ms the clock never reaches (12 days)
_START = _MASK + 1 - 5000000  # ticks_us at power-on (1,068,741 ms and 824 us)

ms = 0  # virtual ms since power-on
us = 0  # and the us past it, 0..999
ticks = _START  # ticks_us, kept with ms and us
# Hooks: h(ms) after an advance of the clock, returning the ms from which it
# must run again (the world's next scenario step, a watchdog's expiry). The
# clock runs them all once ms reaches the earliest such time: most ticks call
# no hook at all. An alarm too early costs a call; never one too late.
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
    due = _NEVER
    for h in hooks:
        t = h(ms)
        if t < due:
            due = t
    alarm = due


def advance(d):
    # d us (0 or more) pass. The loop sleeps once a tick: this is its cost.
    global ms, us, ticks
    left = 0x3FFFFFFF - ticks  # ticks + d, wrapped, without a sum past 2**30
    ticks = ticks + d if d <= left else d - left - 1
    us += d
    if us >= 1000:
        ms += us // 1000
        us %= 1000
    if ms >= alarm:
        _ring()


def ticks_us():
    return ticks


def ticks_ms():
    # (_START + the us since power-on) // 1000, wrapped
    return (1068741 + ms + (us + 824) // 1000) & 0x3FFFFFFF


def ticks_add(t, delta):
    # (t + delta) mod 2**30 on small ints: t - 2**29 + delta stays within
    # +-2**30, and adding 2**29 back mod 2**30 is flipping bit 29.
    return ((t - 0x20000000 + delta) & 0x3FFFFFFF) ^ 0x20000000


def ticks_diff(a, b):
    # ((a - b + 2**29) mod 2**30) - 2**29, which is a - b itself unless the
    # ticks wrapped between a and b (once in 17.9 min): seven calls a tick.
    d = a - b
    if -0x20000000 <= d < 0x20000000:
        return d
    return ((d & 0x3FFFFFFF) ^ 0x20000000) - 0x20000000


def sleep_us(t):
    if t > 0:
        advance(t)


def sleep_ms(t):
    sleep_us(t * 1000)


def sleep(s):
    sleep_us(int(s * 1000000))
