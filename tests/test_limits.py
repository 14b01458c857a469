import limits


def test_levels_within_device_max():
    assert len(limits.LEVEL_CAPS) == 5
    assert list(limits.LEVEL_CAPS) == sorted(limits.LEVEL_CAPS)
    assert limits.LEVEL_CAPS[-1] == limits.DEVICE_MAX_UA == 680
    assert limits.DEVICE_MAX_UA < limits.ABS_MAX_UA == 1000



def test_output_beyond_the_device_maximum_commands_zero(make):
    # The tick's last check, independent of the level-cap check before it: anything
    # outside 0..680 uA is a bug, and the answer to a bug is 0, never a clamp. Only a
    # bug reaches it, so one is made here: a cap no configuration allows.
    c, lines = make(stuck_ms=0)
    c.set_level(5)
    c.start()
    c.cap, c.cap_na = 5000, 5000000
    seen = set()
    for i in range(3000):
        seen.add(c.tick(5000, 100))  # 100 ohm: the compliance voltage allows 100 mA
    assert max(seen) == limits.DEVICE_MAX_UA  # it got there...
    assert c.out == 0 and c.state in (2, 3)  # ...and past it, still treating, 0, not 680
