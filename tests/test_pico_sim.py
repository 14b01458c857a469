"""The emulated Pico at its pins (host_tools/picosim.py, host_tools/pico/scenario.mjs):
every library scenario played at the rp2 port's peripherals passes the checker with the
LEDs matching the log, the watchdog resets the chip with its flash kept, a run is
byte-identical every time, the runner's skin is the virtual board's, and glide bench
--target pico repeats. Without the Pico's image (its toolchain) these tests skip with one
reason; with CI set they fail instead (CI installs it)."""
import json
import os
import subprocess

import pytest

from host_tools import bench, check, emupico, picosim, scenario, sim, trace

NAMES = scenario.library()
# 1201 s of emulated time: about 15 min of wall time in rp2040js (docs/emulator.md), too
# long for CI; GLIDE_LONG=1 runs it.
TOO_LONG = {"auto-off": "20 min of emulated time, about 15 min of wall time: GLIDE_LONG=1 runs it"}
QUICK = ("chattering-contact", "loop-overrun")  # about 10 s together: make test's share


@pytest.fixture(scope="module")
def image():
    gone = emupico.missing_tools()
    if gone and not os.environ.get("CI"):
        pytest.skip("the emulated Pico needs %s (.ci/run installs it)" % ", ".join(gone))
    return picosim.images()


def run(name, **kw):
    lines = []
    sim.run_scenario(scenario.load(name), lines.append, runtime="pico", **kw)
    return lines


def events(lines):
    # What happened, in order, without times, levels and the outputs at events.
    return [" ".join(w for w in l.split() if not w.startswith(("t=", "val=", "out="))).replace(
        " on rp2:", ":").replace(" on virtual:", ":")
        for l in lines if l[:1] in "EO" or l.startswith("# glide")]


def marks(name):
    if name in TOO_LONG and not os.environ.get("GLIDE_LONG"):
        return [pytest.mark.skip(reason=TOO_LONG[name])]
    return [] if name in QUICK else [pytest.mark.slow]


@pytest.mark.parametrize("name", [pytest.param(n, marks=marks(n)) for n in NAMES])
def test_every_scenario_passes_the_checker_with_its_leds_on_the_emulated_pico(image, name):
    lines = run(name)  # an LED that disagrees with a status line raises PicoError
    c = check.check_records(trace.parse(lines))
    assert [str(v) for v in c.violations] == [] and c.status_lines > 0
    assert not [l for l in lines if l.startswith("ERR")]
    assert lines[-1] == "# emulated Pico: scenario over"
    # The same things happen as on the virtual board; only their times may differ.
    virtual = []
    sim.run_scenario(scenario.load(name), virtual.append)
    assert events(lines) == events(virtual)


@pytest.mark.slow
def test_a_run_is_byte_identical_every_time(image):
    first = run("board-reset")
    assert any(l.startswith("T ") for l in first)  # timing lines included
    assert "# emulated Pico: power cycled" in first
    assert run("board-reset") == first


@pytest.mark.slow
def test_the_watchdog_resets_the_chip_with_its_flash_kept(image, tmp_path):
    # A conversion that hangs the loop past wdt_ms (2 s): the chip resets and boots the
    # firmware again from its flash's main.py and glide.json, with the watchdog's fault.
    path = tmp_path / "hang.txt"
    path.write_text("0 start\n200 skin 15000\n1000 stall 2500\n5000 end\n")
    lines = []
    sim.run_scenario(scenario.load(str(path)), lines.append, runtime="pico")
    at = lines.index("# emulated Pico: watchdog reset")
    assert lines[at + 1].startswith("G ") and lines[at + 1].endswith(" reset=WDT")
    assert "msg=watchdog reset" in lines[at + 3]
    c = check.check_records(trace.parse(lines))
    assert [str(v) for v in c.violations] == []


def test_an_led_that_disagrees_with_the_log_is_an_error(image, monkeypatch):
    # The runner is told the firmware lights the output LED 1 % brighter than it does.
    job = picosim.job

    def brighter(*a, **kw):
        j = job(*a, **kw)
        j["duty"] = [d + 656 for d in j["duty"]]
        return j
    monkeypatch.setattr(picosim, "job", brighter)
    lines = []
    with pytest.raises(picosim.PicoError, match="LED"):
        sim.run_scenario(scenario.load("chattering-contact"), lines.append, runtime="pico")
    assert [l for l in lines if "LED mismatch" in l]


def test_the_runners_skin_reads_what_the_virtual_boards_does():
    # scenario.mjs's Skin, read by read, against scene.py's: jitter, drift, stuck, rails.
    steps = [(0, "skin", 15000), (30, "drift", (90, 15000, 400000)), (100, "skin", "stuck"),
             (120, "skin", "open"), (130, "skin", 0), (140, "exact", 5000), (150, "skin", 777)]
    code = ("import { Skin } from %s;\nconst s = new Skin(2000000);\nconst steps = %s;\n"
            "let i = 0;\nconst out = [];\nfor (let t = 0; t < 160; t++) {\n"
            "  while (i < steps.length && steps[i][0] <= t) s.step(...steps[i++]);\n"
            "  out.push(s.read(t));\n}\nconsole.log(JSON.stringify(out));\n"
            % (json.dumps(os.path.join(picosim.HERE, "skin.mjs")), json.dumps(steps)))
    got = json.loads(subprocess.run(["node", "--input-type=module", "-e", code],
                                    capture_output=True, text=True, check=True).stdout)
    with sim._board({}):
        import scene
        p = scene.Player(iter(steps), 160, {"pot_max_ohm": 2000000, "pot_min_ohm": 1000})
        want = []
        for t in range(160):
            p.play(t)
            want.append(p.skin.read(t))
    assert got == want


@pytest.mark.slow
def test_the_pico_bench_repeats_to_the_cycle(image):
    first = bench.pico_figures(modes=(0,), alloc_ticks=500)
    assert first["alloc"][0][3] == 0  # no garbage per tick
    assert bench.pico_figures(modes=(0,), alloc_ticks=500) == first
