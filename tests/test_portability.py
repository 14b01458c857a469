"""The firmware must compile for current MicroPython (1.25 is the oldest supported), and
the per-tick path must stay integer-only and allocation-free."""
import ast
import glob
import os

import pytest

from host_tools import FIRMWARE, mpy

SOURCES = sorted(glob.glob(os.path.join(FIRMWARE, "*.py")))
CORE = ["limits.py", "contact.py", "waveform.py", "controller.py", "telemetry.py", "commands.py"]
# Functions that run on every tick (module, class, function)
TICK_PATH = [("controller.py", "Controller", "tick"), ("controller.py", "Controller", "_step"),
             ("contact.py", "Contact", "update"), ("waveform.py", "Waveform", "advance")]


@pytest.mark.parametrize("src", SOURCES, ids=os.path.basename)
def test_compiles_with_mpy_cross(src):
    mpy.compile(src, os.devnull)


def test_core_modules_exist():
    assert set(CORE) <= {os.path.basename(s) for s in SOURCES}


def _function(path, cls, name):
    tree = ast.parse(open(os.path.join(FIRMWARE, path)).read())
    scope = tree.body
    if cls:
        scope = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls).body
    return next(n for n in scope if isinstance(n, ast.FunctionDef) and n.name == name)


EMIT = {"_event", "_set", "_fault", "log"}  # lines are formatted only when emitted


@pytest.mark.parametrize("where", TICK_PATH, ids=lambda w: w[2])
def test_tick_path_is_integer_only_and_allocation_free(where):
    fn = _function(*where)
    skip = set()
    for node in ast.walk(fn):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) in EMIT:
            skip.update(id(n) for n in ast.walk(node))
    for node in ast.walk(fn):
        if id(node) in skip:
            continue
        what = None
        if isinstance(node, ast.Constant) and isinstance(node.value, float):
            what = "float constant"
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            what = "true division (float)"
        elif isinstance(node, (ast.List, ast.Dict, ast.Set, ast.Tuple, ast.ListComp,
                               ast.DictComp, ast.SetComp, ast.GeneratorExp, ast.Lambda,
                               ast.JoinedStr)):
            what = type(node).__name__
        elif isinstance(node, ast.BinOp) and isinstance(node.left, ast.Constant) and \
                isinstance(node.left.value, str):
            what = "string formatting"
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) in (
                "float", "str", "list", "dict", "tuple", "round"):
            what = node.func.id + "()"
        assert what is None, "%s:%d in %s: %s" % (where[0], node.lineno, where[2], what)


def test_no_cpython_only_imports():
    allowed = {"micropython", "limits", "contact", "waveform", "controller", "telemetry",
               "commands"}
    for path in (os.path.join(FIRMWARE, f) for f in CORE):
        for node in ast.walk(ast.parse(open(path).read())):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [node.module] if isinstance(node, ast.ImportFrom) else \
                    [a.name for a in node.names]
                assert set(names) <= allowed, "%s imports %s" % (path, names)
