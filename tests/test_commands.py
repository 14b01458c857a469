import pytest

import commands
import controller as ctl
from contact import R_OPEN


def snapshot(c):
    return (c.state, c.level, c.wave.mode, c.wave.biphasic, c.inject, c.levels, c.fault)


def test_start_with_mode_and_level(make):
    c, lines = make()
    assert commands.handle(c, "start sculpt 4") == "OK start"
    assert (c.state, c.wave.mode, c.level) == (ctl.SEEK, 3, 4)


@pytest.mark.parametrize("line", ["start bogus", "start adv 9", "start adv x", "level 0",
                                  "level 6", "level", "level 1 2", "mode", "mode zap",
                                  "r 5", "r 99999999", "r abc", "contact 2", "bi 2",
                                  "fly", "x" * 100, "stop now", "reset 1", "start a b c"])
def test_bad_command_gets_error_and_changes_nothing(make, line):
    c, _ = make()
    before = snapshot(c)
    reply = commands.handle(c, line)
    assert reply.startswith("ERR ") and len(reply) > 6
    assert snapshot(c) == before


def test_start_refused_while_fault_latched_changes_nothing(make):
    c, _ = make()
    c.start()
    c.tick(10 ** 6, 12000)
    assert c.state == ctl.FAULT
    before = snapshot(c)
    assert commands.handle(c, "start tap 5").startswith("ERR fault")
    assert snapshot(c) == before
    assert commands.handle(c, "reset") == "OK reset" and c.state == ctl.OFF


def test_inject_resistance_and_contact(make):
    c, _ = make()
    assert commands.handle(c, "r 30000") == "OK r" and c.inject == 30000
    assert commands.handle(c, "contact 0") == "OK contact" and c.inject == R_OPEN
    assert commands.handle(c, "contact 1") == "OK contact" and c.inject == commands.INJECT_OHM
    assert commands.handle(c, "r off") == "OK r" and c.inject == -1


def test_injected_resistance_drives_the_controller(make):
    c, _ = make(status_ms=0)
    for cmd in ("start adv 5", "r 12000"):
        commands.handle(c, cmd)
    for _ in range(600):
        c.tick(5000, R_OPEN)  # the sensor reads open; the injection wins
    assert c.out == 680


def test_status_info_help_and_blank(make):
    c, _ = make()
    assert commands.handle(c, "status").startswith("S t=0 st=OFF")
    assert commands.handle(c, "info").startswith("G glide=1 ")
    assert "start" in commands.handle(c, "help")
    assert commands.handle(c, "   ") is None


def test_modes_by_name_or_number_any_case(make):
    c, _ = make()
    for word, mode in (("lift", 1), ("TAP", 2), ("3", 3), ("Adv", 0)):
        assert commands.handle(c, "mode " + word) == "OK mode" and c.wave.mode == mode


@pytest.mark.parametrize("line", ["level \uff15", "level\u30005", "r 100000" + "\u3000" * 3,
                                  "start\x00", "st\xe4rt"])
def test_non_ascii_is_refused_the_same_on_every_runtime(make, line):
    c, _ = make()
    before = snapshot(c)
    assert commands.handle(c, line) == "ERR not printable ASCII"
    assert snapshot(c) == before


BAD_NUMBERS = ["_3", "3_", "1__0", "_", "+3", "-3", "3.0", "0x3", "３", "1234567890", "1e3"]


@pytest.mark.parametrize("word", BAD_NUMBERS)
def test_one_number_syntax_on_every_runtime(make, word):
    # MicroPython's int() takes "_3", "3_" and "1__0", CPython's refuses them: the
    # parser checks digits itself, so a board and the host answer alike.
    import commands
    c, _ = make()
    for line in ("level " + word, "r " + word, "start adv " + word):
        reply = commands.handle(c, line)
        assert reply.startswith("ERR"), (line, reply)
    assert c.level == 1 and c.inject == -1 and c.state == 0


def test_numbers_are_plain_digits(make):
    import commands
    c, _ = make()
    assert commands.handle(c, "level 04") == "OK level" and c.level == 4
    assert commands.handle(c, "r 000100") == "OK r" and c.inject == 100
    assert commands.handle(c, "r 99") == "ERR r must be 100..2000000"


def test_the_micropython_vm_answers_numbers_as_cpython_does(make, tmp_path):
    from host_tools import vm
    lines = ["%s %s" % (cmd, w) for w in BAD_NUMBERS + ["4", "04", "100", "2000000"]
             for cmd in ("level", "r")]
    code = ("import commands\nfrom controller import Controller\n"
            "for line in %r:\n    print(commands.handle(Controller(lambda s: None), line))\n"
            % lines)
    got = []
    vm.run_code(code, got.append, str(tmp_path))
    want = [str(commands.handle(make()[0], line)) for line in lines]
    assert got == want
