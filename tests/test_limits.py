import limits


def test_levels_within_device_max():
    assert len(limits.LEVEL_CAPS) == 5
    assert list(limits.LEVEL_CAPS) == sorted(limits.LEVEL_CAPS)
    assert limits.LEVEL_CAPS[-1] == limits.DEVICE_MAX_UA == 680
    assert limits.DEVICE_MAX_UA < limits.ABS_MAX_UA == 1000


def test_guard_passes_legal_values():
    for ua in (0, 1, 340, 680):
        assert limits.guard(ua) == ua


def test_guard_zeroes_anything_else():
    for ua in (-1, 681, 999, 1000, 5000, 1 << 40):
        assert limits.guard(ua) == 0
