"""glide sim --runtime pico: a scenario played at the emulated Pico's pins.

The Pico image (MicroPython's rp2 port with glide frozen in) runs in rp2040js under Node;
host_tools/pico/scenario.mjs plays the scenario outside the chip, at its peripherals: the
skin as ADC0's conversion of the pot divider's voltage, buttons as GPIO levels, commands
as UART0 bytes at 115200 baud, each at a fixed emulated time; it reads the LEDs back from
the GPIO and PWM registers and checks every status line against them. This module gives
it what it must not copy: the pins, what the firmware reads for each conversion and the
duty it writes for each uA, all worked out with the firmware's own code.
"""
import functools
import importlib
import json
import os
import re
import subprocess

from . import FIRMWARE

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pico")
PINS_CSV = os.path.join(FIRMWARE, "rp2", "GLIDE_PICO", "pins.csv")
ADC_BITS = 12  # the RP2040's ADC
MISMATCH = 3  # scenario.mjs's exit status when an LED disagreed with the log


class PicoError(RuntimeError):
    pass


def _gpio(pin):
    """A pin's GPIO number: a number, or a name of the image's pins.csv ('LED')."""
    if isinstance(pin, int):
        return pin
    with open(PINS_CSV) as f:
        for row in f:
            name, _, gp = row.strip().partition(",")
            if name == pin:
                return int(gp[4:])  # GPIO25
    raise PicoError("pin %r is not in %s" % (pin, PINS_CSV))


@functools.cache
def spin(elf):
    """The busy-wait at the end of the rp2 port's mp_hal_delay_us in the image elf, for
    scenario.mjs to jump over: {pc: its loop's head, lo, hi: the registers holding the
    64-bit us it waits for}, from the disassembly (cmp hi, r1; cmp lo, r0 against
    time_us_64's r1:r0); None if it is not found."""
    try:
        text = subprocess.run(["arm-none-eabi-objdump", "-d", "--no-show-raw-insn",
                               "--disassemble=mp_hal_delay_us", elf], capture_output=True,
                              text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    m = re.search(r"^\s*([0-9a-f]+):\s+bl\s+[0-9a-f]+ <time_us_64>\n\s*[0-9a-f]+:\s+cmp\s+r(\d+), r1\n"
                  r"(?:.*\n){2}\s*[0-9a-f]+:\s+cmp\s+r(\d+), r0\n", text, re.M)
    if not m:
        return None
    return {"pc": int(m.group(1), 16), "hi": int(m.group(2)), "lo": int(m.group(3))}


def job(scn, config, frame_ms=0):
    """What scenario.mjs needs to play scn, as a dict for its JSON; called inside
    sim._board(config), where the firmware's modules import as on a board."""
    cfg, _ = importlib.import_module("config").load()
    hw = importlib.import_module("hw")
    board = importlib.import_module("board_pico")
    try:
        pins = importlib.import_module("config").pin_map(board.PINS, cfg, 29)
    except ValueError:  # main.start falls back to the board's own map the same way
        pins = dict(board.PINS)
    table = hw.pot_table(cfg["pot_min_ohm"], cfg["pot_max_ohm"])
    top = (1 << ADC_BITS) - 1
    # read_u16 of a conversion: the rp2 port's scaling (machine_adc.c), 12 bits to 16.
    readings = [hw.pot_ohm(table, raw << (16 - ADC_BITS) | raw >> (2 * ADC_BITS - 16))
                for raw in range(top + 1)]
    most = importlib.import_module("limits").DEVICE_MAX_UA
    return {
        "config": config,
        "open_ohm": cfg["pot_max_ohm"],
        "steps": [list(s) for s in scn.steps],
        "end_ms": scn.end_ms,
        "pins": {k: (_gpio(v) if k != "mode_leds" else [_gpio(p) for p in v])
                 for k, v in pins.items()},
        "readings": readings,
        "duty": [hw.duty(ua) for ua in range(most + 1)],
        "frame_ms": frame_ms,
    }


def images():
    """(bootrom, image .bin, image .elf) of the emulated Pico, built if need be."""
    from . import emupico
    bootrom, image = emupico.bootrom(quiet=True), emupico.build(quiet=True)
    return bootrom, image, emupico.elf_path()


def run(job_, emit):
    """scenario.mjs with job_ (job() made it; a 'code' key: that code over the raw REPL
    instead of a scenario) on a fresh emulated Pico; emit(line) gets each console line."""
    bootrom, image, elf = images()
    job_ = dict(job_, spin=spin(elf))
    proc = subprocess.Popen(["node", os.path.join(HERE, "scenario.mjs"), bootrom, image],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    proc.stdin.write(json.dumps(job_))
    proc.stdin.close()
    for line in proc.stdout:
        emit(line.rstrip("\n"))
    err = proc.stderr.read()
    if proc.wait() == MISMATCH:
        raise PicoError("the emulated Pico's LEDs disagreed with its log (the '# emulated "
                        "Pico: LED mismatch' lines)")
    if proc.returncode:
        raise PicoError("the emulated Pico stopped (status %d):\n%s" % (proc.returncode, err.strip()))


def run_code(code, emit):
    """Run code over the raw REPL of a freshly booted emulated Pico (an empty flash), its
    ADC reading the skin that '@skin OHMS|open' lines ask for, on the default pot."""
    from . import scenario, sim
    with sim._board({}):
        j = job(scenario.Scenario("code", "code", [], 0), {})
    run(dict(j, code=code), emit)
