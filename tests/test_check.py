"""glide check must pass good traces and catch each kind of bad one."""
import re

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
