# The glide firmware as a MicroPython manifest (the micropython-lib convention):
# what a frozen build takes. A board's own manifest includes this one with
# board=NAME (firmware/qemu/manifest.py); board="" takes every board file.
# main=False leaves main.py out: a port that runs a frozen main.py at boot
# (rp2) would run it before, and instead of, a main.py glide flash wrote.
options.defaults(board="", main=True)  # noqa: F821  (manifest globals)

metadata(description="glide: a microcurrent controller prototype on LEDs and a serial log",  # noqa: F821
         version="0.2.0")

for m in ("limits", "contact", "waveform", "telemetry", "controller", "commands",
          "config", "console", "loop", "hw", "main"):
    if m != "main" or options.main:  # noqa: F821
        module(m + ".py")  # noqa: F821
for b in ("pico", "esp32", "qemu"):
    if options.board in ("", b):  # noqa: F821
        module("board_%s.py" % b)  # noqa: F821
