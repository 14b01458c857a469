# Raspberry Pi Pico / Pico W / Pico 2 (rp2). Wiring: docs/boards.md.
# GP numbers; "LED" is the on-board LED on every Pico (on the W via the radio).
from hw import Board

PINS = {
    "out": 15,  # output LED, PWM brightness = commanded current
    "pos": 14,  # polarity + LED
    "neg": 13,  # polarity - LED
    "status": "LED",  # blink code of the state
    "pot": 26,  # ADC0: potentiometer standing for skin resistance
    "btn_contact": 16,  # to GND: held = skin contact
    "btn_mode": 17,  # to GND: short = next mode, long = next level
    "mode_leds": (18, 19, 20, 21),  # optional: ADV, LIFT, TAP, SCULPT
}


def make(cfg):
    pins = dict(PINS)
    pins.update(cfg["pins"])
    return Board(pins, cfg)
