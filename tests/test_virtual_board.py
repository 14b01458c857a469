"""The unchanged firmware/main.py on the virtual board, driven by scenarios."""
import os
import random
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from host_tools import check, scenario, sim, trace


def run(name_or_text, config=None):
    lines = []
    scn = scenario.load(name_or_text) if "\n" not in name_or_text else \
        scenario.parse(name_or_text, "t")
    sim.run_scenario(scn, lines.append, config)
    return lines


def events(lines, ev):
    return [l for l in lines if l.startswith("E ") and " ev=%s " % ev in l + " "]


def clean(lines):
    return [str(v) for v in check.check_records(trace.parse(lines)).violations]


def test_same_scenario_same_log():
    assert run("normal") == run("normal")


def test_boots_with_outputs_zero_and_a_header():
    lines = run("0 status\n50 end\n")
    assert lines[0].startswith("G glide=1 ")  # first: it always fits the log (test_boot.py)
    assert lines[1].startswith("# glide ") and "never connect to a person" in lines[1]
    assert [l for l in lines if l.startswith("S ")][0].endswith("out=0 ph=0")


def test_loop_overrun_latches_fault():
    lines = run("loop-overrun")
    f = events(lines, "FAULT")
    assert len(f) == 1 and "code=3" in f[0] and "out=0" in f[0]
    assert clean(lines) == []


def test_board_reset_mid_session_boots_safe():
    lines = run("board-reset")
    assert "# virtual board: power cycled" in lines
    assert sum(1 for l in lines if l.startswith("G ")) == 2
    after = lines[lines.index("# virtual board: power cycled"):]
    first_status = [l for l in after if l.startswith("S ")][0]
    assert " st=OFF " in first_status and first_status.endswith("out=0 ph=0")
    assert clean(lines) == []


def test_hung_loop_is_reset_by_the_watchdog():
    lines = run("0 start\n200 skin 15000\n2000 stall 2500\n6000 end\n")
    assert "# virtual board: watchdog reset" in lines
    assert sum(1 for l in lines if l.startswith("G ")) == 2
    assert clean(lines) == []


def test_blocked_console_drops_and_counts_but_keeps_time():
    lines = run("console-blocked")
    drops = [l for l in lines if " drop=" in l]
    assert len(drops) == 1 and int(drops[0].rsplit("=", 1)[1]) > 0
    # the loop kept its rate while the console was blocked
    timing = [l for l in lines if l.startswith("T ")]
    assert timing and all(" hz=200 " in l and " over=0 " in l for l in timing)
    assert clean(lines) == []


def test_buttons_drive_contact_mode_and_level():
    lines = run("buttons")
    assert len(events(lines, "CONTACT")) == 2 and len(events(lines, "BREAK")) == 2
    assert "md=LIFT" in events(lines, "MODE")[0] and "lv=2" in events(lines, "LEVEL")[0]
    assert not events(lines, "FAULT")  # a held button is not a stuck sensor


def test_bad_config_is_reported_and_the_board_runs_on_defaults():
    lines = run("0 start adv 5\n100 skin 12000\n3000 end\n",
                config={"boot_ms": 0, "hz": 5000, "levels": [100, 900], "colour": 1})
    errs = [l for l in lines if l.startswith("# config: ")]
    assert len(errs) == 3
    assert any(l.startswith("# config: hz: 5000 is outside 50..1000") for l in errs)
    assert any("levels" in l for l in errs) and any("colour: unknown key" in l for l in errs)
    g = [l for l in lines if l.startswith("G ")][0]
    assert " hz=200 " in g and "caps=136,272,408,544,680" in g
    assert max(int(l.split(" out=")[1].split()[0]) for l in lines if l.startswith("S ")) == 680


def test_config_clash_is_settled_keeping_the_level_caps():
    lines = run("0 start adv 2\n100 skin 5000\n3000 end\n",
                config={"boot_ms": 0, "make_ohm": 200000, "break_ohm": 150000, "levels": [50, 100]})
    assert any(l.startswith("# config: make_ohm: must be below break_ohm") for l in lines)
    g = [l for l in lines if l.startswith("G ")][0]
    assert " make=100000 brk=150000 " in g and " caps=50,100 " in g
    assert max(int(l.split(" out=")[1].split()[0]) for l in lines if l.startswith("S ")) == 100


def test_a_pin_the_board_cannot_make_falls_back_to_its_pin_map(monkeypatch):
    lines = run("0 status\n50 end\n", config={"boot_ms": 0, "pins": {"out": "NOPE"}})
    assert any(l.startswith("# config: pins: ") and "pin map" in l for l in lines)
    assert any(l.startswith("G ") for l in lines)


def test_refused_pins_leave_the_world_on_the_pins_the_board_falls_back_to():
    # The pot on the output LED's pin is refused; the world must drive the pot the
    # board then reads (its own pin map), or contact is never made.
    lines = run("0 start adv 1\n100 skin 12000\n3000 end\n",
                config={"boot_ms": 0, "pins": {"pot": 15}})
    assert any(l.startswith("# config: pins: ") for l in lines)
    assert events(lines, "CONTACT") and not clean(lines)


@pytest.mark.parametrize("cmd", ["start zap", "level 99", "r -5", "\x01\x02", "stop stop"])
def test_bad_serial_command_answered_never_crashes(cmd):
    lines = run("0 start adv 2\n100 skin 12000\n1500 send %s\n3000 end\n" % cmd)
    assert any(l.startswith("ERR ") for l in lines)
    assert events(lines, "TREAT") and not events(lines, "FAULT")


def test_skin_jitter_is_the_31_bit_lcg_on_small_ints(virtual):
    # scene.Skin keeps its seed in halves so that a board never makes a big int;
    # the sequence must stay the plain LCG's, or every golden trace would move.
    scene = virtual("scene")
    skin = scene.Skin(2000000)
    skin.set(20000)
    seed = 12345
    for _ in range(100000):
        seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF
        v = skin.read(0)
        assert (skin.sh << 16 | skin.sl) == seed
        assert v == 20000 + (seed >> 8) % 203 - 101  # span 101 ohm each way


def test_a_board_stopped_while_the_host_is_not_reading_still_stops(tmp_path):
    # The scenario ends while the console is muted: the firmware's last flush gives
    # up after 100 ms instead of spinning on a port that never takes a byte.
    import subprocess
    import sys
    scn = tmp_path / "ends-muted.txt"
    scn.write_text("# ends muted\n0 start adv 3\n200 skin 20000\n1000 mute 5000\n1500 end\n")
    out = subprocess.run([sys.executable, "-m", "host_tools", "sim", "--scenario", str(scn)],
                         capture_output=True, text=True, timeout=60,
                         cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    assert out.returncode == 0 and "E t=" in out.stdout


# -- the sensor: what a scenario asks for is what the board reads (issue 9, item 15) --

def pot_tables(hw):
    # the default pot, the lowest floor config allows, a short travel
    return [hw.pot_table(lo, hi) for lo, hi in ((1000, 2000000), (100, 2000000), (100, 400))]


class Quiet:
    """A scene.Player whose buttons and console go nowhere: the sensor alone."""

    def __init__(self, scene, steps, table):
        class P(scene.Player):
            def button(self, name, level):
                pass

            def command(self, line):
                pass
        self.p = P(steps, 10 ** 8, {"pot_min_ohm": table[0], "pot_max_ohm": table[64]})


def test_every_reading_the_adc_can_give_is_a_step_that_gives_it_exactly(virtual):
    scene, hw = virtual("scene"), virtual("hw")
    for table in pot_tables(hw):
        want = [hw.pot_ohm(table, u) for u in range(65536)]
        p = Quiet(scene, [(u, "exact", r) for u, r in enumerate(want)], table).p
        for u, r in enumerate(want):
            p.play(u)
            assert scene.unreadable(table, "exact", r) is None
            assert hw.pot_ohm(table, p.counts(u)) == r, (table[0], u, r)


def test_a_short_reads_exactly_zero_and_never_the_pots_floor(virtual):
    scene, hw = virtual("scene"), virtual("hw")
    table = hw.pot_table(1000, 2000000)
    p = Quiet(scene, [(0, "skin", 0)], table).p
    p.play(0)
    assert {hw.pot_ohm(table, p.counts(t)) for t in range(5000)} == {0}


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lo=st.integers(100, 1000000), ask=st.floats(0, 1))
def test_jitter_stays_on_the_readable_side_of_the_floor(virtual, lo, ask):
    # A live reading near the pot's floor jitters down to the floor, never to 0
    # (a short), and never past the open-circuit reading.
    scene, hw = virtual("scene"), virtual("hw")
    table = hw.pot_table(lo, 2000000)
    a, b = scene.readings(table)
    ohm = a + int((b - a) * ask * ask)  # most near the floor
    p = Quiet(scene, [(0, "skin", ohm)], table).p
    p.play(0)
    span = ohm // 200 + 1  # the jitter, each way
    low = hw.pot_ohm(table, scene.pot_counts(table, max(ohm - span, 1)))
    high = hw.pot_ohm(table, scene.pot_counts(table, ohm + span))
    for t in range(50):
        assert 0 < a <= low <= hw.pot_ohm(table, p.counts(t)) <= high <= b


@pytest.mark.parametrize("text, msg", [
    ("0 skin 800\n1 end\n", r"t:2: 800 ohm: the sensor reads 0 or 1007\.\.2000000 ohm"),
    ("config pot_min_ohm 100\n0 skin 90\n1 end\n", r"t:3: 90 ohm: the sensor reads 0 or 101\.\."),
    ("0 skin 3000000\n1 end\n", "3000000 ohm"),
    ("0..9 skin 20000..500\n10 end\n", "t:2: 500 ohm"),
    ("0..9 skin 20000..0\n10 end\n", "t:2: 0 ohm"),  # through 1..1006
    ("0 skin 1999999 exact\n1 end\n",
     "t:2: 1999999 ohm exact: no ADC count reads that; 1985783 and 2000000 do"),
])
def test_a_resistance_the_sensor_cannot_read_is_refused_with_its_line(text, msg):
    with pytest.raises(scenario.ScenarioError, match=msg):
        run("# t\n" + text)


def test_the_callers_config_wins_over_the_scenarios_and_is_checked_with_it():
    text = "# t\nconfig pot_min_ohm 100\n0 skin 800 exact\n50 end\n"
    assert any(" r=800 " in l for l in run(text, config={"boot_ms": 0, "status_ms": 1}))
    with pytest.raises(scenario.ScenarioError, match="t:3: 800 ohm"):
        run(text, config={"boot_ms": 0, "pot_min_ohm": 1000})


# -- any scenario size on every runtime (issue 9, item 16) --

def big_scenario(n=10000):
    """n exact readings at random ADC counts, one a tick at 1 kHz with a status line
    every tick (~218 KB: past the ~200 KB the OS took as Node's argument)."""
    import importlib
    sys.path[:0] = [sim.VIRTUAL, sim.FIRMWARE]
    try:
        importlib.import_module("boot")
        hw = importlib.import_module("hw")
        table = hw.pot_table(100, 2000000)
        rnd = random.Random(9)
        want = [hw.pot_ohm(table, rnd.randrange(65536)) for _ in range(n)]
    finally:
        del sys.path[:2]
        for name in sim.MODULES:
            sys.modules.pop(name, None)
    text = "# big\nconfig pot_min_ohm 100\nconfig hz 1000\nconfig status_ms 1\n" + "".join(
        "%d skin %d exact\n" % (1000 + i, r) for i, r in enumerate(want)) + "%d end\n" % (1000 + n)
    return scenario.parse(text, "big"), want


@pytest.mark.parametrize("runtime", ["cpython", "micropython"])
def test_a_10000_step_scenario_runs_and_every_reading_is_the_one_asked(runtime):
    scn, want = big_scenario()
    assert len(scn.steps) == 10000
    lines = []
    sim.run_scenario(scn, lines.append, runtime=runtime)
    got = {}
    for l in lines:
        if l.startswith("S "):
            got[int(l.split(" t=")[1].split()[0])] = int(l.split(" r=")[1].split()[0])
    assert [got.get(1000 + i) for i in range(len(want))] == want


def test_the_emulated_board_says_when_a_scenario_does_not_fit_its_ram():
    from host_tools import emu
    gone = emu.missing_tools()
    if gone and not os.environ.get("CI"):
        pytest.skip("the emulated board needs %s (apt-get install; .ci/run does)" % " ".join(gone))
    scn, _ = big_scenario()
    with pytest.raises(emu.EmuError, match="big: its 10000 steps do not fit in the emulated "
                                           "board's RAM"):
        sim.run_scenario(scn, lambda line: None, runtime="qemu")
