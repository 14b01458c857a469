// A Raspberry Pi Pico, its REPL on UART0 instead of USB: Debian's MicroPython and
// pico-sdk sources come without TinyUSB (docs/emulator.md).
#define MICROPY_HW_BOARD_NAME                   "Raspberry Pi Pico (glide, UART REPL)"
#define MICROPY_HW_FLASH_STORAGE_BYTES          (1408 * 1024)
#define MICROPY_HW_ENABLE_USBDEV                (0)
#define MICROPY_HW_ENABLE_UART_REPL             (1)
// No mbedTLS source either: no TLS, cryptolib or hashlib (glide uses none).
#define MICROPY_SSL_MBEDTLS                     (0)
#define MICROPY_PY_SSL                          (0)
#define MICROPY_PY_HASHLIB                      (0)
