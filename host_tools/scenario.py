"""Scenario files: what happens to a glide board over time.

One step per line, '#' starts a comment:

    config NAME VALUE         a setting of the board's glide.json (VALUE in JSON) that
                              the scenario needs. Precedence, lowest first: the virtual
                              board's own (sim.BOARD_CONFIG: boot_ms 0), these lines,
                              glide sim --config, then --mode/--level
    <time> <action>           time in ms, or with an 's' suffix in seconds (1.5s)
    <t0>..<t1> skin <a>..<b>  skin resistance drifting linearly from a to b ohms

Actions:
    skin OHMS | open | stuck  what the resistance sensor reads from then on; a live
                              sensor jitters by about 0.5 %, 'stuck' freezes it; 0 is a
                              short (the wiper at ground: reads exactly 0)
    skin OHMS exact           a steady reading of exactly OHMS (the firmware calls one
                              unchanged in contact for stuck_ms a stuck sensor)
    press BUTTON [MS]         hold a board button ('contact' or 'mode') for MS ms
                              (default 100; 1000 or more on 'mode' is a long press)
    stall MS                  the next tick hangs for MS ms (a blocking call, a long GC)
    mute MS                   the host stops reading the console for MS ms
    reboot                    the board loses power for a moment and boots again
    end                       the scenario ends here (required, last)
    COMMAND [ARGS]            a serial command line, sent to the board as typed; its
                              first word must be one of firmware/commands.py's HELP
                              (start, stop, mode, level, ...), so a typo ('skn') is an
                              error here, with its line, not an ERR from the board
    send LINE                 LINE sent as typed, unchecked: for a scenario about the
                              board's answer to bad input

The first comment line is the scenario's title. A resistance must be one the board's
sensor can read (0, or its pot's range: pot_min_ohm 100 reads 101 ohm and up);
sim.run_scenario checks that against the board's config, naming the line.
"""
import ast
import functools
import json
import os

from . import FIRMWARE

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scenarios")
OPEN = "open"
STUCK = "stuck"


class ScenarioError(ValueError):
    pass


@functools.cache
def firmware_constant(module, name):
    """The literal value of NAME in firmware/MODULE.py, read without importing it (the
    host tools never import the firmware into their own process)."""
    with open(os.path.join(FIRMWARE, module + ".py"), encoding="utf-8") as f:
        tree = ast.parse(f.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == [name]:
            return ast.literal_eval(node.value)
    raise LookupError("firmware/%s.py has no %s" % (module, name))


def commands():
    """The serial commands' names, from the firmware's own help line (commands.HELP:
    'start [MODE] [LEVEL] | stop | ...')."""
    return [part.split()[0] for part in firmware_constant("commands", "HELP").split(" | ")]


class Scenario:
    def __init__(self, name, title, steps, end_ms, config=None, lines=None):
        self.name = name
        self.title = title
        # sorted list of (t_ms, kind, value); kinds: skin, exact, drift, press, stall,
        # mute, reboot, command
        self.steps = steps
        self.end_ms = end_ms
        self.config = config or {}  # the glide.json settings the scenario needs
        self.lines = lines or [0] * len(steps)  # each step's line in the file

    def where(self, i):
        """Step i's place in the file, for a message: 'name:line'."""
        return "%s:%d" % (self.name, self.lines[i])


def _ms(word, where):
    try:
        if word.endswith("s") and not word.endswith("ms"):
            return int(round(float(word[:-1]) * 1000))
        return int(word[:-2] if word.endswith("ms") else word)
    except ValueError:
        raise ScenarioError("%s: bad time %r (use ms, or seconds with an 's')" % (where, word))


def _ohms(word, where):
    try:
        v = int(word)
    except ValueError:
        raise ScenarioError("%s: bad resistance %r (ohms, 'open' or 'stuck')" % (where, word))
    if v < 0:
        raise ScenarioError("%s: resistance cannot be negative: %r" % (where, word))
    return v


def parse(text, name="scenario"):
    steps, title, end, config = [], None, None, {}
    for n, raw in enumerate(text.splitlines(), 1):
        where = "%s:%d" % (name, n)
        line = raw.strip()
        if line.startswith("#"):
            if title is None:
                title = line.lstrip("# ").strip()
            continue
        line = line.split(" #")[0].strip()
        if not line:
            continue
        when, _, action = line.partition(" ")
        if when == "config":
            key, _, value = action.strip().partition(" ")
            try:
                config[key] = json.loads(value)
            except ValueError:
                raise ScenarioError("%s: config takes a setting's name and a JSON value, e.g. "
                                    "'config pot_min_ohm 100'" % where)
            continue
        if end is not None:
            raise ScenarioError("%s: step after 'end'" % where)
        action = action.strip()
        if not action:
            raise ScenarioError("%s: a time needs an action" % where)
        word, _, arg = action.partition(" ")
        arg = arg.strip()
        if ".." in when:
            a, b = when.split("..", 1)
            t0, t1 = _ms(a, where), _ms(b, where)
            if word != "skin" or ".." not in arg or t1 <= t0:
                raise ScenarioError("%s: a time range takes 'skin A..B' with end after start" % where)
            ra, rb = arg.split("..", 1)
            steps.append((t0, "drift", (t1, _ohms(ra, where), _ohms(rb, where)), n))
            continue
        t = _ms(when, where)
        if word == "end":
            end = t
        elif word == "press":
            button, _, hold = arg.partition(" ")
            if button not in ("contact", "mode"):
                raise ScenarioError("%s: press takes 'contact' or 'mode', not %r" % (where, button))
            steps.append((t, "press", (button, _ms(hold, where) if hold else 100), n))
        elif word in ("stall", "mute"):
            steps.append((t, word, _ms(arg, where), n))
        elif word == "reboot":
            steps.append((t, word, None, n))
        elif word == "skin" and arg.endswith(" exact"):
            steps.append((t, "exact", _ohms(arg[:-6].strip(), where), n))
        elif word == "skin":
            steps.append((t, "skin", arg if arg in (OPEN, STUCK) else _ohms(arg, where), n))
        elif word == "send":
            steps.append((t, "command", arg, n))
        elif word.lower() in commands():
            steps.append((t, "command", action, n))
        else:
            raise ScenarioError("%s: unknown action %r: a serial command is one of %s (or "
                                "'send LINE' for a line sent unchecked), else skin, press, "
                                "stall, mute, reboot, end" % (where, word, ", ".join(commands())))
    if end is None:
        raise ScenarioError("%s: no 'end' step" % name)
    if any(s[0] > end for s in steps):
        raise ScenarioError("%s: a step comes after 'end' at %d ms" % (name, end))
    steps.sort(key=lambda s: s[0])  # stable: same-time steps keep file order
    return Scenario(name, title or name, [s[:3] for s in steps], end, config,
                    [s[3] for s in steps])


def library():
    """Names of the scenarios that ship with glide."""
    return sorted(f[:-4] for f in os.listdir(HERE) if f.endswith(".txt"))


def load(name_or_path):
    path = name_or_path
    if not os.path.exists(path):
        path = os.path.join(HERE, name_or_path + ".txt")
        if not os.path.exists(path):
            raise ScenarioError("no scenario %r: give a file, or one of: %s"
                                % (name_or_path, ", ".join(library())))
    with open(path, encoding="utf-8") as f:
        return parse(f.read(), os.path.splitext(os.path.basename(path))[0])
