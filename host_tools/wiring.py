"""The Pico's wiring, drawn from the pin table the firmware itself uses: firmware/board_pico.py's
PINS gives docs/wiring-pico.svg (the picture in docs/boards.md) and wokwi/diagram.json (the
same circuit in the Wokwi simulator), so neither can drift from the code.
tests/test_wiring.py fails when the committed files differ from what this writes.

    .venv/bin/python -m host_tools.wiring      # rewrite both
"""
import ast
import json
import os
import sys

from . import FIRMWARE

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the checkout: docs/, wokwi/
SVG = os.path.join(ROOT, "docs", "wiring-pico.svg")
DIAGRAM = os.path.join(ROOT, "wokwi", "diagram.json")
REGENERATE = ".venv/bin/python -m host_tools.wiring"

# The Pico's 40 header pins in physical order (Raspberry Pi's pinout; the Pico W and Pico 2
# share it): 1..20 down the left edge from the USB end, 21..40 up the right edge.
PICO = ("GP0 GP1 GND GP2 GP3 GP4 GP5 GND GP6 GP7 GP8 GP9 GND GP10 GP11 GP12 GP13 GND GP14 GP15 "
        "GP16 GP17 GND GP18 GP19 GP20 GP21 GND GP22 RUN GP26 GP27 AGND GP28 ADC_VREF 3V3(OUT) "
        "3V3_EN GND VSYS VBUS").split()
GROUNDS = [i + 1 for i, n in enumerate(PICO) if n in ("GND", "AGND")]  # Wokwi's GND.1..GND.8
VCC_PIN = PICO.index("3V3(OUT)") + 1
AGND_PIN = PICO.index("AGND") + 1  # the ADC's own ground, for the pot

SUPPLY_MV = 3300  # a Pico pin's high level
LED_MA = 2  # per LED: half the 4 mA the RP2040's pads drive by default, so a low-Vf LED stays under it
# Typical forward voltage (mV) by colour; the resistor is the next E12 value up from the ideal.
VF_MV = {"red": 2000, "yellow": 2100, "blue": 3000, "white": 3000}
E12 = (10, 12, 15, 18, 22, 27, 33, 39, 47, 56, 68, 82)

# What each PINS role is: an LED (colour, label), the pot, a button, or the on-board LED.
LEDS = {"out": ("white", "output"), "pos": ("red", "polarity +"), "neg": ("blue", "polarity -")}
MODE_LED = "yellow"
BUTTONS = {"btn_contact": ("contact", "C"), "btn_mode": ("mode", "M")}  # label, Wokwi key


def literal(path, name):
    """The value of the top-level assignment NAME = <literal> in the file at path: the
    board file imports machine, so it is read, not imported."""
    with open(path) as f:
        for node in ast.parse(f.read()).body:
            if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == [name]:
                return ast.literal_eval(node.value)
    raise ValueError("%s: no %s = ..." % (path, name))


def resistor(color):
    """Ohms for an LED of this colour on a 3.3 V pin: the smallest E12 value at which it
    takes at most LED_MA."""
    need = (SUPPLY_MV - VF_MV[color]) / LED_MA
    return min(m * 10 ** e for e in range(4) for m in E12 if m * 10 ** e >= need)


def physical(gp):
    """The header pin (1..40) of GPn; ValueError for one the header lacks (GP23..25, GP29)."""
    name = "GP%d" % gp
    if name not in PICO:
        raise ValueError("GP%d is not on the Pico's header: pick another pin in board_pico.PINS" % gp)
    return PICO.index(name) + 1


def ground_for(pin):
    """The digital GND pin nearest to a header pin, on its own side of the board."""
    side = [g for g in GROUNDS if g != AGND_PIN and (g <= 20) == (pin <= 20)]
    return min(side, key=lambda g: (abs(g - pin), g))


def parts(pins, modes):
    """[(id, kind, pin, attrs)] for every wired part: kind led, pot or button; pin the
    header pin of its GPIO."""
    out = []
    for role, (color, label) in LEDS.items():
        out.append(("led_" + role, "led", physical(pins[role]), (color, label)))
    for gp, name in zip(pins.get("mode_leds", ()), modes):
        out.append(("led_" + name.lower(), "led", physical(gp), (MODE_LED, name + " mode")))
    out.append(("pot", "pot", physical(pins["pot"]), ()))
    for role, (label, key) in BUTTONS.items():
        out.append((role, "button", physical(pins[role]), (label, key)))
    return out


def wokwi_pin(pin):
    name = PICO[pin - 1]
    if pin in GROUNDS:
        return "pico:GND.%d" % (GROUNDS.index(pin) + 1)
    return "pico:" + ("3V3" if pin == VCC_PIN else name)


def diagram(pins, modes):
    """wokwi/diagram.json's text (docs.wokwi.com/diagram-format): the Pico, each LED behind
    its resistor, the pot, the buttons. Wokwi draws the wires straight; drag the parts."""
    ps = [{"type": "wokwi-pi-pico", "id": "pico", "top": 0, "left": 0, "attrs": {}}]
    conns = []
    stacked = {True: 0, False: 0}  # parts so far down each side of the board
    for pid, kind, pin, attrs in parts(pins, modes):
        left = pin <= 20
        x = -220 if left else 160  # the part; an LED's resistor sits between it and the board
        y = stacked[left] * 60
        stacked[left] += 1
        gnd = wokwi_pin(ground_for(pin))
        if kind == "led":
            color, label = attrs
            rid = "r" + pid[3:]
            ps.append({"type": "wokwi-resistor", "id": rid, "top": y + 30,
                       "left": x + 60 if left else x, "attrs": {"value": str(resistor(color))}})
            ps.append({"type": "wokwi-led", "id": pid, "top": y, "left": x if left else x + 110,
                       "attrs": {"color": color, "label": label}})
            conns += [[wokwi_pin(pin), rid + ":1", "green", []],
                      [rid + ":2", pid + ":A", "green", []],
                      [pid + ":C", gnd, "black", []]]
        elif kind == "pot":
            # value: the knob's start, 0..1023. At the top the board reads an open circuit
            # (no contact); at 0 it would read 0 ohm, a broken sensor, and latch a fault.
            ps.append({"type": "wokwi-potentiometer", "id": pid, "top": y, "left": x,
                       "attrs": {"value": "1023"}})
            conns += [[pid + ":SIG", wokwi_pin(pin), "green", []],
                      [pid + ":VCC", wokwi_pin(VCC_PIN), "red", []],
                      [pid + ":GND", wokwi_pin(AGND_PIN), "black", []]]
        else:
            label, key = attrs
            ps.append({"type": "wokwi-pushbutton", "id": pid, "top": y, "left": x,
                       "attrs": {"color": "green", "label": label, "key": key}})
            conns += [[pid + ":1.l", wokwi_pin(pin), "green", []],
                      [pid + ":2.l", gnd, "black", []]]
    d = {"version": 1, "author": "glide (" + REGENERATE + ")", "editor": "wokwi",
         "parts": ps, "connections": conns, "dependencies": {}}
    return json.dumps(d, indent=2) + "\n"


# The picture: the board in the middle, a pin every ROW px, each part's chain beside its pin.
ROW, TOP, BOARD_L, BOARD_R, WIDTH = 28, 80, 400, 570, 970


def _y(pin):
    return TOP + ROW * ((pin - 1) if pin <= 20 else (40 - pin))


def _text(x, y, s, anchor="start", size=11, weight="normal"):
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return ('<text x="%d" y="%d" font-size="%d" font-weight="%s" text-anchor="%s">%s</text>'
            % (x, y + 4, size, weight, anchor, s))


def _line(x1, y1, x2, y2, color="#333", width=2):
    return ('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="%d"/>'
            % (x1, y1, x2, y2, color, width))


def _ground(x, y, d):
    # the ground symbol on its side, its bars facing away from the board (d = -1 left, 1 right)
    return "".join(_line(x + d * i * 4, y - h, x + d * i * 4, y + h, width=2)
                   for i, h in ((0, 8), (1, 5), (2, 2)))


def _chain(kind, pin, attrs):
    """The SVG of one part's wiring from its pin outwards, and its label."""
    y = _y(pin)
    d = -1 if pin <= 20 else 1
    x0 = BOARD_L if d < 0 else BOARD_R

    def at(dx):  # dx px out from the board's edge
        return x0 + d * dx
    g = ground_for(pin)
    s = []
    if kind == "led":
        color, label = attrs
        r = resistor(color)
        s += [_line(x0, y, at(30), y),
              '<rect x="%d" y="%d" width="40" height="12" fill="#f4e3c1" stroke="#333"/>'
              % (min(at(30), at(70)), y - 6),
              _text(at(50), y - 11, "%d \u03a9" % r, "middle", 10),
              _line(at(70), y, at(90), y)]
        # the LED: its triangle points from the anode (pin side) to the cathode bar
        a, k = at(90), at(106)
        s += ['<polygon points="%d,%d %d,%d %d,%d" fill="%s" stroke="#333"/>'
              % (a, y - 8, a, y + 8, k, y, {"white": "#fff", "yellow": "#ffe14d",
                                              "red": "#f55", "blue": "#59f"}[color]),
              _line(k, y - 8, k, y + 8, width=3),
              _line(k, y, at(126), y), _ground(at(126), y, d)]
        name = "%s LED, %s, to GND pin %d" % (label, color, g)
    else:
        label = attrs[0]
        # the button: a gap with a lever over it, then GND
        s += [_line(x0, y, at(50), y), '<circle cx="%d" cy="%d" r="3" fill="#333"/>' % (at(50), y),
              _line(at(50), y - 2, at(84), y - 10), '<circle cx="%d" cy="%d" r="3" fill="#333"/>'
              % (at(86), y), _line(at(86), y, at(126), y), _ground(at(126), y, d)]
        name = '"%s" button, to GND pin %d' % (label, g)
    s.append(_text(at(140), y, name, "end" if d < 0 else "start"))
    return s


def _pot(pin):
    # the pot as a box: its three legs on the wiper's pin, 3V3(OUT) and AGND
    legs = ((VCC_PIN, "3V3"), (AGND_PIN, "GND"), (pin, "wiper"))
    top, bottom = min(_y(p) for p, _ in legs), max(_y(p) for p, _ in legs)
    s = ['<rect x="%d" y="%d" width="70" height="%d" fill="#dde8f4" stroke="#333"/>'
         % (BOARD_R + 60, top - 10, bottom - top + 20)]
    for p, leg in legs:
        s += [_line(BOARD_R, _y(p), BOARD_R + 60, _y(p)), _text(BOARD_R + 66, _y(p), leg, size=10)]
    s.append(_text(BOARD_R + 140, (top + bottom) // 2 - 8, "potentiometer, 10 k\u03a9 linear:"))
    s.append(_text(BOARD_R + 140, (top + bottom) // 2 + 8, "ends on pins %d and %d, wiper on %d"
                   % (VCC_PIN, AGND_PIN, pin)))
    return s


def svg(pins, modes):
    """docs/wiring-pico.svg's text."""
    height = TOP + ROW * 20 + 110
    used = {p for _, _, p, _ in parts(pins, modes)}
    used |= {ground_for(p) for p in used} | {VCC_PIN, AGND_PIN}
    s = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" '
         'font-family="sans-serif">' % (WIDTH, height, WIDTH, height),
         '<rect width="100%" height="100%" fill="#fff"/>',
         _text(WIDTH // 2, 18, "glide on a Raspberry Pi Pico (Pico W, Pico 2): top view, USB at the top",
               "middle", 14, "bold"),
         _text(WIDTH // 2, 38, "drawn by `%s` from firmware/board_pico.py's PINS" % REGENERATE,
               "middle", 10),
         '<rect x="%d" y="%d" width="%d" height="%d" rx="8" fill="#2e7d32"/>'
         % (BOARD_L, TOP - 22, BOARD_R - BOARD_L, ROW * 20 + 20),
         '<rect x="%d" y="%d" width="32" height="16" fill="#bbb"/>' % ((BOARD_L + BOARD_R) // 2 - 16,
                                                                      TOP - 30),
         _text((BOARD_L + BOARD_R) // 2 + 24, TOP - 26, "\u2190 status: the on-board LED, no wiring")]
    for i, name in enumerate(PICO):
        pin = i + 1
        left = pin <= 20
        x = BOARD_L if left else BOARD_R
        on = pin in used
        s.append('<circle cx="%d" cy="%d" r="5" fill="%s" stroke="#fff"/>'
                 % (x, _y(pin), "#ffd54f" if on else "#9e9e9e"))
        s.append('<text x="%d" y="%d" font-size="10" fill="#fff" text-anchor="%s"%s>%s %d</text>'
                 % (x + (9 if left else -9), _y(pin) + 4, "start" if left else "end",
                    ' font-weight="bold"' if on else "", name, pin))
    for _, kind, pin, attrs in parts(pins, modes):
        s += _pot(pin) if kind == "pot" else _chain(kind, pin, attrs)
    foot = TOP + ROW * 20 + 20
    for i, line in enumerate((
            "LED: the long leg (anode) to the resistor and the pin; the short leg, on the flat of the rim "
            "(cathode), to GND.",
            "Buttons: momentary, normally open, pin to GND: the firmware's pull-ups hold the pin high "
            "until pressed.",
            "Every GND pin is the same ground: a breadboard's ground rail to any of them will do. "
            "The mode LEDs are optional.",
            "Every output is an LED. Never connect any pin, LED or board of this project to a person.")):
        s.append(_text(20, foot + 18 * i, line, size=11, weight="bold" if i == 3 else "normal"))
    s.append("</svg>")
    return "\n".join(s) + "\n"


def generated():
    """{path: text} of every file this module writes, from the firmware as it is now."""
    pins = literal(os.path.join(FIRMWARE, "board_pico.py"), "PINS")
    modes = literal(os.path.join(FIRMWARE, "waveform.py"), "NAMES")
    return {SVG: svg(pins, modes), DIAGRAM: diagram(pins, modes)}


def main():
    if not os.path.isdir(os.path.join(ROOT, "docs")):  # an installed glide: nothing to rewrite
        print("host_tools.wiring: %s is not a glide checkout (no docs/)" % ROOT, file=sys.stderr)
        return 2
    for path, text in generated().items():
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        print("wrote", os.path.relpath(path, ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
