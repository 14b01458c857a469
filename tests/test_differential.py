"""The differential test (issue 9, item 2): the same generated command streams and
glide.json texts (tests/fuzz/gen.py, seed fuzz.SEED) through the firmware on CPython and in
the MicroPython VM must give identical replies and traces, stream by stream (a CRC of all
a stream logged, tests/fuzz/driver.py). A failure prints the seed, the stream's number, the
first line where the runtimes part and the stream minimised.
"""
import pytest

import fuzz

import commands


@pytest.mark.parametrize("kind", ["C", "F"])
def test_both_runtimes_give_identical_replies_and_traces(kind):
    streams, cp, mp = fuzz.quick()[kind]
    assert len(streams) >= 1000
    assert not fuzz.mismatches(cp, mp), fuzz.explain(fuzz.SEED, kind, streams, cp, mp)


def test_a_difference_is_found_shown_and_minimised(monkeypatch):
    # CPython's help text changed in this process only: the VM's differs.
    monkeypatch.setattr(commands, "HELP", commands.HELP + " | fly")
    stream = ("C 2048 64 200 100 0 340 2000 136,272,408,544,680 i%s t5000,20000,3,1 i%s w0"
              % (b"start\n".hex(), b"help\n".hex()))
    cp, mp = fuzz.both([stream])
    assert fuzz.mismatches(cp, mp) == [0]
    report = fuzz.explain(7, "C", [stream], cp, mp)
    assert report.startswith("seed 7, command streams 0..0: 1 bad")
    # only the help line is left of the stream, and the diff shows that line
    assert "minimised: C 2048 64 200 100 0 340 2000 136,272,408,544,680 ib'help\\n'" in report
    assert "| fly" in report
