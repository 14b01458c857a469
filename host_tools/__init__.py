"""Host tools for glide: run, check and plot the firmware, and talk to boards."""
import os
import re
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
# Installed (pip install .), the firmware is package data inside host_tools
# (pyproject.toml); in the checkout it sits beside host_tools.
FIRMWARE = os.path.join(_HERE, "firmware")
if not os.path.isdir(FIRMWARE):
    FIRMWARE = os.path.join(os.path.dirname(_HERE), "firmware")


def firmware_path():
    """Put firmware/ on sys.path so the controller modules import as on a board."""
    if FIRMWARE not in sys.path:
        sys.path.insert(0, FIRMWARE)
    return FIRMWARE


def version():
    """The firmware's VERSION, glide's one version (pyproject.toml reads it too), read
    from main.py's text: importing main would import the board's machine module."""
    with open(os.path.join(FIRMWARE, "main.py"), encoding="utf-8") as f:
        return re.search(r'^VERSION = "(.*)"$', f.read(), re.M).group(1)
