import pytest
from hypothesis import assume, given, strategies as st

from contact import Contact, OK, OUT_OF_RANGE, STUCK, R_MIN, R_OPEN


def feed(c, samples, check_stuck=True):
    return [(c.update(r, check_stuck), c.on) for r in samples]


def test_make_needs_debounce_consecutive_samples():
    c = Contact(debounce=4)
    assert [on for _, on in feed(c, [20000] * 3)] == [False] * 3
    assert feed(c, [20000]) == [(OK, True)]


def test_sample_between_thresholds_resets_debounce():
    c = Contact(make_ohm=100000, break_ohm=150000, debounce=3)
    feed(c, [20000, 20000, 120000, 20000, 20000])
    assert not c.on
    feed(c, [20000])
    assert c.on


def test_hysteresis_holds_contact_between_thresholds():
    c = Contact(make_ohm=100000, break_ohm=150000, debounce=1)
    feed(c, [50000, 120000, 149999, 150000])
    assert c.on


def test_break_on_first_sample_above_break():
    c = Contact(debounce=1)
    feed(c, [20000])
    assert feed(c, [150001]) == [(OK, False)]


@pytest.mark.parametrize("r", [-5, 0, R_MIN - 1, R_OPEN + 1])
def test_out_of_range_is_a_fault_not_no_contact(r):
    c = Contact(debounce=1)
    feed(c, [20000])
    assert c.update(r) == OUT_OF_RANGE
    assert not c.on


def test_open_circuit_is_no_contact():
    c = Contact(debounce=1)
    assert c.update(R_OPEN) == OK and not c.on


def test_stuck_only_in_contact_and_only_for_sensor_samples():
    c = Contact(debounce=1, stuck_n=5)
    assert all(f == OK for f, _ in feed(c, [R_OPEN] * 20))  # no contact: not stuck
    assert all(f == OK for f, _ in feed(c, [20000] * 20, check_stuck=False))  # injected
    res = feed(c, [20000] * 5)
    assert res[-1][0] == STUCK and all(f == OK for f, _ in res[:-1])


def test_jitter_is_not_stuck():
    c = Contact(debounce=1, stuck_n=3)
    assert all(f == OK for f, _ in feed(c, [20000, 20001] * 50))


@pytest.mark.parametrize("kw", [dict(make_ohm=150000, break_ohm=100000),
                                dict(make_ohm=50, break_ohm=1000),
                                dict(break_ohm=R_OPEN), dict(debounce=0)])
def test_bad_thresholds_rejected(kw):
    with pytest.raises(ValueError):
        Contact(**kw)


@given(st.integers(R_MIN, R_OPEN - 1), st.integers(R_MIN + 1, R_OPEN), st.integers(1, 50))
def test_an_open_circuit_is_never_contact_whatever_the_thresholds(make, brk, debounce):
    assume(make < brk)
    if brk >= R_OPEN:
        with pytest.raises(ValueError):
            Contact(make, brk, debounce)
        return
    c = Contact(make, brk, debounce)
    feed(c, [make] * debounce)
    assert c.on
    assert c.update(R_OPEN) == OK and not c.on
