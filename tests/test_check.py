"""glide check must pass good traces and catch each kind of bad one."""
import re

from hypothesis import given, settings, strategies as st

import pytest

from host_tools import check, scenario, sim, trace


def run_scenario(name):
    lines = []
    sim.run_scenario(scenario.load(name), lines.append)
    return lines


def violations(lines):
    return check.check_records(trace.parse(lines)).violations


@pytest.fixture(scope="module")
def normal():
    return run_scenario("normal")


def mutate(lines, pred, **changes):
    out, done = [], False
    for l in lines:
        rec = trace.parse_line(l)
        if not done and rec is not None and pred(rec):
            for k, v in changes.items():
                l = l.replace(" %s=%s" % (k, rec[k]), " %s=%s" % (k, v), 1)
            done = True
        out.append(l)
    assert done, "nothing to mutate"
    return out


def rules(lines):
    return {v.rule for v in violations(lines)}


def test_clean_trace_passes(normal):
    assert violations(normal) == []


def is_treat(r):
    return r.kind == "S" and r["st"] == "TREAT"


@pytest.mark.parametrize("pred, changes, rule", [
    (is_treat, dict(out=1000, env=1000), "absolute"),
    (is_treat, dict(out=700, env=700), "device-max"),
    (is_treat, dict(out=500, env=500), "level-cap"),
    (lambda r: r.kind == "S" and r["st"] == "SEEK", dict(out=5), "no-contact"),
    (lambda r: r.kind == "E" and r["ev"] == "BREAK", dict(out=300), "cut"),
    (lambda r: r.kind == "S" and r["st"] == "RAMP" and r["env"] > 100, dict(env=400, out=400), "slew"),
    (lambda r: r.kind == "S" and r["st"] == "RAMP" and r["tg"] < 300, dict(tg=408), "adapt-step"),
    (is_treat, dict(r=30000), "compliance"),
    (is_treat, dict(out=409), "envelope"),
])
def test_each_violation_is_caught(normal, pred, changes, rule):
    assert rule in rules(mutate(normal, pred, **changes))


def test_fault_with_output_is_caught():
    lines = run_scenario("sensor-unplugged")
    assert violations(lines) == []
    bad = mutate(lines, lambda r: r.kind == "S" and r["st"] == "FAULT", out=10, env=10)
    assert "no-contact" in rules(bad)


def test_running_past_auto_off_is_caught(normal):
    hdr = [l.replace("session=1200", "session=3") if l.startswith("G ") else l for l in normal]
    assert "auto-off" in rules(hdr)


def test_cli_exit_codes(tmp_path, normal, capsys):
    good, bad = tmp_path / "good.log", tmp_path / "bad.log"
    good.write_text("\n".join(normal) + "\n")
    bad.write_text("\n".join(mutate(normal, is_treat, out=1000, env=1000)) + "\n")
    nohdr = tmp_path / "nohdr.log"
    nohdr.write_text("\n".join(l for l in normal if not l.startswith("G ")) + "\n")
    from host_tools.cli import main
    assert main(["check", str(good)]) == 0
    assert main(["check", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "absolute" in out
    assert re.search(r"good.log: \d+ status lines, \d+ events, 0 violations", out)
    assert re.search(r"bad.log: \d+ status lines, \d+ events, [1-9]\d* violations", out)
    assert main(["check", str(nohdr)]) == 2


def test_board_reset_mid_trace_starts_a_new_session(normal):
    # A header line mid-trace is a reboot: the checker starts over, nothing carried.
    assert violations(normal[:200] + normal) == []


def test_boot_noise_is_skipped():
    assert trace.parse_line("MicroPython v1.9.2 on 2017") is None
    assert trace.parse_line("S t=1 st=OFF out=x") is None
    rec = trace.parse_line("E t=5 ev=FAULT st=FAULT out=0 code=3 val=9 msg=loop overrun")
    assert rec["msg"] == "loop overrun" and rec["code"] == 3


def test_a_mode_switch_that_steps_the_output_up_is_caught(monkeypatch):
    import commands
    import controller
    import telemetry

    def broken_set_mode(self, mode):  # forgets to restart the envelope from the output
        self.wave.select(mode)
        self._set(self.state, "MODE", " md=" + controller.NAMES[mode])
    lines = []
    c = controller.Controller(lines.append, status_ms=1, stuck_ms=0)
    lines.append(telemetry.header(c))
    commands.handle(c, "start tap 5")
    for _ in range(600):
        c.tick(5000, 12000)
    while c.out:  # into a TAP pause: output 0, envelope full
        c.tick(5000, 12000)
    assert "slew" not in rules(lines)
    monkeypatch.setattr(controller.Controller, "set_mode", broken_set_mode)
    commands.handle(c, "mode adv")
    c.tick(5000, 12000)
    assert c.out == 680 and "slew" in rules(lines)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-400, 400), min_size=50, max_size=50), st.integers(0, 2 ** 32))
def test_no_false_alarm_on_a_jittery_loop_with_level_changes(jitter, seed):
    import random
    import controller
    import telemetry
    rnd = random.Random(seed)
    lines = []
    c = controller.Controller(lines.append, stuck_ms=0)
    lines.append(telemetry.header(c))
    c.start()
    for i in range(6000):  # 30 s, a level change every 1.5 s
        if i % 300 == 0:
            c.set_level(rnd.randint(1, 5))
        c.tick(5000 + jitter[i % 50], 12000 + rnd.randint(-100, 30000))
    assert [str(v) for v in violations(lines)] == []


def test_torn_lines_are_not_records_and_bad_files_exit_2(tmp_path, normal, capsys):
    assert trace.parse_line("S t=1800 st=TREAT md=ADV lv=3 r=20") is None
    assert trace.parse_line("E t=5 ev=BRE") is None
    torn = tmp_path / "torn.log"
    torn.write_text("\n".join(normal[:60]) + "\nS t=1800 st=TREAT md=ADV lv=3 r=20\n"
                    + "\n".join(normal[60:]) + "\n")
    from host_tools.cli import main
    assert main(["check", str(torn)]) == 0
    nohdr = tmp_path / "nohdr.log"
    nohdr.write_text("S t=1 st=OFF md=ADV lv=1 r=5 tg=0 env=0 out=0 ph=0\n")
    assert main(["check", str(tmp_path / "missing.log"), str(nohdr), str(torn)]) == 2
    err = capsys.readouterr()
    assert "missing.log: cannot read" in err.err and "nohdr.log: no header" in err.err
    assert "torn.log:" in err.out  # the readable trace after them was still checked
