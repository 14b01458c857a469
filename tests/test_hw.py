import pytest


@pytest.fixture
def hw(virtual):
    return virtual("hw")


@pytest.fixture
def board(virtual):
    import config
    machine = virtual("machine")
    pico = virtual("board_pico")
    cfg = config.defaults()
    return pico.make(cfg), machine, cfg


def test_led_duty_is_monotonic_and_spans_pwm(hw):
    from limits import DEVICE_MAX_UA
    g = [hw.duty(ua) for ua in range(DEVICE_MAX_UA + 1)]
    assert g[0] == 0 and 65400 <= g[-1] <= 65535 and g == sorted(g)
    assert g[DEVICE_MAX_UA // 2] < 65535 // 4 + 1  # perceptual: half the current, a quarter the duty
    assert DEVICE_MAX_UA ** 2 * 580 < 2 ** 30  # a small int on a board


def test_pot_mapping_rails_and_monotonic(hw):
    t = hw.pot_table(1000, 2000000)
    assert t[0] == 1000 and t[-1] == 2000000
    readings = [hw.pot_ohm(t, u) for u in range(0, 65536, 7)]
    assert readings == sorted(readings)
    assert hw.pot_ohm(t, 0) == 0  # grounded wiper: a sensor fault, not contact
    assert hw.pot_ohm(t, 65535) == 2000000  # top rail: open circuit


def test_world_inverts_the_pot_mapping(hw, virtual):
    scene = virtual("scene")
    t = hw.pot_table(1000, 2000000)
    for ohm in (1100, 5000, 20000, 99000, 150000, 1900000):  # the ends are rails
        got = hw.pot_ohm(t, scene.pot_counts(t, ohm))
        assert abs(got - ohm) <= ohm // 200  # 0.5 %


def bisection(hw, table, ohm):
    # The reference: the virtual pot's first inverse, the largest count in
    # 64..65535 that pot_ohm reads at or below ohm, by bisection over them.
    if ohm <= 0:
        return 0
    lo, hi = 64, 65535
    while lo < hi:
        mid = (lo + hi + 1) >> 1
        if hw.pot_ohm(table, mid) <= ohm:
            lo = mid
        else:
            hi = mid - 1
    return lo


def bisection_for_every_ohm(hw, table, start, stop):
    # [bisection(ohm) for ohm in range(start, stop)], quickly. The bisection
    # sees ohm only through ohm <= 0 and pot_ohm(table, mid) <= ohm, so its
    # answer can change only where ohm reaches 1 or a value pot_ohm takes: it
    # runs there, and its answer holds until the next such ohm.
    edges = {hw.pot_ohm(table, u) for u in range(64, 65536)} | {1}
    edges = [start] + sorted(e for e in edges if start < e < stop) + [stop]
    want = []
    for i in range(len(edges) - 1):
        want.extend([bisection(hw, table, edges[i])] * (edges[i + 1] - edges[i]))
    return want


# The default pot, the widest segments config allows, a narrow range with
# segments under 200 ohm, a reversed pot and a flat one (config takes both).
POTS = [(1000, 2000000), (100, 2000000), (150000, 160000), (2000000, 1000), (5000, 5000)]


@pytest.mark.parametrize("lo,hi", POTS[:3])
def test_pot_counts_is_the_bisection_for_every_ohm(hw, virtual, lo, hi):
    # The exact inverse gives what the bisection gave, for every ohm from
    # below 0 to past the top of any table.
    pot_counts = virtual("scene").pot_counts
    t = hw.pot_table(lo, hi)
    ohms = range(-3, 2000101)
    want = bisection_for_every_ohm(hw, t, ohms.start, ohms.stop)
    got = [pot_counts(t, ohm) for ohm in ohms]
    if got != want:
        i = next(i for i in range(len(ohms)) if got[i] != want[i])
        pytest.fail("pot %d..%d, %d ohm: %d counts, bisection %d"
                    % (lo, hi, ohms[i], got[i], want[i]))
    # Out of order too: pot_counts starts from the segment it found last.
    for k in range(0, len(ohms) * 101, 1009):
        i = k % len(ohms)
        assert pot_counts(t, ohms[i]) == want[i], (lo, hi, ohms[i])


@pytest.mark.slow
@pytest.mark.parametrize("lo,hi", POTS)
def test_pot_counts_is_the_bisection_run_at_every_ohm(hw, virtual, lo, hi):
    # The same without the shortcut: the bisection itself at every ohm (about
    # 40 s on CPython).
    pot_counts = virtual("scene").pot_counts
    t = hw.pot_table(lo, hi)
    for ohm in range(-3, 2000101):
        assert pot_counts(t, ohm) == bisection(hw, t, ohm), (lo, hi, ohm)


def test_outputs_start_at_zero(board):
    b, machine, cfg = board
    assert b.out.duty_u16() == 0
    assert all(machine.pins[p].value() == 0 for p in ("LED", 14, 13, 18, 19, 20, 21))


class C:
    def __init__(self, out, phase, state, mode=0, t=0):
        self.out, self.phase, self.state, self.t = out, phase, state, t

        class W:
            pass
        self.wave = W()
        self.wave.mode = mode


def hw_duty_max():
    import hw
    return hw.duty(680)


def test_leds_show_current_phase_state_and_mode(board):
    b, machine, cfg = board
    b.show(C(680, 0, 3, mode=2))
    assert b.out.duty_u16() == hw_duty_max()
    assert (b.pos.value(), b.neg.value(), b.status.value()) == (1, 0, 1)
    assert [l.value() for l in b.mode_leds] == [0, 0, 1, 0]
    b.show(C(340, 1, 2))
    assert 0 < b.out.duty_u16() < 65535 // 4 and (b.pos.value(), b.neg.value()) == (0, 1)
    b.show(C(0, 1, 1, t=500))  # SEEK blinks: off at 500 ms
    assert b.out.duty_u16() == 0 and (b.pos.value(), b.neg.value(), b.status.value()) == (0, 0, 0)
    b.off()
    assert all(p.value() == 0 for p in machine.pins.values() if p.mode == 1)


def test_buttons_short_long_and_contact(board):
    b, machine, cfg = board
    mode = machine.pins[17]
    contact = machine.pins[16]

    def hold(ticks):
        mode.level = 0
        for _ in range(ticks):
            assert b.button() == 0
        mode.level = 1
        return b.button()
    assert hold(2) == 0  # a bounce
    assert hold(20) == 1  # short: next mode
    assert hold(cfg["hz"]) == 2  # a second: next level
    contact.level = 0
    assert b.read_ohm() == cfg["contact_ohm"] and not b.live
    contact.level = 1
    assert b.read_ohm() == 2000000 and b.live
