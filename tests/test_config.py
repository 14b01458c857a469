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
    ({"hz": "200"}, "hz", "whole number"),
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


CHAIN = {"make_ohm": 100000, "break_ohm": 150000, "pot_min_ohm": 1000, "pot_max_ohm": 2000000,
         "contact_ohm": 20000}


@pytest.mark.parametrize("data, key, fixed", [
    ({"make_ohm": 200000, "break_ohm": 150000}, "make_ohm", CHAIN),
    ({"make_ohm": 150000}, "make_ohm", CHAIN),
    # break at or above the open-circuit reading: an unplugged sensor never lost contact
    ({"break_ohm": 2000000}, "break_ohm", CHAIN),
    ({"break_ohm": 1500001}, "break_ohm", CHAIN),
    ({"pot_max_ohm": 199999}, "break_ohm", CHAIN),
    ({"pot_max_ohm": 100000, "pot_min_ohm": 100, "make_ohm": 5000, "break_ohm": 75001},
     "break_ohm", CHAIN),
    ({"pot_min_ohm": 100000}, "pot_min_ohm", CHAIN),
    ({"pot_min_ohm": 2000000, "pot_max_ohm": 1000}, "break_ohm", CHAIN),
    ({"contact_ohm": 100001}, "contact_ohm", CHAIN),
    ({"slew": 1000, "adapt": 500}, "slew", {"slew": 500, "adapt": 500}),
])
def test_keys_that_clash_are_settled_without_raising_a_limit(tmp_path, data, key, fixed):
    cfg, errors = load(tmp_path, json.dumps(dict(data, levels=[50, 100])))
    assert len(errors) == 1 and errors[0].startswith(key + ": ")
    assert {k: cfg[k] for k in fixed} == fixed and cfg["levels"] == [50, 100]
    if fixed is CHAIN:
        assert errors[0].endswith(": using make_ohm 100000, break_ohm 150000, pot_min_ohm 1000,"
                                  " pot_max_ohm 2000000, contact_ohm 20000")


def test_the_tightest_contact_chain_that_is_allowed(tmp_path):
    chain = {"pot_min_ohm": 100, "contact_ohm": 1000, "make_ohm": 1000, "break_ohm": 1500,
             "pot_max_ohm": 2000}
    cfg, errors = load(tmp_path, json.dumps(chain))
    assert errors == [] and {k: cfg[k] for k in chain} == chain


@pytest.mark.parametrize("pins, why", [
    ({"mode_leds": 5}, "mode_leds must be a list"),
    ({"mode_leds": [1, 2, 3, 4, 5]}, "mode_leds must be a list of up to 4"),
    ({"out": "2.5"}, "out: a pin is a number from 0 or a name"),
    ({"out": -1}, "out: a pin is a number from 0 or a name"),
    ({"status": "LED\nE t=0"}, "status: a pin is a number from 0 or a name of 1..12"),
    ({"pot": None}, "pot: a pin is a number from 0 or a name"),
])
def test_pin_values_are_checked(tmp_path, pins, why):
    cfg, errors = load(tmp_path, json.dumps({"pins": pins}))
    assert cfg["pins"] == {} and len(errors) == 1 and why in errors[0]


@pytest.mark.parametrize("key, lo", [("wdt_ms", 100), ("stuck_ms", 100)])
def test_a_safety_check_cannot_be_turned_off(tmp_path, key, lo):
    # 0 was "off" for both; a stuck_ms under one sample period rounded to 0 samples.
    for v in (0, 3, lo - 1):
        cfg, errors = load(tmp_path, '{"%s": %d}' % (key, v))
        assert cfg[key] == config.defaults()[key]
        assert errors == ["%s: %d is outside %d..%s: using %d" % (
            key, v, lo, config._spec(key, config.INTS)[3], cfg[key])]
    cfg, errors = load(tmp_path, '{"%s": %d, "hz": 50}' % (key, lo))
    assert errors == [] and cfg[key] == lo
    import controller
    c = controller.Controller(lambda line: None, **config.core(cfg))
    assert c.contact.stuck_n >= 5


def test_a_file_that_is_not_text(tmp_path):
    p = tmp_path / "glide.json"
    p.write_bytes(b'{"hz": 200\xff}')
    cfg, errors = config.load(str(p))
    assert cfg == config.defaults()
    assert errors == ["%s line 1 col 11: byte 0xff is not ASCII: using defaults" % p]


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
    # in key order, the same on every runtime (a dict's own order is not)
    assert errors[0].startswith("k" * 40 + "...: unknown key")
    assert "unknown pin \\x0d\\x0aG glide=9 " in errors[1]
    assert errors[2].startswith("x\\x0aE t=0 ev=FAULT st=FAULT out=0: unknown key")
    assert errors[3].startswith("\\xe9\\x09: unknown key")
    assert cfg == config.defaults()  # and nothing was taken


# -- the syntax: one reader on every runtime (docs/boards.md) ------------------------------

@pytest.mark.parametrize("text, where, why", [
    ('{"hz": NaN}', "line 1 col 8", "expected a value, not N"),
    ('{"hz": Infinity}', "line 1 col 8", "expected a value, not I"),
    ('{"hz": -Infinity}', "line 1 col 8", "numbers are whole"),
    ('{"hz": 1e3}', "line 1 col 8", "numbers are whole, 1 to 9 digits, no leading 0"),
    ('{"hz": 200.0}', "line 1 col 8", "numbers are whole"),
    ('{"hz": 0200}', "line 1 col 8", "no leading 0"),
    ('{"hz": 1234567890}', "line 1 col 8", "1 to 9 digits"),
    ('{"pins": {"out": 18446744073709551616}}', "line 1 col 18", "1 to 9 digits"),
    ('{"hz": 200, "hz": 5000}', "line 1 col 13", '"hz" twice'),
    ('{"hz": 200} {}', "line 1 col 13", "more after the end"),
    ('{"hz": 200,}', "line 1 col 12", 'expected a "name"'),
    ("{'hz': 200}", "line 1 col 2", 'expected a "name"'),
    ('{"hz" 200}', "line 1 col 7", "expected :"),
    ('{"hz": 200', "line 1 col 11", "expected , or }"),
    ('{"levels": [1 2]}', "line 1 col 15", "expected , or ]"),
    ('{\n  "mode": "ADV\n"}', "line 2 col 15", "a control character in a string"),
    ('{"mode": "ADV', "line 1 col 14", "unterminated string"),
    ('{"mode": "\\x41"}', "line 1 col 11", "escapes are"),
    ('{"mode": "\\u0100"}', "line 1 col 11", "\\u0000..\\u007f"),
    ('{"mode": "\\u00"}', "line 1 col 11", "escapes are"),
    ('{"pins": {"mode_leds": [[1]]}}', "line 1 col 25", "nested deeper than 3"),
    ("[" * 1000 + "]" * 1000, "line 1 col 4", "nested deeper than 3"),
    ('{"hz": tru}', "line 1 col 8", "expected a value, not t"),
    ("", "line 1 col 1", "the file ends too soon"),
    (" \n ", "line 2 col 2", "the file ends too soon"),
    ("{}\n// note", "line 2 col 1", "more after the end"),
    ('{"hz": 200}\x00', "line 1 col 12", "more after the end"),
])
def test_text_outside_the_syntax_is_refused_whole_with_its_place(tmp_path, text, where, why):
    cfg, errors = load(tmp_path, text)
    assert cfg == config.defaults() and len(errors) == 1
    assert errors[0].startswith("%s %s: " % (tmp_path / "glide.json", where)), errors
    assert why in errors[0] and errors[0].endswith(": using defaults")


@pytest.mark.parametrize("data", [
    b'\xef\xbb\xbf{}', b'{"mode": "\xc3\xa9"}', b'{"mode": "\xff\xfe"}', b'{"hz": 200\xed\xa0\x80}'])
def test_a_byte_outside_ascii_is_refused_wherever_it_is(tmp_path, data):
    p = tmp_path / "glide.json"
    p.write_bytes(data)
    cfg, errors = config.load(str(p))
    assert cfg == config.defaults() and len(errors) == 1 and "is not ASCII" in errors[0]


def test_what_the_syntax_takes(tmp_path):
    text = ('\t{ "hz" :500,\r\n"mode":"T\\u0041\\u0050" , "pins": {"out": 0, "status": "LED",'
            ' "mode_leds": []}, "boot_ms": -0, "levels": [ 100 , 680 ], "biphasic": true,'
            ' "autostart": false, "x\\"\\\\\\/\\b\\f\\n\\r\\t": null, "session_s": 999999999 }\n')
    assert config.parse(text.encode()) == (json.loads(text), None)
    cfg, errors = load(tmp_path, text)
    assert (cfg["hz"], cfg["mode"], cfg["boot_ms"], cfg["levels"], cfg["biphasic"]) == \
        (500, 2, 0, [100, 680], True)
    assert cfg["pins"] == {"out": 0, "status": "LED", "mode_leds": []}
    assert errors == ["session_s: 999999999 is outside 10..3600: using 1200",
                      'x"\\/\\x08\\x0c\\x0a\\x0d\\x09: unknown key: using nothing']


def test_a_file_longer_than_the_bound_is_not_read(tmp_path):
    fits = '{"hz": 300}'.ljust(config.MAX_BYTES)
    assert load(tmp_path, fits)[0]["hz"] == 300
    cfg, errors = load(tmp_path, fits + " ")
    assert cfg == config.defaults()
    assert errors == ["%s longer than %d bytes: using defaults" % (tmp_path / "glide.json",
                                                                   config.MAX_BYTES)]


# -- every text: no crash, nothing outside the table, no safety check off ---------------

def assert_safe(cfg, errors):
    """What every configuration config.load gives must satisfy, whatever the file said."""
    import controller
    from contact import R_OPEN
    assert sorted(cfg) == sorted(config.defaults())
    for key, _, lo, hi in config.INTS:
        assert type(cfg[key]) is int and lo <= cfg[key] <= hi, key
    for key, _ in config.BOOLS:
        assert type(cfg[key]) is bool
    assert 1 <= len(cfg["levels"]) <= 5 and cfg["levels"] == sorted(set(cfg["levels"]))
    assert 0 < cfg["levels"][0] and cfg["levels"][-1] <= 680 and cfg["level"] <= len(cfg["levels"])
    assert cfg["mode"] in range(4) and type(cfg["pins"]) is dict
    # contact detection works: an open circuit (the pot's top, the sensor's 2 Mohm) breaks
    # contact with a margin, the pot can make it, the contact button makes it
    assert cfg["pot_min_ohm"] < cfg["make_ohm"] < cfg["break_ohm"]
    assert cfg["break_ohm"] * 4 <= cfg["pot_max_ohm"] * 3 and cfg["pot_max_ohm"] <= R_OPEN
    assert cfg["contact_ohm"] <= cfg["make_ohm"]
    assert cfg["wdt_ms"] > 0 and cfg["slew"] <= cfg["adapt"]
    c = controller.Controller(lambda line: None, **config.core(cfg))
    assert c.contact.stuck_n >= 5 and max(c.levels) <= 680
    assert c.vmax_uv // c.contact.make_ohm >= 1  # some current can flow at make
    for e in errors:
        assert all(" " <= ch <= "~" for ch in e), e  # one printable line each


def json_value(depth=3):
    scalars = st.one_of(
        st.integers(-10, 3000000), st.integers(), st.booleans(), st.none(),
        st.sampled_from(["ADV", "tap", "LED", "NaN", "1e3", "GP15", ""]), st.text(max_size=4),
        st.floats(allow_nan=True, allow_infinity=True))
    if depth == 0:
        return scalars
    inner = json_value(depth - 1)
    return st.one_of(scalars, st.lists(inner, max_size=5),
                     st.dictionaries(st.sampled_from(PIN_AND_KEYS), inner, max_size=5))


PIN_AND_KEYS = sorted([r[0] for r in config.INTS] + [r[0] for r in config.BOOLS] +
                      list(config.PINS) + ["levels", "mode", "pins", "x"])


def as_text(data, nest, mutate, draw_bytes):
    text = json.dumps(data, allow_nan=True, ensure_ascii=nest % 2 == 0)
    text = "[" * nest + text + "]" * nest
    b = text.encode("utf-8")
    if mutate:
        i = mutate[0] % (len(b) + 1)
        b = b[:i] + draw_bytes + b[i + mutate[1] % 3:]
    return b


configs = st.builds(
    as_text,
    st.dictionaries(st.sampled_from(PIN_AND_KEYS), json_value(), max_size=10),
    st.sampled_from([0, 0, 0, 1, 3, 1000]),
    st.one_of(st.none(), st.tuples(st.integers(0, 10 ** 4), st.integers(0, 2))),
    st.binary(max_size=3))


@settings(max_examples=1500, deadline=None)
@given(st.one_of(configs, st.binary(max_size=64)))
def test_every_file_loads_to_a_safe_configuration(tmp_path_factory, data):
    p = tmp_path_factory.mktemp("b") / "glide.json"
    p.write_bytes(data)
    cfg, errors = config.load(str(p))  # never raises
    assert_safe(cfg, errors)


def test_a_file_the_board_has_no_memory_for_gives_the_defaults(tmp_path, monkeypatch):
    # 170 short names in 2 KB ran the emulated micro:bit's 10 KB heap out at boot; halfway
    # through apply(), cfg would hold some of the file's settings and not others.
    real = config.apply

    def apply(cfg, data):
        real(cfg, data)
        raise MemoryError("memory allocation failed, allocating 1016 bytes")
    monkeypatch.setattr(config, "apply", apply)
    cfg, errors = load(tmp_path, '{"hz": 1000, "break_ohm": 160000}')
    assert cfg == config.defaults()
    assert errors == ["%s: more than this board's memory holds: using defaults"
                      % (tmp_path / "glide.json")]
