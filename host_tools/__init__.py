"""Host tools for glide: run, check and plot the firmware, and talk to boards."""
import os
import sys

FIRMWARE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "firmware")


def firmware_path():
    """Put firmware/ on sys.path so the controller modules import as on a board."""
    if FIRMWARE not in sys.path:
        sys.path.insert(0, FIRMWARE)
    return FIRMWARE
