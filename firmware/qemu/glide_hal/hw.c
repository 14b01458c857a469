// Pin, PWM and ADC for glide on the emulated micro:bit, as the module
// glide_hw (firmware/qemu/machine.py re-exports them). On the real boards
// machine.Pin is C; written in Python here they (and the console's port)
// cost ~0.6 ms of a 5 ms tick at 16 MHz (load 64-67 % -> 52-55 %) and ~1.4 KB
// of a 10 KB heap, an artefact of the emulation. So: C,
// kept to what hw.Board and the emulated world (host_tools/virtual/) use.
// QEMU emulates the nRF51's GPIO but no PWM, ADC or watchdog: a PWM lights its
// pin while its duty is not 0, the ADC reads what the world or the bench sets,
// and the world resets the board when the WDT is fed late.
#include <stdint.h>
#include "py/runtime.h"
#include "py/mphal.h"
#include "py/objexcept.h"
#include "py/objarray.h"
#include <string.h>

#define GPIO_OUTSET (*(volatile uint32_t *)0x50000508)
#define GPIO_OUTCLR (*(volatile uint32_t *)0x5000050C)
#define GPIO_IN (*(volatile uint32_t *)0x50000510)
// PIN_CNF[n]: bit 0 output, bits 2-3 pull (3: up, 1: down)
#define GPIO_CNF ((volatile uint32_t *)0x50000700)

// The world's override of inputs (a pressed button), per pin id: a bit set in
// force_mask reads as that bit of force_val. A new Pin clears its own, as a
// power cycle releases what the world held.
static uint32_t force_mask, force_val;
// The ADC's reading; with adc_flick set, its last bit flips on every read (a
// live sensor: a reading that never changes is the stuck-sensor fault).
static uint16_t adc_value = 65535; // no world: open circuit
static uint8_t adc_flick;

typedef struct {
    mp_obj_base_t base;
    uint32_t mask; // 1 << id
} pin_obj_t;

// One Pin per id, in flash: a Pin holds nothing that changes, so Pin(id)
// gives this one rather than 16 B of heap each (six on glide's board).
static const pin_obj_t pin_objs[30];

typedef struct {
    mp_obj_base_t base;
    uint32_t mask;
    mp_int_t freq;
    uint16_t duty;
} pwm_obj_t;

static void out(uint32_t mask, int v) {
    if (v) {
        GPIO_OUTSET = mask;
    } else {
        GPIO_OUTCLR = mask;
    }
}

// Pin(id, mode=IN, pull=None, value=None); ids 0..29 (P0.30/31 exist but are
// not used: glide keeps 1 << id a small int on the Python side too).
static mp_obj_t pin_make_new(const mp_obj_type_t *type, size_t n_args, size_t n_kw, const mp_obj_t *args) {
    enum { ARG_id, ARG_mode, ARG_pull, ARG_value };
    static const mp_arg_t allowed[] = {
        { MP_QSTR_id, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_obj = MP_OBJ_NULL} },
        { MP_QSTR_mode, MP_ARG_INT, {.u_int = 0} },
        { MP_QSTR_pull, MP_ARG_OBJ, {.u_obj = mp_const_none} },
        { MP_QSTR_value, MP_ARG_OBJ, {.u_obj = mp_const_none} },
    };
    mp_arg_val_t a[MP_ARRAY_SIZE(allowed)];
    mp_arg_parse_all_kw_array(n_args, n_kw, args, MP_ARRAY_SIZE(allowed), allowed, a);
    mp_obj_t id = a[ARG_id].u_obj;
    if (!mp_obj_is_small_int(id) || (mp_uint_t)MP_OBJ_SMALL_INT_VALUE(id) >= 30) {
        mp_raise_ValueError(MP_ERROR_TEXT("invalid pin"));
    }
    mp_int_t pid = MP_OBJ_SMALL_INT_VALUE(id);
    const pin_obj_t *self = &pin_objs[pid];
    force_mask &= ~self->mask;
    if (a[ARG_value].u_obj != mp_const_none) {
        out(self->mask, mp_obj_is_true(a[ARG_value].u_obj));
    }
    mp_int_t pull = a[ARG_pull].u_obj == mp_const_none ? 0 : mp_obj_get_int(a[ARG_pull].u_obj);
    GPIO_CNF[pid] = (a[ARG_mode].u_int == 1 ? 1 : 0) | (pull << 2);
    return MP_OBJ_FROM_PTR(self);
}

static mp_obj_t pin_value(size_t n_args, const mp_obj_t *args) {
    pin_obj_t *self = MP_OBJ_TO_PTR(args[0]);
    if (n_args == 1) {
        // QEMU's GPIO answers word reads only.
        uint32_t in = (force_mask & self->mask) ? force_val : GPIO_IN;
        return MP_OBJ_NEW_SMALL_INT((in & self->mask) ? 1 : 0);
    }
    out(self->mask, mp_obj_is_true(args[1]));
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(pin_value_obj, 1, 2, pin_value);

static const mp_rom_map_elem_t pin_locals[] = {
    { MP_ROM_QSTR(MP_QSTR_value), MP_ROM_PTR(&pin_value_obj) },
    { MP_ROM_QSTR(MP_QSTR_IN), MP_ROM_INT(0) },
    { MP_ROM_QSTR(MP_QSTR_OUT), MP_ROM_INT(1) },
    { MP_ROM_QSTR(MP_QSTR_PULL_DOWN), MP_ROM_INT(1) },
    { MP_ROM_QSTR(MP_QSTR_PULL_UP), MP_ROM_INT(3) },
};
static MP_DEFINE_CONST_DICT(pin_locals_dict, pin_locals);

MP_DEFINE_CONST_OBJ_TYPE(glide_pin_type, MP_QSTR_Pin, MP_TYPE_FLAG_NONE,
    make_new, pin_make_new, locals_dict, &pin_locals_dict);

#define P(n) { { &glide_pin_type }, 1u << (n) }
static const pin_obj_t pin_objs[30] = {
    P(0), P(1), P(2), P(3), P(4), P(5), P(6), P(7), P(8), P(9), P(10), P(11), P(12), P(13), P(14),
    P(15), P(16), P(17), P(18), P(19), P(20), P(21), P(22), P(23), P(24), P(25), P(26), P(27),
    P(28), P(29),
};

static mp_obj_t pwm_duty(size_t n_args, const mp_obj_t *args);

// PWM(pin, freq=1000, duty_u16=0)
static mp_obj_t pwm_make_new(const mp_obj_type_t *type, size_t n_args, size_t n_kw, const mp_obj_t *args) {
    enum { ARG_pin, ARG_freq, ARG_duty };
    static const mp_arg_t allowed[] = {
        { MP_QSTR_pin, MP_ARG_REQUIRED | MP_ARG_OBJ, {.u_obj = MP_OBJ_NULL} },
        { MP_QSTR_freq, MP_ARG_INT, {.u_int = 1000} },
        { MP_QSTR_duty_u16, MP_ARG_OBJ, {.u_obj = MP_OBJ_NEW_SMALL_INT(0)} },
    };
    mp_arg_val_t a[MP_ARRAY_SIZE(allowed)];
    mp_arg_parse_all_kw_array(n_args, n_kw, args, MP_ARRAY_SIZE(allowed), allowed, a);
    if (!mp_obj_is_type(a[ARG_pin].u_obj, &glide_pin_type)) {
        mp_raise_TypeError(MP_ERROR_TEXT("need a Pin"));
    }
    pwm_obj_t *self = mp_obj_malloc(pwm_obj_t, type);
    self->mask = ((pin_obj_t *)MP_OBJ_TO_PTR(a[ARG_pin].u_obj))->mask;
    self->freq = a[ARG_freq].u_int;
    self->duty = 0;
    mp_obj_t d[2] = { MP_OBJ_FROM_PTR(self), a[ARG_duty].u_obj };
    pwm_duty(2, d);
    return MP_OBJ_FROM_PTR(self);
}

static mp_obj_t pwm_duty(size_t n_args, const mp_obj_t *args) {
    pwm_obj_t *self = MP_OBJ_TO_PTR(args[0]);
    if (n_args == 1) {
        return MP_OBJ_NEW_SMALL_INT(self->duty);
    }
    mp_int_t d = mp_obj_get_int(args[1]);
    if (d < 0 || d > 65535) {
        mp_raise_ValueError(MP_ERROR_TEXT("duty must be 0..65535"));
    }
    self->duty = d;
    out(self->mask, d != 0);
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(pwm_duty_obj, 1, 2, pwm_duty);

static mp_obj_t pwm_freq(size_t n_args, const mp_obj_t *args) {
    pwm_obj_t *self = MP_OBJ_TO_PTR(args[0]);
    if (n_args == 1) {
        return mp_obj_new_int(self->freq);
    }
    self->freq = mp_obj_get_int(args[1]);
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(pwm_freq_obj, 1, 2, pwm_freq);

static const mp_rom_map_elem_t pwm_locals[] = {
    { MP_ROM_QSTR(MP_QSTR_duty_u16), MP_ROM_PTR(&pwm_duty_obj) },
    { MP_ROM_QSTR(MP_QSTR_freq), MP_ROM_PTR(&pwm_freq_obj) },
};
static MP_DEFINE_CONST_DICT(pwm_locals_dict, pwm_locals);

MP_DEFINE_CONST_OBJ_TYPE(glide_pwm_type, MP_QSTR_PWM, MP_TYPE_FLAG_NONE,
    make_new, pwm_make_new, locals_dict, &pwm_locals_dict);

// ADC(pin, atten=None): one ADC, whatever the pin; it holds no state, so all
// instances are the one object in flash (no heap).
static const mp_obj_base_t adc_obj;

static mp_obj_t adc_make_new(const mp_obj_type_t *type, size_t n_args, size_t n_kw, const mp_obj_t *args) {
    mp_arg_check_num(n_args, n_kw, 1, 2, true);
    return MP_OBJ_FROM_PTR(&adc_obj);
}

static mp_obj_t adc_read_u16(mp_obj_t self) {
    mp_obj_t src = MP_STATE_VM(glide_adc_source);
    if (src != MP_OBJ_NULL && src != mp_const_none) {
        // The emulated world's skin advances its noise once per read, so
        // it is asked at the read itself (scenario runs only).
        return mp_call_function_0(src);
    }
    adc_value ^= adc_flick;
    return MP_OBJ_NEW_SMALL_INT(adc_value);
}
static MP_DEFINE_CONST_FUN_OBJ_1(adc_read_u16_obj, adc_read_u16);

static const mp_rom_map_elem_t adc_locals[] = {
    { MP_ROM_QSTR(MP_QSTR_read_u16), MP_ROM_PTR(&adc_read_u16_obj) },
};
static MP_DEFINE_CONST_DICT(adc_locals_dict, adc_locals);

MP_DEFINE_CONST_OBJ_TYPE(glide_adc_type, MP_QSTR_ADC, MP_TYPE_FLAG_NONE,
    make_new, adc_make_new, locals_dict, &adc_locals_dict);

static const mp_obj_base_t adc_obj = { &glide_adc_type };

// WDT(id=0, timeout=5000): the one watchdog, kept in software (no heap: all
// instances are one object in flash). The world asks wdt_late() each tick.
static uint32_t wdt_fed, wdt_timeout;
static uint8_t wdt_on, wdt_fired;
// reset_cause(): machine's numbers (1 PWRON_RESET, 3 WDT_RESET), settled by
// wdt_off() at each of the world's reboots.
static uint8_t reset_cause = 1;
static const mp_obj_base_t wdt_obj;

static mp_obj_t wdt_make_new(const mp_obj_type_t *type, size_t n_args, size_t n_kw, const mp_obj_t *args) {
    static const mp_arg_t allowed[] = {
        { MP_QSTR_id, MP_ARG_INT, {.u_int = 0} },
        { MP_QSTR_timeout, MP_ARG_INT, {.u_int = 5000} },
    };
    mp_arg_val_t a[MP_ARRAY_SIZE(allowed)];
    mp_arg_parse_all_kw_array(n_args, n_kw, args, MP_ARRAY_SIZE(allowed), allowed, a);
    wdt_timeout = a[1].u_int;
    wdt_fed = mp_hal_ticks_ms();
    wdt_on = 1;
    return MP_OBJ_FROM_PTR(&wdt_obj);
}

static mp_obj_t wdt_feed(mp_obj_t self) {
    wdt_fed = mp_hal_ticks_ms();
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(wdt_feed_obj, wdt_feed);

static const mp_rom_map_elem_t wdt_locals[] = {
    { MP_ROM_QSTR(MP_QSTR_feed), MP_ROM_PTR(&wdt_feed_obj) },
};
static MP_DEFINE_CONST_DICT(wdt_locals_dict, wdt_locals);

MP_DEFINE_CONST_OBJ_TYPE(glide_wdt_type, MP_QSTR_WDT, MP_TYPE_FLAG_NONE,
    make_new, wdt_make_new, locals_dict, &wdt_locals_dict);

static const mp_obj_base_t wdt_obj = { &glide_wdt_type };

// wdt_late(): armed and not fed for longer than its timeout.
static mp_obj_t glide_wdt_late(void) {
    wdt_fired = wdt_on && (int32_t)(mp_hal_ticks_ms() - wdt_fed) > (int32_t)wdt_timeout;
    return mp_obj_new_bool(wdt_fired);
}
static MP_DEFINE_CONST_FUN_OBJ_0(glide_wdt_late_obj, glide_wdt_late);

// wdt_off(): a reset disarms it (the firmware arms it again at start-up);
// the reset was the watchdog's if wdt_late() said so last, else a power cycle.
static mp_obj_t glide_wdt_off(void) {
    wdt_on = 0;
    reset_cause = wdt_fired ? 3 : 1;
    wdt_fired = 0;
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_0(glide_wdt_off_obj, glide_wdt_off);

static mp_obj_t glide_reset_cause(void) {
    return MP_OBJ_NEW_SMALL_INT(reset_cause);
}
static MP_DEFINE_CONST_FUN_OBJ_0(glide_reset_cause_obj, glide_reset_cause);

// What the world raises when the WDT was not fed in time.
MP_DEFINE_EXCEPTION(WatchdogReset, Exception)

// UartPort(): the REPL's UART for console.Console (readable, writable,
// readinto, write), in C for the same reasons: a Python port cost ~450 B of
// heap and a method call or two each tick. The port polls UART0 (no RX
// interrupt), so bytes wait in it until read here, and Ctrl-C is noticed
// here too. The world (uart()) adds a poll hook, its queued input and a mute.
#define UART_RXDRDY (*(volatile uint32_t *)0x40002108)
#define UART_RXD (*(volatile uint32_t *)0x40002518)
static uint8_t uart_mute;
static const mp_obj_base_t uart_obj;

static mp_obj_t uart_make_new(const mp_obj_type_t *type, size_t n_args, size_t n_kw, const mp_obj_t *args) {
    return MP_OBJ_FROM_PTR(&uart_obj);
}

// The world's queued input (a bytearray), read before the UART; NULL: none.
static mp_obj_array_t *fed(void) {
    mp_obj_t f = MP_STATE_VM(glide_uart_fed);
    return (f == MP_OBJ_NULL || f == mp_const_none) ? NULL : MP_OBJ_TO_PTR(f);
}

static mp_obj_t uart_readable(mp_obj_t self) {
    mp_obj_t hook = MP_STATE_VM(glide_uart_hook);
    if (hook != MP_OBJ_NULL && hook != mp_const_none) {
        // The world's step, at the console's poll: first thing each tick.
        mp_call_function_0(hook);
    }
    mp_obj_array_t *f = fed();
    return mp_obj_new_bool((f && f->len) || UART_RXDRDY);
}
static MP_DEFINE_CONST_FUN_OBJ_1(uart_readable_obj, uart_readable);

static mp_obj_t uart_writable(mp_obj_t self) {
    return mp_obj_new_bool(!uart_mute);
}
static MP_DEFINE_CONST_FUN_OBJ_1(uart_writable_obj, uart_writable);

// readinto(buf) -> n: what is pending, up to len(buf), the world's queued
// input first; never waits.
static mp_obj_t uart_readinto(mp_obj_t self, mp_obj_t buf) {
    mp_buffer_info_t b;
    mp_get_buffer_raise(buf, &b, MP_BUFFER_WRITE);
    mp_obj_array_t *f = fed();
    size_t n = 0;
    if (f && f->len) {
        n = f->len < b.len ? f->len : b.len;
        uint8_t *items = f->items;
        memcpy(b.buf, items, n);
        f->len -= n;
        memmove(items, items + n, f->len);
        f->free += n;
    }
    while (n < b.len && UART_RXDRDY) {
        UART_RXDRDY = 0;
        uint8_t c = UART_RXD & 0xFF;
        if (c == 3) {
            mp_raise_type(&mp_type_KeyboardInterrupt);
        }
        ((uint8_t *)b.buf)[n++] = c;
    }
    return MP_OBJ_NEW_SMALL_INT(n);
}
static MP_DEFINE_CONST_FUN_OBJ_2(uart_readinto_obj, uart_readinto);

// write(buf, off=0, n=-1): all of it (the UART blocks), bytes as they are.
static mp_obj_t uart_write(size_t n_args, const mp_obj_t *args) {
    mp_buffer_info_t b;
    mp_get_buffer_raise(args[1], &b, MP_BUFFER_READ);
    size_t off = n_args > 2 ? mp_obj_get_int(args[2]) : 0;
    mp_int_t n = n_args > 3 ? mp_obj_get_int(args[3]) : -1;
    if (off > b.len) {
        off = b.len;
    }
    if (n < 0 || (size_t)n > b.len - off) {
        n = b.len - off;
    }
    mp_hal_stdout_tx_strn((const char *)b.buf + off, n);
    return MP_OBJ_NEW_SMALL_INT(n);
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(uart_write_obj, 2, 4, uart_write);

static const mp_rom_map_elem_t uart_locals[] = {
    { MP_ROM_QSTR(MP_QSTR_readable), MP_ROM_PTR(&uart_readable_obj) },
    { MP_ROM_QSTR(MP_QSTR_writable), MP_ROM_PTR(&uart_writable_obj) },
    { MP_ROM_QSTR(MP_QSTR_readinto), MP_ROM_PTR(&uart_readinto_obj) },
    { MP_ROM_QSTR(MP_QSTR_write), MP_ROM_PTR(&uart_write_obj) },
};
static MP_DEFINE_CONST_DICT(uart_locals_dict, uart_locals);

MP_DEFINE_CONST_OBJ_TYPE(glide_uart_type, MP_QSTR_UartPort, MP_TYPE_FLAG_NONE,
    make_new, uart_make_new, locals_dict, &uart_locals_dict);

static const mp_obj_base_t uart_obj = { &glide_uart_type };

// uart(hook, fed): the world's poll hook and input bytearray (None: none);
// a power cycle's fresh port, so it also ends a mute.
static mp_obj_t glide_uart(mp_obj_t hook, mp_obj_t f) {
    MP_STATE_VM(glide_uart_hook) = hook;
    MP_STATE_VM(glide_uart_fed) = f;
    uart_mute = 0;
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_2(glide_uart_obj, glide_uart);

// uart_mute(m): while m, the console finds no room to write (a stalled host).
static mp_obj_t glide_uart_mute(mp_obj_t m) {
    uart_mute = mp_obj_is_true(m);
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(glide_uart_mute_obj, glide_uart_mute);

// force(id, level): the world holds input pin id at level (0/1), -1 lets go.
// An id no Pin can have (a glide.json pin the board refused) does nothing.
static mp_obj_t glide_force(mp_obj_t id, mp_obj_t level) {
    if (!mp_obj_is_small_int(id) || (mp_uint_t)MP_OBJ_SMALL_INT_VALUE(id) >= 30) {
        return mp_const_none;
    }
    uint32_t mask = 1u << MP_OBJ_SMALL_INT_VALUE(id);
    mp_int_t v = mp_obj_get_int(level);
    if (v < 0) {
        force_mask &= ~mask;
    } else {
        force_mask |= mask;
        force_val = v ? force_val | mask : force_val & ~mask;
    }
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_2(glide_force_obj, glide_force);

// adc(v, flick=0): what the ADC reads from now on; adc(f): f() per read, for
// the world; adc(None): back to the value.
static mp_obj_t glide_adc(size_t n_args, const mp_obj_t *args) {
    if (mp_obj_is_callable(args[0]) || args[0] == mp_const_none) {
        MP_STATE_VM(glide_adc_source) = args[0];
        return mp_const_none;
    }
    adc_value = mp_obj_get_int(args[0]);
    adc_flick = n_args > 1 && mp_obj_is_true(args[1]);
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(glide_adc_obj, 1, 2, glide_adc);

// Any other name is the port's own machine's (reset, mem32, ...): glide_hw
// stands in for machine as a whole (see firmware/qemu/machine.py).
static mp_obj_t glide_getattr(mp_obj_t name) {
    mp_obj_t m = mp_import_name(MP_QSTR_umachine, mp_const_none, MP_OBJ_NEW_SMALL_INT(0));
    return mp_load_attr(m, mp_obj_str_get_qstr(name));
}
static MP_DEFINE_CONST_FUN_OBJ_1(glide_getattr_obj, glide_getattr);

// A builtin module's __init__ is looked up on its first import: there is
// none to do, but without it the lookup would reach umachine and fail.
static mp_obj_t glide_init(void) {
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_0(glide_init_obj, glide_init);

static const mp_rom_map_elem_t glide_hw_globals[] = {
    { MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR_glide_hw) },
    { MP_ROM_QSTR(MP_QSTR___getattr__), MP_ROM_PTR(&glide_getattr_obj) },
    { MP_ROM_QSTR(MP_QSTR___init__), MP_ROM_PTR(&glide_init_obj) },
    { MP_ROM_QSTR(MP_QSTR_Pin), MP_ROM_PTR(&glide_pin_type) },
    { MP_ROM_QSTR(MP_QSTR_PWM), MP_ROM_PTR(&glide_pwm_type) },
    { MP_ROM_QSTR(MP_QSTR_ADC), MP_ROM_PTR(&glide_adc_type) },
    { MP_ROM_QSTR(MP_QSTR_force), MP_ROM_PTR(&glide_force_obj) },
    { MP_ROM_QSTR(MP_QSTR_adc), MP_ROM_PTR(&glide_adc_obj) },
    { MP_ROM_QSTR(MP_QSTR_WDT), MP_ROM_PTR(&glide_wdt_type) },
    { MP_ROM_QSTR(MP_QSTR_UartPort), MP_ROM_PTR(&glide_uart_type) },
    { MP_ROM_QSTR(MP_QSTR_uart), MP_ROM_PTR(&glide_uart_obj) },
    { MP_ROM_QSTR(MP_QSTR_uart_mute), MP_ROM_PTR(&glide_uart_mute_obj) },
    { MP_ROM_QSTR(MP_QSTR_wdt_late), MP_ROM_PTR(&glide_wdt_late_obj) },
    { MP_ROM_QSTR(MP_QSTR_wdt_off), MP_ROM_PTR(&glide_wdt_off_obj) },
    { MP_ROM_QSTR(MP_QSTR_WatchdogReset), MP_ROM_PTR(&mp_type_WatchdogReset) },
    { MP_ROM_QSTR(MP_QSTR_reset_cause), MP_ROM_PTR(&glide_reset_cause_obj) },
    { MP_ROM_QSTR(MP_QSTR_PWRON_RESET), MP_ROM_INT(1) },
    { MP_ROM_QSTR(MP_QSTR_WDT_RESET), MP_ROM_INT(3) },
};
static MP_DEFINE_CONST_DICT(glide_hw_globals_dict, glide_hw_globals);

const mp_obj_module_t glide_hw_module = {
    .base = { &mp_type_module },
    .globals = (mp_obj_dict_t *)&glide_hw_globals_dict,
};

MP_REGISTER_MODULE(MP_QSTR_glide_hw, glide_hw_module);
MP_REGISTER_ROOT_POINTER(mp_obj_t glide_adc_source);
MP_REGISTER_ROOT_POINTER(mp_obj_t glide_uart_hook);
MP_REGISTER_ROOT_POINTER(mp_obj_t glide_uart_fed);
