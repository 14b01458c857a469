// glide's emulated Pico: rp2040js (the RP2040 emulator Wokwi uses) running the B1 bootrom
// and a MicroPython rp2 image from host_tools/emu.py, with what rp2040js leaves out filled
// in from here, never in the port (docs/emulator.md "The emulated Pico"):
//  - the UART raised its TX interrupt again the moment it was cleared, and MicroPython's
//    UART REPL, which enables every UART interrupt, spent all its time in the handler;
//    here it is raised once per byte written, as a PL011's TX FIFO crossing its level;
//  - flash erase and program do nothing in rp2040js: the bootrom's flash functions are
//    served here (BKPT stubs in the ROM), so MicroPython's filesystem mounts and keeps
//    what is written across resets;
//  - the watchdog fires but does not reset: here it resets the chip, flash and the
//    watchdog's scratch and reason registers kept, as a real reset does;
//  - pads' pull-ups and pull-downs set nothing: here they drive an input the host leaves
//    alone (a button to ground reads 1 until pressed).
// Nothing here reads the wall clock: a run is the same, byte for byte, every time.
import { Simulator } from 'rp2040js';

const CYCLE_NS = 8; // clk_sys 125 MHz, the Pico's
const TX_INTR = 1 << 5; // UARTRIS.TXRIS
const WATCHDOG = 0x40058000;
// The bootrom's functions that touch the flash chip (RP2040 datasheet 2.8.3.1.3), by
// their two-letter code: served in JS, the rest of the ROM runs as it is.
const FLASH_CALLS = ['IF', 'EX', 'RE', 'RP', 'FC', 'CX'];

function romTable(rom16, code) {
  // The ROM's function table (its address at 0x14): (code, address) half-word pairs.
  for (let i = rom16[0x14 >> 1] >> 1; rom16[i]; i += 2) {
    if (rom16[i] === code) return rom16[i + 1];
  }
  throw new Error('bootrom: no function ' + code);
}

export class Pico {
  // bootrom: the 16 KB ROM; image: the .bin that goes at the start of flash.
  constructor(bootrom, image) {
    this.rom = new Uint32Array(new Uint8Array(bootrom).buffer);
    const rom16 = new Uint16Array(this.rom.buffer);
    FLASH_CALLS.forEach((name, k) => {
      const at = romTable(rom16, name.charCodeAt(0) | (name.charCodeAt(1) << 8)) & ~1;
      rom16[at >> 1] = 0xbe00 | k; // BKPT #k: onBreak serves it ...
      rom16[(at >> 1) + 1] = 0x4770; // ... then BX LR returns to the caller
    });
    this.flash = new Uint8Array(2 * 1024 * 1024).fill(0xff);
    this.flash.set(image);
    this.base = 0; // emulated ns before the last reset
    this.onUart = () => {};
    this.onReset = () => {}; // (cause): 'watchdog' or 'reset'
    this.driven = new Map(); // pin -> level the host drives
    this.adc = [0, 0, 0, 0, 0];
    this.boot(0, new Uint32Array(8));
  }

  boot(reason, scratch) {
    const { clock, rp2040: mcu } = new Simulator(); // a fresh chip; its loop is runUntil's
    mcu.logger = { debug() {}, info() {}, warn() {}, error() {} };
    mcu.loadBootrom(this.rom); // resets the chip, which erases rp2040js's flash ...
    mcu.flash.set(this.flash); // ... so this chip's flash is ours, kept across resets
    // Straight into boot2 at the start of flash, as rp2040js's own demo starts: the ROM's
    // boot path reads CHIP_RESET and the flash over SSI, which rp2040js does not model.
    mcu.core.PC = 0x10000000;
    this.flash = mcu.flash;
    this.mcu = mcu;
    this.clock = clock;
    const wd = mcu.findPeripheral(WATCHDOG);
    wd.reason = reason;
    wd.scratchData.set(scratch);
    wd.onWatchdogTrigger = () => {
      // rp2040js's alarm schedules itself again at the very ns it fired (its counter
      // is 0 there), so the clock never moved on and runUntil never returned: it fires
      // once, and the chip resets.
      wd.alarm.enable = false;
      this.pending = wd.reason === 1 ? 'watchdog' : 'reset';
    };
    this.pending = null;
    const uart = mcu.uart[0];
    uart.checkInterrupts = function () {
      mcu.setInterrupt(this.irq, !!(this.interruptStatus & this.interruptMask));
    };
    uart.onByte = (b) => {
      uart.interruptStatus |= TX_INTR;
      uart.checkInterrupts();
      this.onUart(b);
    };
    this.rx = [];
    mcu.adc.channelValues.splice(0, 5, ...this.adc);
    mcu.onBreak = (k) => this.flashCall(k);
    mcu.gpio.forEach((pin, i) => {
      pin.addListener(() => this.pull(i));
      this.pull(i);
    });
  }

  flashCall(k) {
    const r = this.mcu.core.registers;
    if (FLASH_CALLS[k] === 'RE') {
      this.flash.fill(0xff, r[0], r[0] + r[1]); // (offset, count, block size, command)
    } else if (FLASH_CALLS[k] === 'RP') {
      for (let i = 0; i < r[2]; i++) { // (offset, data, count): programming only clears bits
        this.flash[r[0] + i] &= this.mcu.readUint8(r[1] + i);
      }
    } // IF, EX, FC, CX: connect, leave or enter XIP, flush its cache: no state here
  }

  pull(i) {
    // A pin the host does not drive follows its pad's pull (rp2040js leaves it at 0).
    const pin = this.mcu.gpio[i];
    if (this.driven.has(i)) {
      pin.setInputValue(this.driven.get(i));
    } else if (pin.pullupEnabled !== pin.pulldownEnabled) {
      pin.setInputValue(pin.pullupEnabled);
    }
  }

  get nanos() {
    return this.base + this.clock.nanos;
  }

  // -- the host's side ---------------------------------------------------------------
  writeUart(bytes) {
    for (const b of bytes) this.rx.push(b);
    this.feed();
  }

  feed() {
    // Into the 32-byte RX FIFO as the firmware empties it, none lost.
    const uart = this.mcu.uart[0];
    while (this.rx.length && !uart.rxFIFO.full) uart.feedByte(this.rx.shift());
  }

  setAdc(channel, counts) {
    // 12-bit counts (0..4095) the ADC converts on channel (GP26..29 are 0..3).
    this.adc[channel] = Math.max(0, Math.min(4095, Math.round(counts)));
    this.mcu.adc.channelValues[channel] = this.adc[channel];
  }

  setAdcVolts(channel, volts) {
    this.setAdc(channel, (volts / 3.3) * 4095); // ADC_VREF on a Pico: 3.3 V
  }

  setInput(pin, level) {
    // level: true/false drives the pin, null leaves it to its pull again.
    if (level === null) this.driven.delete(pin);
    else this.driven.set(pin, !!level);
    this.pull(pin);
  }

  level(pin) {
    return this.mcu.gpio[pin].outputValue;
  }

  duty(pin) {
    // The PWM duty on pin, 0..1, whether or not the pin is switched to its slice.
    const ch = this.mcu.pwm.channels[(pin >> 1) & 7];
    const cc = pin & 1 ? ch.cc >>> 16 : ch.cc & 0xffff;
    return ch.enable === false ? 0 : Math.min(1, cc / (ch.top + 1));
  }

  reset(cause = 'reset') {
    // The chip restarts with its flash; the watchdog's registers keep why (RP2040
    // datasheet 4.7: scratch survives every reset but power-on).
    const wd = this.mcu.findPeripheral(WATCHDOG);
    const scratch = wd.scratchData.slice();
    this.base += this.clock.nanos;
    this.boot(cause === 'watchdog' ? 1 : cause === 'reset' ? 2 : 0, scratch);
    this.onReset(cause);
  }

  runUntil(nanos) {
    // Runs the chip to emulated time nanos (from the first boot, across resets).
    const { mcu } = this;
    const end = nanos - this.base;
    while (this.clock.nanos < end) {
      if (this.pending) {
        this.reset(this.pending);
        return this.runUntil(nanos);
      }
      if (mcu.core.waiting) {
        const next = this.clock.nanosToNextAlarm;
        this.clock.tick(next > 0 ? Math.min(next, end - this.clock.nanos) : end - this.clock.nanos);
      } else {
        this.clock.tick(mcu.core.executeInstruction() * CYCLE_NS);
      }
      if (this.rx.length) this.feed();
    }
  }
}
