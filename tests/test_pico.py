"""The emulated Pico (host_tools/emupico.py, host_tools/pico/): MicroPython 1.25's rp2
port with glide frozen in, on rp2040js. It boots and runs the unchanged main.py with
board_pico.py, a run is byte-identical every time, the ADC, buttons and LEDs are seen
from the runner, and glide send, glide monitor, glide flash (.py and .mpy) and mpremote
work against it over a pseudo-terminal. Without the toolchain these tests skip with one
reason; with CI set they fail instead (CI installs it)."""
import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest

from host_tools import FIRMWARE, cli, emupico
from test_sim_port import mpremote

ROOT = os.path.dirname(FIRMWARE)


@pytest.fixture(scope="module", autouse=True)
def image():
    gone = emupico.missing_tools()
    if gone and not os.environ.get("CI"):
        pytest.skip("the emulated Pico needs %s (apt-get install; make setup)" % ", ".join(gone))
    return emupico.build(quiet=True), emupico.bootrom(quiet=True)


# The runner's API, driven as a scenario would: glide at boot_ms 0, a command in, the
# pot's ADC at a moist skin, the contact button pressed (GP16 to ground), the LEDs read.
PLAY = """
import { readFileSync } from 'fs';
import { Pico } from '%s';
const p = new Pico(readFileSync(process.argv[1]), readFileSync(process.argv[2]));
let out = '';
p.onUart = (b) => { out += String.fromCharCode(b); };
p.onReset = (c) => { out += '# reset: ' + c + '\\n'; };
p.runUntil(0.3e9);
p.writeUart(Buffer.from(process.argv[3]));
p.runUntil(0.8e9);
const idle = p.mcu.gpio[16].inputValue;
p.writeUart(Buffer.from('level 2\\nstart\\n'));
p.setAdc(0, 60);
p.setInput(16, false);
p.runUntil(2.5e9);
const lit = [p.duty(15), p.level(25)];
p.writeUart(Buffer.from('\\x03'));
p.runUntil(3.0e9);
console.log(JSON.stringify({ out, idle, lit }));
""" % os.path.join(ROOT, "host_tools", "pico", "pico.mjs")


BOOT = ("f = open('glide.json', 'w'); f.write('{\"boot_ms\": 0, \"wdt_ms\": 100}'); "
        "f.close()\r\nimport glide_main\r\n")


def play(image):
    r = subprocess.run(["node", "--input-type=module", "-e", PLAY, image[1], image[0], BOOT],
                       capture_output=True, text=True, timeout=300, check=True)
    return json.loads(r.stdout)


def test_the_firmware_runs_on_the_rp2_port_byte_identical_every_time(image):
    first = play(image)
    out = first["out"]
    assert "on rp2: LEDs and a log" in out and "OK level" in out
    assert first["idle"] is True  # the button's pull-up, with nothing pressing it
    assert " st=TREAT " in out or " st=RAMP " in out  # contact from the ADC and GP16
    assert first["lit"][0] > 0  # the output LED's PWM duty on GP15
    # Ctrl-C with the watchdog armed: it resets the chip, and the REPL comes back.
    assert "# glide stopped" in out and "# reset: watchdog" in out
    assert out.rstrip().endswith(">>>")
    assert play(image) == first


def glide(*args, timeout=60):
    return subprocess.run([sys.executable, "-m", "host_tools", *args], capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT)


@pytest.mark.slow  # 40-50 s: CI runs it, make test leaves it out
def test_glide_send_monitor_flash_and_mpremote_on_the_emulated_pico(tmp_path, capsys):
    cfg = tmp_path / "glide.json"
    cfg.write_text(json.dumps({"boot_ms": 500, "wdt_ms": 8000}))
    assert cli.main(["emu", "start", "--board", "pico", "--config", str(cfg)]) == 0
    try:
        port = capsys.readouterr().out.strip().splitlines()[-1]
        assert port.startswith("/dev/pts/")
        r = glide("send", "--port", port, "--timeout", "8", "level 4", "info")
        assert "OK level" in r.stdout and "G glide=1" in r.stdout, r.stdout + r.stderr
        for kind, suffix in (("--no-mpy", ".py"), ("--mpy", ".mpy")):
            r = glide("flash", "--port", port, "--board", "pico", kind, timeout=180)
            assert r.returncode == 0, r.stdout + r.stderr
            # glide flash returns once glide has booted: from machine.reset(), which
            # rp2 does through its watchdog, but no watchdog fault
            assert re.search(r"^board: glide booted: G glide=1 .* reset=HARD$", r.stdout, re.M), \
                r.stdout
            # The flashed modules shadow the frozen ones: the new code runs. Past the
            # 500 ms boot window, mpremote's Ctrl-C stops a running glide.
            time.sleep(2)
            r = mpremote(port, "exec", "import controller; print(controller.__file__)")
            assert r.stdout.strip() == "controller" + suffix, r.stdout + r.stderr
            time.sleep(9)  # mpremote's Ctrl-C left the watchdog armed: it reboots glide
        rec = tmp_path / "pico.log"
        mon = subprocess.Popen([sys.executable, "-m", "host_tools", "monitor", "--port", port,
                                "--record", str(rec)], stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, cwd=ROOT)
        time.sleep(2)
        mon.send_signal(signal.SIGINT)
        mon.wait(10)
        assert "S t=" in rec.read_text()
    finally:
        assert cli.main(["emu", "stop"]) == 0
