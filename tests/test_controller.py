import pytest

import controller as ctl
import telemetry
from contact import R_OPEN

P = 5000  # us per tick at 200 Hz


def run(c, r, ticks, dt=P):
    return [c.tick(dt, r) for _ in range(ticks)]


def events(lines):
    return [l.split()[2][3:] for l in lines if l.startswith("E ")]


def started(make, level=5, **kw):
    kw.setdefault("stuck_ms", 0)  # these tests feed a constant resistance
    c, lines = make(status_ms=0, **kw)
    c.set_level(level)
    c.start()
    return c, lines


def test_off_until_started(make):
    c, _ = make()
    assert run(c, 20000, 400) == [0] * 400
    assert c.state == ctl.OFF


def test_soft_start_from_zero_with_bounded_slew(make):
    c, lines = started(make)
    outs = run(c, 12000, 600)
    first = next(i for i, o in enumerate(outs) if o)
    assert outs[:first] == [0] * first and outs[first] <= 2
    steps = [b - a for a, b in zip(outs, outs[1:])]
    assert max(steps) <= 340 * P // 1000000 + 1
    assert outs[-1] == 680 and c.state == ctl.TREAT
    assert events(lines) == ["LEVEL", "START", "CONTACT", "TREAT"]
    # 680 uA at 340 uA/s: about two seconds from contact to full
    assert 390 <= outs.index(680) <= 420


def test_contact_loss_cuts_in_the_same_tick_and_ramp_restarts(make):
    c, lines = started(make)
    run(c, 12000, 600)
    assert c.tick(P, R_OPEN) == 0 and c.state == ctl.SEEK
    assert "BREAK" in events(lines)
    outs = run(c, 12000, 20)
    assert outs[:3] == [0] * 3  # debounce: the 4th sample makes contact
    assert 0 < max(outs) <= 340 * 17 * P // 10 ** 6 + 1


def test_a_late_tick_rises_one_period_but_timers_and_stop_keep_real_time(make):
    # 50 Hz, overrun 20: a 400 ms tick is late but no fault. Its rise is one
    # period's (340 uA/s / 50 = 6.8 uA, adapt 2000 / 50 = 40 uA), never
    # 136 uA at once; the session and cue timers count all 400 ms.
    c, lines = started(make, hz=50, overrun=20, cue_ms=1000)
    run(c, 12000, 10, dt=20000)
    env, tg, t = c.env, c.target, c.t
    c.tick(400000, 12000)
    assert c.env - env == 340 * 20000 // 1000 and c.target - tg == 2000 * 20000 // 1000
    assert c.t - t == 400 and events(lines).count("MOVE") == 0
    c.tick(400000, 12000)
    c.tick(400000, 12000)
    assert events(lines).count("MOVE") == 1  # 10 + 3 ticks = 1.4 s of contact
    run(c, 12000, 400, dt=20000)
    c.stop()
    # a stop falls in real time (680 uA/s): 400 ms take 272 uA off at once
    c.tick(400000, 12000)
    assert c.out == 680 - 272 and c.state == ctl.STOP


def test_compliance_voltage_limits_dry_skin(make):
    c, _ = started(make, vmax_mv=10000)
    out = run(c, 50000, 800)[-1]
    assert out == 10000 * 1000 // 50000 == 200
    assert out * 50000 <= 10000 * 1000


def test_adaptive_target_falls_at_once_and_rises_slowly(make):
    c, _ = started(make)
    run(c, 20000, 800)
    assert c.out == 500
    assert c.tick(P, 40000) == 250  # drier: at once
    outs = run(c, 20000, 400)
    assert max(b - a for a, b in zip(outs, outs[1:])) <= 2


def test_level_raise_ramps_without_stopping_and_lower_is_immediate(make):
    c, lines = started(make, level=1)
    run(c, 12000, 400)
    assert c.out == 136 and c.state == ctl.TREAT
    c.set_level(5)
    assert c.state == ctl.RAMP
    outs = run(c, 12000, 600)
    assert min(outs) >= 136 and outs[-1] == 680
    assert max(b - a for a, b in zip(outs, outs[1:])) <= 2
    c.set_level(2)
    # At once: the reply's status (before any tick) already shows the new cap.
    assert (c.out, c.env // 1000, c.target // 1000) == (272, 272, 272)
    assert " lv=2 " in telemetry.status(c) and " out=272 " in telemetry.status(c)
    assert c.tick(P, 12000) == 272


def test_mode_switch_never_steps_output_up(make):
    c, _ = started(make)
    c.set_mode(ctl.NAMES.index("TAP"))
    run(c, 12000, 600)
    for _ in range(10):
        run(c, 12000, 13)
        before = c.out
        c.set_mode(0 if c.wave.mode else 2)
        assert c.tick(P, 12000) <= before + 2


def test_stop_ramps_down_gracefully(make):
    c, lines = started(make)
    run(c, 12000, 600)
    c.stop()
    outs = run(c, 12000, 300)
    assert all(b <= a for a, b in zip(outs, outs[1:]))
    assert outs[0] > 600 and outs[-1] == 0 and c.state == ctl.OFF
    assert events(lines)[-2:] == ["STOP", "STOPPED"]


def test_auto_off_after_session(make):
    c, lines = started(make, session_s=2)
    run(c, 12000, 400)
    assert c.state == ctl.STOP and "AUTOOFF" in events(lines)
    run(c, 12000, 300)
    assert c.state == ctl.OFF and c.out == 0


def test_auto_sleep_after_a_minute_without_contact(make):
    c, lines = started(make)
    run(c, R_OPEN, 60 * 200 - 1)
    assert c.state == ctl.SEEK
    run(c, R_OPEN, 1)
    assert c.state == ctl.OFF and events(lines)[-1] == "SLEEP"


def test_move_on_cue_every_3_s_of_contact(make):
    c, lines = started(make)
    run(c, 12000, 200 * 10)
    assert events(lines).count("MOVE") == 3


@pytest.mark.parametrize("r, code", [(50, 1), (3000000, 1)])
def test_sensor_fault_latches_until_reset(make, r, code):
    c, lines = started(make)
    run(c, 12000, 600)
    assert c.tick(P, r) == 0 and c.state == ctl.FAULT and c.fault == code
    assert run(c, 12000, 100) == [0] * 100
    assert c.start() is not None and c.state == ctl.FAULT
    c.reset()
    assert c.state == ctl.OFF and c.fault == 0
    assert "msg=sensor out of range" in [l for l in lines if "FAULT" in l][0]


def test_stuck_sensor_faults_but_injected_value_does_not(make):
    c, _ = started(make, stuck_ms=1000)
    run(c, 12000, 400)
    assert c.state == ctl.FAULT and c.fault == 2
    c.reset()
    c.start()
    c.inject = 12000
    run(c, R_OPEN, 1000)
    assert c.state == ctl.TREAT


def test_overrun_faults_only_when_active(make):
    c, _ = make()
    c.tick(100000, 12000)
    assert c.state == ctl.OFF
    c.start()
    run(c, 12000, 100)
    assert c.tick(4 * P + 1, 12000) == 0 and c.fault == ctl.F_OVERRUN


def test_clock_backwards_faults(make):
    c, _ = started(make)
    run(c, 12000, 100)
    c.tick(-1, 12000)
    assert c.fault == ctl.F_CLOCK


def test_time_is_kept_in_ms_with_sub_ms_carry(make):
    c, _ = make()
    for _ in range(3000):
        c.tick(333, R_OPEN)
    assert c.t == 999 and c._us == 0


def test_status_lines_at_the_configured_rate(make):
    c, lines = make(status_ms=100)
    run(c, R_OPEN, 200)  # one second
    assert sum(1 for l in lines if l.startswith("S ")) == 10


@pytest.mark.parametrize("kw", [dict(hz=49), dict(hz=1001), dict(levels=(100, 700)),
                                dict(levels=(0, 100)), dict(slew=3000, adapt=2000),
                                dict(vmax_mv=0), dict(overrun=1), dict(session_s=0)])
def test_bad_settings_rejected(make, kw):
    with pytest.raises(ValueError):
        make(**kw)


def test_level_and_mode_changes_do_not_keep_seek_awake(make):
    c, lines = started(make)
    for i in range(70):  # 70 s without contact, a level and a mode change every second
        c.set_level(1 + i % 5)
        c.set_mode(i % 4)
        run(c, R_OPEN, 200)
    assert c.state == ctl.OFF and "SLEEP" in events(lines)


def test_start_while_stopping_is_refused_until_off(make):
    c, _ = started(make)
    run(c, 12000, 600)
    c.stop()
    assert c.start() == "stopping: start again once OFF" and c.state == ctl.STOP
    run(c, 12000, 300)
    assert c.state == ctl.OFF and c.start() is None and c.state == ctl.SEEK
