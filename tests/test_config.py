import json

import pytest
from hypothesis import given, settings, strategies as st

import config
from limits import LEVEL_CAPS


def load(tmp_path, text):
    p = tmp_path / "glide.json"
    p.write_text(text)
    return config.load(str(p))


def test_missing_file_is_defaults_without_errors(tmp_path):
    cfg, errors = config.load(str(tmp_path / "none.json"))
    assert errors == [] and cfg == config.defaults()
    assert cfg["levels"] == list(LEVEL_CAPS) and cfg["hz"] == 200


def test_good_values_are_taken(tmp_path):
    cfg, errors = load(tmp_path, json.dumps({"hz": 500, "mode": "TAP", "biphasic": True,
                                             "levels": [100, 200], "level": 2,
                                             "pins": {"out": 3}}))
    assert errors == []
    assert (cfg["hz"], cfg["mode"], cfg["biphasic"], cfg["levels"], cfg["level"]) == \
        (500, 2, True, [100, 200], 2)
    assert cfg["pins"] == {"out": 3}


@pytest.mark.parametrize("data, key, why", [
    ({"hz": 5000}, "hz", "5000 is outside 50..1000"),
    ({"hz": "fast"}, "hz", "must be a whole number 50..1000"),
    ({"hz": 200.5}, "hz", "whole number"),
    ({"slew": True}, "slew", "whole number"),
    ({"levels": [100, 1000]}, "levels", "each 1..680 uA"),
    ({"levels": [300, 200]}, "levels", "caps must rise"),
    ({"levels": []}, "levels", "list of 1..5"),
    ({"levels": "high"}, "levels", "list of 1..5"),
    ({"mode": "ZAP"}, "mode", "must be one of ADV, LIFT, TAP, SCULPT"),
    ({"biphasic": 1}, "biphasic", "true or false"),
    ({"pins": {"laser": 4}}, "pins", "unknown pin laser"),
    ({"pins": [1, 2]}, "pins", "object of pin names"),
    ({"current": 900}, "current", "unknown key"),
    ({"vmax_mv": 100000}, "vmax_mv", "outside 1000..30000"),
])
def test_each_bad_key_says_which_and_why_and_keeps_the_default(tmp_path, data, key, why):
    cfg, errors = load(tmp_path, json.dumps(dict(data, status_ms=500)))
    assert len(errors) == 1
    assert errors[0].startswith(key + ": ") and why in errors[0]
    assert cfg["status_ms"] == 500  # the good key still counts
    if key in cfg:
        assert cfg[key] == config.defaults()[key]


def test_level_beyond_the_configured_levels(tmp_path):
    cfg, errors = load(tmp_path, json.dumps({"levels": [100, 200], "level": 4}))
    assert cfg["level"] == 1 and "level" in errors[0]


@pytest.mark.parametrize("text", ["{hz: 200", "", "[1, 2]", "null", "\x00\xff"])
def test_corrupt_file_gives_defaults_and_a_reason(tmp_path, text):
    cfg, errors = load(tmp_path, text)
    assert cfg == config.defaults() and len(errors) == 1
    assert "defaults" in errors[0]


def test_no_configuration_can_raise_the_limits(tmp_path):
    import controller
    cfg, errors = load(tmp_path, json.dumps({"levels": [680, 999], "vmax_mv": 30000,
                                             "slew": 2000, "adapt": 10000}))
    c = controller.Controller(lambda l: None, **config.core(cfg))
    assert max(c.levels) <= 680 and any(e.startswith("levels") for e in errors)


@pytest.mark.parametrize("data, key, fixed", [
    ({"make_ohm": 200000, "break_ohm": 150000}, "make_ohm", {"make_ohm": 100000, "break_ohm": 150000}),
    ({"slew": 1000, "adapt": 500}, "slew", {"slew": 500, "adapt": 500}),
])
def test_keys_that_clash_are_settled_without_raising_a_limit(tmp_path, data, key, fixed):
    cfg, errors = load(tmp_path, json.dumps(dict(data, levels=[50, 100])))
    assert len(errors) == 1 and errors[0].startswith(key + ": ")
    assert {k: cfg[k] for k in fixed} == fixed and cfg["levels"] == [50, 100]


@pytest.mark.parametrize("pins, why", [
    ({"mode_leds": 5}, "mode_leds must be a list"),
    ({"mode_leds": [1, 2, 3, 4, 5]}, "mode_leds must be a list of up to 4"),
    ({"out": 2.5}, "out: a pin is a number or a name"),
    ({"pot": None}, "pot: a pin is a number or a name"),
])
def test_pin_values_are_checked(tmp_path, pins, why):
    cfg, errors = load(tmp_path, json.dumps({"pins": pins}))
    assert cfg["pins"] == {} and len(errors) == 1 and why in errors[0]


def test_watchdog_is_off_or_at_least_100_ms(tmp_path):
    assert load(tmp_path, '{"wdt_ms": 0}') == (dict(config.defaults(), wdt_ms=0), [])
    cfg, errors = load(tmp_path, '{"wdt_ms": 3}')
    assert cfg["wdt_ms"] == 2000 and "outside 100..8000" in errors[0]


def test_a_file_that_is_not_text(tmp_path):
    p = tmp_path / "glide.json"
    p.write_bytes(b'{"hz": 200\xff}')
    cfg, errors = config.load(str(p))
    assert cfg == config.defaults() and "not text" in errors[0]


settings_value = st.one_of(st.integers(-10, 3000000), st.booleans(), st.text(max_size=5),
                           st.lists(st.integers(-5, 1000), max_size=6), st.none())


@settings(max_examples=500, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(row[0] for row in config.INTS) + ["levels", "mode", "biphasic"]),
                       settings_value, max_size=8))
def test_every_accepted_config_builds_a_controller_within_the_limits(data):
    import controller
    cfg = config.defaults()
    errors = config.apply(cfg, data)
    c = controller.Controller(lambda line: None, **config.core(cfg))  # never raises
    assert max(c.levels) <= 680 and c.contact.make_ohm < c.contact.break_ohm
    if isinstance(data.get("levels"), list) and not any(e.startswith("levels") for e in errors):
        assert list(c.levels) == data["levels"]


def test_names_from_the_file_cannot_inject_log_lines():
    # A key with a newline would start a line of its own in the log (a fake event);
    # names are quoted: printable ASCII as it is, the rest escaped, 40 characters.
    cfg = config.defaults()
    errors = config.apply(cfg, {"x\nE t=0 ev=FAULT st=FAULT out=0": 1, "é\t": 2,
                                "pins": {"\r\nG glide=9": 3}, "k" * 100: 4})
    assert all(" " <= ch <= "~" for e in errors for ch in e)
    assert errors[0].startswith("x\\x0aE t=0 ev=FAULT st=FAULT out=0: unknown key")
    assert errors[1].startswith("\\xe9\\x09: unknown key")
    assert "unknown pin \\x0d\\x0aG glide=9 " in errors[2]
    assert errors[3].startswith("k" * 40 + "...: unknown key")
    assert cfg == config.defaults()  # and nothing was taken
