"""The MicroPython VM runtime: the official WebAssembly port, run under Node.

The same firmware/ and the same virtual hardware (host_tools/virtual/) as the CPython
virtual board, copied into the VM's filesystem; the code goes in on stdin and the
scenario as a file in the board's filesystem that the world reads a step at a time, so
neither has a size limit (as a literal on the command line, ~200 KB of steps was past the
OS's argument limit and ~2,000 steps past the VM's pystack).
"""
import json
import os
import shutil
import subprocess
import tempfile

from . import FIRMWARE

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "wasm")
VIRTUAL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "virtual")
PACKAGE = os.path.join(HERE, "node_modules", "@micropython", "micropython-webassembly-pyscript")
STEPS = "steps.jsonl"  # the scenario in the board's filesystem, one JSON step a line


class VMError(RuntimeError):
    pass


def check():
    """Raise VMError saying what is missing for the VM to run."""
    if not shutil.which("node"):
        raise VMError("the MicroPython VM needs Node.js (node): install it, e.g. apt-get install nodejs")
    if not os.path.isdir(PACKAGE):
        # pip installs wasm/ without node_modules (pyproject.toml): npm puts it beside run.mjs
        raise VMError("the MicroPython VM is not installed: run `npm ci --prefix %s` "
                      "(`make setup` in a checkout)" % HERE)


def command(board_dir, runner="run.mjs"):
    """The node command line that runs the code on its stdin (run.mjs) or its last
    argument (port.mjs) in the VM with firmware/ and the virtual board."""
    return ["node", os.path.join(HERE, runner), "--mount", FIRMWARE + ":/fw",
            "--mount", VIRTUAL + ":/virtual", "--mount", board_dir + ":/board",
            "--cwd", "/board", "-"]


def port_process(board_dir, steps, pty_fd, sim_dir):
    """The virtual board in the VM on the pty whose master is pty_fd (glide sim --port):
    host_tools/wasm/port.mjs running boot.run with ptyport.Port for a hook, the scenario's
    steps at virtual ms 0 and no end (the 10**9 ms of simport.NEVER_MS). Its stdout is
    the sim's own lines. sim_dir: a folder for the steps, outside the board's."""
    check()
    with open(os.path.join(sim_dir, STEPS), "w") as f:
        f.writelines(json.dumps(step) + "\n" for step in steps)
    code = ("import sys\nsys.path[:0] = ['/virtual', '/board', '/fw', '/port']\n"
            "import boot\nimport ptyport\nport = ptyport.Port()\n"
            "boot.run(boot.steps_file('/sim/%s'), 10 ** 9, port, 0, port)\n" % STEPS)
    cmd = command(board_dir, "port.mjs")[:-1] + [
        "--mount", HERE + ":/port", "--mount", sim_dir + ":/sim", code]
    return subprocess.Popen(cmd, pass_fds=(pty_fd,),
                            env=dict(os.environ, GLIDE_PTY_FD=str(pty_fd)))


def run_code(code, emit, board_dir):
    """Run MicroPython code in the VM with firmware/ and the virtual board on sys.path and
    board_dir as its filesystem; emit(line) gets each line it prints."""
    check()
    code = "import sys\nsys.path[:0] = ['/virtual', '/fw']\n" + code
    proc = subprocess.Popen(command(board_dir), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    proc.stdin.write(code)  # run.mjs reads it all before it prints
    proc.stdin.close()
    for line in proc.stdout:
        emit(line.rstrip("\n"))
    err = proc.stderr.read()
    if proc.wait():
        raise VMError("the MicroPython VM stopped with status %d:\n%s" % (proc.returncode, err))


def run_scenario(scn, emit, config, frame_ms=0):
    """Run scenario scn on the virtual board inside the MicroPython VM; emit(line) each line."""
    with tempfile.TemporaryDirectory(prefix="glide-board-") as board:
        with open(os.path.join(board, "glide.json"), "w") as f:
            json.dump(config, f)
        with open(os.path.join(board, STEPS), "w") as f:
            f.writelines(json.dumps(step) + "\n" for step in scn.steps)
        # The console's bytes straight to the VM's stdout: lines made in the VM
        # would be garbage it never frees in a long run.
        run_code("import boot\nboot.run(boot.steps_file(%r), %d, sys.stdout.buffer, %d)\n"
                 % (STEPS, scn.end_ms, frame_ms), emit, board)
