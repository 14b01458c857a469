# The emulated Pico's image (host_tools/emu.py builds it): the port's own boot
# modules (_boot.py mounts the flash filesystem), the firmware with board_pico, and
# main.py frozen as glide_main (emu.py copies it there): a frozen main.py would run
# at every boot, before and instead of one that glide flash writes. And the bench
# (glide bench --target pico), as in the micro:bit's image.
import os

freeze("$(PORT_DIR)/modules")  # noqa: F821  (manifest globals)
include("../manifest.py", board="pico", main=False)  # noqa: F821
module("glide_main.py", base_path="$(PORT_DIR)/glide")  # noqa: F821
# host_tools/virtual beside firmware/ in a checkout, firmware's parent once installed.
virtual = "../../host_tools/virtual"
if not os.path.isdir(virtual):
    virtual = "../../virtual"
module("emubench.py", base_path=virtual)  # noqa: F821
