# glide's C additions to MicroPython's qemu port: the clock the port lacks
# (hal.c) and Pin, PWM, ADC (hw.c: in Python they cost a fifth of a tick).
SRC_USERMOD_C += $(USERMOD_DIR)/hal.c $(USERMOD_DIR)/hw.c
