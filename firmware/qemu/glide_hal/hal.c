// The clock MicroPython's qemu port lacks (it builds with MICROPY_PY_TIME 0):
// the HAL functions the time module needs, read from the emulated nRF51's
// TIMER0 (16 MHz) and TIMER1 (1 MHz), 32 bit. QEMU advances both on its virtual clock,
// which under -icount follows the instruction count, so every reading is the
// same on every run. Everything else of glide's board is Python.
#include <stdint.h>
#include "py/mphal.h"

typedef struct {
    volatile uint32_t START;        // 0x000
    volatile uint32_t r0[15];
    volatile uint32_t CAPTURE[4];   // 0x040
    volatile uint32_t r1[(0x140 - 0x050) / 4];
    volatile uint32_t COMPARE[4];   // 0x140: events
    volatile uint32_t r4[(0x304 - 0x150) / 4];
    volatile uint32_t INTENSET;     // 0x304
    volatile uint32_t INTENCLR;     // 0x308
    volatile uint32_t r5[(0x504 - 0x30c) / 4];
    volatile uint32_t MODE;         // 0x504
    volatile uint32_t BITMODE;      // 0x508
    volatile uint32_t r2;
    volatile uint32_t PRESCALER;    // 0x510
    volatile uint32_t r3[(0x540 - 0x514) / 4];
    volatile uint32_t CC[4];        // 0x540
} timer_t;

#define TIMER0 ((timer_t *)0x40008000)
#define TIMER1 ((timer_t *)0x40009000)
#define TIMER1_IRQ (1 << 9)
#define NVIC_ISER (*(volatile uint32_t *)0xE000E100)
#define NVIC_ICER (*(volatile uint32_t *)0xE000E180)
#define NVIC_ICPR (*(volatile uint32_t *)0xE000E280)

static uint32_t started;

static uint32_t count(timer_t *t) {
    if (!started) {
        started = 1;
        TIMER0->BITMODE = TIMER1->BITMODE = 3; // 32 bit
        TIMER0->PRESCALER = 0; // 16 MHz
        TIMER1->PRESCALER = 4; // 1 MHz
        TIMER0->START = TIMER1->START = 1;
    }
    t->CAPTURE[0] = 1;
    return t->CC[0];
}

mp_uint_t mp_hal_ticks_cpu(void) {
    return count(TIMER0);
}

mp_uint_t mp_hal_ticks_us(void) {
    return count(TIMER1);
}

mp_uint_t mp_hal_ticks_ms(void) {
    // Accumulated from the 1 MHz count, so it wraps at 2^32 ms like the
    // ports' own ticks_ms, not with the us counter (no 64-bit maths: libgcc's
    // 64-bit division drags in unwind tables the port's linker script lacks).
    static uint32_t last_us, ms, rem_us;
    uint32_t us = count(TIMER1);
    rem_us += us - last_us;
    last_us = us;
    ms += rem_us / 1000;
    rem_us %= 1000;
    return ms;
}

void mp_hal_delay_us(mp_uint_t us) {
    // Sleep in WFI until TIMER1 reaches the end, instead of spinning: under
    // -icount sleep=off QEMU then jumps its clock to that moment, so idle time
    // costs the host nothing and the wake-up is still exact. Interrupts stay
    // masked (PRIMASK): a pending interrupt wakes WFI without being taken,
    // which matters as the port's vector table has no entry for TIMER1.
    uint32_t t0 = mp_hal_ticks_us();
    TIMER1->CC[1] = t0 + us;
    TIMER1->COMPARE[1] = 0;
    TIMER1->INTENSET = 1 << 17; // COMPARE[1]
    __asm volatile ("cpsid i" ::: "memory");
    NVIC_ISER = TIMER1_IRQ;
    while (mp_hal_ticks_us() - t0 < us) {
        __asm volatile ("wfi");
        TIMER1->COMPARE[1] = 0;
        NVIC_ICPR = TIMER1_IRQ;
    }
    NVIC_ICER = TIMER1_IRQ;
    NVIC_ICPR = TIMER1_IRQ;
    TIMER1->INTENCLR = 1 << 17;
    __asm volatile ("cpsie i" ::: "memory");
}

void mp_hal_delay_ms(mp_uint_t ms) {
    mp_hal_delay_us(ms * 1000);
}
