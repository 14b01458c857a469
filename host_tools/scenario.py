"""Scenario files: what happens to a glide board over time.

One step per line, '#' starts a comment:

    <time> <action>           time in ms, or with an 's' suffix in seconds (1.5s)
    <t0>..<t1> skin <a>..<b>  skin resistance drifting linearly from a to b ohms

Actions:
    skin OHMS | open | stuck  what the resistance sensor reads from then on; a live
                              sensor jitters by about 0.5 %, 'stuck' freezes it exactly
    press BUTTON [MS]         hold a board button ('contact' or 'mode') for MS ms
                              (default 100; 1000 or more on 'mode' is a long press)
    stall MS                  the next tick hangs for MS ms (a blocking call, a long GC)
    mute MS                   the host stops reading the console for MS ms
    reboot                    the board loses power for a moment and boots again
    end                       the scenario ends here (required, last)
    anything else             a serial command line, sent to the board as typed

The first comment line is the scenario's title.
"""
import os

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scenarios")
OPEN = "open"
STUCK = "stuck"


class ScenarioError(ValueError):
    pass


class Scenario:
    def __init__(self, name, title, steps, end_ms):
        self.name = name
        self.title = title
        self.steps = steps  # sorted list of (t_ms, kind, value); kinds: skin, drift, press, stall, mute, reboot, command
        self.end_ms = end_ms


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
    steps, title, end = [], None, None
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
        if end is not None:
            raise ScenarioError("%s: step after 'end'" % where)
        when, _, action = line.partition(" ")
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
            steps.append((t0, "drift", (t1, _ohms(ra, where), _ohms(rb, where))))
            continue
        t = _ms(when, where)
        if word == "end":
            end = t
        elif word == "press":
            button, _, hold = arg.partition(" ")
            if button not in ("contact", "mode"):
                raise ScenarioError("%s: press takes 'contact' or 'mode', not %r" % (where, button))
            steps.append((t, "press", (button, _ms(hold, where) if hold else 100)))
        elif word in ("stall", "mute"):
            steps.append((t, word, _ms(arg, where)))
        elif word == "reboot":
            steps.append((t, word, None))
        elif word == "skin":
            steps.append((t, "skin", arg if arg in (OPEN, STUCK) else _ohms(arg, where)))
        else:
            steps.append((t, "command", action))
    if end is None:
        raise ScenarioError("%s: no 'end' step" % name)
    if any(t > end for t, _, _ in steps):
        raise ScenarioError("%s: a step comes after 'end' at %d ms" % (name, end))
    steps.sort(key=lambda s: s[0])  # stable: same-time steps keep file order
    return Scenario(name, title or name, steps, end)


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
