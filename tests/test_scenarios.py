import pytest

from host_tools import check, scenario, sim, trace

NAMES = scenario.library()


def test_library_has_the_documented_scenarios():
    for name in ("normal", "contact-lost-mid-ramp", "chattering-contact", "dry-to-moist",
                 "very-low-resistance", "sensor-unplugged", "level-change", "every-mode",
                 "auto-off", "stop-request", "idle-sleep"):
        assert name in NAMES


@pytest.mark.parametrize("name", NAMES)
def test_every_scenario_passes_the_checker_with_no_command_errors(name):
    lines = []
    sim.run_scenario(scenario.load(name), lines.append)
    c = check.check_records(trace.parse(lines))
    assert [str(v) for v in c.violations] == []
    assert not [l for l in lines if l.startswith("ERR")]
    assert c.status_lines > 0


@pytest.mark.parametrize("text, msg", [
    ("0 start\n", "no 'end'"),
    ("x start\n1 end\n", "bad time"),
    ("0 skin wet\n1 end\n", "bad resistance"),
    ("0..10 skin 5\n20 end\n", "time range"),
    ("5 end\n9 stop\n", "after 'end'"),
    ("0\n5 end\n", "needs an action"),
    ("config pot_min_ohm\n5 end\n", "config takes a setting's name and a JSON value"),
    ("config hz 1e\n5 end\n", "config takes"),
    ("0 skin wet exact\n5 end\n", "bad resistance"),
    # a typo was sent to the board as a serial command (issue 10, item 9)
    ("0 start\n100 skn 20000\n200 end\n", "t:2: unknown action 'skn': a serial command is "
     "one of start, stop, mode, level, bi, reset, r, contact, status, info, help"),
    ("0 strat adv 3\n5 end\n", "t:1: unknown action 'strat'"),
])
def test_bad_scenarios_say_where_and_why(text, msg):
    with pytest.raises(scenario.ScenarioError, match=msg) as e:
        scenario.parse(text, "t")
    assert str(e.value).startswith("t")


def test_times_in_seconds_and_drift():
    s = scenario.parse("# title\n0 start\n1.5s skin 100\n2s..3s skin 10..20\n4s end\n")
    assert s.title == "title" and s.end_ms == 4000
    assert s.steps[1] == (1500, "skin", 100) and s.steps[2] == (2000, "drift", (3000, 10, 20))


def test_unknown_scenario_lists_the_library():
    with pytest.raises(scenario.ScenarioError, match="normal"):
        scenario.load("nope")


def test_a_scenario_carries_the_config_it_needs_and_exact_readings():
    s = scenario.parse("# t\nconfig pot_min_ohm 100\nconfig mode \"TAP\"\n0 start\n"
                       "5 skin 0\n7 skin 150 exact\n9 end\n", "t")
    assert s.config == {"pot_min_ohm": 100, "mode": "TAP"}
    assert s.steps[1:] == [(5, "skin", 0), (7, "exact", 150)]
    assert [s.where(i) for i in range(3)] == ["t:4", "t:5", "t:6"]



def test_serial_commands_are_the_firmwares_and_send_passes_any_line():
    s = scenario.parse("0 START adv 3\n1 level 2\n2 r 5000\n3 send skn 20000\n4 send \x01\n"
                       "5 end\n", "t")
    assert [v for _, kind, v in s.steps] == ["START adv 3", "level 2", "r 5000", "skn 20000", "\x01"]
    # the list is the firmware's help line, read from its source
    assert scenario.commands() == ["start", "stop", "mode", "level", "bi", "reset", "r",
                                   "contact", "status", "info", "help"]
