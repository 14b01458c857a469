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
    # Imported here: config is dropped after boot (main.start), its heap freed.
    from config import pin_map
    pins = pin_map(PINS, cfg, 29)  # GP0..GP29, the RP2040's and the Pico 2's RP2350A's
    return Board(pins, cfg)
