import pytest

import waveform as wf


def levels(mode, ms, step=1, biphasic=False):
    w = wf.Waveform()
    w.biphasic = biphasic
    w.select(mode)
    out = []
    for _ in range(0, ms, step):
        out.append((w.level, w.phase))
        w.advance(step)
    return out


def test_advanced_is_steady_full():
    assert {lv for lv, _ in levels(wf.ADVANCED, 5000)} == {wf.FULL}


def test_levels_never_exceed_full():
    for mode in range(4):
        assert all(0 <= lv <= wf.FULL for lv, _ in levels(mode, 12000, 5, True))


def test_lifting_steps_frequency_low_to_high_and_repeats():
    seq = [lv for lv, _ in levels(wf.LIFTING, 20000)]
    def edges(a, b):  # rising edges in [a, b) ms
        return sum(1 for i in range(a + 1, b) if seq[i] and not seq[i - 1])
    counts = [edges(i * 2000, (i + 1) * 2000) for i in range(5)]
    assert counts == sorted(counts) and counts[0] < counts[-1]
    assert counts[0] >= 0 and counts[4] >= 30  # 16 Hz for 2 s
    assert seq[:10000] == seq[10000:]  # 10 s cycle


def test_tapping_duty_and_rate():
    seq = [lv for lv, _ in levels(wf.TAPPING, 1000)]
    assert sum(1 for v in seq if v) == 5 * 40  # 40 ms bursts at 5 Hz


def test_sculpting_is_a_trapezoid_with_longer_pulses_than_tapping():
    seq = [lv for lv, _ in levels(wf.SCULPTING, 1000)]
    assert seq[0] == 0 and seq[50] == wf.FULL // 2 and seq[300] == wf.FULL and seq[800] == 0
    assert sum(1 for v in seq if v) > 5 * sum(1 for v in levels(wf.TAPPING, 200) if v[0])
    assert all(abs(seq[i] - seq[i - 1]) <= 3 for i in range(1, 1000))  # soft edges


@pytest.mark.parametrize("mode", range(4))
def test_biphasic_alternates_polarity_and_monophasic_does_not(mode):
    assert {ph for _, ph in levels(mode, 10000, 5, True)} == {0, 1}
    assert {ph for _, ph in levels(mode, 10000, 5, False)} == {0}


def test_same_result_for_any_step_size():
    a = levels(wf.LIFTING, 30000, 5)
    b = [x for i, x in enumerate(levels(wf.LIFTING, 30000, 1)) if i % 5 == 0]
    assert a == b


def test_bad_mode_rejected():
    with pytest.raises(ValueError):
        wf.Waveform().select(4)
