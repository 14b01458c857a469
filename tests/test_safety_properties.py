"""Every safety rule as a property over random resistance sequences, levels, modes,
timing and serial commands. Each example is checked tick by tick on the controller's
own state, and its full trace (a status line every tick) by glide check."""
from hypothesis import given, settings, strategies as st

import commands
import controller as ctl
from contact import R_MIN, R_OPEN
from host_tools import check, trace
from limits import ABS_MAX_UA, DEVICE_MAX_UA

P = 5000
ACTIVE = (ctl.RAMP, ctl.TREAT, ctl.STOP)

resistance = st.one_of(
    st.integers(800, 99000),  # skin
    st.integers(99000, 160000),  # around the make/break thresholds
    st.just(R_OPEN),  # lifted off
    st.integers(R_MIN, R_OPEN),
    st.integers(-10, R_MIN - 1) | st.integers(R_OPEN + 1, 10 ** 7),  # broken sensor
)
dt = st.one_of(st.just(P), st.integers(P - 500, P + 500), st.integers(-100, 30 * P))
command = st.one_of(
    st.sampled_from(["start", "stop", "reset", "level 1", "level 3", "level 5", "mode adv",
                     "mode lift", "mode tap", "mode sculpt", "bi 1", "bi 0", "contact 1",
                     "contact 0", "contact off", "r off", "status", "start tap 5"]),
    st.builds("r {}".format, st.integers(-5, 3 * 10 ** 6)),
    st.builds("level {}".format, st.integers(-2, 8)),
    st.text(max_size=20),
)
# A run: segments of (ticks, dt, resistance), each possibly preceded by a command.
segment = st.tuples(st.integers(1, 120), dt, resistance, st.none() | command,
                    st.booleans())
runs = st.lists(segment, min_size=1, max_size=25)


def simulate(segs, status_ms=1, **kw):
    lines = []
    c = ctl.Controller(lines.append, status_ms=status_ms, stuck_ms=500, **kw)
    lines.append(__import__("telemetry").header(c))
    commands.handle(c, "start")
    for ticks, d, r, cmd, steady in segs:
        if cmd is not None:
            reply = commands.handle(c, cmd)
            if reply:
                lines.append(reply)
        for i in range(ticks):
            prev_env, prev_tg, prev_state = c.env, c.target, c.state
            sample = r + (i & 1 if steady else 0)
            out = c.tick(d if i == 0 else P, sample)
            eff = c.inject if c.inject >= 0 else sample
            cap = c.levels[c.level - 1]
            # caps: level, device, absolute
            assert 0 <= out <= cap <= DEVICE_MAX_UA < ABS_MAX_UA
            # zero whenever there is no contact, and in the tick contact is lost
            if c.state not in ACTIVE:
                assert out == 0 and c.env == 0
            if eff > c.contact.break_ohm or eff < R_MIN:
                assert out == 0
            if c.state == ctl.FAULT:
                assert out == 0
            # compliance voltage
            assert out * max(eff, 1) <= c.vmax_mv * 1000
            # soft start, adaptive step: bounded rises per tick (nA), however
            # late the tick: a tick counts at most one period
            step_dt = min(d if i == 0 else P, P)
            if step_dt > 0:
                assert c.env - prev_env <= c.slew * step_dt // 1000
                assert c.target - prev_tg <= c.adapt * step_dt // 1000
            if prev_state not in ACTIVE and c.state in ACTIVE:
                assert out <= c.slew * step_dt // 10 ** 6 + 1
    return lines


@settings(max_examples=1500, deadline=None)
@given(runs, st.sampled_from([50, 200, 1000]), st.integers(2, 20))
def test_safety_rules_hold_tick_by_tick_and_in_the_trace(segs, hz, overrun):
    # overrun up to 20 periods: late ticks that do not fault (400 ms at 50 Hz)
    global P
    P = 1000000 // hz
    try:
        lines = simulate(segs, hz=hz, overrun=overrun)
    finally:
        P = 5000
    c = check.check_records(trace.parse(lines))
    assert c.header is not None
    assert [str(v) for v in c.violations] == []


@settings(max_examples=500, deadline=None)
@given(st.lists(command, max_size=30))
def test_no_command_changes_the_limits_or_faults_on_its_own(cmds):
    lines = []
    c = ctl.Controller(lines.append)
    caps = c.levels
    for cmd in cmds:
        state = (c.state, c.level, c.wave.mode, c.inject)
        reply = commands.handle(c, cmd)
        assert reply is None or reply.split()[0] in ("OK", "ERR", "S", "G", "#")
        if reply and reply.startswith("ERR"):
            assert (c.state, c.level, c.wave.mode, c.inject) == state
        assert c.levels == caps and c.out == 0  # commands alone never output
        assert c.state != ctl.FAULT


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 400), st.integers(800, 140000)), min_size=1, max_size=10),
       st.integers(1, 5), st.integers(0, 3))
def test_in_steady_contact_output_settles_to_the_adaptive_target(segs, level, mode):
    c = ctl.Controller(lambda line: None, stuck_ms=0)
    c.set_level(level)
    c.set_mode(mode)
    c.start()
    for ticks, r in segs:
        for _ in range(ticks):
            c.tick(P, r)
    r = segs[-1][1]
    for _ in range(1000):
        c.tick(P, r)
    if c.state == ctl.TREAT:
        want = min(c.levels[level - 1], c.vmax_mv * 1000 // r)
        assert c.env // 1000 == want
