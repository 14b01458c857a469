# Run right after project(firmware) (CMAKE_PROJECT_firmware_INCLUDE, host_tools/emu.py):
# Debian's source packages come without mbedTLS's and TinyUSB's sources, and glide's
# image uses neither (USB, TLS and cryptolib are off in GLIDE_PICO/mpconfigboard.h).
set_property(TARGET micropy_lib_mbedtls PROPERTY INTERFACE_SOURCES "")
set_source_files_properties(mbedtls/mbedtls_port.c PROPERTIES HEADER_FILE_ONLY ON)
# The port links pico-sdk's TinyUSB targets, which the SDK leaves out without the source.
add_library(tinyusb_common INTERFACE)
add_library(tinyusb_device INTERFACE)
