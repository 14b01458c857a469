# glide's emulated Pico (host_tools/emu.py builds it): a Raspberry Pi Pico with its REPL
# on UART0 (GP0/GP1) and no USB, since Debian's sources have no TinyUSB.
set(PICO_BOARD "pico")
set(PICO_PLATFORM "rp2040")
