"""glide sim --port end to end: the virtual board on a pty, with glide monitor, glide send,
mpremote and glide flash attached as to a board, each its own process; on CPython and
in the MicroPython VM (whose REPL is the VM's own)."""
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WAIT = 30  # seconds; only reached when a test is failing
# A short boot window and watchdog: glide flash waits out both.
CONFIG = {"boot_ms": 300, "wdt_ms": 500}
# The VM's runs are slow (make test's share: ~27 s more), CI runs them.
RUNTIMES = ["cpython", pytest.param("micropython", marks=pytest.mark.slow)]


def needs(runtime):
    if runtime == "micropython":
        from host_tools import vm
        try:
            vm.check()
        except vm.VMError as e:
            if os.environ.get("CI"):
                raise
            pytest.skip(str(e))


def glide(*args, timeout=WAIT):
    return subprocess.run([sys.executable, "-m", "host_tools", *args], cwd=ROOT, text=True,
                          capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)


def mpremote(port, *args):
    return subprocess.run([sys.executable, "-m", "mpremote", "connect", port, *args],
                          capture_output=True, text=True, timeout=WAIT)


class Sim:
    """`glide sim --port PATH` running: .path its symlink, .said() its stdout lines."""

    def __init__(self, tmp_path, runtime, *options):
        needs(runtime)
        self.path = str(tmp_path / "board")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "host_tools", "sim", "--port", self.path, "--runtime",
             runtime, *options],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.first = self.wait_for("in real time, on")

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, text):
        """The next line of the sim's own output holding text."""
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=1)
            except queue.Empty:
                assert self.proc.poll() is None, "glide sim --port exited"
                continue
            if text in line:
                return line
        raise AssertionError("glide sim --port never said %r" % text)

    def close(self):
        self.proc.terminate()
        self.proc.wait(WAIT)
        self.proc.stdout.close()


@pytest.fixture(params=RUNTIMES)
def sim(tmp_path, request):
    cfg = tmp_path / "glide.json"
    cfg.write_text(json.dumps(CONFIG))
    s = Sim(tmp_path, request.param, "--config", str(cfg))
    yield s
    s.close()
    assert not os.path.lexists(s.path)  # the symlink goes with the sim


def test_prints_the_pty_and_links_it(sim):
    assert os.path.realpath(sim.path).startswith("/dev/")
    assert os.path.realpath(sim.path) in sim.first


def test_monitor_records_what_check_passes(sim, tmp_path):
    log = tmp_path / "rec.log"
    mon = subprocess.Popen([sys.executable, "-m", "host_tools", "monitor", "--port", sim.path,
                            "--raw", "--record", str(log)], cwd=ROOT, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:  # until a second of status lines is in
        if log.exists() and log.read_text().count("\nS t=") >= 10:
            break
        time.sleep(0.2)
    mon.send_signal(signal.SIGINT)
    out, err = mon.communicate(timeout=WAIT)
    text = log.read_text()
    assert "G glide=1 hz=200 " in text, err
    assert text.count("\nS t=") >= 10
    result = glide("check", str(log))
    assert result.returncode == 0, result.stdout + result.stderr


def test_send_status_gets_a_status_line(sim):
    r = glide("send", "--port", sim.path, "--timeout", "10", "status")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("S t="), r.stdout


def test_mpremote_exec_at_the_repl_and_the_watchdog_after(sim):
    assert glide("send", "--port", sim.path, "--timeout", "10", "status").returncode == 0
    r = mpremote(sim.path, "exec", "print(1+1)")
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.strip() == "2"
    sim.wait_for("stopped by Ctrl-C on the port: at its REPL, its watchdog armed")
    # Left at the REPL with the watchdog armed, as a Pico is: it resets the board.
    sim.wait_for("boots again (watchdog reset)")
    r = glide("send", "--port", sim.path, "--timeout", "10", "info")
    assert "reset=WDT" in r.stdout, r.stdout + r.stderr


def test_mpremote_ls_and_cp_see_the_board_folder(sim, tmp_path):
    src = tmp_path / "note.txt"
    src.write_text("hello")
    r = mpremote(sim.path, "fs", "cp", str(src), ":note.txt", "+", "ls")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "glide.json" in r.stdout and "note.txt" in r.stdout


def test_flash_copies_a_config_and_the_board_boots_with_it(sim, tmp_path):
    new = tmp_path / "new.json"
    new.write_text(json.dumps(dict(CONFIG, status_ms=250)))
    r = glide("flash", "--port", sim.path, "--config", str(new), timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "] glide.json" in r.stdout
    sim.wait_for("boots again (machine.reset())")
    r = glide("send", "--port", sim.path, "--timeout", "10", "info")
    assert r.returncode == 0, r.stderr
    assert " status=250 " in r.stdout and "reset=HARD" in r.stdout, r.stdout


def test_the_emulated_board_is_refused():
    r = glide("sim", "--port", "--runtime", "qemu")
    assert r.returncode == 2
    assert "glide emu start" in r.stderr


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_ctrl_c_gives_a_repl_and_ctrl_d_boots_the_firmware_again(tmp_path, runtime):
    import serial
    # A watchdog slow enough for the REPL below on a loaded machine.
    cfg = tmp_path / "glide.json"
    cfg.write_text(json.dumps(dict(CONFIG, wdt_ms=8000)))
    sim = Sim(tmp_path, runtime, "--config", str(cfg))
    try:
        assert glide("send", "--port", sim.path, "--timeout", "10", "status").returncode == 0
        with serial.Serial(sim.path, timeout=0.2) as port:
            def until(token):
                seen, deadline = b"", time.monotonic() + WAIT
                while token not in seen and time.monotonic() < deadline:
                    seen += port.read(256)
                assert token in seen, seen[-300:]
                return seen
            port.write(b"\x03")
            seen = until(b">>> ")
            assert b"# glide stopped: the watchdog resets the board in 8000 ms" in seen
            port.write(b"6 * 7\r")
            until(b"6 * 7\r\n42\r\n>>> ")
            if runtime == "micropython":  # the VM's own sys: stderr is the port too
                port.write(b"import sys; sys.stderr.write('on the ' + 'port')\r")
                until(b"on the port")
            port.write(b"\x04")  # a soft reboot runs main.py again, before the watchdog
            until(b"reset=SOFT")
        sim.wait_for("boots again (soft reboot)")
    finally:
        sim.close()


def test_a_file_at_path_is_left_alone(tmp_path):
    there = tmp_path / "board"
    there.write_text("mine")
    r = glide("sim", "--port", str(there))
    assert r.returncode == 2
    assert "a file is there, not a link" in r.stderr
    assert there.read_text() == "mine"


def test_a_reset_runs_the_main_py_copied_into_the_board_folder(sim, tmp_path):
    main = tmp_path / "main.py"
    main.write_text("open('ran.txt', 'w').write('from the board folder')\n")
    r = mpremote(sim.path, "fs", "cp", str(main), ":main.py", "+", "reset")
    assert r.returncode == 0, r.stdout + r.stderr
    sim.wait_for("main.py ended: at its REPL")  # as a board's, when main.py returns
    r = mpremote(sim.path, "fs", "cat", ":ran.txt")
    assert r.stdout.strip() == "from the board folder", r.stdout + r.stderr


def test_a_config_plain_glide_sim_refuses_is_refused_too():
    r = glide("sim", "--port", "--config", '{"hz": 7}')
    assert r.returncode == 2
    assert "hz: 7 is outside 50..1000" in r.stderr


def test_flash_right_after_an_mpremote_exec_outlasts_the_armed_watchdog(sim, tmp_path):
    # mpremote exec stops the firmware with its 500 ms watchdog armed and takes the line
    # that says so: glide flash then finds a prompt, and its copy (seconds) would be cut
    # by the watchdog unless glide flash feeds it.
    assert glide("send", "--port", sim.path, "--timeout", "10", "status").returncode == 0
    assert mpremote(sim.path, "exec", "print(1)").returncode == 0
    new = tmp_path / "new.json"
    new.write_text(json.dumps(dict(CONFIG, status_ms=250)))
    t = time.monotonic()
    r = glide("flash", "--port", sim.path, "--config", str(new), timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert time.monotonic() - t > 2 * CONFIG["wdt_ms"] / 1000  # the copy outlasted it
    sim.wait_for("boots again (machine.reset())")
    r = glide("send", "--port", sim.path, "--timeout", "10", "info")
    assert " status=250 " in r.stdout and "reset=HARD" in r.stdout, r.stdout
