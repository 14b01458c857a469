# glide's one C addition to MicroPython's qemu port: the clock the port lacks.
SRC_USERMOD_C += $(USERMOD_DIR)/hal.c
