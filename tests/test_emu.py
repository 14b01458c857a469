"""The emulated micro:bit (host_tools/emu.py): MicroPython 1.25's qemu port with glide
frozen in, on an instruction-counted Cortex-M0. Every library scenario passes the
checker there, a run is byte-identical every time, the controller core gives
bit-identical results on CPython, the MicroPython VM and the emulated chip, and the
serial tools talk to it as to a board. Without the toolchain and QEMU these tests skip
with one reason; with CI set they fail instead (CI installs them)."""
import os
import signal
import subprocess
import sys
import time

import pytest

from host_tools import FIRMWARE, bench, check, cli, emu, scenario, sim, trace, vm

NAMES = scenario.library()
VIRTUAL = os.path.join(os.path.dirname(FIRMWARE), "host_tools", "virtual")


@pytest.fixture(scope="module", autouse=True)
def image():
    gone = emu.missing_tools()
    if gone and not os.environ.get("CI"):
        pytest.skip("the emulated board needs %s (apt-get install; .ci/run does)" % " ".join(gone))
    return emu.build(quiet=True)


def run(name, **kw):
    lines = []
    sim.run_scenario(scenario.load(name), lines.append, runtime="qemu", **kw)
    return lines


def events(lines):
    # Events, replies and notices without their times and levels: what happened, in
    # order (the output at an event depends on when, to the tick, it came).
    return [" ".join(w for w in l.split() if not w.startswith(("t=", "val=", "out="))).replace(
        "emulated board", "board").replace("virtual board", "board").replace(
        " on qemu:", ":").replace(" on virtual:", ":")
        for l in lines if l[:1] in "E#O" and "scenario over" not in l]


# make test runs these on the emulated board; CI runs the whole library (slow).
QUICK = ("normal", "buttons")  # a power cycle: test_a_run_is_byte_identical_every_time


@pytest.mark.parametrize("name", [n if n in QUICK else pytest.param(n, marks=pytest.mark.slow)
                                  for n in NAMES])
def test_every_scenario_passes_the_checker_on_the_emulated_board(name):
    lines = run(name)
    c = check.check_records(trace.parse(lines))
    assert [str(v) for v in c.violations] == [] and c.status_lines > 0
    assert not [l for l in lines if l.startswith("ERR")]
    assert lines[-1] == "# emulated board: scenario over"
    # The same things happen as on the virtual board; only their times may differ.
    virtual = []
    sim.run_scenario(scenario.load(name), virtual.append)
    assert events(lines) == events(virtual)


def test_a_run_is_byte_identical_every_time():
    first = run("board-reset")
    assert any(l.startswith("T ") for l in first)  # timing lines included
    assert run("board-reset") == first


# Runs unchanged on CPython, in the MicroPython VM and on the emulated board: the
# controller core fed the golden scenarios' skin and commands, one tick per 5 ms with a
# fixed +-400 us jitter, printing every line it logs and a digest of every tick.
REPLAY = """
import commands
import hw
import scene
from controller import Controller


def replay(steps, end_ms):
    c = Controller(print)
    table = hw.pot_table(1000, 2000000)
    skin = scene.Skin(2000000)
    i = t_us = k = h = 0
    while t_us < end_ms * 1000:
        t_ms = t_us // 1000
        while i < len(steps) and steps[i][0] <= t_ms:
            t, kind, v = steps[i]
            i += 1
            if kind == "skin":
                skin.set(v)
            elif kind == "drift":
                skin.start_drift(t, v)
            elif kind == "command":
                reply = commands.handle(c, v)
                if reply:
                    print(reply)
        dt = 4600 + k * 7919 % 801
        out = c.tick(dt, hw.pot_ohm(table, scene.pot_counts(table, skin.read(t_ms))))
        h = (h * 31 + out * 7 + c.state * 3 + c.phase + c.env // 1000 + c.target) & 0x3FFFFF
        t_us += dt
        k += 1
    print("ticks", k, "digest", h)


for name, steps, end_ms in SCENARIOS:
    print("==", name)
    replay(steps, end_ms)
"""


def replay_code():
    runs = [(n, scenario.load(n).steps, scenario.load(n).end_ms) for n in NAMES
            if n != "auto-off"]  # 240,000 ticks: too long for the emulated chip here
    return "SCENARIOS = %r\n%s" % (runs, REPLAY)


def test_the_controller_core_is_bit_identical_on_every_runtime(tmp_path):
    code = replay_code()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([FIRMWARE, VIRTUAL]))
    cpython = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                             text=True, check=True).stdout.splitlines()
    assert sum(l.startswith("ticks ") for l in cpython) == len(NAMES) - 1
    assert sum(l.startswith("E ") for l in cpython) > 50  # the scenarios did things
    mpvm = []
    vm.run_code(code, mpvm.append, str(tmp_path))
    assert mpvm == cpython
    qemu = []
    emu.run_code(code, qemu.append, shift=3)
    assert qemu == cpython


MACHINE_CODE = """
import machine
from machine import ADC, PWM, Pin, WDT
for bad in (30, -1, "4"):
    try:
        Pin(bad)
        print("no error", bad)
    except ValueError:
        print("ValueError")
b = Pin(17, Pin.IN, Pin.PULL_UP)
machine.force(17, 0)
x = b.value()
machine.force(17, -1)
print("button", b.value(), x)
o = Pin(3, Pin.OUT, value=0)
w = PWM(o, freq=1000, duty_u16=0)
w.duty_u16(300)
print("pwm", w.duty_u16(), w.freq(), machine.mem32[0x50000504] >> 3 & 1)
w.duty_u16(0)
print("dark", machine.mem32[0x50000504] >> 3 & 1)
try:
    w.duty_u16(65536)
except ValueError:
    print("ValueError")
a = ADC(Pin(4))
print("adc", a.read_u16())
machine.adc(1234)
print("adc", a.read_u16())
machine.adc(lambda: 77)
print("adc", a.read_u16())
machine.adc(None)
machine.adc(1000, 1)
print("adc", a.read_u16(), a.read_u16())
machine.adc(65535)
WDT(timeout=1)
print("wdt", machine.wdt_late())
import time
time.sleep_ms(5)
print("wdt", machine.wdt_late())
machine.wdt_off()
print("wdt", machine.wdt_late())
print("exc", issubclass(machine.WatchdogReset, Exception))"""


def test_the_boards_machine_keeps_its_api_in_c():
    # Pin, PWM, ADC, WDT are C (firmware/qemu/glide_hal/hw.c): ids 0..29, the
    # world's override of an input, a PWM lights its pin while its duty is not
    # 0, the ADC reads the value (or the function) set, the software watchdog;
    # the port's own names (mem32) still come through machine.
    lines = []
    emu.run_code(MACHINE_CODE, lines.append, shift=3)
    assert lines == ["ValueError"] * 3 + [
        "button 1 0", "pwm 300 1000 1", "dark 0", "ValueError", "adc 65535", "adc 1234",
        "adc 77", "adc 1001 1000", "wdt False", "wdt True", "wdt False", "exc True"]


def test_glide_send_and_monitor_talk_to_the_emulated_board(tmp_path, capsys):
    assert cli.main(["emu", "start", "--shift", "3"]) == 0
    try:
        port = capsys.readouterr().out.strip().splitlines()[-1]
        assert port.startswith("/dev/pts/")
        assert cli.main(["send", "--port", port, "--timeout", "5", "level 4", "info"]) == 0
        out = capsys.readouterr().out
        assert "OK level" in out and "G glide=1" in out
        rec = tmp_path / "emu.log"
        mon = subprocess.Popen([sys.executable, "-m", "host_tools", "monitor", "--port", port,
                                "--record", str(rec)], stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, cwd=os.path.dirname(FIRMWARE))
        time.sleep(1.5)  # 15 status lines
        mon.send_signal(signal.SIGINT)
        mon.wait(10)
        text = rec.read_text()
        assert "S t=" in text and " lv=4 " in text
    finally:
        assert cli.main(["emu", "stop"]) == 0


@pytest.mark.slow
def test_the_bench_repeats_to_the_cycle():
    # glide bench --target qemu, one mode: the same figures twice, a contact loss
    # zeroes the output in the very tick that reads it, and no tick leaves garbage.
    first = bench.qemu_figures(6, bench.FULL_RAM, modes=(0,), alloc_ticks=1000)
    assert bench.qemu_figures(6, bench.FULL_RAM, modes=(0,), alloc_ticks=1000) == first
    (_, us, ticks, out), = first["latency"]
    assert 0 < us < 5000 and ticks == 1 and out == 0
    (_, n, heap, garbage, free), = first["alloc"]
    assert n == 1000 and garbage == 0 and free > 0
    assert first["best_rate"][0][0] >= 200


def test_stop_without_a_running_board_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cli.main(["emu", "stop"]) == 1
    assert "not running" in capsys.readouterr().err
