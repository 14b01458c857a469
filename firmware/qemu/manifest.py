# The emulated micro:bit's image (host_tools/emu.py builds it): the firmware
# with its board file, this port's machine extension, the emulated
# world that plays scenarios inside the board and the bench (an emulator image is a test
# board: the world rides along, as on the virtual board).
include("../manifest.py", board="qemu")  # noqa: F821
module("machine.py")  # noqa: F821
module("scene.py", base_path="../../host_tools/virtual")  # noqa: F821
module("emuworld.py", base_path="../../host_tools/virtual")  # noqa: F821
module("emubench.py", base_path="../../host_tools/virtual")  # noqa: F821
