// TinyUSB's header, empty: Debian's sources have no TinyUSB, and this board has no USB
// (mpconfigboard.h); the port's mphalport.c and msc_disk.c include it all the same and
// use nothing from it with USB off.
