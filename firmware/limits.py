# Current limits of glide. Nothing else in the firmware may command more.
# The device glide copies gives at most 680 uA; 1000 uA is the danger line.
try:
    from micropython import const  # type: ignore  (the stub and the shim differ)
except ImportError:  # CPython
    def const(x):
        return x

DEVICE_MAX_UA = const(680)
ABS_MAX_UA = const(1000)

# Intensity level -> current cap in uA (level 1 is index 0). Even steps of
# 680 / 5; level 5 is the device maximum.
LEVEL_CAPS = (136, 272, 408, 544, 680)


assert DEVICE_MAX_UA < ABS_MAX_UA and max(LEVEL_CAPS) <= DEVICE_MAX_UA

