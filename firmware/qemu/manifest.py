# The emulated micro:bit's image (host_tools/emu.py builds it): the firmware
# with its board file, this port's machine extension, the emulated
# world that plays scenarios inside the board and the bench (an emulator image is a test
# board: the world rides along, as on the virtual board).
import os

include("../manifest.py", board="qemu")  # noqa: F821
module("machine.py")  # noqa: F821
# host_tools/virtual (makemanifest runs a manifest in its folder): beside firmware/ in a
# checkout, firmware's parent once pip has put it in host_tools/firmware (pyproject.toml).
virtual = "../../host_tools/virtual"
if not os.path.isdir(virtual):
    virtual = "../../virtual"
for m in ("scene.py", "emuworld.py", "emubench.py"):
    module(m, base_path=virtual)  # noqa: F821
