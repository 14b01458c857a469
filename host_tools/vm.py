"""The MicroPython VM runtime: the official WebAssembly port, run under Node.

The same firmware/ and the same virtual hardware (host_tools/virtual/) as the CPython
virtual board, copied into the VM's filesystem; the scenario goes in as a literal.
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


class VMError(RuntimeError):
    pass


def check():
    """Raise VMError saying what is missing for the VM to run."""
    if not shutil.which("node"):
        raise VMError("the MicroPython VM needs Node.js (node): install it, e.g. apt-get install nodejs")
    if not os.path.isdir(PACKAGE):
        raise VMError("the MicroPython VM is not installed: run `make setup` "
                      "(npm ci --prefix host_tools/wasm)")


def command(code, board_dir):
    """The node command line that runs code in the VM with firmware/ and the virtual board."""
    return ["node", os.path.join(HERE, "run.mjs"), "--mount", FIRMWARE + ":/fw",
            "--mount", VIRTUAL + ":/virtual", "--mount", board_dir + ":/board",
            "--cwd", "/board", code]


def run_code(code, emit, board_dir):
    """Run MicroPython code in the VM with firmware/ and the virtual board on sys.path and
    board_dir as its filesystem; emit(line) gets each line it prints."""
    check()
    code = "import sys\nsys.path[:0] = ['/virtual', '/fw']\n" + code
    proc = subprocess.Popen(command(code, board_dir), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
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
        run_code("import boot\nboot.run(%r, %d, print, %d)\n" % (scn.steps, scn.end_ms, frame_ms),
                 emit, board)
