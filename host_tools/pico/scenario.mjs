// glide sim --runtime pico: a scenario played at the emulated Pico's pins
// (host_tools/picosim.py starts it; docs/emulator.md). The chip (pico.mjs) runs the
// unchanged firmware; this world stays outside it, as a bench around a real board
// would: the skin is the voltage the pot divider puts on ADC0, the buttons are levels
// on their GPIOs, commands are bytes on UART0's RX line at 115200 baud, each at a
// fixed emulated time. It reads the LEDs back from the GPIO and PWM registers and
// checks each status line against them.
//
//   node scenario.mjs BOOTROM IMAGE < JOB.json
//
// JOB (picosim.job): {config, open_ohm, pins, readings, duty, and either steps, end_ms,
// frame_ms (a scenario) or code (run over the raw REPL, for glide bench)}. Prints the
// console a line at a time. Exit status 3: an LED disagreed with the log; 1: the code
// raised (its traceback on stderr), or the board never gave a REPL.
import fs from 'node:fs';
import { Pico } from './pico.mjs';
import { Skin, conversion } from './skin.mjs';

const MS = 1000000; // ns
const BYTE_NS = 86806; // a UART byte at 115200 baud: 10 bits of 8.68 us
const NEVER = Number.MAX_SAFE_INTEGER;
const CYCLE_NS = 8; // clk_sys 125 MHz (pico.mjs)
const SILENT_NS = 10000 * MS; // a board that says nothing this long is dead
const WATCHDOG = 0x40058000; // its LOAD (0x04) is written by every wdt.feed(): a tick's end
const TIMER = 0x40054000; // its ALARM0..3 (0x10..0x1c) are armed by every sleep of 1 ms or more

class World {
  constructor(pico, job) {
    this.pico = pico;
    this.job = job;
    this.pins = job.pins;
    this.steps = job.steps || [];
    this.i = 0;
    this.skin = new Skin(job.open_ohm);
    this.release = []; // [t_ms, button] to let go
    this.rx = []; // [ns, byte]: command bytes still to send, at their times
    this.stallNs = 0; // the next conversion takes this long
    this.t0 = 0; // ns of the power-on the scenario's times count from
    this.text = []; // the console's line so far
    this.live = false; // lines go out as the console's
    this.raw = null; // every byte, while exec() sets up
    this.ends = null; // the raw REPL's 0x04s seen, while exec() runs code
    this.err = [];
    this.mismatches = 0;
    this.out = [];
    // The LEDs at the end of each tick, [tick, duty, pos, neg], for the status
    // lines still on their way; ticks counted by the watchdog's feeds.
    this.shown = [];
    this.fed = 0;
    this.slept = 0; // this.fed when the loop last went to sleep
    this.from = 0; // this.slept when the console's current line began
    this.limit = 0; // ns runTo runs to: a skipped spin stops there
    pico.onUart = (b) => this.byte(b);
    pico.onReset = (cause) => {
      if (cause === 'watchdog') this.say('# emulated Pico: watchdog reset');
      this.attach();
    };
    this.attach();
  }

  say(line) {
    this.out.push(line + '\n');
    if (this.out.length > 256) this.flush();
  }

  flush() {
    fs.writeSync(1, this.out.join(''));
    this.out = [];
  }

  ms() {
    return Math.floor((this.pico.nanos - this.t0) / MS);
  }

  attach() {
    // The sensor on a chip fresh from reset: every conversion of the pot's
    // channel reads the skin at that moment, so a live sensor moves read by read.
    const { mcu } = this.pico;
    if (this.job.spin) this.skip(mcu);
    const adc = mcu.adc;
    const channel = this.pins.pot - 26; // ADC0..3 are GP26..29
    adc.onADCRead = (ch) => {
      adc.currentChannel = ch;
      if (ch === channel) adc.channelValues[ch] = conversion(this.job.readings, this.skin.read(this.ms()));
      // A stall: a conversion that hangs the tick, as a blocking call or a
      // long GC would (adc_read() waits for it).
      adc.sampleAlarm.schedule(this.stallNs || adc.sampleTime * 1000);
      this.stallNs = 0;
    };
    // A tick's end and the loop's sleeps, for check(): the tick's LEDs, kept
    // while a line may still be on its way.
    const wd = mcu.findPeripheral(WATCHDOG);
    const feed = wd.writeUint32.bind(wd);
    wd.writeUint32 = (offset, value) => {
      feed(offset, value);
      if (offset === 0x04) this.shown.push([++this.fed, ...this.leds()]);
    };
    const timer = mcu.findPeripheral(TIMER);
    const arm = timer.writeUint32.bind(timer);
    timer.writeUint32 = (offset, value) => {
      arm(offset, value);
      if (offset >= 0x10 && offset <= 0x1c) {
        this.slept = this.fed;
        if (!this.text.length) this.shown = this.shown.slice(-1);
      }
    };
  }

  skip(mcu) {
    // mp_hal_delay_us ends a sleep spinning on the timer until its last ms
    // is up (the part under 1 ms: up to a fifth of a 200 Hz loop's time, as
    // costly to emulate as the firmware's own work). The spin only reads the
    // clock, so it is jumped over here, as a wait for an interrupt is: to the
    // end it waits for, or the next event, when it is at its loop's head
    // with no interrupt pending. Where it leaves is the same µs.
    const { pc, lo, hi } = this.job.spin;
    const { core, clock } = mcu;
    const step = core.executeInstruction.bind(core);
    core.executeInstruction = () => {
      if (core.PC === pc && !core.interruptsUpdated) {
        const until = (core.registers[hi] * 2 ** 32 + core.registers[lo]) * 1000 - clock.nanos;
        const alarm = clock.nanosToNextAlarm;
        const ns = Math.min(until, alarm > 0 ? alarm : until, this.limit - this.pico.nanos);
        if (ns > 0) return ns / CYCLE_NS; // "cycles" of the jump: runUntil ticks them
      }
      return step();
    };
  }

  leds() {
    const { pico, pins } = this;
    return [pico.duty(pins.out), pico.level(pins.pos) ? 1 : 0, pico.level(pins.neg) ? 1 : 0];
  }

  byte(b) {
    this.heard = this.pico.nanos;
    if (this.raw) this.raw.push(b); // the REPL's bytes while exec() talks to it
    if (this.ends !== null && b === 4) {
      // The raw REPL's 0x04 after the code's output, then after its error.
      if (this.text.length) this.byte(10);
      this.ends++;
      return;
    }
    if (this.ends === 1) {
      this.err.push(b);
      return;
    }
    if (this.ends === 2 && b === 62) {
      this.ends++; // the raw REPL's prompt for the next code
      return;
    }
    if (!this.text.length) this.from = this.slept;
    if (b !== 10) {
      this.text.push(b);
      return;
    }
    const line = Buffer.from(this.text).toString('latin1').replace(/\r$/, '');
    this.text = [];
    if (line.startsWith('@skin ')) {
      // glide bench's sensor (emubench._skin), as a scenario's skin step.
      const v = line.slice(6);
      this.skin.set(v === 'open' ? v : Number(v));
    } else if (this.live) {
      this.say(line);
      // The firmware's loop shows the LEDs each tick; glide bench's code drives
      // its controller alone, too.
      if (line.startsWith('S ') && this.job.code === undefined) this.check(line);
    }
  }

  check(line) {
    // A status line's output and phase against the LEDs at the end of the
    // tick that printed it. Its bytes leave in the loop's slack after that
    // tick; a tick that overran leaves no slack, and its lines go out after
    // the next tick. The loop sleeps only with its console drained, so the
    // line was printed in one of the ticks since the last sleep before it
    // began: it must match one of those.
    const f = Object.fromEntries(line.split(' ').slice(1).map((kv) => kv.split('=')));
    const want = this.job.duty[Number(f.out)] / 65535;
    const pol = Number(f.out) ? (f.ph === '1' ? 1 : 2) : 0; // board.show: neg in phase 1
    const { pico, pins } = this;
    const count = 1 / (pico.mcu.pwm.channels[(pins.out >> 1) & 7].top + 1); // the slice's resolution
    let ticks = this.shown.filter(([n]) => n > this.from);
    if (!ticks.length) ticks = [[0, ...this.leds()]];
    const ok = ([, duty, pos, neg]) =>
      Math.abs(duty - want) <= count && pos === pol >> 1 && neg === (pol & 1);
    if (!ticks.some(ok)) {
      const [, duty, pos, neg] = ticks[ticks.length - 1];
      this.mismatches++;
      this.say(`# emulated Pico: LED mismatch at t=${f.t}: out=${f.out} ph=${f.ph} wants duty ` +
        `${want.toFixed(5)} pos=${pol >> 1} neg=${pol & 1}; the pins show duty ${duty.toFixed(5)} ` +
        `pos=${pos} neg=${neg}`);
    }
    this.shown = this.shown.filter(([n]) => n >= this.from);
  }

  send(text, ns) {
    // Bytes onto UART0's RX line from ns on, one every BYTE_NS, after any
    // still on their way.
    const last = this.rx.length ? this.rx[this.rx.length - 1][0] + BYTE_NS : 0;
    for (const b of Buffer.from(text, 'latin1')) {
      ns = Math.max(ns, last);
      this.rx.push([ns, b]);
      ns += BYTE_NS;
    }
  }

  play(t) {
    // Every step due at t (ms since power-on), as scene.Player does.
    const steps = this.steps;
    while (this.i < steps.length && steps[this.i][0] <= t) {
      const [ts, kind, value] = steps[this.i++];
      if (this.skin.step(ts, kind, value)) continue;
      if (kind === 'stall') this.stallNs = value * MS;
      else if (kind === 'mute') {
        // The host stops reading: a UART has no flow control, so the chip
        // sends on and the host's buffer keeps the bytes. Nothing to do.
      } else if (kind === 'reboot') {
        this.say('# emulated Pico: power cycled');
        this.pico.reset('power');
      } else if (kind === 'press') {
        this.pico.setInput(this.pins['btn_' + value[0]], false);
        this.release.push([ts + value[1], value[0]]);
      } else this.send(value + '\n', this.t0 + ts * MS);
    }
    this.release = this.release.filter(([tr, b]) => {
      if (tr > t) return true;
      this.pico.setInput(this.pins['btn_' + b], null); // up: the pull-up again
      return false;
    });
  }

  due() {
    // The next ms at which play has something to do.
    let due = this.i < this.steps.length ? this.steps[this.i][0] : NEVER;
    for (const [tr] of this.release) due = Math.min(due, tr);
    return due;
  }

  frame(t) {
    // The LEDs for glide sim's bars: the output's duty as duty_u16, the pins.
    const { pico, pins } = this;
    const on = (p) => (pico.level(p) ? 1 : 0);
    this.say(`@ t=${t} out=${Math.round(pico.duty(pins.out) * 65535)} pos=${on(pins.pos)} ` +
      `neg=${on(pins.neg)} status=${on(pins.status)}`);
  }

  runTo(ns) {
    // The chip up to ns, the command bytes due on the way going in at their times.
    while (this.rx.length && this.rx[0][0] < ns) {
      const [at, b] = this.rx.shift();
      this.limit = at;
      this.pico.runUntil(at);
      this.pico.writeUart([b]);
    }
    this.limit = ns;
    this.pico.runUntil(ns);
  }

  waitFor(pred, what) {
    // Runs the chip a ms at a time until pred() holds; a board silent too long is dead.
    this.heard = this.pico.nanos;
    while (!pred()) {
      if (this.pico.nanos - this.heard >= SILENT_NS) {
        this.flush();
        const said = Buffer.from((this.raw || this.text).slice(-200)).toString('latin1');
        process.stderr.write(`scenario.mjs: the emulated Pico gave no ${what} (its last words: ` +
          `${JSON.stringify(said)})\n`);
        process.exit(1);
      }
      this.runTo(this.pico.nanos + MS);
    }
  }

  exec(code) {
    // code over the raw REPL (Ctrl-A; the code, Ctrl-D; "OK", its output, 0x04,
    // its error, 0x04, '>'), its output lines going out as they come. Returns
    // the error ('' if none).
    const now = () => this.pico.nanos;
    const ends = (text) => Buffer.from(this.raw.slice(-text.length)).toString('latin1') === text;
    this.raw = [];
    this.send('\r\x03\x03', now());
    this.waitFor(() => ends('>>> '), 'REPL prompt');
    this.send('\x01', now());
    this.waitFor(() => ends('raw REPL; CTRL-B to exit\r\n>'), 'raw REPL');
    this.raw = [];
    this.send(code + '\x04', now());
    this.waitFor(() => this.raw.length >= 2, 'answer to the code');
    if (!ends('OK')) return `the raw REPL refused the code: ${Buffer.from(this.raw).toString('latin1')}`;
    this.raw = null;
    this.text = [];
    this.err = [];
    this.ends = 0;
    this.live = true;
    this.waitFor(() => this.ends > 2, 'end of the code');
    this.live = false;
    this.ends = null;
    return Buffer.from(this.err).toString('latin1');
  }

  scenario() {
    // The board's glide.json and a main.py that starts glide, written over the
    // raw REPL into the flash filesystem; then power-on, which is t=0.
    const files = { 'glide.json': JSON.stringify(this.job.config), 'main.py': 'import glide_main\n' };
    const code = Object.entries(files).map(([name, text]) =>
      `with open(${JSON.stringify(name)}, "w") as f:\n    f.write(${JSON.stringify(text)})\n`).join('');
    const err = this.exec(code);
    if (err) return err;
    this.pico.reset('power');
    this.t0 = this.pico.nanos;
    this.live = true;
    const end = this.t0 + this.job.end_ms * MS;
    const frameMs = this.job.frame_ms;
    let nextFrame = frameMs ? 0 : NEVER;
    let due = 0;
    for (;;) {
      const t = this.ms();
      if (t >= due) {
        this.play(t);
        due = this.due();
      }
      if (t >= nextFrame) {
        if (!this.text.length) this.frame(t); // none amid a line of the console's
        nextFrame = t + frameMs;
      }
      if (this.pico.nanos >= end) break;
      this.runTo(Math.min(end, this.t0 + Math.min(due, nextFrame) * MS));
    }
    if (this.text.length) this.say(Buffer.from(this.text).toString('latin1'));
    this.say('# emulated Pico: scenario over');
    return '';
  }
}

const [bootrom, image] = process.argv.slice(2);
const job = JSON.parse(fs.readFileSync(0, 'utf8'));
const world = new World(new Pico(fs.readFileSync(bootrom), fs.readFileSync(image)), job);
const err = job.code === undefined ? world.scenario() : world.exec(job.code);
world.flush();
if (err) {
  process.stderr.write(err);
  process.exit(1);
}
process.exit(world.mismatches ? 3 : 0);
