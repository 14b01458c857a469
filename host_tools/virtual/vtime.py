# Virtual clock for the virtual board. Time moves only when the firmware
# sleeps (or a tick is charged a cost), so runs are deterministic. Like the
# boards and the WebAssembly port, ticks wrap at 2**30; the clock starts 5 s
# before a wrap so every simulation crosses one.
_MASK = 0x3FFFFFFF
_HALF = 0x20000000

now = _MASK + 1 - 5000000  # virtual us since power-on (not wrapped)
hooks = []  # called with now after every advance


def advance(us):
    global now
    now += us
    for h in hooks:
        h(now)


def ticks_us():
    return now & _MASK


def ticks_ms():
    return (now // 1000) & _MASK


def ticks_add(t, delta):
    return (t + delta) & _MASK


def ticks_diff(a, b):
    return ((a - b + _HALF) & _MASK) - _HALF


def sleep_us(us):
    if us > 0:
        advance(us)


def sleep_ms(ms):
    sleep_us(ms * 1000)


def sleep(s):
    sleep_us(int(s * 1000000))
