"""docs/wiring-pico.svg and wokwi/diagram.json are drawn from firmware/board_pico.py's PINS by
host_tools/wiring.py: this fails when a committed file differs from what the pin table gives
(and says how to regenerate), and checks the Wokwi diagram on its own terms: its structure
(docs.wokwi.com/diagram-format), and every PINS entry traced through the wires, from the
part's own pins, to the Pico pin board_pico.py names."""
import json
import os
import re
import xml.etree.ElementTree as ET

import pytest

from host_tools import FIRMWARE, wiring

PINS = wiring.literal(os.path.join(FIRMWARE, "board_pico.py"), "PINS")
NAMES = wiring.literal(os.path.join(FIRMWARE, "waveform.py"), "NAMES")

# The pins each Wokwi part has (docs.wokwi.com/parts/...): a name outside these is a wire
# Wokwi silently drops.
PICO_PINS = ({"GP%d" % n for n in list(range(23)) + [26, 27, 28]}
             | {"GND.%d" % n for n in range(1, 9)} | {"3V3", "VSYS", "VBUS"})
PART_PINS = {
    "wokwi-pi-pico": PICO_PINS,
    "wokwi-led": {"A", "C"},
    "wokwi-resistor": {"1", "2"},
    "wokwi-potentiometer": {"GND", "SIG", "VCC"},
    "wokwi-pushbutton": {"1.l", "1.r", "2.l", "2.r"},
}
# What conducts inside a part whatever its state: a resistor end to end, a button's two
# legs of one contact.
THROUGH = {"wokwi-resistor": [("1", "2")], "wokwi-pushbutton": [("1.l", "1.r"), ("2.l", "2.r")]}


def committed(path):
    with open(path) as f:
        return f.read()


@pytest.mark.parametrize("path", [wiring.SVG, wiring.DIAGRAM], ids=os.path.basename)
def test_the_committed_file_is_what_the_pin_table_gives(path):
    assert committed(path) == wiring.generated()[path], (
        "%s differs from firmware/board_pico.py's PINS: run %s"
        % (os.path.relpath(path, wiring.ROOT), wiring.REGENERATE))


def diagram():
    return json.loads(committed(wiring.DIAGRAM))


def test_the_diagram_is_wokwi_structure():
    d = diagram()
    assert d["version"] == 1 and d["editor"] == "wokwi"
    ids = [p["id"] for p in d["parts"]]
    assert len(ids) == len(set(ids)), "part ids must be unique"
    types = {p["id"]: p["type"] for p in d["parts"]}
    assert list(types.values()).count("wokwi-pi-pico") == 1
    for p in d["parts"]:
        assert p["type"] in PART_PINS, p
        assert isinstance(p.get("attrs", {}), dict)
        assert all(isinstance(v, str) for v in p.get("attrs", {}).values()), p  # Wokwi's attrs are strings
    for c in d["connections"]:
        assert len(c) == 4 and isinstance(c[2], str) and c[3] == [], c
        for end in c[:2]:
            part, _, pin = end.partition(":")
            assert part in types and pin in PART_PINS[types[part]], "%s: no such pin" % end


def nets(d):
    """{part:pin: the set of part:pins it conducts to}, through wires, resistors and each
    button contact's two legs (a button open, as it rests)."""
    net = {}

    def join(a, b):
        s = net.get(a, {a}) | net.get(b, {b})
        for x in s:
            net[x] = s
    for c in d["connections"]:
        join(c[0], c[1])
    for p in d["parts"]:
        for a, b in THROUGH.get(p["type"], ()):
            join(p["id"] + ":" + a, p["id"] + ":" + b)
    return net


def pico(net, end):
    return {x[5:] for x in net.get(end, ()) if x.startswith("pico:")}


def parts_of(d, kind, label):
    return [p["id"] for p in d["parts"] if p["type"] == kind and p["attrs"].get("label") == label]


def test_every_led_is_on_its_pin_behind_a_resistor_and_its_cathode_on_gnd():
    d = diagram()
    net = nets(d)
    want = {"output": PINS["out"], "polarity +": PINS["pos"], "polarity -": PINS["neg"]}
    want.update({name + " mode": gp for gp, name in zip(PINS["mode_leds"], NAMES)})
    leds = [p for p in d["parts"] if p["type"] == "wokwi-led"]
    assert sorted(p["attrs"]["label"] for p in leds) == sorted(want)
    for p in leds:
        anode, cathode = p["id"] + ":A", p["id"] + ":C"
        assert pico(net, anode) == {"GP%d" % want[p["attrs"]["label"]]}, p
        # through a resistor, never straight from the pin: the anode's own wire goes to one
        direct = {c[1] if c[0] == anode else c[0] for c in d["connections"] if anode in c[:2]}
        assert direct and all(x.split(":")[0].startswith("r") for x in direct), p
        gnd = pico(net, cathode)
        assert gnd and all(x.startswith("GND.") for x in gnd), p


def test_the_pot_is_a_divider_from_3v3_to_gnd_with_its_wiper_on_the_adc_pin():
    net = nets(diagram())
    assert pico(net, "pot:SIG") == {"GP%d" % PINS["pot"]}
    assert PINS["pot"] in (26, 27, 28), "the pot needs an ADC pin"
    assert pico(net, "pot:VCC") == {"3V3"}
    assert pico(net, "pot:GND") == {"GND.7"}  # physical pin 33, AGND


def test_each_button_joins_its_pin_to_gnd_only_when_pressed():
    d = diagram()
    net = nets(d)
    for role, label in (("btn_contact", "contact"), ("btn_mode", "mode")):
        (b,) = parts_of(d, "wokwi-pushbutton", label)
        one, two = pico(net, b + ":1.l"), pico(net, b + ":2.l")
        assert one == {"GP%d" % PINS[role]}, (role, one)
        assert two and all(x.startswith("GND.") for x in two), (role, two)


def test_no_pico_pin_is_wired_to_two_roles_and_no_signal_to_power():
    net = nets(diagram())
    for end, joined in net.items():
        on = {x for x in joined if x.startswith("pico:")}
        gp = {x for x in on if x.startswith("pico:GP")}
        assert len(gp) <= 1 and not (gp and on - gp), (end, on)


def test_the_generator_follows_the_pin_table():
    # a moved pin moves the wire: the picture and the diagram follow PINS, not a copy of it
    moved = dict(PINS, out=2)
    d = json.loads(wiring.diagram(moved, NAMES))
    assert pico(nets(d), "led_out:A") == {"GP2"}
    picture = wiring.svg(moved, NAMES)  # a wired pin's name is bold
    assert 'bold">GP2 4<' in picture and 'bold">GP15 20<' not in picture
    with pytest.raises(ValueError, match="GP23 is not on the Pico's header"):
        wiring.diagram(dict(PINS, out=23), NAMES)


def test_led_resistors_keep_each_led_at_a_few_milliamps():
    # the RP2040's pads drive 4 mA by default; (3.3 V - Vf) / R at the typical Vf
    for color, vf in wiring.VF_MV.items():
        ma = (wiring.SUPPLY_MV - vf) / wiring.resistor(color)
        assert 1 <= ma <= wiring.LED_MA, (color, ma)
    assert wiring.resistor("red") == 680 and wiring.resistor("white") == 150


def test_the_parts_list_gives_the_resistors_the_generator_computes():
    with open(os.path.join(wiring.ROOT, "docs", "boards.md")) as f:
        doc = f.read()
    parts = doc[doc.index("## Parts"):doc.index("## Wiring")]
    values = {wiring.resistor(c) for c, _ in wiring.LEDS.values()} | {wiring.resistor(wiring.MODE_LED)}
    for ohm in values:
        assert "%d ohm" % ohm in parts and "[%dR]" % ohm in doc, ohm
    listed = {int(x) for x in re.findall(r"(\d+) ohm", parts.split("**Resistors.**")[0])}
    assert listed == values, "docs/boards.md's parts list: %s, the generator: %s" % (listed, values)


def test_the_picture_is_svg_and_names_every_wired_pin():
    root = ET.fromstring(committed(wiring.SVG))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    text = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    for role in ("out", "pos", "neg", "pot", "btn_contact", "btn_mode"):
        assert "GP%d %d" % (PINS[role], wiring.physical(PINS[role])) in text, role
    assert "Never connect" in text


def test_wokwi_toml_serves_the_port_the_docs_give():
    import tomllib

    with open(os.path.join(os.path.dirname(wiring.DIAGRAM), "wokwi.toml"), "rb") as f:
        w = tomllib.load(f)["wokwi"]
    assert w["version"] == 1 and w["firmware"].endswith(".uf2")
    with open(os.path.join(wiring.ROOT, "docs", "boards.md")) as f:
        doc = f.read()
    assert "rfc2217://localhost:%d" % w["rfc2217ServerPort"] in doc
    assert w["firmware"] in doc, "docs/boards.md must say where the UF2 goes"


class _PortSettings:
    """What pyserial's RFC2217 server sets on the port it serves: a pty takes no modem
    lines, so the settings land here and the bytes go to the pty."""
    baudrate, bytesize, parity, stopbits = 115200, 8, "N", 1
    xonxoff = rtscts = break_condition = False
    rts = dtr = True
    cts = dsr = ri = cd = False

    def reset_input_buffer(self):
        pass

    reset_output_buffer = reset_input_buffer


class _Writer:
    # PortManager writes its telnet replies with .write, which a socket lacks
    def __init__(self, conn):
        self.write = conn.sendall


def test_the_wokwi_url_reaches_a_board_through_an_rfc2217_server(capsys):
    # Wokwi for VS Code serves the simulated Pico's port as RFC2217 (wokwi.toml's
    # rfc2217ServerPort); pyserial's own RFC2217 server stands in for it, in front of a
    # fake board, and glide send takes the URL docs/boards.md gives.
    import select
    import socket
    import threading

    import serial.rfc2217
    from fake_serial import HEADER, WAIT, FakeBoard

    from host_tools import cli

    board = FakeBoard()
    pty = os.open(board.path, os.O_RDWR | os.O_NOCTTY)
    server = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve():
        conn = server.accept()[0]
        manager = serial.rfc2217.PortManager(_PortSettings(), _Writer(conn))
        while not stop.is_set():
            ready = select.select([conn, pty], [], [], 0.02)[0]
            if pty in ready:
                conn.sendall(b"".join(manager.escape(os.read(pty, 1024))))
            if conn in ready:
                got = conn.recv(1024)
                if not got:
                    break
                os.write(pty, b"".join(manager.filter(got)))
        conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        url = "rfc2217://127.0.0.1:%d" % server.getsockname()[1]
        assert cli.main(["send", "--port", url, "--timeout", str(WAIT), "info"]) == 0
        assert capsys.readouterr().out.splitlines() == [HEADER]
        assert board.commands.get(timeout=WAIT) == "info"
    finally:
        stop.set()
        thread.join(WAIT)
        server.close()
        os.close(pty)
        board.close()
