# Generic ESP32 DevKit (esp32). Wiring: docs/boards.md.
# GPIO numbers; 34 is input-only ADC1 (ADC2 pins stop working with Wi-Fi).
from machine import Pin, ADC
from hw import Board

PINS = {
    "out": 25,  # output LED, PWM brightness = commanded current
    "pos": 26,  # polarity + LED
    "neg": 27,  # polarity - LED
    "status": 2,  # on-board LED of most DevKits
    "pot": 34,  # ADC1_CH6: potentiometer standing for skin resistance
    "btn_contact": 32,  # to GND: held = skin contact
    "btn_mode": 33,  # to GND: short = next mode, long = next level
    "mode_leds": (16, 17, 18, 19),  # optional: ADV, LIFT, TAP, SCULPT
}


def make(cfg):
    # Imported here: config is dropped after boot (main.start), its heap freed.
    from config import pin_map
    pins = pin_map(PINS, cfg, 39)  # GPIO0..GPIO39, the ESP32's
    # 11 dB attenuation: the full 0..3.3 V potentiometer range
    adc = ADC(Pin(pins["pot"]), atten=ADC.ATTN_11DB)
    return Board(pins, cfg, adc)
