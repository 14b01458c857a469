"""The fuzz suite's quick run (issue 9, "the fuzz suite stays"): generated command streams
and glide.json texts (tests/fuzz/gen.py, fixed seed) through the firmware on CPython and in
the MicroPython VM, with the invariants checked inside the run (tests/fuzz/driver.py): no
exception escapes commands.handle, config.load or Controller.tick; every command line gets a
reply, every logged line reaches the port or a drop count; no limit rises; no output above
the level's cap, out of RAMP/TREAT/STOP, without contact or at an open-circuit reading.
The long run is `make fuzz` (100,000 streams a path).
"""
import pytest

import fuzz
from fuzz import driver

import commands
import config
import console
import contact
from controller import Controller


@pytest.mark.parametrize("kind", ["C", "F"])
@pytest.mark.parametrize("runtime", ["CPython", "VM"])
def test_generated_streams_keep_every_invariant(kind, runtime):
    streams, cp, mp = fuzz.quick()[kind]
    lines = cp if runtime == "CPython" else mp
    assert len(lines) == len(streams)
    bad = fuzz.failures(lines)
    assert not bad, fuzz.explain(fuzz.SEED, kind, streams, cp, mp)


def test_the_quick_run_reaches_treatment_drops_and_config_errors():
    # Streams that never give output, never fill the log or never offend the loader
    # would check little: the run covers each.
    cmd = [[int(x) for x in l.split()[3:]] for l in fuzz.quick()["C"][2]]
    assert sum(c[1] for c in cmd) > 10 * len(cmd)  # replies
    assert sum(c[3] > 0 for c in cmd) > len(cmd) // 3  # output flowed
    assert sum(c[3] == 680 for c in cmd) >= 10  # at the device maximum
    assert sum(c[4] > 0 for c in cmd) > 20  # lines dropped
    cfg = [[int(x) for x in l.split()[3:]] for l in fuzz.quick()["F"][2]]
    assert sum(c[0] > 0 for c in cfg) > len(cfg) // 2  # texts with errors
    assert sum(c[2] > 0 for c in cfg) > len(cfg) // 4  # and output with what they gave


# -- each invariant fires on firmware broken on purpose (CPython, in this process) ----------

START = "C 2048 64 200 100 0 2000 2000 136,272,408,544,680 i%s t5000,20000,60,1" % (
    b"start adv 2\nstatus\n".hex())


def fail(streams):
    return fuzz.failures(fuzz.cpython(streams))


def test_a_line_without_reply_is_found(monkeypatch):
    handle = commands.handle
    monkeypatch.setattr(commands, "handle", lambda c, line: None if line == "status" else handle(c, line))
    assert "no reply to status" in fail([START])[0]


def test_a_raised_cap_is_found(monkeypatch):
    set_level = Controller.set_level

    def higher(self, level):
        err = set_level(self, level)
        self.cap += 1
        return err
    monkeypatch.setattr(Controller, "set_level", higher)
    assert fail([START])[0].startswith("a limit moved")


def over_cap(self):
    return self.levels[self.level - 1] + 1


def without_contact(self):
    return 0 if self.contact.on else 1


@pytest.mark.parametrize("out, why", [(over_cap, "above level"), (without_contact, "contact False")])
def test_output_above_the_cap_or_without_contact_is_found(monkeypatch, out, why):
    tick = Controller.tick

    def bad(self, dt, r, live=True):
        tick(self, dt, r, live)
        self.out = out(self)
        return self.out
    monkeypatch.setattr(Controller, "tick", bad)
    assert why in fail([START])[0]


def test_output_at_an_open_circuit_reading_is_found(monkeypatch):
    # A contact that an open circuit does not break (issue 9, item 4's danger): the
    # glide.json streams end reading open circuit.
    update = contact.Contact.update
    monkeypatch.setattr(contact.Contact, "update",
                        lambda self, r, live=True: update(self, min(r, 20000), live))
    assert "open-circuit" in fail(["F " + b'{"slew": 2000, "level": 5}'.hex()])[0]


def test_a_line_lost_by_the_console_is_found(monkeypatch):
    end = console.Console.end
    seen = []

    def lossy(self):
        seen.append(1)
        if len(seen) == 3:  # forgets a line, counting nothing
            self.stage.seek(0)
            return
        end(self)
    monkeypatch.setattr(console.Console, "end", lossy)
    assert "lines logged" in fail([START])[0]


def test_an_exception_escaping_is_found(monkeypatch):
    def deep(path):
        raise RecursionError("maximum recursion depth exceeded")
    monkeypatch.setattr(config, "load", deep)
    assert fail(["F 7b7d"])[0].startswith("RecursionError")


def test_the_driver_runs_unchanged_on_both_runtimes():
    # One stream of each kind, given by hand, through both: the same line.
    cp, mp = fuzz.both([START, "F " + b'{"hz": 50}'.hex()])
    assert cp == mp and not fuzz.failures(cp)
    assert driver.esc(b"a\\\n\xff") == "a\\x5c\\x0a\\xff"
