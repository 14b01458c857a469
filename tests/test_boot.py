"""Start-up on the virtual board: the header always gets out, and says why the board
started; a watchdog reset is a latched fault (issue 9, items 10 and 11)."""
import pytest

from host_tools import check, scenario, sim, trace

# A tick hangs past wdt_ms (2 s): the watchdog resets the board.
WDT_SCENARIO = ("0 start\n200 skin 15000\n2000 stall 2500\n6000 start\n6100 reset\n"
                "6200 start\n6500 end\n")


def run(text, config=None):
    lines = []
    scn = scenario.parse(text, "t") if "\n" in text else scenario.load(text)
    sim.run_scenario(scn, lines.append, config)
    return lines


def clean(lines):
    c = check.check_records(trace.parse(lines))
    assert c.header is not None, "glide check: no header"
    return [str(v) for v in c.violations]


def headers(lines):
    return [l for l in lines if l.startswith("G ")]


def test_header_first_then_the_notice_and_config_errors():
    lines = run("0 status\n50 end\n", {"boot_ms": 0, "colour": 1})
    assert lines[0].startswith("G glide=1 ") and lines[0].endswith(" reset=PWRON")
    assert "never connect to a person" in lines[1]
    assert lines[2].startswith("# config: colour")


def test_header_is_never_dropped_behind_many_config_errors():
    # The least log ring, a host not reading at boot, 30 config errors: the
    # notices are dropped and counted, the header is not.
    cfg = {"boot_ms": 0, "log_buf": 256, "status_ms": 0}
    cfg.update({"bad%02d" % i: 1 for i in range(30)})
    lines = run("0 mute 200\n300 bi 1\n400 end\n", cfg)
    assert len(headers(lines)) == 1 and lines[0] == headers(lines)[0]
    assert any(l.startswith("D drop=") for l in lines)
    assert clean(lines) == []


def test_power_cycle_boots_saying_pwron():
    lines = run("board-reset")
    assert [h.rsplit(" ", 1)[1] for h in headers(lines)] == ["reset=PWRON"] * 2
    assert not [l for l in lines if " ev=FAULT " in l]
    assert clean(lines) == []


def test_watchdog_reset_is_logged_and_latches_a_fault_until_reset():
    lines = run(WDT_SCENARIO)
    i = lines.index("# virtual board: watchdog reset")
    after = lines[i + 1:]
    assert headers(after)[0].endswith(" reset=WDT") and headers(lines)[0].endswith(" reset=PWRON")
    fault = [l for l in after if " ev=FAULT " in l]
    assert fault == ["E t=0 ev=FAULT st=FAULT out=0 code=6 val=3 msg=watchdog reset"]
    assert "ERR fault latched, reset first" in after  # no start until the user's reset
    assert [l for l in after if " ev=RESET " in l] and [l for l in after if " ev=START " in l]
    assert clean(lines) == []


def test_watchdog_reset_on_the_emulated_board():
    # glide_hw's reset_cause(): WDT_RESET after the world's watchdog reset (a stall in
    # the world's step, before the tick could feed it), PWRON_RESET at power-on.
    import os
    from host_tools import emu
    if emu.missing_tools() and not os.environ.get("CI"):
        pytest.skip("the emulated board needs %s" % " ".join(emu.missing_tools()))
    lines = []
    sim.run_scenario(scenario.parse(WDT_SCENARIO, "t"), lines.append, runtime="qemu")
    i = lines.index("# emulated board: watchdog reset")
    assert headers(lines[:i])[0].endswith(" reset=PWRON")
    assert headers(lines[i:])[0].endswith(" reset=WDT")
    assert "E t=0 ev=FAULT st=FAULT out=0 code=6 val=3 msg=watchdog reset" in lines[i:]
    assert clean(lines) == []
