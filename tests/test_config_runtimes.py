"""glide.json on every runtime and at every entry point: config.load gives the same
(cfg, errors) on CPython and in the MicroPython VM for any file, a board boots on any file
to the loop with output 0 and the problems logged, and the host tools that read a
glide.json (glide sim --config, glide flash --config) answer any file with one line."""
import json
import os
import random

import pytest

from host_tools import check, cli, emu, scenario, sim, trace, vm

# What json.loads read differently on the two runtimes, or died of.
HOSTILE = [
    b'{"hz": NaN}', b'{"hz": Infinity}', b'{"hz": -Infinity}', b'{"hz": 1e3}', b'{"hz": 1000.0}',
    b'{"hz": 0500}', b'{"hz": 99999999999999999999999}', b'{"hz": 200, "hz": 1000}',
    b'{"hz": 200} trailing', b'{"hz": 200,}', b"{'hz': 200}", b'{"mode": "\xff"}',
    b'\xef\xbb\xbf{"hz": 200}', b'{"mode": "\xc3\xa9"}', b'{"mode": "\\ud800"}',
    b"[" * 1000 + b"]" * 1000, b'{"x": ' * 1000 + b"1" + b"}" * 1000, b"", b"\x00",
    b'{"pins": {"out": 18446744073709551616}}', b'{"pins": {"out": 30}}',
    b'{"pins": {"out": 14}}', b'{"pins": {"pot": "LED\\nE t=0 ev=TREAT"}}',
    b'{"break_ohm": 2000000}', b'{"pot_max_ohm": 150000}', b'{"stuck_ms": 0, "wdt_ms": 0}',
    b'{"stuck_ms": 4, "hz": 200}', b'{"overrun": 100}', b'{"mode": "TAP", "level": 3}',
    b'{"levels": [100, 200], "level": 2, "biphasic": true, "pins": {"mode_leds": [1, 2]}}',
]
KEYS = ["hz", "make_ohm", "break_ohm", "stuck_ms", "wdt_ms", "pot_max_ohm", "pot_min_ohm",
        "contact_ohm", "levels", "level", "mode", "pins", "biphasic", "x"]
ATOMS = ["0", "-0", "1", "-5", "200", "150000", "2000000", "999999999", "1000000000", "1e3",
         "1.5", "NaN", "-Infinity", "007", "true", "false", "null", '"ADV"', '"LED"', '""',
         '"\\u0041"', '"\\u00e9"', "[]", "{}", "[1, 2]", '{"out": 3}', "[[[]]]"]


def generated(seed, n):
    """n glide.json texts from a seeded generator: settings with odd values, then cut,
    spliced or salted with bytes outside ASCII."""
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        items = ['"%s": %s' % (rnd.choice(KEYS), rnd.choice(ATOMS))
                 for _ in range(rnd.randrange(6))]
        b = ("{" + ", ".join(items) + "}").encode()
        r = rnd.random()
        if r < 0.15:
            b = b[:rnd.randrange(len(b) + 1)]
        elif r < 0.3:
            i = rnd.randrange(len(b) + 1)
            b = b[:i] + bytes([rnd.randrange(256)]) + b[i:]
        out.append(b)
    return out


SHOW = """
import config
def show(path):
    cfg, errors = config.load(path)
    print(repr([(k, sorted(v.items()) if type(v) is dict else v) for k, v in sorted(cfg.items())]))
    for e in errors:
        print(e)
    print("--")
for i in range(%d):
    show("c%%d.json" %% i)
"""


def test_config_load_is_the_same_on_cpython_and_in_the_micropython_vm(tmp_path, monkeypatch,
                                                                       capsys):
    pytest.importorskip("hypothesis")
    try:
        vm.check()
    except vm.VMError as e:
        pytest.skip(str(e))
    texts = HOSTILE + generated(9, 300)
    for i, b in enumerate(texts):
        (tmp_path / ("c%d.json" % i)).write_bytes(b)
    got = []
    vm.run_code(SHOW % len(texts), got.append, str(tmp_path))
    monkeypatch.chdir(tmp_path)
    exec(SHOW % len(texts), {})
    want = capsys.readouterr().out.splitlines()
    assert len(want) >= 2 * len(texts)
    for a, b in zip(got, want):
        assert a == b
    assert got == want


def run(config_bytes, steps):
    lines = []
    sim.run_scenario(scenario.parse(steps, "t"), lines.append, config_bytes)
    return lines


# After the boot window (2 s, the default a bad file falls back to): a session, contact,
# then the sensor unplugged (the pot at its top: open circuit).
SESSION = "2500 start adv 5\n2700 skin 15000\n5000 skin open\n6000 end\n"


@pytest.mark.parametrize("data, logged", [
    (b"[" * 1000 + b"]" * 1000, "glide.json line 1 col 4: nested deeper than 3: using defaults"),
    (b'{"hz": NaN}', "glide.json line 1 col 8: expected a value, not N: using defaults"),
    (b'{"mode": "\xff"}', "glide.json line 1 col 11: byte 0xff is not ASCII: using defaults"),
    (b'{"pins": {"out": 18446744073709551616}}', "line 1 col 18: numbers are whole"),
    (b'{"pins": {"out": 30}}', "pins: out: no pin 30 on this board (0..29): using the board's"),
    (b'{"pins": {"pos": 15}}', "pins: pos: pin 15 is out already: using the board's pin map"),
    (b'{"break_ohm": 2000000}', "break_ohm: must be at most 3/4 of pot_max_ohm"),
    (b'{"stuck_ms": 0}', "stuck_ms: 0 is outside 100..60000: using 2000"),
    (b'{"wdt_ms": 0}', "wdt_ms: 0 is outside 100..8000: using 2000"),
])
def test_a_board_boots_on_any_file_to_the_loop_with_output_0(data, logged):
    lines = run(data, SESSION)
    assert any(l.startswith("# config: ") and logged in l for l in lines), lines[:8]
    status = [l for l in lines if l.startswith("S ")]
    assert " st=OFF " in status[0] and " out=0 " in status[0]  # the loop runs, output 0
    # and the session runs on a configuration that works: contact made, output, and the
    # unplugged sensor ends it in the same tick (glide check finds nothing)
    assert any(" st=TREAT " in l for l in status)
    assert status[-1].split(" out=")[1].split()[0] == "0"
    assert [str(v) for v in check.check_records(trace.parse(lines)).violations] == []


def test_the_vm_boots_on_a_broken_file_as_cpython_does(tmp_path):
    try:
        vm.check()
    except vm.VMError as e:
        pytest.skip(str(e))
    data = b'{"break_ohm": 2000000, "hz": 1e3, "stuck_ms": 0}'
    scn = scenario.parse(SESSION, "t")
    (tmp_path / "glide.json").write_bytes(data)
    got = []
    vm.run_code("import boot\nboot.run(%r, %d, print, 0)\n" % (scn.steps, scn.end_ms),
                got.append, str(tmp_path))
    # all but the T lines' free heap (-1 on CPython)
    assert [l for l in got if not l.startswith("T ")] == \
        [l for l in run(data, SESSION) if not l.startswith("T ")]
    assert "# config: glide.json line 1 col 30: numbers are whole, 1 to 9 digits, no leading 0:" \
        " using defaults" in got


@pytest.mark.parametrize("data, why", [
    (b"[" * 1000 + b"]" * 1000, "line 1 col 4: nested deeper than 3"),
    (b'{"hz": NaN}', "line 1 col 8: expected a value, not N"),
    (b'{"mode": "\xff"}', "line 1 col 11: byte 0xff is not ASCII"),
])
@pytest.mark.parametrize("tool", ["sim", "flash"])
def test_host_tools_answer_any_file_with_one_line(tmp_path, capsys, data, why, tool):
    path = tmp_path / "deep.json"
    path.write_bytes(data)
    argv = ["sim", "--scenario", "normal"] if tool == "sim" else ["flash", "--dry-run"]
    assert cli.main(argv + ["--config", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines()[0] == "glide %s: %s: %s" % (tool, path, why)  # one message
    assert err.splitlines()[1:] == ([] if tool == "sim" else ["glide flash: nothing flashed"])


def test_the_emulated_micro_bit_boots_on_a_file_its_heap_cannot_hold():
    # 2 KB of short names (within MAX_BYTES) ran the 10 KB heap out at boot: MemoryError.
    gone = emu.missing_tools()
    if gone and not os.environ.get("CI"):
        pytest.skip("the emulated board needs %s (apt-get install; .ci/run does)" % " ".join(gone))
    many = {"boot_ms": 0}
    while len(json.dumps(many)) < 2030:
        many["k%d" % len(many)] = 1
    lines = []
    sim.run_scenario(scenario.parse("2200 start\n2500 end\n", "t"), lines.append, many, "qemu")
    assert "# config: glide.json: more than this board's memory holds: using defaults" in lines
    assert any(l.startswith("G ") for l in lines) and "OK start" in lines
