import json

import pytest

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


def test_consistent_keys_can_still_clash_and_main_falls_back(tmp_path):
    # make above break passes per key; the Controller refuses the pair.
    import controller
    cfg, errors = load(tmp_path, json.dumps({"make_ohm": 200000, "break_ohm": 150000}))
    assert errors == []
    with pytest.raises(ValueError):
        controller.Controller(lambda l: None, **config.core(cfg))
