# The world around the emulated board (QEMU's micro:bit, firmware/board_qemu.py),
# frozen into its image beside the firmware. The scenario is played inside the
# board against the chip's own clock, so under QEMU's -icount a run does not
# depend on the host at all: the same scenario gives the same bytes every time.
# The firmware is the unchanged main.py; the world reaches it only through the
# board's machine (firmware/qemu/machine.py) and console port.
import io
import sys
import time

import config
import glide_hw as machine  # the board's machine (firmware/qemu/machine.py)
import vfs
from scene import End, Player, Reboot

# Firmware modules a reboot loads afresh.
FIRMWARE = ("main", "loop", "console", "hw", "board_qemu", "controller",
            "commands", "telemetry", "contact", "waveform", "limits", "config")
DONE = "# emulated board: scenario over"


class Flash:
    # The board's filesystem: glide.json alone, in RAM (the port has none).
    def __init__(self, text):
        self.text = text

    def open(self, path, mode="r"):
        if path.lstrip("/") == config.FILE and self.text is not None:
            return io.StringIO(self.text)
        raise OSError(2)  # ENOENT: config.load uses the defaults

    def stat(self, path):
        raise OSError(2)

    def ilistdir(self, path):
        return iter(())

    def mount(self, readonly, mkfs):
        pass

    def umount(self):
        pass

    def chdir(self, path):
        pass

    def getcwd(self):
        return "/"


class World(Player):
    def __init__(self, steps, end_ms, cfg):
        Player.__init__(self, steps, end_ms, cfg)
        self.pins = dict(sys.modules["board_qemu"].PINS)
        self.pins.update(cfg["pins"])
        self.t0 = time.ticks_ms()
        self.t_ms = 0

    def button(self, name, level):
        machine.force(self.pins["btn_" + name], -1 if level else 0)

    def command(self, line):
        self.fed.extend(line.encode())
        self.fed.append(10)

    def step(self):
        # At the start of every tick (the console's poll for input): the
        # steps due now act on this very tick.
        t_ms = time.ticks_diff(time.ticks_ms(), self.t0)
        self.t_ms = t_ms
        if t_ms >= self.due:
            self.play(t_ms)
        if self.stall_us:
            # A tick that hangs (a blocking call, a long GC): time runs on,
            # and a hang past wdt_ms resets the board here, before the tick
            # can feed the watchdog.
            time.sleep_us(self.stall_us)
            self.stall_us = 0
        if machine.wdt_late():
            raise machine.WatchdogReset()
        machine.uart_mute(t_ms < self.mute_until)
        if t_ms >= self.end_ms:
            raise End()

    def read(self):
        # The potentiometer's reading, once per tick, unless the contact
        # button stands in for it.
        return self.counts(self.t_ms)

    def attach(self):
        # Hooks the world into the freshly imported board: the sensor's ADC,
        # and the console's poll, which the loop makes first thing each tick.
        self.fed = bytearray()  # the console's input, read before the UART
        machine.uart(self.step, self.fed)
        # The skin's noise advances once per read: asked at the read itself.
        machine.adc(self.read)


def run(text=None, steps=None, end_ms=0):
    # Powers the board on with glide.json = text (None: no file) and runs the
    # unchanged main.py; with steps, plays that scenario until its end.
    vfs.mount(Flash(text), "/")
    import board_qemu  # noqa: F401  (its pin map, for the world)
    world = None
    if steps is not None:
        world = World(steps, end_ms, config.load()[0])
    try:
        while True:
            if world:
                world.attach()
            try:
                import main  # noqa: F401  (runs the firmware)
                break
            except End:
                break
            except (Reboot, machine.WatchdogReset) as e:
                print("# emulated board: %s" % (
                    "power cycled" if isinstance(e, Reboot) else "watchdog reset"))
            for name in FIRMWARE:
                sys.modules.pop(name, None)
            machine.wdt_off()
    finally:
        machine.adc(None)
        machine.uart(None, None)
        vfs.umount("/")
    print(DONE)
